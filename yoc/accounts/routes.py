from __future__ import annotations

import time
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.accounts import forms, sessions, twofactor
from yoc.accounts import services as accounts
from yoc.accounts.enums import TokenPurpose
from yoc.errors import DomainError
from yoc.forms import parse
from yoc.http import (
    client_ip,
    current_user,
    flash,
    form_data,
    limit_mail,
    login_required,
    redirect,
    render,
    render_form,
    requires,
    safe_next,
    session,
)
from yoc.i18n import gettext, use_language
from yoc.permissions import Action, can


async def sign_in(request: Request, user, *, second_factor: bool = False) -> None:
    """Start a new session for ``user``, under a new session key. A second factor shown
    now, or already in the session this one replaces (a password change), is noted."""
    settings = request.app.state.settings
    replaced = request.scope.get("yoc.signed_in")
    key = session(request).rotate(authenticated=True)
    await accounts.start_session(
        user, key=key, settings=settings, user_agent=request.headers.get("user-agent", "")
    )
    if second_factor or (
        replaced is not None and replaced.user_id == user.id and replaced.second_factor_at
    ):
        await sessions.note_second_factor(key)
    request.scope["user"] = user


async def sign_in_or_second_step(request: Request, user, next_url: str) -> Response:
    """The password (or an emailed link) was right: signed in, or, with two-factor
    sign-in on, on to the second step; the session begins after it."""
    if await twofactor.is_enabled(user):
        session(request).await_second_step(user.id, int(time.time()))
        return redirect(f"/login/two-factor?next={quote(next_url)}")
    await sign_in(request, user)
    return redirect(next_url)


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"), "/dashboard")
    if current_user(request):
        return redirect(next_url)
    context = {"next": next_url}
    if request.method == "GET":
        return render(request, "accounts/login.html", {**context, "values": {}, "errors": {}})
    values = await form_data(request)
    settings = request.app.state.settings
    try:
        data = parse(forms.LoginForm, values)
        user = await accounts.sign_in_with_password(
            request.app.state.rate_limiter,
            settings,
            email=data.email,
            password=data.password,
            ip=client_ip(request),
        )
    except DomainError as error:
        return render_form(
            request, "accounts/login.html", values=values, error=error, context=context
        )
    return await sign_in_or_second_step(request, user, safe_next(values.get("next"), "/dashboard"))


async def logout(request: Request) -> Response:
    sess = session(request)
    await accounts.end_session(sess.key)
    sess.rotate(authenticated=False)
    request.scope["user"] = None
    flash(request, gettext("You are signed out. See you soon!"))
    return redirect("/")


async def password_reset_request(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "accounts/password_reset_request.html", {"values": {}, "errors": {}})
    values = await form_data(request)
    try:
        data = parse(forms.PasswordResetRequestForm, values)
        await limit_mail(request, "reset", data.email)
    except DomainError as error:
        return render_form(
            request, "accounts/password_reset_request.html", values=values, error=error
        )
    page = render(
        request,
        "accounts/password_reset_sent.html",
        {"email": data.email, "minutes": request.app.state.settings.password_reset_max_age // 60},
    )
    # The work that depends on whether the address has an account runs once the answer
    # has left, so the answer takes as long either way.
    page.background = BackgroundTask(
        accounts.request_password_reset,
        data.email,
        settings=request.app.state.settings,
        language=request.scope["language"],
    )
    return page


async def _set_password_page(
    request: Request, purpose: TokenPurpose, template: str, done_message: str
) -> Response:
    token = request.path_params["token"]
    try:
        person = await accounts.check_link(token, purpose)
    except DomainError as error:
        return render(
            request, "accounts/link_invalid.html", {"message": error.translated()}, status_code=400
        )
    context = {"person": person}
    if request.method == "GET":
        return render(request, template, {**context, "values": {}, "errors": {}})
    values = await form_data(request)
    try:
        data = parse(forms.NewPasswordForm, values)
        if purpose is TokenPurpose.INVITE:
            user = await accounts.accept_invite(token, data.password)
        else:
            user = await accounts.reset_password(token, data.password)
    except DomainError as error:
        return render_form(
            request, template, values=values, error=error, context=context, keep_passwords=True
        )
    flash(request, done_message)
    return await sign_in_or_second_step(request, user, "/dashboard")


async def confirm_signup(request: Request) -> Response:
    """The link a new member got by email: a page with one button (mail scanners open
    links, and must not open the account), which confirms and signs them in."""
    token = request.path_params["token"]
    try:
        person = await accounts.check_link(token, TokenPurpose.CONFIRM_EMAIL)
        if request.method == "GET":
            return render(request, "accounts/signup_confirm.html", {"person": person})
        user = await accounts.confirm_signup(token)
    except DomainError as error:
        return render(
            request, "accounts/link_invalid.html", {"message": error.translated()}, status_code=400
        )
    await sign_in(request, user)
    # Not "ready": the dashboard says what the account still waits for (a guardian's
    # consent, staff approval) and who acts next. In the account's language, which the
    # dashboard is in too.
    with use_language(user.language):
        welcome = gettext("Welcome to YO-C, %(name)s! Your email is confirmed.", name=user.name)
    flash(request, welcome)
    return redirect("/dashboard")


async def password_reset(request: Request) -> Response:
    return await _set_password_page(
        request,
        TokenPurpose.PASSWORD_RESET,
        "accounts/password_reset_form.html",
        gettext("Your password has been changed, and you are signed in."),
    )


async def accept_invite(request: Request) -> Response:
    return await _set_password_page(
        request,
        TokenPurpose.INVITE,
        "accounts/invite_accept.html",
        gettext("Welcome to YO-C! Your account is ready."),
    )


async def _security(request: Request) -> dict:
    """What the account page shows of sign-in security: two-factor sign-in and sessions."""
    user = current_user(request)
    return {
        "two_factor": await twofactor.is_enabled(user),
        "two_factor_required": twofactor.required_for(user, request.app.state.settings),
        "sessions": await sessions.list_sessions(user, current_key=session(request).key),
    }


@login_required
async def account(request: Request) -> Response:
    user = current_user(request)
    tokens = await accounts.list_api_tokens(user) if can(user, Action.USE_API_TOKENS) else []
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": tokens,
            "values": _token_defaults(request),
            "errors": {},
            "new_token": None,
            **await _security(request),
        },
    )


