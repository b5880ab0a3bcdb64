"""Pages for mentors (their groups and members) and staff (applications, groups, export,
audit log, deletions)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc import audit, paging
from yoc.accounts.guards import recent_sign_in_required
from yoc.errors import DomainError
from yoc.forms import parse, whole_number
from yoc.http import (
    Confirmation,
    confirm_first,
    current_user,
    flash,
    form_data,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import LANGUAGES, format_date, gettext
from yoc.members import forms
from yoc.members.enums import Community, MemberStatus
from yoc.members.services import cohorts, directory, guardianship, notes, privacy, profiles
from yoc.members.services.access import audit_list_read, visible_member
from yoc.permissions import Action

if TYPE_CHECKING:
    from yoc.accounts.models import User


def _int(value: str | None) -> int | None:
    return whole_number(value)


def _filters(request: Request) -> directory.MemberFilters:
    params = request.query_params
    return directory.MemberFilters(
        q=params.get("q", "").strip()[:100],
        cohort=_int(params.get("cohort")),
        community=params.get("community", "") if params.get("community") in set(Community) else "",
        status=params.get("status", "") if params.get("status") in set(MemberStatus) else "",
        language=params.get("language", "") if params.get("language") in LANGUAGES else "",
    )


@requires(Action.VIEW_MEMBERS)
async def cohort_list(request: Request) -> Response:
    return render(
        request,
        "members/cohorts.html",
        {"cohorts": await cohorts.cohorts_for(current_user(request))},
    )


@requires(Action.MANAGE_MEMBERS)
async def cohort_create(request: Request) -> Response:
    values = await form_data(request)
    try:
        data = parse(forms.CohortForm, values)
        cohort = await cohorts.create_cohort(actor=current_user(request), **data.model_dump())
    except DomainError as error:
        return render_form(
            request,
            "members/cohorts.html",
            values=values,
            error=error,
            context={"cohorts": await cohorts.cohorts_for(current_user(request))},
        )
    flash(request, gettext("The group “%(name)s” has been created.", name=cohort.name))
    return redirect(f"/cohorts/{cohort.id}")


@requires(Action.VIEW_MEMBERS)
async def cohort_detail(request: Request) -> Response:
    viewer = current_user(request)
    cohort = await cohorts.visible_cohort(viewer, request.path_params["id"])
    q = request.query_params.get("q", "").strip()[:100]
    members = await cohorts.roster(cohort, q=q)
    await audit_list_read(viewer, members, via="web")
    return render(
        request, "members/cohort_detail.html", {"cohort": cohort, "members": members, "q": q}
    )


@requires(Action.MANAGE_MEMBERS)
async def cohort_add_person(request: Request) -> Response:
    actor = current_user(request)
    cohort = await cohorts.visible_cohort(actor, request.path_params["id"])
    values = await form_data(request)
    try:
        data = parse(forms.AddPersonForm, values)
        person = await cohorts.add_person(actor=actor, cohort=cohort, email=data.email)
    except DomainError as error:
        return render_form(
            request,
            "members/cohort_detail.html",
            values=values,
            error=error,
            context={"cohort": cohort, "members": await cohorts.roster(cohort), "q": ""},
        )
    flash(request, gettext("%(name)s is now in this group.", name=person.name))
    return redirect(f"/cohorts/{cohort.id}")


@requires(Action.MANAGE_MEMBERS)
async def cohort_remove_person(request: Request) -> Response:
    actor = current_user(request)
    cohort = await cohorts.visible_cohort(actor, request.path_params["id"])
    person = await cohorts.remove_person(
        actor=actor, cohort=cohort, user_id=request.path_params["user_id"]
    )
    flash(request, gettext("%(name)s is no longer in this group.", name=person.name))
    return redirect(f"/cohorts/{cohort.id}")


async def member_context(
    request: Request, viewer: User, member: User, *, open_form: str = ""
) -> dict:
    overview = await profiles.member_overview(member)
    return {
        **overview,
        **await profiles.consent_work(member),
        "notes": await notes.notes_for(viewer, member),
        # Which of the page's forms a failed post came from (it shows what was typed).
        "open_form": open_form,
    }


async def member_page_again(
    request: Request,
    viewer: User,
    member: User,
    values: dict,
    error: DomainError,
    *,
    open_form: str = "",
) -> Response:
    """The member's page once more after a failed post, with what was typed and why."""
    context = await member_context(request, viewer, member, open_form=open_form)
    return render_form(
        request, "members/member_detail.html", values=values, error=error, context=context
    )


