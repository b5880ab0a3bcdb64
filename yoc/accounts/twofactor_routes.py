"""Two-factor sign-in: the second step of signing in, and setting it up or turning it off
from the account page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.accounts import forms, sessions, twofactor
from yoc.accounts.guards import recent_sign_in_required
from yoc.accounts.routes import sign_in
from yoc.errors import DomainError, TooManyRequests
from yoc.forms import parse
from yoc.http import (
    current_user,
    flash,
    form_data,
    login_required,
    redirect,
    render,
    render_form,
    safe_next,
    session,
)
from yoc.i18n import gettext, ngettext


def _secret(response: Response) -> Response:
    """A page with the setup key or recovery codes: kept out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _with_retry_after(response: Response, error: DomainError) -> Response:
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


async def second_step(request: Request) -> Response:
    """After a right password, a code from the app or a recovery code; only then does a
    session begin."""
    values = await form_data(request) if request.method == "POST" else {}
    next_url = safe_next(values.get("next") or request.query_params.get("next"), "/dashboard")
    if current_user(request):
        return redirect(next_url)
    waiting = session(request).second_step
    if waiting is None:
        return redirect("/login")
    context = {"next": next_url}
    settings = request.app.state.settings
    try:
        user = await twofactor.second_step_user(*waiting)
    except DomainError as error:
        session(request).rotate(authenticated=False)
        flash(request, error.translated(), "error")
        return redirect("/login")
    if request.method == "GET":
        return render(request, "accounts/two_factor_login.html", context)
    try:
        data = parse(forms.CodeForm, values)
        await twofactor.check_code_rate(
            request.app.state.rate_limiter, settings, user_id=user.id, purpose="sign-in"
        )
        proof = await twofactor.verify(user, data.code, settings=settings)
    except DomainError as error:
        response = render_form(
            request, "accounts/two_factor_login.html", values={}, error=error, context=context
        )
        return _with_retry_after(response, error)
    await sign_in(request, user, second_factor=True)
    if proof.recovery:
        flash(
            request,
            ngettext(
                "You signed in with a recovery code, which now no longer works. "
                "You have %(num)d left.",
                "You signed in with a recovery code, which now no longer works. "
                "You have %(num)d left.",
                proof.recovery_left,
            ),
            "error" if proof.recovery_left <= 2 else "success",
        )
    return redirect(next_url)


async def _status(request: Request) -> dict:
    user = current_user(request)
    settings = request.app.state.settings
    enabled = await twofactor.is_enabled(user)
    context = {
        "enabled": enabled,
        "required": twofactor.required_for(user, settings),
        "codes_left": await twofactor.recovery_codes_left(user) if enabled else 0,
    }
    if not enabled:
        secret = await twofactor.setup_secret(user, settings=settings)
        context |= {"secret": twofactor.spaced(secret), "qr": twofactor.qr_svg(user, secret)}
    return context


async def _status_again(request: Request, values: dict, error: DomainError) -> Response:
    """The two-factor page again, with what went wrong."""
    response = render_form(
        request,
        "accounts/two_factor.html",
        values=values,
        error=error,
        context=await _status(request),
    )
    return _secret(_with_retry_after(response, error))


@login_required
@recent_sign_in_required
async def two_factor(request: Request) -> Response:
    """The account's two-factor page: set it up (QR code, the secret as text, a first
    code), or, once on, new recovery codes and turning it off."""
    if request.method == "GET":
        return _secret(render(request, "accounts/two_factor.html", await _status(request)))
    user = current_user(request)
    values = await form_data(request)
    try:
        data = parse(forms.CodeForm, values)
        codes = await twofactor.confirm(
            user, data.code, settings=request.app.state.settings, keep_key=session(request).key
        )
    except DomainError as error:
        return await _status_again(request, values, error)
    await sessions.note_second_factor(session(request).key)
    # The codes are on this one response and never again.
    return _secret(
        render(request, "accounts/two_factor_codes.html", {"codes": codes, "just_enabled": True})
    )


@login_required
@recent_sign_in_required
async def recovery_codes(request: Request) -> Response:
    codes = await twofactor.new_recovery_codes(current_user(request))
    return _secret(
        render(request, "accounts/two_factor_codes.html", {"codes": codes, "just_enabled": False})
    )


@login_required
async def disable(request: Request) -> Response:
    values = await form_data(request)
    try:
        data = parse(forms.DisableTwoFactorForm, values)
        await twofactor.check_code_rate(
            request.app.state.rate_limiter,
            request.app.state.settings,
            user_id=current_user(request).id,
            purpose="confirm",
        )
        await twofactor.disable(
            current_user(request),
            password=data.password,
            code=data.code,
            settings=request.app.state.settings,
        )
    except DomainError as error:
        return await _status_again(request, values, error)
    flash(request, gettext("Two-factor sign-in is off."))
    return redirect("/account")


routes = [
    Route("/login/two-factor", second_step, methods=["GET", "POST"], name="accounts:second_step"),
    Route("/account/two-factor", two_factor, methods=["GET", "POST"], name="accounts:two_factor"),
    Route(
        "/account/two-factor/recovery-codes",
        recovery_codes,
        methods=["POST"],
        name="accounts:recovery_codes",
    ),
    Route(
        "/account/two-factor/disable",
        disable,
        methods=["POST"],
        name="accounts:two_factor_disable",
    ),
]
