"""The application factory: routes, middleware, templates and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sys
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import Receive, Scope, Send
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.exceptions import ValidationError as OrmValidationError

from yoc import jobs, privacy_notice
from yoc.accounts import admin_routes, session_routes, sessions, twofactor_routes
from yoc.accounts import routes as account_routes
from yoc.accounts import services as accounts
from yoc.api import routes as api_routes
from yoc.cache import LocalGeneration, PageGeneration, RedisGeneration, TTLCache
from yoc.curriculum import api as curriculum_api
from yoc.curriculum import assignment_routes as curriculum_assignment_routes
from yoc.curriculum import routes as curriculum_routes
from yoc.curriculum import staff_routes as curriculum_staff_routes
from yoc.db import quiet_while_away, tortoise_config
from yoc.db import unavailable as db_unavailable
from yoc.errors import DomainError, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from yoc.events import routes as event_routes
from yoc.events import staff_routes as event_staff_routes
from yoc.family import routes as family_routes
from yoc.http import (
    PAGES_CHANGED,
    api_domain_error,
    api_error,
    current_user,
    error_page,
    login_redirect,
    session,
)
from yoc.i18n import DEFAULT_LANGUAGE, N_, gettext, negotiate, use_language
from yoc.impact import routes as impact_routes
from yoc.impact import staff_routes as impact_staff_routes
from yoc.members import api as member_api
from yoc.members import consent_routes as member_consent_routes
from yoc.members import routes as member_routes
from yoc.members import staff_routes as member_staff_routes
from yoc.members.services import standing
from yoc.metrics import Metrics, MetricsMiddleware, mail_and_worker_figures
from yoc.metrics import routes as metrics_routes
from yoc.middleware import (
    CSRF_FIELD,
    LANG_COOKIE,
    AnnounceChanges,
    BodyLimitMiddleware,
    CSRFMiddleware,
    DetourMiddleware,
    JsonLogFormatter,
    NulGuardMiddleware,
    RequestContextMiddleware,
    SessionMiddleware,
    TextLogFormatter,
)
from yoc.pages import routes as page_routes
from yoc.participation import mentor_routes as participation_mentor_routes
from yoc.participation import routes as participation_routes
from yoc.payments import routes as payment_routes
from yoc.payments.providers import Payments
from yoc.permissions import Action, can
from yoc.ratelimit import DatabaseRateLimiter, RateLimiter, RedisRateLimiter
from yoc.roles import Role
from yoc.security import STRIPE_CHECKOUT_ORIGIN, SecurityHeadersMiddleware, csrf_token
from yoc.settings import PROJECT_DIR, Settings
from yoc.soapbox import api as soapbox_api
from yoc.soapbox import public_routes as soapbox_public_routes
from yoc.soapbox import routes as soapbox_routes
from yoc.soapbox import staff_routes as soapbox_staff_routes
from yoc.templating import environment
from yoc.tickets import api as ticket_api
from yoc.tickets import door_offline_routes, door_routes, waitlist_routes
from yoc.tickets import routes as ticket_routes
from yoc.tickets import staff_routes as ticket_staff_routes
from yoc.tickets.services import reports as ticket_reports
from yoc.volunteers import routes as volunteer_routes
from yoc.volunteers import staff_routes as volunteer_staff_routes

log = logging.getLogger("yoc")


def configure_logging(settings: Settings) -> None:
    quiet_while_away()
    root = logging.getLogger("yoc")
    if getattr(root, "_yoc_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    if settings.production:
        handler.setFormatter(JsonLogFormatter())
    else:
        handler.setFormatter(TextLogFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
    root._yoc_configured = True  # type: ignore[attr-defined]


async def _signed_in(key: str, *, settings: Settings):
    """The session row of a signed-in browser. For a member, it also notes whether member
    features are open to them yet, so that the menu offers only what they can use."""
    found = await sessions.active_session(key, settings=settings)
    if found is not None and found.user.role == Role.MEMBER:
        found.user.features_open = await standing.features_open(found.user)
    return found


def _template_context(request: Request) -> dict:
    sess = session(request)
    settings: Settings = request.app.state.settings
    user = current_user(request)
    return {
        "user": user,
        # A member waiting for consent or approval is offered no feature that refuses them.
        "member_features": bool(getattr(user, "features_open", False)),
        "can": lambda action: can(user, Action(action)),
        "csrf_token": lambda: csrf_token(settings.secret_key, sess.ensure_key()),
        "csrf_field": CSRF_FIELD,
        "flashes": sess.pop_flashes(),
        "language": request.scope.get("language", "en"),
        "request_id": request.state.request_id if hasattr(request.state, "request_id") else "",
        "current_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        # How to reach the team (YOC_CONTACT_EMAIL, YOC_CONTACT_PHONE): links, as HTML.
        "contact": privacy_notice.contact_links(
            settings.contact_email, settings.contact_phone, settings.contact_phone_uri
        ),
    }


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if _is_api(request):
        codes = {404: "not_found", 405: "method_not_allowed"}
        return api_error(
            status,
            codes.get(status, "error"),
            gettext("Not found.") if status == 404 else gettext("That request did not work."),
        )
    return error_page(request, status)


# Domain errors that no route answered itself. Starlette runs these handlers between the
# app's middleware and the routes, so the session, the user and the visitor's language are
# still in place (unlike _server_error below, which runs outside them).


async def _not_found(request: Request, exc: NotFound) -> Response:
    """404. The page says only that there is no such page, never what was looked up:
    services answer "not found" for records the visitor may not see, too."""
    return api_domain_error(exc) if _is_api(request) else error_page(request, 404)


async def _permission_denied(request: Request, exc: PermissionDenied) -> Response:
    """403 with the reason; on a page, like ``requires``, a signed-out visitor is sent to
    sign in first."""
    if _is_api(request):
        return api_domain_error(exc)
    if current_user(request) is None:
        return login_redirect(request)
    return error_page(request, 403, exc.translated())


async def _domain_error(request: Request, exc: DomainError) -> Response:
    """Any other domain error, on a GET or a POST: the error's own status (Conflict 409,
    ValidationFailed 422, a plain DomainError 400) and its message. A route that answers
    differently (a form shown again with the person's input, a flash message, a 404 that
    hides something) catches the error itself; the JSON API gets ``api_domain_error``."""
    response = (
        api_domain_error(exc)
        if _is_api(request)
        else error_page(request, exc.status_code, exc.translated())
    )
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _orm_refused(request: Request, exc: OrmValidationError) -> Response:
    """The last resort for a value that the input rules let through and a model field
    refuses (too long for its column, say): the caller's mistake, so a 422, not a 500.
    Logged, as the input rule that should have caught it is missing."""
    log.warning("a value reached the database that its field refuses: %s", exc)
    return await _domain_error(
        request, ValidationFailed({"__all__": N_("This value is not valid.")})
    )


async def _server_error(scope: Scope, receive: Receive, send: Send) -> None:
    # The session middleware has already put the language back: set it again, so the
    # page is in the visitor's language like every other.
    with use_language(scope.get("language", DEFAULT_LANGUAGE)):
        await _server_error_page(scope, receive, send)


async def _server_error_page(scope: Scope, receive: Receive, send: Send) -> None:
    request = Request(scope, receive)
    if request.url.path.startswith("/api/"):
        response = api_error(
            500,
            "server_error",
            gettext("Something went wrong on our side. Please try again."),
            request_id=request.state.request_id,
        )
    elif "yoc.session" not in scope:
        # The failure came before the session was read: a page without the account menu.
        response = PlainTextResponse(
            gettext("Something went wrong on our side. Please try again."), status_code=500
        )
    else:
        response = error_page(request, 500)
    await response(scope, receive, send)


# How long a visitor is asked to wait while the database is away (a restart takes
# seconds; a browser or a client library may retry after this).
RETRY_AFTER_SECONDS = 30


async def _database_unavailable(scope: Scope, receive: Receive, send: Send) -> None:
    """503 while the database is away: a calm page (or JSON) in the visitor's language,
    made without the database or the session, since either may be what failed."""
    request = Request(scope, receive)
    language = scope.get("language") or negotiate(
        user_language=None,
        cookie_language=request.cookies.get(LANG_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    with use_language(language):
        if _is_api(request):
            response: Response = api_error(
                503,
                "database_unavailable",
                gettext("The service is briefly unavailable. Please try again in a moment."),
                headers=headers,
                request_id=request.state.request_id,
            )
        else:
            page = environment().get_template("errors/unavailable.html")
            html = page.render(language=language, current_path=request.url.path)
            response = HTMLResponse(html, status_code=503, headers=headers)
    await response(scope, receive, send)


async def _csrf_failed(scope: Scope, receive: Receive, send: Send) -> None:
    request = Request(scope, receive)
    response = error_page(
        request,
        403,
        gettext(
            "This form has expired or was sent from another site. "
            "Please go back, reload the page and try again."
        ),
    )
    await response(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    request = Request(scope, receive)
    if _is_api(request):
        response = api_error(413, "too_large", gettext("The request body is too large."))
    else:
        response = error_page(
            request, 413, gettext("What you sent is too large. Please go back and send less.")
        )
    await response(scope, receive, send)


async def _stalled(scope: Scope, receive: Receive, send: Send) -> None:
    request = Request(scope, receive)
    message = gettext("What you were sending stopped arriving. Please try again.")
    if _is_api(request):
        response = api_error(408, "body_stalled", message)
    else:
        response = error_page(request, 408, message)
    response.headers["connection"] = "close"
    await response(scope, receive, send)


async def _nul_refused(scope: Scope, receive: Receive, send: Send) -> None:
    """A NUL byte in the address names nothing (404); in the query string or a header it
    makes a request nobody could mean (400)."""
    request = Request(scope, receive)
    status = 404 if scope["yoc.nul_in"] == "path" else 400
    if _is_api(request):
        response = api_error(
            status,
            "not_found" if status == 404 else "bad_request",
            gettext("Not found.") if status == 404 else gettext("That request did not work."),
        )
    else:
        response = error_page(request, status)
    await response(scope, receive, send)


# The paths that take a file, and so a body larger than a form's (regular expressions
# the whole path matches): a profile photo, an activity's attachment.
UPLOAD_PATHS = ("/me/photo", r"/staff/curriculum/activities/[0-9]{1,9}/attachment")


def _checkout_origins(settings: Settings) -> tuple[str, ...]:
    """Where placing a card order may send the buyer: Stripe's checkout page (or the
    stand-in's, when ``stripe_api_base`` points elsewhere)."""
    if not settings.stripe_enabled:
        return ()
    origins = [STRIPE_CHECKOUT_ORIGIN]
    if settings.stripe_api_base:
        base = urlsplit(settings.stripe_api_base)
        origins.append(f"{base.scheme}://{base.netloc}")
    return tuple(origins)