@requires(Action.VIEW_MEMBERS)
async def member_detail(request: Request) -> Response:
    viewer = current_user(request)
    member = await visible_member(viewer, request.path_params["id"])
    context = await member_context(request, viewer, member)
    await audit.record(
        actor=viewer, action=audit.AuditAction.VIEW, subject=member, minor=context["minor"]
    )
    return render(request, "members/member_detail.html", context)


@requires(Action.VIEW_MEMBERS)
async def member_add_note(request: Request) -> Response:
    viewer = current_user(request)
    member = await visible_member(viewer, request.path_params["id"])
    values = await form_data(request)
    try:
        data = parse(forms.NoteForm, values)
        await notes.add_note(
            author=viewer, member=member, body=data.body, visibility=data.visibility
        )
    except DomainError as error:
        return await member_page_again(request, viewer, member, values, error)
    flash(request, gettext("Your note is saved."))
    return redirect(f"/members/{member.id}")


def _decision_back(values: dict[str, str], member_id: int) -> str:
    """Back to the applications queue when the decision came from there."""
    if values.get("next") == "/staff/applications":
        return "/staff/applications"
    return f"/members/{member_id}"


async def _declining(request: Request, values: dict[str, str]) -> Confirmation:
    member = await visible_member(current_user(request), request.path_params["id"])
    return Confirmation(
        title=gettext("Decline %(name)s’s application?", name=member.name),
        consequences=[
            gettext(
                "%(name)s will not become a member: the member pages stay closed to them, "
                "and they see that their application was not accepted.",
                name=member.name,
            ),
            gettext("YO-C sends them no email about it."),
            gettext("The decision cannot be changed here afterwards."),
        ],
        button=gettext("Decline the application"),
        cancel_url=_decision_back(values, member.id),
    )


@requires(Action.MANAGE_MEMBERS)
@confirm_first(_declining, needed=lambda _, values: values.get("decision") != "approve")
async def member_decision(request: Request) -> Response:
    actor = current_user(request)
    member = await visible_member(actor, request.path_params["id"])
    values = await form_data(request)
    approve = values.get("decision") == "approve"
    status = await profiles.decide(actor=actor, member=member, approve=approve)
    if not approve:
        flash(request, gettext("%(name)s’s application is declined.", name=member.name))
    elif status == MemberStatus.ACTIVE:
        flash(
            request,
            gettext("%(name)s’s application is approved: they can start now.", name=member.name),
        )
    else:
        flash(
            request,
            gettext(
                "%(name)s’s application is approved. "
                "They can start when their guardian’s consent arrives.",
                name=member.name,
            ),
        )
    return redirect(_decision_back(values, member.id))


@requires(Action.MANAGE_MEMBERS)
async def applications(request: Request) -> Response:
    actor = current_user(request)
    waiting = {
        status: await directory.list_members(actor, directory.MemberFilters(status=status))
        for status in (MemberStatus.PENDING_APPROVAL, MemberStatus.PENDING_CONSENT)
    }
    await audit_list_read(actor, [m for found in waiting.values() for m in found], via="web")
    return render(
        request,
        "members/applications.html",
        {"waiting": waiting, "consent_work": await guardianship.consent_work_queue()},
    )


@requires(Action.VIEW_MEMBERS)
async def member_list(request: Request) -> Response:
    viewer = current_user(request)
    filters = _filters(request)
    page = await directory.members_page(viewer, filters, paging.requested(request))
    await audit_list_read(viewer, page.items, via="web")
    return render(
        request,
        "members/member_list.html",
        {
            "members": page.items,
            "filters": filters,
            "cohorts": await cohorts.cohorts_for(viewer),
            "communities": list(Community),
            "statuses": list(MemberStatus),
            "csv_query": paging.filters_only(request),
            "pager_links": paging.links(request, page),
        },
    )


