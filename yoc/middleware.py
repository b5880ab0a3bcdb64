"""ASGI middleware: request context and logging, sessions and language, body size, CSRF.

All of it is plain ASGI (no BaseHTTPMiddleware), so context variables set here, such
as the language, reach the endpoint, and nothing buffers a response.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yoc import i18n
from yoc.security import csrf_valid, new_token
from yoc.settings import Settings

log = logging.getLogger("yoc.request")

SESSION_COOKIE = "yoc_session"
LANG_COOKIE = "lang"
CSRF_FIELD = "csrf_token"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Give each request an id, and log it once with its status and duration.

    An unexpected error is logged here with its traceback and answered by ``on_error``
    (a friendly page), and not raised further, so the server does not log it twice.
    An error that says the database is away (``unavailable(error)``) is logged as that,
    in one line, and answered by ``on_unavailable`` (a 503). A client that went away
    before it was answered is logged as that too (status 499, as nginx calls it): it is
    not a server error.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        on_error: ASGIApp,
        on_unavailable: ASGIApp | None = None,
        unavailable: Callable[[BaseException], bool] = lambda error: False,
    ) -> None:
        self.app = app
        self.on_error = on_error
        self.on_unavailable = on_unavailable or on_error
        self.unavailable = unavailable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            log.info("client disconnected", extra=_request_fields(scope, request_id, 499, started))
            return
        except Exception as error:
            if self.unavailable(error):
                fields = _request_fields(scope, request_id, 503, started)
                fields["error"] = f"{type(error).__name__}: {error}"[:300]
                log.warning("database unavailable", extra=fields)
                if not started_response:
                    await self.on_unavailable(scope, receive, send_with_id)
                return
            log.exception("request failed", extra=_request_fields(scope, request_id, 500, started))
            if not started_response:
                await self.on_error(scope, receive, send_with_id)
            return
        if not started_response:
            # Nobody answered and nothing failed: the request stopped because its client
            # went away before its body arrived (a form's CSRF check stops so).
            log.info("client disconnected", extra=_request_fields(scope, request_id, 499, started))
            return
        log.info("request", extra=_request_fields(scope, request_id, status, started))


# Path parameters that are secrets (a reset or consent token, a ticket's secret, an
# order's or a calendar's key): whoever reads the log must not be able to use them.
SECRET_PATH_PARAMS = frozenset({"token", "key", "secret"})


def loggable_path(scope: Scope) -> str:
    """The request's path with the secrets the matched route took from it left out."""
    path = scope["path"]
    for name, value in (scope.get("path_params") or {}).items():
        if name in SECRET_PATH_PARAMS and isinstance(value, str) and value:
            path = path.replace(value, "[redacted]")
    return path


def _request_fields(scope: Scope, request_id: str, status: int, started: float) -> dict:
    return {
        "request_id": request_id,
        "method": scope["method"],
        "path": loggable_path(scope),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }


class JsonLogFormatter(logging.Formatter):
    FIELDS = ("request_id", "method", "path", "status", "duration_ms", "error")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class TextLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if hasattr(record, "request_id"):
            text = (
                f"{text} {record.method} {record.path} {record.status} "  # type: ignore[attr-defined]
                f"{record.duration_ms}ms id={record.request_id}"  # type: ignore[attr-defined]
            )
        return text


@dataclass
class Session:
    """What the session cookie carries: a random key, sign-in state and flashes."""

    key: str | None = None
    authenticated: bool = False
    flashes: list[tuple[str, str]] = field(default_factory=list)
    # A door volunteer's grant (its key; the grant itself is a row on the server).
    door_grant: str | None = None
    # A sign-in waiting for its second step: (user id, when the password was right, in
    # seconds since the epoch). No session exists until the second step is done.
    second_step: tuple[int, int] | None = None
    dirty: bool = False

    def ensure_key(self) -> str:
        if not self.key:
            self.key = new_token()
            self.dirty = True
        return self.key

    def rotate(self, *, authenticated: bool) -> str:
        """A new key at every sign-in and sign-out, so an old cookie is worth nothing."""
        self.key = new_token()
        self.authenticated = authenticated
        self.second_step = None
        self.dirty = True
        return self.key

    def await_second_step(self, user_id: int, at: int) -> None:
        self.second_step = (user_id, at)
        self.dirty = True

    def flash(self, category: str, message: str) -> None:
        self.flashes.append((category, message))
        self.dirty = True

    def pop_flashes(self) -> list[tuple[str, str]]:
        flashes, self.flashes = self.flashes, []
        if flashes:
            self.dirty = True
        return flashes


# The signed-in user for a session key, or None; for an API token, the user and the
# token's scope, or None: the accounts services, handed in by the app factory (core
# code names no domain).
# The live session row for a session key (its ``user`` loaded), or None.
SessionLookup = Callable[[str], Awaitable[Any]]
TokenLookup = Callable[[str], Awaitable[tuple[Any, str] | None]]