def _token_defaults(request: Request) -> dict[str, str]:
    """The new-token form as it starts: read only, for the site's usual lifetime."""
    return {"scope": "read", "days": str(request.app.state.settings.api_token_days)}


@login_required
async def change_password(request: Request) -> Response:
    user = current_user(request)
    values = await form_data(request)
    try:
        data = parse(forms.ChangePasswordForm, values)
        await accounts.change_password(user, current=data.current_password, new=data.password)
    except DomainError as error:
        tokens = await accounts.list_api_tokens(user) if can(user, Action.USE_API_TOKENS) else []
        return render_form(
            request,
            "accounts/account.html",
            values=values,
            error=error,
            context={"tokens": tokens, "new_token": None, **await _security(request)},
            keep_passwords=True,
        )
    # Changing the password signed out every session; keep this one signed in.
    await sign_in(request, user)
    flash(request, gettext("Your password has been changed."))
    return redirect("/account")


@requires(Action.USE_API_TOKENS)
async def create_token(request: Request) -> Response:
    user = current_user(request)
    values = await form_data(request)
    try:
        data = parse(forms.TokenForm, values)
    except DomainError as error:
        return render_form(
            request,
            "accounts/account.html",
            values=values,
            error=error,
            context={
                "tokens": await accounts.list_api_tokens(user),
                "new_token": None,
                **await _security(request),
            },
        )
    token, secret = await accounts.create_api_token(
        user,
        data.name,
        scope=data.scope,
        days=data.days or request.app.state.settings.api_token_days,
    )
    # The secret is shown on this one response and never again.
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": await accounts.list_api_tokens(user),
            "new_token": secret,
            "new_token_row": token,
            "values": _token_defaults(request),
            "errors": {},
            **await _security(request),
        },
    )


@login_required
async def revoke_token(request: Request) -> Response:
    user = current_user(request)
    token = await accounts.revoke_api_token(actor=user, token_id=request.path_params["id"])
    flash(request, gettext("The token “%(name)s” no longer works.", name=token.name))
    back = "/admin/tokens" if token.user_id != user.id else "/account"
    return redirect(back)


routes = [
    Route("/login", login, methods=["GET", "POST"], name="accounts:login"),
    Route("/logout", logout, methods=["POST"], name="accounts:logout"),
    Route(
        "/password-reset",
        password_reset_request,
        methods=["GET", "POST"],
        name="accounts:password_reset_request",
    ),
    Route(
        "/password-reset/{token}",
        password_reset,
        methods=["GET", "POST"],
        name="accounts:password_reset",
    ),
    Route(
        "/signup/confirm/{token}",
        confirm_signup,
        methods=["GET", "POST"],
        name="accounts:confirm_signup",
    ),
    Route("/invite/{token}", accept_invite, methods=["GET", "POST"], name="accounts:invite"),
    Route("/account", account, name="accounts:account"),
    Route("/account/password", change_password, methods=["POST"], name="accounts:password"),
    Route("/account/tokens", create_token, methods=["POST"], name="accounts:create_token"),
    Route(
        "/account/tokens/{id:id}/revoke",
        revoke_token,
        methods=["POST"],
        name="accounts:revoke_token",
    ),
]
