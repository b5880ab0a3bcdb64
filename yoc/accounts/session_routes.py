"""The account's sessions: ending one, or every other, and "confirm it's you"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.accounts import sessions
from yoc.accounts.guards import CODE_FIELD, PASSWORD_FIELD, confirm_identity, confirm_page
from yoc.errors import DomainError
from yoc.http import current_user, flash, form_data, login_required, redirect, safe_next, session
from yoc.i18n import gettext, ngettext


@login_required
async def confirm(request: Request) -> Response:
    """Prove who you are (the password, or a code from the app), then go on to ``next``."""
    values = await form_data(request) if request.method == "POST" else {}
    next_url = safe_next(values.get("next") or request.query_params.get("next"), "/account")
    if request.method == "GET":
        return await confirm_page(request, action="/account/confirm", carried=[], next_url=next_url)
    try:
        await confirm_identity(
            request, password=values.get(PASSWORD_FIELD, ""), code=values.get(CODE_FIELD, "")
        )
    except DomainError as error:
        return await confirm_page(
            request, action="/account/confirm", carried=[], next_url=next_url, error=error
        )
    return redirect(next_url)


@login_required
async def end_session(request: Request) -> Response:
    await sessions.end_session_of(current_user(request), request.path_params["id"])
    flash(request, gettext("That device is signed out."))
    return redirect("/account#sessions")


@login_required
async def end_other_sessions(request: Request) -> Response:
    ended = await sessions.end_other_sessions(
        current_user(request), current_key=session(request).key
    )
    flash(
        request,
        ngettext(
            "You are signed out on %(num)d other device.",
            "You are signed out on %(num)d other devices.",
            ended,
        ),
    )
    return redirect("/account#sessions")


routes = [
    Route("/account/confirm", confirm, methods=["GET", "POST"], name="accounts:confirm"),
    Route(
        "/account/sessions/{id:id}/end", end_session, methods=["POST"], name="accounts:end_session"
    ),
    Route(
        "/account/sessions/end-others",
        end_other_sessions,
        methods=["POST"],
        name="accounts:end_other_sessions",
    ),
]
