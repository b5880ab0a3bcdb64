"""Helpers for thin routes: the current user, forms, rendering, redirects, guards."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlparse

from markupsafe import Markup
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from yoc import ratelimit
from yoc.cache import TTLCache
from yoc.errors import DomainError, TooManyRequests, ValidationFailed
from yoc.forms import refuse_nul
from yoc.i18n import N_, gettext
from yoc.middleware import CSRF_FIELD, Session
from yoc.permissions import Action, TokenScope, can
from yoc.roles import Role
from yoc.security import csrf_token

if TYPE_CHECKING:
    from yoc.accounts.models import User

Endpoint = Callable[[Request], Awaitable[Response]]


class IdConvertor(Convertor[int]):
    """``{name:id}`` in a route: a row id. Up to nine digits, so that a longer number is
    no match (404) instead of a number the database refuses to look up (a 500)."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


def session(request: Request) -> Session:
    return request.scope["yoc.session"]


def current_user(request: Request) -> User | None:
    return request.scope.get("user")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def form_data(request: Request) -> dict[str, str]:
    """The posted form's text fields (files left out); a NUL byte in any is refused."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    refuse_nul(values)
    return values


def flash(request: Request, message: str, category: str = "success") -> None:
    session(request).flash(category, message)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths, so a link cannot send someone to another site after login."""
    if not target:
        return default
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