@requires(Action.MANAGE_MEMBERS)
async def member_csv(request: Request) -> Response:
    viewer = current_user(request)
    filters = _filters(request)
    members = await directory.list_members(viewer, filters)
    body = privacy.to_csv(directory.CSV_HEADER, directory.csv_rows(members))
    await audit.record(
        actor=viewer,
        action=audit.AuditAction.EXPORT,
        count=len(members),
        filters={**filters.__dict__, "q": bool(filters.q)},
    )
    await audit_list_read(viewer, members, via="csv")
    name = f"yoc-members-{date.today().isoformat()}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@requires(Action.MANAGE_MEMBERS)
async def audit_log(request: Request) -> Response:
    minors = request.query_params.get("minors") == "1"
    page = await privacy.audit_page(
        paging.requested(request),
        minors_only=minors,
        member_id=_int(request.query_params.get("member")),
    )
    return render(
        request,
        "members/audit.html",
        {"entries": page.items, "minors": minors, "pager_links": paging.links(request, page)},
    )


@requires(Action.DELETE_MEMBER_DATA)
async def deletions(request: Request) -> Response:
    waiting = await privacy.waiting_deletions()
    return render(request, "members/deletions.html", {"requests": waiting})


async def _deleting(request: Request, values: dict[str, str]) -> Confirmation:
    waiting = await privacy.waiting_deletion(request.path_params["id"])
    return Confirmation(
        title=gettext("Delete %(name)s’s data?", name=waiting.member.name),
        consequences=[
            gettext(
                "Deleting removes everything that names the member or that they wrote: "
                "profile, photo, guardians, permissions, notes, reflections and feedback, "
                "badges, speeches and their reviews, emails about them, and sign-in; their "
                "orders stay for the books with “deleted” as the buyer, and the account "
                "stays without a name. It cannot be undone."
            )
        ],
        button=gettext("Delete this member’s data"),
        cancel_url="/staff/deletions",
        details=[
            (gettext("Email"), waiting.member.email),
            (gettext("Asked on"), format_date(waiting.requested_at)),
            *([(gettext("Their reason"), waiting.reason)] if waiting.reason else []),
        ],
    )


@requires(Action.DELETE_MEMBER_DATA)
@confirm_first(_deleting)
@recent_sign_in_required
async def deletion_complete(request: Request) -> Response:
    await privacy.complete_deletion(
        actor=current_user(request), request_id=request.path_params["id"]
    )
    flash(request, gettext("The member’s data is deleted."))
    return redirect("/staff/deletions")


routes = [
    Route("/cohorts", cohort_list, name="members:cohorts"),
    Route("/cohorts/new", cohort_create, methods=["POST"], name="members:cohort_create"),
    Route("/cohorts/{id:id}", cohort_detail, name="members:cohort"),
    Route(
        "/cohorts/{id:id}/people", cohort_add_person, methods=["POST"], name="members:cohort_add"
    ),
    Route(
        "/cohorts/{id:id}/people/{user_id:id}/remove",
        cohort_remove_person,
        methods=["POST"],
        name="members:cohort_remove",
    ),
    Route("/members", member_list, name="members:list"),
    Route("/members.csv", member_csv, name="members:csv"),
    Route("/members/{id:id}", member_detail, name="members:detail"),
    Route("/members/{id:id}/notes", member_add_note, methods=["POST"], name="members:note"),
    Route(
        "/members/{id:id}/decision",
        member_decision,
        methods=["GET", "POST"],
        name="members:decision",
    ),
    Route("/staff/applications", applications, name="members:applications"),
    Route("/staff/audit", audit_log, name="members:audit"),
    Route("/staff/deletions", deletions, name="members:deletions"),
    Route(
        "/staff/deletions/{id:id}/complete",
        deletion_complete,
        methods=["GET", "POST"],
        name="members:deletion_complete",
    ),
]