class SessionMiddleware:
    """Read the session cookie (or an API token), find the user, choose the language."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        session_for_key: SessionLookup,
        user_for_api_token: TokenLookup,
    ) -> None:
        self.app = app
        self.settings = settings
        self.session_for_key = session_for_key
        self.user_for_api_token = user_for_api_token
        self.serializer = URLSafeSerializer(settings.secret_key, salt="session")
        secure = "; Secure" if settings.https else ""
        self.cookie_attrs = f"Path=/; HttpOnly; SameSite=Lax{secure}"

    def _load(self, raw: str | None) -> Session:
        if not raw:
            return Session()
        try:
            data = self.serializer.loads(raw)
        except BadSignature:
            return Session(dirty=True)
        return Session(
            key=data.get("k"),
            authenticated=bool(data.get("a")),
            flashes=[tuple(f) for f in data.get("f", [])],
            # An older cookie held an event id here: it grants nothing now.
            door_grant=data["d"] if isinstance(data.get("d"), str) else None,
            second_step=tuple(data["2"]) if data.get("2") else None,
        )

    def _cookie(self, session: Session) -> str:
        if not session.key:
            return f"{SESSION_COOKIE}=; {self.cookie_attrs}; Max-Age=0"
        payload = {"k": session.key}
        if session.authenticated:
            payload["a"] = 1
        if session.flashes:
            payload["f"] = session.flashes
        if session.door_grant:
            payload["d"] = session.door_grant
        if session.second_step:
            payload["2"] = list(session.second_step)
        value = self.serializer.dumps(payload)
        max_age = self.settings.session_max_age
        return f"{SESSION_COOKIE}={value}; {self.cookie_attrs}; Max-Age={max_age}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a mangled cookie header is just no cookie
            cookies = SimpleCookie()
        session = self._load(cookies[SESSION_COOKIE].value if SESSION_COOKIE in cookies else None)
        user = signed_in = None
        if scope["path"].startswith("/api/"):
            auth = headers.get("authorization", "")
            token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
            if token.startswith("door_"):
                # A door code works as a token for checking tickets in, and nothing else.
                scope["door_code"] = token[5:]
            elif token and (found := await self.user_for_api_token(token)):
                # The scope is checked per request, with the role (yoc.http.api_auth).
                user, scope["yoc.token_scope"] = found
        elif session.authenticated and session.key:
            signed_in = await self.session_for_key(session.key)
            if signed_in is None:
                # Signed out elsewhere, expired, idle too long or deactivated: start afresh,
                # quietly.
                session.rotate(authenticated=False)
            else:
                user = signed_in.user
        scope["yoc.session"] = session
        scope["yoc.signed_in"] = signed_in
        scope["user"] = user
        cookie_lang = cookies[LANG_COOKIE].value if LANG_COOKIE in cookies else None
        language = i18n.negotiate(
            user_language=user.language if user else None,
            cookie_language=cookie_lang,
            accept_language=headers.get("accept-language"),
        )
        scope["language"] = language
        token = i18n.set_language(language)
        i18n.set_timezone(self.settings.timezone)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.dirty:
                MutableHeaders(scope=message).append("set-cookie", self._cookie(session))
                session.dirty = False
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            i18n.reset_language(token)


class DetourMiddleware:
    """Send a signed-in browser to one page, and nowhere else, until ``needed(session row)``
    is false: a staff member who must set up two-factor sign-in does that first.

    The pages on the way (``allowed`` path prefixes: the detour itself, signing out,
    the language switch, static files) stay open; the JSON API is not a browser's.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        needed: Callable[[Any], bool],
        target: str,
        allowed: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.needed = needed
        self.target = target
        self.allowed = (target, "/api/", "/static/", *allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        signed_in = scope.get("yoc.signed_in") if scope["type"] == "http" else None
        if (
            signed_in is None
            or scope["path"].startswith(self.allowed)
            or not self.needed(signed_in)
        ):
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [(b"location", self.target.encode()), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})


class NulGuardMiddleware:
    """Refuse a request with a NUL byte in its address, its query string or a header
    before any route sees it: nothing stored holds one, and PostgreSQL refuses even to
    compare text that does. ``on_refused`` answers, told where by ``scope["yoc.nul_in"]``
    ("path", "query" or "header"). NUL bytes in a body are refused where forms and JSON
    bodies are read (yoc.forms.refuse_nul)."""

    def __init__(self, app: ASGIApp, *, on_refused: ASGIApp) -> None:
        self.app = app
        self.on_refused = on_refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (where := nul_in(scope)):
            scope["yoc.nul_in"] = where
            await self.on_refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


