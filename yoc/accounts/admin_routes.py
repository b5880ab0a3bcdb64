"""The admin area: people and their roles, API tokens, and the mail outbox."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc import mail, paging
from yoc.accounts import forms
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.guards import recent_sign_in_required
from yoc.errors import DomainError, NotFound
from yoc.forms import parse
from yoc.http import (
    Confirmation,
    confirm_first,
    current_user,
    error_page,
    flash,
    form_data,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import gettext
from yoc.permissions import Action


@requires(Action.MANAGE_USERS)
async def users(request: Request) -> Response:
    q = request.query_params.get("q", "").strip()
    role = request.query_params.get("role", "")
    found, total = await accounts.search_users(
        paging.requested(request),
        q=q,
        role=Role(role) if role in {r.value for r in Role} else None,
    )
    return render(
        request,
        "admin/users.html",
        {
            "users": found.items,
            "total": total,
            "q": q,
            "role": role,
            "roles": list(Role),
            "pager_links": paging.links(request, found),
        },
    )


@requires(Action.MANAGE_USERS)
@recent_sign_in_required(when=lambda request: request.method == "POST")
async def invite(request: Request) -> Response:
    context = {"roles": list(Role), "days": request.app.state.settings.invite_max_age // 86400}
    if request.method == "GET":
        return render(
            request, "admin/invite.html", {**context, "values": {"role": "mentor"}, "errors": {}}
        )
    values = await form_data(request)
    try:
        data = parse(forms.InviteForm, values)
        user = await accounts.invite_user(
            inviter=current_user(request),
            email=data.email,
            name=data.name,
            role=data.role,
            language=data.language,
            settings=request.app.state.settings,
        )
    except DomainError as error:
        return render_form(
            request, "admin/invite.html", values=values, error=error, context=context
        )
    flash(request, gettext("We sent an invitation to %(email)s.", email=user.email))
    return redirect("/admin/users")


async def _making_admin(request: Request, values: dict[str, str]) -> Confirmation:
    person = await accounts.get_user(request.path_params["id"])
    return Confirmation(
        title=gettext("Make %(name)s an admin?", name=person.name),
        consequences=[
            gettext(
                "%(name)s will be able to change anyone’s role (and make more admins), read "
                "every email YO-C sends, and delete members’ data.",
                name=person.name,
            ),
            gettext("Their API tokens stop working, as with any change of role."),
        ],
        button=gettext("Make %(name)s an admin", name=person.name),
        cancel_url="/admin/users",
        details=[(gettext("Email"), person.email), (gettext("Role now"), person.role.label)],
    )


@requires(Action.MANAGE_USERS)
@confirm_first(_making_admin, needed=lambda _, values: values.get("role") == Role.ADMIN.value)
@recent_sign_in_required
async def change_role(request: Request) -> Response:
    values = await form_data(request)
    try:
        data = parse(forms.RoleForm, values)
        user = await accounts.change_role(
            actor=current_user(request), user_id=request.path_params["id"], role=data.role
        )
    except NotFound:
        raise  # no such person: the 404 page
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect("/admin/users")
    flash(request, gettext("%(name)s’s role has been changed.", name=user.name))
    return redirect("/admin/users")


@requires(Action.MANAGE_USERS)
@recent_sign_in_required
async def set_active(request: Request) -> Response:
    values = await form_data(request)
    active = values.get("active") == "1"
    try:
        user = await accounts.set_active(
            actor=current_user(request), user_id=request.path_params["id"], active=active
        )
    except NotFound:
        raise  # no such person: the 404 page
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect("/admin/users")
    if active:
        flash(request, gettext("%(name)s can sign in again.", name=user.name))
    else:
        flash(request, gettext("%(name)s can no longer sign in.", name=user.name))
    return redirect("/admin/users")


@requires(Action.REVOKE_ANY_TOKEN)
async def tokens(request: Request) -> Response:
    everyone = await accounts.list_api_tokens(current_user(request), everyone=True)
    return render(request, "admin/tokens.html", {"tokens": everyone})


@requires(Action.READ_OUTBOX)
async def outbox(request: Request) -> Response:
    page = await mail.outbox_page(paging.requested(request))
    return render(
        request,
        "admin/outbox.html",
        {
            "messages": page.items,
            "pager_links": paging.links(request, page),
            "smtp_configured": bool(request.app.state.settings.smtp_url),
        },
    )


@requires(Action.READ_OUTBOX)
async def outbox_message(request: Request) -> Response:
    message = await mail.OutboxMessage.get_or_none(id=request.path_params["id"])
    if message is None:
        return error_page(request, 404)
    settings = request.app.state.settings
    body = message.body_text
    if settings.production:
        # Not even an unsent message's links: an admin could act as anyone with them.
        body = mail.without_live_links(body, settings.base_url)
    return render(request, "admin/outbox_message.html", {"message": message, "body": body})


@requires(Action.READ_OUTBOX)
async def outbox_retry(request: Request) -> Response:
    await mail.retry_now(request.path_params["id"])
    flash(request, gettext("The message is back in the queue."))
    return redirect(f"/admin/outbox/{request.path_params['id']}")


routes = [
    Route("/admin/users", users, name="admin:users"),
    Route("/admin/users/invite", invite, methods=["GET", "POST"], name="admin:invite"),
    Route("/admin/users/{id:id}/role", change_role, methods=["GET", "POST"], name="admin:role"),
    Route("/admin/users/{id:id}/active", set_active, methods=["POST"], name="admin:active"),
    Route("/admin/tokens", tokens, name="admin:tokens"),
    Route("/admin/outbox", outbox, name="admin:outbox"),
    Route("/admin/outbox/{id:id}", outbox_message, name="admin:outbox_message"),
    Route("/admin/outbox/{id:id}/retry", outbox_retry, methods=["POST"], name="admin:outbox_retry"),
]
