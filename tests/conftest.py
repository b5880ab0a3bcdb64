"""Shared fixtures: a real database (SQLite, or PostgreSQL with --database-url), the app
with its lifespan, an HTTP client, and a real SMTP server."""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import re
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from tortoise import connections

from tests.databases import copy_migrated_postgres, copy_migrated_sqlite, run_folder
from yoc import security
from yoc.db import normalise_url
from yoc.settings import Settings
from yoc.web import create_app

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-url",
        default="",
        help="run against this database instead of a temporary SQLite file",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Each test process gets its own PostgreSQL database (the given one's name with the
    process's id: ``test_gw0``, or ``test_main`` without pytest-xdist) and, under
    pytest-xdist (``make test`` runs two processes), its own Redis database, so one
    process's emptying and counting never meets the other's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    number = int(worker.removeprefix("gw") or 0)
    if number > 7:
        raise pytest.UsageError("run the tests in at most 8 processes (-n 8)")
    if worker:
        os.environ.setdefault("YOC_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - number}")
    url = config.getoption("--database-url")
    if url:
        config.option.database_url = _process_database(url, worker or "main")
        _KEPT.append(_KeptConnection(config.option.database_url))


def pytest_unconfigure(config: pytest.Config) -> None:
    while _KEPT:
        _KEPT.pop().close()


def _process_database(url: str, worker: str) -> str:
    """The URL of this process's database on the server of ``url``, created empty if it
    does not exist yet (the ``database_url`` fixture fills it)."""
    import asyncpg

    parts = urlsplit(normalise_url(url).replace("asyncpg://", "postgres://", 1))
    name = f"{parts.path.lstrip('/')}_{worker}"

    async def create() -> None:
        conn = await asyncpg.connect(parts.geturl())
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return parts._replace(path=f"/{name}").geturl()


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashing() -> Iterator[None]:
    """argon2id at its production cost takes a fifth of a second and 64 MiB for each
    hash and each check, on purpose; in this process's tests, that was most of the time
    of a test that signs someone in. Here the same argon2id hashes at a low cost (as
    Django's documentation advises for tests). The app in its own process (the browser
    journeys' servers, the `yoc` command, the installed app) keeps the production cost,
    and ``test_cli_user_and_token_and_demo`` checks the hash it stores."""
    with pytest.MonkeyPatch.context() as patch:
        quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        patch.setattr(security, "_hasher", quick)
        yield


@pytest.fixture(scope="session", autouse=True)
def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    run_folder(tmp_path_factory)


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with every migration applied, once per test process: a copy of the
    run's migrated database (``tests/databases.py``)."""
    url = request.config.getoption("--database-url")
    if url:
        name = urlsplit(normalise_url(url)).path.lstrip("/")
        return copy_migrated_postgres(url, name)
    # A test's commits need not wait for the disk: nothing here outlives the run.
    return copy_migrated_sqlite(tmp_path_factory.mktemp("db") / "test.sqlite3") + "?synchronous=OFF"


@pytest.fixture(scope="session")
def server_url(request: pytest.FixtureRequest) -> str:
    """The database server under test, for a test that makes databases of its own there
    (``tests/ops_databases.py``): the PostgreSQL one given, else SQLite files."""
    return request.config.getoption("--database-url") or "sqlite://"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        base_url="http://testserver",
        run_jobs_in_process=False,
    )


# PostgreSQL's tables and the sequences of their ids, read once per database.
_PG_TABLES: dict[str, list[tuple[str, str]]] = {}
PG_TABLES_AND_SEQUENCES = """
SELECT t.tablename AS name, s.relname AS seq
FROM pg_tables t
LEFT JOIN pg_class c ON c.relname = t.tablename AND c.relkind = 'r'
LEFT JOIN pg_depend d ON d.refobjid = c.oid AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
WHERE t.schemaname = 'public' AND t.tablename <> 'tortoise_migrations'
"""


