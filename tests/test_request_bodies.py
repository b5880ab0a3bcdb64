"""Request bodies are capped: a body declared too large is refused before a byte of it is
read, a body sent in chunks is cut off once it passes the cap, and the check-in API
checks its credential before it reads the body at all."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from tests.conftest import csrf_from
from tests.factories import make_user
from tests.servers import running_server
from tests.tickets.factories import bearer_for, make_event
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.i18n import gettext, use_language
from yoc.settings import Settings
from yoc.web import create_app

MIB = 1024 * 1024
CHUNK = 64 * 1024


class BodyRead(AssertionError):
    """The app asked for the body when it should have answered without it."""


@dataclass
class Exchange:
    """One request made straight to the ASGI app, and what came back."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)
    body: bytes = b""
    bytes_read: int = 0

    @property
    def text(self) -> str:
        return self.body.decode()


async def call(
    app: Any,
    method: str,
    path: str,
    *,
    headers: dict[str, str],
    chunks: int | None = None,
) -> Exchange:
    """Send a request whose body is never read (``chunks`` None: reading it fails the
    test) or is ``chunks`` pieces of 64 KiB sent without a Content-Length."""
    exchange = Exchange()
    sent = 0
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.9", 50000),
        "server": ("testserver", 80),
    }

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if exchange.status:
            return {"type": "http.disconnect"}
        if chunks is None:
            raise BodyRead(f"{method} {path} read a body it should have refused unread")
        sent += 1
        exchange.bytes_read += CHUNK
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": sent < chunks}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            exchange.status = message["status"]
            exchange.headers = {k.decode(): v.decode() for k, v in message["headers"]}
            exchange.cookies = [v.decode() for k, v in message["headers"] if k == b"set-cookie"]
        elif message["type"] == "http.response.body":
            exchange.body += message.get("body", b"")

    await app(scope, receive, send)
    return exchange


async def test_a_json_body_declared_too_large_is_refused_unread_before_authentication(
    app,
) -> None:
    answer = await call(
        app,
        "POST",
        "/api/v1/checkin",
        headers={"content-type": "application/json", "content-length": str(150 * MIB)},
    )

    assert answer.status == 413
    assert answer.headers["content-type"] == "application/json"
    assert b'"error":"too_large"' in answer.body


async def test_a_form_declared_too_large_is_refused_unread_in_the_visitors_language(app) -> None:
    answer = await call(
        app,
        "POST",
        "/login",
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "content-length": str(2 * MIB),
            "accept-language": "es",
        },
    )

    assert answer.status == 413
    with use_language("es"):
        message = gettext("What you sent is too large. Please go back and send less.")
    assert message != "What you sent is too large. Please go back and send less."
    assert message in answer.text


async def test_a_chunked_form_is_cut_off_once_it_passes_the_cap(app) -> None:
    answer = await call(
        app,
        "POST",
        "/login",
        headers={"content-type": "application/x-www-form-urlencoded"},
        chunks=100,  # 6.25 MiB
    )

    assert answer.status == 413
    assert answer.bytes_read <= app.state.settings.max_body_bytes + CHUNK


async def test_a_chunked_json_body_is_cut_off_once_it_passes_the_cap(app) -> None:
    headers = await bearer_for(await make_user(role=Role.STAFF))

    answer = await call(
        app,
        "POST",
        "/api/v1/checkin",
        headers={"content-type": "application/json", **headers},
        chunks=2400,  # 150 MiB, were it all read
    )

    assert answer.status == 413
    assert answer.bytes_read <= app.state.settings.max_body_bytes + CHUNK


def test_the_caps_are_settings() -> None:
    defaults = Settings.from_env({})
    chosen = Settings.from_env({"YOC_MAX_BODY_BYTES": "2048", "YOC_MAX_UPLOAD_BYTES": "4096"})

    assert (defaults.max_body_bytes, defaults.max_upload_bytes) == (MIB, 6 * MIB)
    assert (chosen.max_body_bytes, chosen.max_upload_bytes) == (2048, 4096)