def create_app(
    settings: Settings | None = None,
    *,
    rate_limiter: RateLimiter | None = None,
    payments: Payments | None = None,
) -> Starlette:
    settings = settings or Settings.from_env()
    settings.check()
    configure_logging(settings)
    if rate_limiter is None:
        rate_limiter = (
            RedisRateLimiter(settings.redis_url) if settings.redis_url else DatabaseRateLimiter()
        )
    page_generation: PageGeneration = (
        RedisGeneration(settings.redis_url) if settings.redis_url else LocalGeneration()
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            worker = None
            if settings.run_jobs_in_process:
                worker = asyncio.create_task(
                    jobs.run_forever(settings, interval=settings.jobs_interval)
                )
            try:
                yield
            finally:
                if worker:
                    worker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await worker
                if isinstance(rate_limiter, RedisRateLimiter):
                    await rate_limiter.close()
                await page_generation.close()

    routes = [
        *page_routes,
        *account_routes.routes,
        *twofactor_routes.routes,
        *session_routes.routes,
        *admin_routes.routes,
        *member_routes.routes,
        *member_staff_routes.routes,
        *member_consent_routes.routes,
        *family_routes.routes,
        *curriculum_routes.routes,
        *curriculum_staff_routes.routes,
        *curriculum_assignment_routes.routes,
        *participation_routes.routes,
        *participation_mentor_routes.routes,
        *soapbox_routes.routes,
        *soapbox_staff_routes.routes,
        *soapbox_public_routes.routes,
        *volunteer_routes.routes,
        *volunteer_staff_routes.routes,
        *event_routes.routes,
        *event_staff_routes.routes,
        *ticket_routes.routes,
        *ticket_staff_routes.routes,
        *door_offline_routes.routes,
        *door_routes.routes,
        *waitlist_routes.routes,
        *impact_routes.routes,
        *impact_staff_routes.routes,
        *payment_routes.routes,
        *api_routes.routes,
        *member_api.routes,
        *curriculum_api.routes,
        *ticket_api.routes,
        *soapbox_api.routes,
        *metrics_routes,
        Mount("/static", StaticFiles(directory=PROJECT_DIR / "static"), name="static"),
    ]
    metrics = Metrics(
        token=settings.metrics_token,
        sources=[ticket_reports.site_figures, mail_and_worker_figures],
    )
    middleware = [
        # Outermost, so that every answer carries the headers, the 500 page too.
        Middleware(
            SecurityHeadersMiddleware,
            https=settings.https,
            form_targets=_checkout_origins(settings),
        ),
        # Outside the request context, so that it times and counts the 500 page too.
        Middleware(MetricsMiddleware, metrics=metrics),
        Middleware(
            RequestContextMiddleware,
            on_error=_server_error,
            on_unavailable=_database_unavailable,
            unavailable=db_unavailable,
        ),
        Middleware(
            SessionMiddleware,
            settings=settings,
            session_for_key=functools.partial(_signed_in, settings=settings),
            user_for_api_token=accounts.user_for_api_token,
        ),
        Middleware(NulGuardMiddleware, on_refused=_nul_refused),
        # Where two-factor sign-in is required, a session without it sets it up first.
        Middleware(
            DetourMiddleware,
            needed=functools.partial(sessions.needs_second_factor, settings=settings),
            target="/account/two-factor",
            allowed=("/account/confirm", "/logout", "/language"),
        ),
        Middleware(
            BodyLimitMiddleware,
            limit=settings.max_body_bytes,
            larger=dict.fromkeys(UPLOAD_PATHS, settings.max_upload_bytes),
            idle=settings.body_idle_seconds,
            on_too_large=_too_large,
            on_stalled=_stalled,
        ),
        Middleware(CSRFMiddleware, settings=settings, on_failure=_csrf_failed),
        # A change to public pages reaches every process before its answer leaves.
        Middleware(AnnounceChanges, flag=PAGES_CHANGED, announce=page_generation.advance),
    ]
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            HTTPException: _http_error,
            NotFound: _not_found,
            PermissionDenied: _permission_denied,
            DomainError: _domain_error,
            OrmValidationError: _orm_refused,
        },
    )
    app.state.settings = settings
    app.state.rate_limiter = rate_limiter
    app.state.metrics = metrics
    app.state.public_pages = TTLCache(settings.public_page_seconds)
    app.state.page_generation = page_generation
    # Fragments kept under the stamp of their data (yoc.cache): a change anywhere makes a
    # new key, so the time limit only lets unused copies go. A group's grid is about a
    # quarter of a megabyte, hence the small number of them.
    app.state.grid_fragments = TTLCache(600, max_entries=32)
    app.state.learning_fragments = TTLCache(600, max_entries=1024)
    app.state.payments = payments or Payments.from_settings(settings)
    app.state.templates = Jinja2Templates(env=environment(), context_processors=[_template_context])
    return app