class FormErrors(dict[str, str]):
    """The message of each field of a form shown again, read by the page's fields
    (``errors.get(name)``). Each field the page draws tells where it is (``place``), so
    that the error summary, drawn first in the page but rendered after the fields (see
    base.html), links every message to its field, in the order of the page."""

    def __init__(self, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(fields or {})
        self.places: dict[str, tuple[str, str]] = {}

    def place(self, name: str, element_id: str, label: str) -> str:
        """Say that the field ``name`` is drawn as ``element_id`` with ``label``."""
        if name in self and name not in self.places:
            self.places[name] = (element_id, label)
        return ""

    def summary(self) -> list[tuple[str, str | None, str | None]]:
        """(message, element id, label) of every error: the fields drawn, in the order of
        the page, then any message that no field took."""
        drawn = [(self[name], at, label) for name, (at, label) in self.places.items()]
        rest = [(message, None, None) for name, message in self.items() if name not in self.places]
        return drawn + rest


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    templates = request.app.state.templates
    # Every form page starts empty; render_form fills these in after a failed post.
    full = {"values": {}, "error": None, **(context or {})}
    full["errors"] = FormErrors(full.get("errors"))
    return templates.TemplateResponse(request, name, full, status_code=status_code)


def render_part(
    request: Request, name: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> HTMLResponse:
    """A piece of a page (``name`` extends nothing) that a script puts in place. Drawn
    without the page's context, so a message waiting for the next page stays there."""
    template = request.app.state.templates.env.get_template(name)
    return HTMLResponse(template.render(context), headers=headers)


def render_form(
    request: Request,
    name: str,
    *,
    values: dict[str, Any],
    error: DomainError,
    context: dict[str, Any] | None = None,
    keep_passwords: bool = False,
) -> Response:
    """Show a form again with what the person typed and a message per field, summed up
    first on the page. Passwords are typed again unless ``keep_passwords`` (a form that
    chooses a new one, which is long to type twice on a phone)."""
    fields = error.translated_fields() if isinstance(error, ValidationFailed) else {}
    general = fields.pop("__all__", None) or error.translated()
    kept = {
        k: v
        for k, v in values.items()
        if k != "csrf_token" and (keep_passwords or "password" not in k)
    }
    response = render(
        request,
        name,
        {**(context or {}), "values": kept, "errors": fields, "error": general},
        status_code=error.status_code if error.status_code != 404 else 400,
    )
    if keep_passwords:
        response.headers["Cache-Control"] = "no-store"
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


async def limit_mail(request: Request, kind: str, to: str) -> None:
    """Count an email of ``kind`` that this request is about to send to ``to``; raises
    TooManyEmails past the limits per address and per client (yoc.ratelimit)."""
    state = request.app.state
    await ratelimit.count_mail(
        state.rate_limiter, state.settings, kind=kind, to=to, ip=client_ip(request)
    )


async def may_look_up(request: Request, kind: str) -> bool:
    """Whether this request may say something of an address it does not email (see
    ``ratelimit.may_look_up``); counted against the client's limit for ``kind``."""
    state = request.app.state
    return await ratelimit.may_look_up(
        state.rate_limiter, state.settings, kind=kind, ip=client_ip(request)
    )


# Stands in a shared page for each visitor's own CSRF token (the token is 64 hex digits,
# so it cannot occur in a page by chance, and neither can this).
_TOKEN_SLOT = b"\x00csrf-token\x00"


def shared_page_allowed(request: Request) -> bool:
    """Whether this visitor sees the same page as every anonymous visitor: nobody signed
    in, no message waiting for them, no query string."""
    return (
        request.method == "GET"
        and current_user(request) is None
        and not session(request).flashes
        and not request.url.query
    )


async def render_shared(
    request: Request, key: tuple, build: Callable[[], Awaitable[Response]]
) -> Response:
    """A public page rendered once per language and shared by anonymous visitors for up
    to ``settings.public_page_seconds``; each visitor still gets their own CSRF token.
    Signed-in visitors, and anyone with a message waiting, get a page of their own."""
    if not shared_page_allowed(request):
        return await build()
    generation = await request.app.state.page_generation.current()
    if generation is None:
        return await build()
    pages = request.app.state.public_pages
    key = (*key, request.scope["language"], generation)
    token = csrf_token(request.app.state.settings.secret_key, session(request).ensure_key())
    shared = pages.get(key)
    if shared is None:
        building = pages.building.get(key)
        if building is None:
            return await _build_shared(request, pages, key, token, build)
        # Someone is rendering it right now: wait for that copy rather than also querying
        # (when a copy expires under load, every request at that moment would miss).
        shared = await asyncio.shield(building)
        if shared is None:
            return await build()
    return HTMLResponse(shared.replace(_TOKEN_SLOT, token.encode()))


async def _build_shared(
    request: Request, pages, key: tuple, token: str, build: Callable[[], Awaitable[Response]]
) -> Response:
    future: asyncio.Future = asyncio.get_running_loop().create_future()
    pages.building[key] = future
    body = None
    try:
        response = await build()
        if response.status_code == 200 and isinstance(response, HTMLResponse):
            body = response.body.replace(token.encode(), _TOKEN_SLOT)
            pages.set(key, body)
        return response
    finally:
        del pages.building[key]
        future.set_result(body)


async def cached_fragment(
    request: Request,
    cache: TTLCache,
    name: str,
    key: tuple,
    context: Callable[[], Awaitable[dict[str, Any]]],
) -> Markup:
    """The template ``name`` rendered once and kept under ``key`` (plus the language).

    The key must name everything the fragment shows, including the stamp of the data it
    comes from (see yoc.cache), so that a changed key is the only invalidation needed and
    no worker can serve an old copy. Nothing in the fragment may depend on who looks.
    """
    key = (name, *key, request.scope["language"])
    html = cache.get(key)
    if html is None:
        template = request.app.state.templates.env.get_template(name)
        # The template escapes what it shows (autoescape is on), so its output is markup.
        html = Markup(template.render(await context()))  # noqa: S704
        cache.set(key, html)
    return html


# Set on a request whose change shows on public pages; ``AnnounceChanges`` (yoc.middleware)
# tells every process before the answer leaves.
PAGES_CHANGED = "yoc.pages_changed"


def forget_shared_pages(request: Request) -> None:
    """After staff change what public pages show, this process stops serving old copies
    at once; so do all others once the answer leaves, with Redis (yoc.cache.RedisGeneration),
    or within ``settings.public_page_seconds`` without it."""
    request.app.state.public_pages.clear()
    request.scope[PAGES_CHANGED] = True


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/login?next={quote(target)}")


def login_required(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        if current_user(request) is None:
            return login_redirect(request)
        return await endpoint(request)

    return guarded


def requires(action: Action) -> Callable[[Endpoint], Endpoint]:
    """Signed out: to the sign-in page. Signed in without the right: 403."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                return login_redirect(request)
            if not can(user, action):
                return error_page(request, 403)
            return await endpoint(request)

        return guarded

    return decorate


def member_required(endpoint: Endpoint) -> Endpoint:
    """Signed out: to the sign-in page. Signed in with another role, which has no member
    pages of its own: 403."""

    @login_required
    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        if current_user(request).role != Role.MEMBER:
            return error_page(request, 403)
        return await endpoint(request)

    return guarded


# Irreversible actions --------------------------------------------------------------

# The field a confirmation page's button sends: without it, an irreversible action only
# shows that page.
CONFIRM_FIELD = "confirm"


@dataclass
class Confirmation:
    """What the page before an irreversible action says: the question, what will happen
    in plain words, the button that does it, and where "cancel" goes back to."""

    title: str
    consequences: list[str]
    button: str
    cancel_url: str
    details: list[tuple[str, str]] = field(default_factory=list)


Describe = Callable[[Request, dict[str, str]], Awaitable["Confirmation | Response"]]


def confirm_first(
    describe: Describe, *, needed: Callable[[Request, dict[str, str]], bool] | None = None
) -> Callable[[Endpoint], Endpoint]:
    """An irreversible action asks first, on a page of its own that works without
    JavaScript: opening the action's address (a link), or posting to it without the
    ``confirm`` field (an old form, a first tap), shows what will happen, with a button
    that posts it again confirmed and a link back. Only the confirmed post acts.

    ``describe(request, values)`` says what the page says, or answers itself (a
    redirect with a message when the action cannot be done); ``needed(values)`` whether
    this request needs asking at all (making someone an admin, not another role)."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            if request.method == "GET":
                items = list(request.query_params.multi_items())
            else:
                form = await request.form()
                items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            refuse_nul(dict(items))
            values = dict(items)
            asked = needed is None or needed(request, values)
            if request.method != "GET" and (values.get(CONFIRM_FIELD) == "yes" or not asked):
                return await endpoint(request)
            if not asked:
                return error_page(request, 404)  # nothing here asks to be confirmed
            answer = await describe(request, values)
            if isinstance(answer, Response):
                return answer
            # What the form sent goes along with the confirmation, never a password.
            carried = [
                (name, value)
                for name, value in items
                if name not in (CSRF_FIELD, CONFIRM_FIELD) and "password" not in name
            ]
            return render(
                request,
                "confirm_action.html",
                {"confirmation": answer, "action": request.url.path, "carried": carried},
            )

        return guarded

    return decorate


ERROR_TITLES = {
    400: N_("That request did not work"),
    403: N_("You do not have access to this page"),
    404: N_("We could not find that page"),
    405: N_("That request did not work"),
    413: N_("That is too much to send at once"),
    429: N_("Please slow down"),
    500: N_("Something went wrong on our side"),
}


def error_page(request: Request, status_code: int, message: str | None = None) -> Response:
    name = f"errors/{status_code}.html" if status_code in (403, 404, 500) else "errors/error.html"
    return render(
        request,
        name,
        {
            "status_code": status_code,
            "message": message,
            "title": gettext(ERROR_TITLES.get(status_code, ERROR_TITLES[400])),
        },
        status_code=status_code,
    )


# JSON API ---------------------------------------------------------------------


def api_error(
    status_code: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        {"error": code, "message": message, **extra}, status_code=status_code, headers=headers
    )


def api_domain_error(error: DomainError) -> JSONResponse:
    extra: dict[str, Any] = {}
    if isinstance(error, ValidationFailed):
        extra["fields"] = error.translated_fields()
    return api_error(error.status_code, error.code, error.translated(), **extra)


def api_public(endpoint: Endpoint) -> Endpoint:
    """A JSON endpoint anyone may call. Nothing to check: it marks the endpoint as public
    (its domain errors become JSON answers in the app's exception handlers, like all)."""
    return endpoint


def api_requires(action: Action) -> Callable[[Endpoint], Endpoint]:
    """A JSON endpoint for a role: 401 without a token, 403 without the right."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @api_auth
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            if not can(current_user(request), action):
                return api_error(403, "forbidden", gettext("Your account cannot do this."))
            return await endpoint(request)

        return guarded

    return decorate


def api_auth(endpoint: Endpoint) -> Endpoint:
    """The JSON API: a bearer token is required (401 without one), whose scope allows
    the request (403): reading for GET, writing for anything else."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        if current_user(request) is None:
            return api_error(
                401,
                "unauthenticated",
                gettext("Send an API token: Authorization: Bearer <token>."),
                headers={"WWW-Authenticate": "Bearer"},
            )
        needed = TokenScope.READ if request.method in ("GET", "HEAD") else TokenScope.WRITE
        if not token_allows(request, needed):
            return scope_refused()
        return await endpoint(request)

    return guarded


def token_allows(request: Request, needed: TokenScope) -> bool:
    """Whether the request's API token may do ``needed`` (its owner's role aside)."""
    scope = request.scope.get("yoc.token_scope")
    return scope is not None and TokenScope(scope).allows(needed)


def scope_refused() -> JSONResponse:
    return api_error(403, "insufficient_scope", gettext("This token may not do this."))