def nul_in(scope: Scope) -> str | None:
    """Where the request carries a NUL byte, if anywhere."""
    if "\x00" in scope["path"]:
        return "path"
    if b"%00" in scope.get("query_string", b"") or b"\x00" in scope.get("query_string", b""):
        return "query"
    if any(b"\x00" in name or b"\x00" in value for name, value in scope.get("headers", ())):
        return "header"
    return None


# A Content-Length: plain digits (a longer number is too large whatever it says).
_LENGTH = re.compile(r"[0-9]{1,15}")


class BodyTooLarge(Exception):
    """The request's body grew past the limit while it was being read."""


class BodyStalled(Exception):
    """No byte of the request's body arrived for the idle time."""


class BodyLimitMiddleware:
    """Refuse a request body over ``limit`` bytes (``larger[pattern]`` for the few paths
    that take a file: a regular expression the whole path matches) with ``on_too_large``
    (a 413), and one that stops arriving for ``idle`` seconds with ``on_stalled`` (a 408,
    closing the connection).

    A declared Content-Length over the limit is refused before a byte of the body is
    read; a body sent in chunks is counted as it is read, and reading stops as soon as it
    passes the limit, whoever is reading it (the CSRF check, a form, a JSON parser). The
    idle time applies between pieces of the body, so a slow phone sending a photo is let
    finish while a client that sends nothing more is let go.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        larger: Mapping[str, int] | None = None,
        idle: float,
        on_too_large: ASGIApp,
        on_stalled: ASGIApp,
    ) -> None:
        self.app = app
        self.limit = limit
        self.larger = [(re.compile(pattern), size) for pattern, size in (larger or {}).items()]
        self.idle = idle
        self.on_too_large = on_too_large
        self.on_stalled = on_stalled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = next((size for p, size in self.larger if p.fullmatch(path)), self.limit)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and not (_LENGTH.fullmatch(declared) and int(declared) <= limit):
            await self.on_too_large(scope, receive, send)
            return
        received = 0
        complete = False
        started = False

        async def counted() -> Message:
            nonlocal received, complete
            if complete:  # only the disconnect is left to wait for, however long
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.idle)
            except TimeoutError:
                raise BodyStalled from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except (BodyTooLarge, BodyStalled) as refused:
            if started:
                raise
            answer = self.on_too_large if isinstance(refused, BodyTooLarge) else self.on_stalled
            await answer(scope, receive, send)


class CSRFMiddleware:
    """Refuse a state-changing form post whose token does not match the session.

    The JSON API is exempt: it authenticates with a bearer token, which a browser never
    sends on its own. Webhooks are exempt: they are verified by their own signature.
    """

    EXEMPT_PREFIXES = ("/api/", "/payments/stripe/webhook")

    def __init__(self, app: ASGIApp, *, settings: Settings, on_failure: ASGIApp) -> None:
        self.app = app
        self.settings = settings
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in {"GET", "HEAD", "OPTIONS"}
            or scope["path"].startswith(self.EXEMPT_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            # BodyLimitMiddleware, further out, stops a body that grows too large.
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
        submitted = await _submitted_token(scope, bytes(body))
        session: Session = scope["yoc.session"]
        if not csrf_valid(self.settings.secret_key, session.key, submitted):
            scope["csrf_failed"] = True
            await self.on_failure(scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


# Starlette's multipart parser's words for a form past its limits on a field's size or
# the number of fields or files.
_OVER_FORM_LIMITS = re.compile(r"(Part|Field) exceeded maximum size|Too many (fields|files)")


async def _submitted_token(scope: Scope, body: bytes) -> str | None:
    headers = Headers(scope=scope)
    if token := headers.get("x-csrf-token"):
        return token
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        sent = False

        async def once() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(scope, once).form()
        except (HTTPException, MultiPartException) as error:
            # Inside the app Starlette turns the parser's error into a 400 with its words.
            words = error.detail if isinstance(error, HTTPException) else str(error)
            if _OVER_FORM_LIMITS.match(str(words)):
                raise BodyTooLarge from error  # a field too large, or too many of them
            return None  # a body that is not the multipart it says: no token in it
        try:
            value = form.get(CSRF_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


class AnnounceChanges:
    """When the endpoint marked the request with ``flag`` (a change that other processes
    must hear of), run ``announce`` before the response starts: whoever gets the answer,
    and whatever they do next, finds every process told."""

    def __init__(self, app: ASGIApp, *, flag: str, announce: Callable[[], Awaitable[None]]) -> None:
        self.app = app
        self.flag = flag
        self.announce = announce

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def announced(message: Message) -> None:
            if message["type"] == "http.response.start" and scope.pop(self.flag, False):
                await self.announce()
            await send(message)

        await self.app(scope, receive, announced)