@pytest.mark.parametrize(
    "path", ["/me/photo", "/staff/curriculum/activities/7/attachment"], ids=["photo", "attachment"]
)
async def test_a_file_upload_may_be_larger_than_other_bodies_but_is_capped_too(app, path) -> None:
    settings = app.state.settings
    within = settings.max_body_bytes + MIB
    assert within < settings.max_upload_bytes

    declared_big = await call(
        app,
        "POST",
        path,
        headers={
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(settings.max_upload_bytes + 1),
        },
    )
    sent_in_chunks = await call(
        app,
        "POST",
        path,
        headers={"content-type": "multipart/form-data; boundary=x"},
        chunks=within // CHUNK,
    )

    assert declared_big.status == 413
    # Read in full (it is under the photo's cap), then refused for its missing CSRF token.
    assert sent_in_chunks.status == 403
    assert sent_in_chunks.bytes_read == within


async def test_checkin_with_a_wrong_door_code_is_refused_before_its_body_is_read(app) -> None:
    event = await make_event()
    await Event.filter(id=event.id).update(door_code="K7M4QX9P")

    wrong = await call(
        app,
        "POST",
        "/api/v1/checkin",
        headers={
            "content-type": "application/json",
            "content-length": "900000",
            "authorization": "Bearer door_WRONGCODE",
        },
    )

    assert wrong.status == 403
    assert b'"error":"forbidden"' in wrong.body


async def test_checkin_with_a_token_of_someone_not_staff_is_refused_before_its_body_is_read(
    app,
) -> None:
    headers = await bearer_for(await make_user(role=Role.MEMBER))

    answer = await call(
        app,
        "POST",
        "/api/v1/checkin",
        headers={"content-type": "application/json", "content-length": "900000", **headers},
    )

    assert answer.status == 403


async def test_a_form_field_too_large_for_the_form_is_too_large_not_expired(client) -> None:
    """Under the photo's cap, but one text field larger than a form's field may be: the
    visitor is told it is too large, not that the form expired."""
    page = await client.get("/login")  # any page: a session and its CSRF token
    token = csrf_from(page.text)

    response = await client.post(
        "/me/photo",
        data={"csrf_token": token, "note": "x" * (2 * MIB)},
        files={"photo": ("me.png", b"\x89PNG", "image/png")},
        headers={"accept-language": "es"},
    )

    assert response.status_code == 413
    with use_language("es"):
        assert gettext("What you sent is too large. Please go back and send less.") in (
            response.text
        )


async def test_a_body_that_stops_arriving_is_answered_and_let_go(settings) -> None:
    """A client that sends part of a body and then nothing (a stalled phone, or someone
    holding connections open) gets 408 once no byte came for the idle time."""
    app = create_app(replace(settings, body_idle_seconds=0.2))
    exchange = Exchange()
    first = True

    async def receive() -> dict[str, Any]:
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b"email=ana%40", "more_body": True}
        await asyncio.Event().wait()  # never more
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            exchange.status = message["status"]
            exchange.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            exchange.body += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/login",
        "raw_path": b"/login",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"1000"),
            (b"accept-language", b"es"),
        ],
        "client": ("203.0.113.9", 50000),
        "server": ("testserver", 80),
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=30)

    assert exchange.status == 408
    assert exchange.headers.get("connection") == "close"
    with use_language("es"):
        message = gettext("What you were sending stopped arriving. Please try again.")
    assert message != "What you were sending stopped arriving. Please try again."
    assert message in exchange.body.decode()


def test_the_idle_time_is_a_setting() -> None:
    assert Settings.from_env({}).body_idle_seconds == 20
    assert Settings.from_env({"YOC_BODY_IDLE_SECONDS": "5"}).body_idle_seconds == 5


def test_a_real_server_lets_go_of_a_stalled_upload(database_url) -> None:
    with running_server(database_url, YOC_BODY_IDLE_SECONDS="1") as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as conn:
            conn.sendall(
                b"POST /login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 1000\r\n\r\nemail=ana"
            )
            answer = b""
            while chunk := conn.recv(65536):  # the server closes the connection
                answer += chunk

    assert answer.startswith(b"HTTP/1.1 408 ")
