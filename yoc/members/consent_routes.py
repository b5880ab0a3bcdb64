"""Staff pages' consent actions on a member's record: paper forms and consent links,
confirming a guardian, resolving two guardians' conflicting answers, and withdrawals that
came by phone, on paper or in person."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError, NotFound, ValidationFailed
from yoc.forms import parse
from yoc.http import (
    current_user,
    flash,
    forget_shared_pages,
    form_data,
    redirect,
    requires,
)
from yoc.i18n import gettext
from yoc.members import forms
from yoc.members.services import consent, guardianship, profiles
from yoc.members.services.access import visible_member
from yoc.members.staff_routes import member_page_again
from yoc.permissions import Action


@requires(Action.MANAGE_MEMBERS)
async def member_paper_consent(request: Request) -> Response:
    actor = current_user(request)
    member = await visible_member(actor, request.path_params["id"])
    values = await form_data(request)
    try:
        data = parse(forms.PaperConsentForm, values)
        guardian = await consent.guardian_of(member, data.guardian_id)
        await consent.record_paper_consent(
            actor=actor,
            member=member,
            guardian=guardian,
            photo_release=data.photo_release,
            text_messages=data.text_messages,
            public_name_choice=data.public_name_choice,
            nickname=data.nickname,
        )
    except NotFound:
        raise  # another member's guardian, or none: the 404 page
    except DomainError as error:
        return await member_page_again(request, actor, member, values, error)
    forget_shared_pages(request)
    flash(request, gettext("The signed paper form is recorded."))
    return redirect(f"/members/{member.id}")


@requires(Action.MANAGE_MEMBERS)
async def guardian_confirm(request: Request) -> Response:
    actor = current_user(request)
    member = await visible_member(actor, request.path_params["id"])
    values = await form_data(request)
    try:
        data = parse(forms.ConfirmGuardianForm, values)
        guardian = await guardianship.confirm_guardian(
            actor=actor,
            member=member,
            guardian_id=request.path_params["guardian_id"],
            method=data.method,
            note=data.note,
        )
    except NotFound:
        raise  # another member's guardian: the 404 page
    except DomainError as error:
        return await member_page_again(
            request,
            actor,
            member,
            values,
            error,
            open_form=f"confirm-{request.path_params['guardian_id']}",
        )
    # What public pages show may have changed (a photo, a name).
    forget_shared_pages(request)
    flash(request, gettext("%(name)s is confirmed as a guardian.", name=guardian.name))
    return redirect(f"/members/{member.id}")


@requires(Action.MANAGE_MEMBERS)
async def conflict_resolve(request: Request) -> Response:
    actor = current_user(request)
    member = await visible_member(actor, request.path_params["id"])
    values = await form_data(request)
    try:
        data = parse(forms.ResolveConflictForm, values)
        await guardianship.resolve_conflict(
            actor=actor,
            member=member,
            conflict_id=request.path_params["conflict_id"],
            apply=data.outcome == "apply",
            note=data.note,
        )
    except NotFound:
        raise
    except DomainError as error:
        return await member_page_again(
            request,
            actor,
            member,
            values,
            error,
            open_form=f"conflict-{request.path_params['conflict_id']}",
        )
    forget_shared_pages(request)
    flash(request, gettext("The conflict is resolved."))
    return redirect(f"/members/{member.id}")


@requires(Action.MANAGE_MEMBERS)
async def consent_revoke(request: Request) -> Response:
    """Staff write down a withdrawal a guardian made by phone, on paper or in person."""
    actor = current_user(request)
    member = await visible_member(actor, request.path_params["id"])
    values = await form_data(request)
    try:
        data = parse(forms.StaffRevocationForm, values)
        await guardianship.record_revocation(actor=actor, member=member, **data.model_dump())
    except NotFound:
        raise
    except ValidationFailed as error:
        return await member_page_again(request, actor, member, values, error, open_form="revoke")
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect(f"/members/{member.id}")
    forget_shared_pages(request)
    flash(request, gettext("The withdrawal is recorded. It applies everywhere from now on."))
    return redirect(f"/members/{member.id}")


@requires(Action.MANAGE_MEMBERS)
async def member_resend_consent(request: Request) -> Response:
    actor = current_user(request)
    member = await visible_member(actor, request.path_params["id"])
    sent = await profiles.resend_consent_request(
        actor=actor, member=member, settings=request.app.state.settings
    )
    flash(
        request,
        gettext("The consent form has been sent again.")
        if sent
        else gettext("No guardian has an email. Record a signed paper form instead."),
        "success" if sent else "error",
    )
    return redirect(f"/members/{member.id}")


routes = [
    Route(
        "/members/{id:id}/consent/paper",
        member_paper_consent,
        methods=["POST"],
        name="members:paper_consent",
    ),
    Route(
        "/members/{id:id}/guardians/{guardian_id:id}/confirm",
        guardian_confirm,
        methods=["POST"],
        name="members:guardian_confirm",
    ),
    Route(
        "/members/{id:id}/conflicts/{conflict_id:id}/resolve",
        conflict_resolve,
        methods=["POST"],
        name="members:conflict_resolve",
    ),
    Route(
        "/members/{id:id}/consent/revoke",
        consent_revoke,
        methods=["POST"],
        name="members:staff_revoke",
    ),
    Route(
        "/members/{id:id}/consent/resend",
        member_resend_consent,
        methods=["POST"],
        name="members:staff_resend",
    ),
]
