"""The guard of sensitive actions (role changes, deletions, refunds, door codes), for the
route modules of every domain that has them: the person proved who they are within the
last ``settings.reauth_seconds``, or does so now."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from yoc.accounts import sessions, twofactor
from yoc.errors import DomainError, ValidationFailed
from yoc.http import (
    Endpoint,
    api_error,
    current_user,
    login_redirect,
    redirect,
    render,
    render_form,
    session,
)
from yoc.i18n import N_, gettext
from yoc.middleware import CSRF_FIELD
from yoc.security import verify_password

if TYPE_CHECKING:
    from yoc.accounts.models import User

PASSWORD_FIELD = "confirm_password"
CODE_FIELD = "confirm_code"
CONFIRM_HEADER = "x-confirm-code"
WRONG_PASSWORD = N_("That password is not right.")


async def confirm_identity(request: Request, *, password: str, code: str) -> None:
    """Check the password or a code from the app, throttled per account, and renew the
    session: a new key, and the time of this proof."""
    user: User = current_user(request)
    settings = request.app.state.settings
    await twofactor.check_code_rate(
        request.app.state.rate_limiter, settings, user_id=user.id, purpose="confirm"
    )
    second_factor = bool(code.strip()) and await twofactor.is_enabled(user)
    if second_factor:
        await twofactor.verify(user, code, settings=settings)
    elif password:
        ok, _ = verify_password(user.password_hash, password)
        if not ok:
            raise ValidationFailed({PASSWORD_FIELD: WRONG_PASSWORD}, code="wrong_password")
    else:
        raise ValidationFailed({PASSWORD_FIELD: N_("Enter your password.")}, code="missing")
    signed_in = request.scope["yoc.signed_in"]
    await sessions.renew(
        signed_in, new_key=session(request).rotate(authenticated=True), second_factor=second_factor
    )


async def confirm_page(
    request: Request,
    *,
    action: str,
    carried: list[tuple[str, str]],
    next_url: str = "",
    error: DomainError | None = None,
) -> Response:
    """The "confirm it's you" form, carrying what the person typed in the form before."""
    context = {
        "action": action,
        "carried": carried,
        "next": next_url,
        "has_two_factor": await twofactor.is_enabled(current_user(request)),
        "minutes": request.app.state.settings.reauth_seconds // 60,
    }
    if error is None:
        return render(request, "accounts/confirm.html", context)
    response = render_form(
        request, "accounts/confirm.html", values={}, error=error, context=context
    )
    if isinstance(error, twofactor.TooManyCodes):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def recent_sign_in_required(
    endpoint: Endpoint | None = None, *, when: Callable[[Request], bool] | None = None
):
    """A sensitive action (only when ``when(request)``, if given). Without a recent proof,
    a page asks for one (``/account/confirm``, then back), and a form post is answered
    with the "confirm it's you" form, which sends the post again with the proof."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            if current_user(request) is None:
                return login_redirect(request)
            settings = request.app.state.settings
            if (when is not None and not when(request)) or sessions.is_recent(
                request.scope.get("yoc.signed_in"), settings
            ):
                return await endpoint(request)
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.method == "GET":
                return redirect(f"/account/confirm?next={quote(target)}")
            form = await request.form()
            # What the person typed goes along, but never a password (nor the old token).
            carried = [
                (name, value)
                for name, value in form.multi_items()
                if isinstance(value, str)
                and "password" not in name
                and name not in (CSRF_FIELD, CODE_FIELD)
            ]
            if PASSWORD_FIELD not in form and CODE_FIELD not in form:
                return await confirm_page(request, action=target, carried=carried)
            try:
                await confirm_identity(
                    request,
                    password=str(form.get(PASSWORD_FIELD, "")),
                    code=str(form.get(CODE_FIELD, "")),
                )
            except DomainError as error:
                return await confirm_page(request, action=target, carried=carried, error=error)
            return await endpoint(request)

        return guarded

    return decorate(endpoint) if endpoint is not None else decorate


def api_confirmation_required(endpoint: Endpoint) -> Endpoint:
    """A sensitive action through the JSON API: an API token lives long and proves no one
    is there, so the request also carries a current code from the token owner's
    authenticator app in the ``X-Confirm-Code`` header."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        user = current_user(request)
        settings = request.app.state.settings
        if not await twofactor.is_enabled(user):
            return api_error(
                403,
                "two_factor_required",
                gettext(
                    "This needs two-factor sign-in: turn it on from your account page, "
                    "or do this on the website."
                ),
            )
        code = request.headers.get(CONFIRM_HEADER, "")
        if not code:
            return api_error(
                401,
                "confirmation_required",
                gettext(
                    "Send a current code from your authenticator app in the X-Confirm-Code header."
                ),
                headers={"WWW-Authenticate": 'Bearer error="insufficient_user_authentication"'},
            )
        await twofactor.check_code_rate(
            request.app.state.rate_limiter, settings, user_id=user.id, purpose="confirm"
        )
        try:
            await twofactor.verify_app_code(user, code, settings=settings)
        except twofactor.TwoFactorError as error:
            return api_error(401, error.code, error.translated())
        return await endpoint(request)

    return guarded