async def _empty_postgres_tables(conn: asyncpg.Connection) -> None:
    """Only the tables a test wrote to, and the ids it used, start again: truncating all
    seventy tables after every test cost a few hundred milliseconds each time. One query
    finds the tables holding rows and the sequences that moved; those rows go with the
    foreign keys' triggers off (the test's superuser may; otherwise, TRUNCATE them all)."""
    key = await conn.fetchval("SELECT current_database()")
    if key not in _PG_TABLES:
        rows = await conn.fetch(PG_TABLES_AND_SEQUENCES)
        _PG_TABLES[key] = sorted({(r["name"], r["seq"] or "") for r in rows if r["name"]})
    tables = _PG_TABLES[key]
    checks = [
        f"SELECT 't:{t}' AS k WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in {t for t, _ in tables}
    ]
    checks += [f"SELECT 's:{q}' AS k FROM \"{q}\" WHERE is_called" for _, q in tables if q]
    used = {r["k"] for r in await conn.fetch(" UNION ALL ".join(checks))}
    written = sorted(k[2:] for k in used if k.startswith("t:"))
    moved = sorted(k[2:] for k in used if k.startswith("s:"))
    if not written and not moved:
        return
    script = "".join(f'ALTER SEQUENCE "{q}" RESTART;' for q in moved)
    if written:
        deletes = "".join(f'DELETE FROM "{t}";' for t in written)
        script += f"SET session_replication_role = replica;{deletes}"
        script += "SET session_replication_role = DEFAULT;"
    try:
        await conn.execute(script)
    except asyncpg.PostgresError:  # not a superuser, or a test changed the tables
        _PG_TABLES.pop(key, None)
        await conn.execute("SET session_replication_role = DEFAULT")
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'tortoise_migrations'"
        )
        names = ", ".join(f'"{r["tablename"]}"' for r in rows)
        if names:
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


class _KeptConnection:
    """One connection to this process's PostgreSQL database for the whole run, on an
    event loop of its own in a thread (each test has its own loop, and a connection
    cannot outlive the loop it was made on). Each test's app talks to PostgreSQL through
    new connections, whose catalog caches start cold: there, finding which of seventy
    tables and sequences a test used took about 18 ms; on this one, under 2 ms.
    A test that ends every connection to the database (``tests/test_outage.py``) ends
    this one too; the next use makes it again."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.database = urlsplit(url).path.lstrip("/")
        self._conn: asyncpg.Connection | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    async def run(self, work: Callable[[asyncpg.Connection], Awaitable[None]]) -> None:
        """``work(connection)`` on the kept connection, once more on a new one if the
        kept one was ended."""

        async def on_its_loop() -> None:
            if self._conn is not None and not self._conn.is_closed():
                try:
                    return await work(self._conn)
                except _ENDED:  # ended from outside since the last use
                    self._conn.terminate()
            self._conn = await asyncpg.connect(self.url)
            await work(self._conn)

        future = asyncio.run_coroutine_threadsafe(on_its_loop(), self._loop)
        await asyncio.wrap_future(future)

    def close(self) -> None:
        async def close() -> None:
            if self._conn is not None:
                await self._conn.close()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


# What asyncpg raises on a connection that the server has ended.
_ENDED = (
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    OSError,
)
# This process's kept connection, when the tests run on PostgreSQL.
_KEPT: list[_KeptConnection] = []


async def _empty_tables() -> None:
    conn = connections.get("default")
    if conn.capabilities.dialect != "postgres":
        await _empty_sqlite_tables(conn)
    elif _KEPT and conn.database == _KEPT[0].database:
        await _KEPT[0].run(_empty_postgres_tables)
    else:
        async with conn.acquire_connection() as raw:
            await _empty_postgres_tables(raw)


_SQLITE_TABLES: list[str] = []


async def _empty_sqlite_tables(conn) -> None:
    """Only the tables holding rows are emptied, in one transaction: a DELETE of each of
    seventy tables, each its own commit, cost tens of milliseconds after every test."""
    try:
        written = await _sqlite_tables_with_rows(conn)
    except Exception:  # a test made or dropped a table: read them again
        _SQLITE_TABLES.clear()
        written = await _sqlite_tables_with_rows(conn)
    if written:
        await conn.execute_script(
            "PRAGMA foreign_keys = OFF; BEGIN;"
            + "".join(f'DELETE FROM "{t}";' for t in written)
            + "COMMIT; PRAGMA foreign_keys = ON;"
        )


async def _sqlite_tables_with_rows(conn) -> list[str]:
    if not _SQLITE_TABLES:
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name <> 'tortoise_migrations'"
        )
        _SQLITE_TABLES.extend(sorted(r["name"] for r in rows))
    checks = " UNION ALL ".join(
        f"SELECT '{t}' AS name WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in _SQLITE_TABLES
    )
    return [r["name"] for r in await conn.execute_query_dict(checks)]


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator:
    """The app with its lifespan running, on a database emptied for this test."""
    application = create_app(settings)
    async with LifespanManager(application):
        await _empty_tables()
        yield application


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with ``settings`` (another database, say), its lifespan running, and a
    client for it; for a test that uses neither ``app`` nor ``client``."""
    application = create_app(settings)
    async with (
        LifespanManager(application),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://testserver"
        ) as c,
    ):
        yield c


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        yield c


