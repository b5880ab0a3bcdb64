"""A database outage is answered calmly (503, Retry-After, a page in the visitor's
language, one log line), and the app recovers by itself; a client that goes away is
logged as that, not as a server error."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.conftest import _empty_tables, log_in, serving, until
from tests.factories import PASSWORD, make_user
from tests.servers import free_port
from yoc.db import normalise_url
from yoc.settings import Settings


class Switch:
    """A TCP proxy in front of PostgreSQL that the test turns off (every connection cut,
    new ones refused, as while PostgreSQL restarts) and on again, on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def on(self) -> None:
        self.server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def off(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()
        self.server = None

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers |= {writer, up_writer}

        async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))


@pytest.fixture
async def postgres_switch(database_url: str) -> AsyncIterator[tuple[Switch, str]]:
    """The switch, on, and the database URL through it."""
    if not normalise_url(database_url).startswith("asyncpg://"):
        pytest.skip("the outage is a PostgreSQL server going away")
    url = urlsplit(database_url)
    switch = Switch(url.hostname or "127.0.0.1", url.port or 5432)
    await switch.on()
    through = url._replace(netloc=f"{url.username}@127.0.0.1:{switch.port}")
    try:
        yield switch, urlunsplit(through)
    finally:
        if switch.server is not None:
            await switch.off()


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def saying(self, message: str) -> list[logging.LogRecord]:
        return [r for r in self.records if r.getMessage() == message]


@pytest.fixture
def request_log() -> Iterator[Kept]:
    """What the app logs about requests, kept here (its own log handler stays)."""
    logger = logging.getLogger("yoc.request")
    kept, level = Kept(), logger.level
    logger.addHandler(kept)
    logger.setLevel(logging.INFO)
    try:
        yield kept
    finally:
        logger.removeHandler(kept)
        logger.setLevel(level)


async def test_an_outage_is_answered_calmly_and_the_app_recovers(
    settings: Settings, postgres_switch, request_log, caplog
) -> None:
    switch, url = postgres_switch
    caplog.set_level(logging.INFO)
    async with serving(settings.with_(database_url=url)) as client:
        await _empty_tables()
        await make_user(email="ana@example.org", language="es")
        await log_in(client, "ana@example.org", PASSWORD)
        assert (await client.get("/dashboard")).status_code == 200

        await switch.off()
        # Signed in: the session is looked up first, and that fails.
        page = await client.get("/dashboard", headers={"Accept-Language": "es"})
        client.cookies.clear()
        anonymous = await client.get("/events", headers={"Accept-Language": "es"})
        api = await client.get("/api/v1/events", headers={"Accept-Language": "en"})
        failed = request_log.saying("database unavailable")
        server_errors = request_log.saying("request failed")

        await switch.on()
        back = await client.get("/events")

    for answer in (page, anonymous):
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "30"
        assert answer.headers["content-type"].startswith("text/html")
        assert "Volveremos en un momento" in answer.text
        assert "Something went wrong" not in answer.text and "Traceback" not in answer.text
    assert api.status_code == 503
    assert api.headers["retry-after"] == "30"
    assert api.json() == {
        "error": "database_unavailable",
        "message": "The service is briefly unavailable. Please try again in a moment.",
        "request_id": api.headers["x-request-id"],
    }
    assert [(r.path, r.status, r.levelname, r.exc_info) for r in failed] == [
        ("/dashboard", 503, "WARNING", None),
        ("/events", 503, "WARNING", None),
        ("/api/v1/events", 503, "WARNING", None),
    ]
    assert server_errors == []
    # Nothing else logs a traceback for it either (the driver's pool, say).
    assert [(r.name, r.getMessage()) for r in caplog.records if r.exc_info] == []
    assert back.status_code == 200


async def test_connections_ended_by_the_server_are_replaced(
    settings: Settings, database_url: str, request_log
) -> None:
    """PostgreSQL ends every connection (as a restart does). A pooled connection that
    was idle fails its next query: that request gets the calm 503, never a 500, and the
    pool replaces the connection, with nobody restarting the app."""
    if not normalise_url(database_url).startswith("asyncpg://"):
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    async with serving(settings) as client:
        await _empty_tables()
        assert (await client.get("/events")).status_code == 200
        admin = await asyncpg.connect(normalise_url(database_url).replace("asyncpg", "postgres"))
        try:
            ended = await admin.fetchval(
                # Only this test database's connections, chosen before any is ended.
                "WITH app AS MATERIALIZED (SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()) "
                "SELECT array_agg(pid) FROM app WHERE pg_terminate_backend(pid)"
            )

            async def all_gone() -> bool:
                query = "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)"
                return await admin.fetchval(query, ended) == 0

            await until(all_gone, within=30)
        finally:
            await admin.close()
        statuses = []
        # At most one failed request per pooled connection (Tortoise's pool holds 5).
        for _ in range(6):
            statuses.append((await client.get("/events")).status_code)
            if statuses[-1] != 503:
                break

    assert len(ended) >= 1
    assert statuses[-1] == 200
    assert set(statuses[:-1]) <= {503}
    assert len(request_log.saying("database unavailable")) == len(statuses) - 1
    assert request_log.saying("request failed") == []


async def _send_and_vanish(app, method: str, path: str, headers: dict[str, str]) -> list[dict]:
    """Start a request whose body never comes: the client has gone away."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        # The JSON API reads the body in the route.
        ("/api/v1/events/the-hue/orders", {"content-type": "application/json"}),
        # A form's body is read first to check its CSRF token.
        ("/login", {"content-type": "application/x-www-form-urlencoded"}),
    ],
)
async def test_a_client_that_goes_away_is_logged_as_such(app, request_log, path, headers) -> None:
    await _send_and_vanish(app, "POST", path, {**headers, "content-length": "100"})

    logged = request_log.records
    assert [(r.getMessage(), r.status, r.levelname, r.exc_info) for r in logged] == [
        ("client disconnected", 499, "INFO", None)
    ]