async def until(condition, *, within: float) -> None:
    """Wait until ``condition()`` (awaitable or not) is true; fail after ``within`` s."""
    async with asyncio.timeout(within):
        while True:
            result = condition()
            if await result if asyncio.iscoroutine(result) else result:
                return
            await asyncio.sleep(0.02)


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, page: str, data: dict[str, str], *, action: str | None = None
) -> httpx.Response:
    """Open ``page`` like a browser, then submit its form with the page's CSRF token."""
    response = await client.get(page)
    return await client.post(action or page, data={**data, "csrf_token": csrf_from(response.text)})


CONFIRM_PAGE_RE = re.compile(
    r'<section class="card narrow confirm-action">.*?<form method="post" action="([^"]+)">'
    r"(.*?)</form>",
    re.S,
)


def confirmation_form(page: httpx.Response) -> tuple[str, dict[str, list[str]]]:
    """The form of the page an irreversible action shows first (yoc.http.confirm_first):
    where its button posts, and the fields it sends."""
    assert page.status_code == 200, page.text[:2000]
    match = CONFIRM_PAGE_RE.search(page.text)
    assert match, "not a confirmation page"
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match.group(2)
    ):
        fields.setdefault(html.unescape(name), []).append(html.unescape(value))
    return html.unescape(match.group(1)), fields


async def confirm(client: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    """Press the button of an irreversible action's confirmation page."""
    action, fields = confirmation_form(page)
    assert fields.get("confirm") == ["yes"]
    return await client.post(action, data=fields)


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    return response


def client_from(app, ip: str, **headers: str) -> httpx.AsyncClient:
    """A browser of its own (its own cookies) at the client address ``ip``."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(ip, 50000)),
        base_url="http://testserver",
        headers=headers,
    )


SIGNUP_LINK_RE = re.compile(r"http://testserver(/signup/confirm/[A-Za-z0-9_\-]+)")


async def signup_link(email: str) -> str:
    """The confirmation link of the last sign-up with ``email``, from the outbox."""
    from yoc.mail import OutboxMessage

    message = (
        await OutboxMessage.filter(template="signup_confirm", to_email=email)
        .order_by("-id")
        .first()
    )
    assert message is not None, f"no sign-up confirmation was sent to {email}"
    match = SIGNUP_LINK_RE.search(message.body_text)
    assert match, "the message has no confirmation link"
    return match.group(1)


async def confirm_signup(client: httpx.AsyncClient, email: str) -> httpx.Response:
    """Open the emailed link and press its button, as the new member does."""
    link = await signup_link(email)
    page = await client.get(link)
    assert page.status_code == 200, page.text
    return await client.post(link, data={"csrf_token": csrf_from(page.text)})


# Mail --------------------------------------------------------------------------


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def text_of(self, msg: EmailMessage) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SlowMailbox(Mailbox):
    """A mail server that takes ``seconds`` to accept each message, as a busy one does."""

    seconds: float = 0.2

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)


@contextlib.contextmanager
def serving_mail(mailbox: Mailbox) -> Iterator[str]:
    """Serve ``mailbox`` over SMTP (aiosmtpd) on a free port; yield the server's URL."""
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, str]]:
    """A real SMTP server (aiosmtpd) on a free port; yields the mailbox and its URL."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()
