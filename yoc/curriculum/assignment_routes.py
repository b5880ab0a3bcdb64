"""Mentors and staff: assign a module or a track, see what they assigned, change a due
date, a note or who it is for, and unassign (the members' work is kept)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.curriculum import forms
from yoc.curriculum.services import assignments, catalog
from yoc.errors import DomainError, NotFound
from yoc.forms import parse
from yoc.http import (
    current_user,
    error_page,
    flash,
    form_data,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import gettext, ngettext
from yoc.members.services import cohorts, directory
from yoc.members.services.access import audit_list_read
from yoc.permissions import Action


async def _audiences(request: Request) -> dict:
    viewer = current_user(request)
    members = await directory.list_members(viewer, directory.MemberFilters(status="active"))
    # The forms list members by name to choose from: a list read like the member list's.
    await audit_list_read(viewer, members, via="web")
    return {"cohorts": await cohorts.cohorts_for(viewer), "members": members}


@requires(Action.VIEW_MEMBERS)
async def assign(request: Request) -> Response:
    context = {**await _audiences(request), "tracks": await catalog.tracks()}
    if request.method == "GET":
        preset = {k: v for k, v in request.query_params.items() if k in ("target", "what")}
        return render(request, "curriculum/assign.html", {**context, "values": preset})
    values = await form_data(request)
    try:
        data = parse(forms.AssignForm, values)
        kind, target_id, what, what_id = data.parts()
        ids = {"module_id": what_id} if what == "module" else {"track_id": what_id}
        if kind == "cohort":
            outcome = await assignments.assign_to_cohort(
                actor=current_user(request),
                cohort_id=target_id,
                due_on=data.due_on,
                note=data.note,
                **ids,
            )
        else:
            outcome = await assignments.assign_to_member(
                actor=current_user(request),
                member_id=target_id,
                due_on=data.due_on,
                note=data.note,
                **ids,
            )
    except NotFound:
        raise  # no such group, member, module or track: the 404 page
    except DomainError as error:
        return render_form(
            request, "curriculum/assign.html", values=values, error=error, context=context
        )
    if outcome.existed or (outcome.updated and not outcome.created):
        flash(
            request,
            gettext(
                "This was already assigned: its due date and note are now updated. "
                "See all your assignments under Assignments."
            ),
        )
    else:
        flash(request, gettext("Assigned. Members see it on their dashboard."))
    return redirect(
        f"/cohorts/{target_id}/progress" if kind == "cohort" else f"/members/{target_id}"
    )


@requires(Action.VIEW_MEMBERS)
async def given_list(request: Request) -> Response:
    viewer = current_user(request)
    given = await assignments.given_by_viewer(viewer)
    singles = {g.audience.id: g.audience for g in given if g.kind == "member"}
    await audit_list_read(viewer, singles.values(), via="web")
    return render(
        request,
        "curriculum/assignments.html",
        {
            "groups": [g for g in given if g.kind == "cohort"],
            "singles": [g for g in given if g.kind == "member"],
        },
    )


async def _given(request: Request) -> assignments.Given | None:
    kind = request.path_params["kind"]
    if kind not in assignments.KINDS:
        return None
    return await assignments.get_given(current_user(request), kind, request.path_params["id"])


@requires(Action.VIEW_MEMBERS)
async def edit(request: Request) -> Response:
    given = await _given(request)
    if given is None:
        return error_page(request, 404)
    context = {**await _audiences(request), "given": given}
    if request.method == "GET":
        stored = {
            "target": given.target,
            "due_on": given.due_on.isoformat() if given.due_on else "",
            "note": given.note,
        }
        return render(request, "curriculum/assignment_edit.html", {**context, "values": stored})
    values = await form_data(request)
    try:
        data = parse(forms.AssignmentChangeForm, values)
        await assignments.change(
            actor=current_user(request),
            kind=given.kind,
            given_id=given.id,
            target=data.target or given.target,
            due_on=data.due_on,
            note=data.note or "",
        )
    except DomainError as error:
        # Another group's or member's (or no such one) is refused like any bad choice here:
        # the form again, saying so, with what was typed.
        return render_form(
            request,
            "curriculum/assignment_edit.html",
            values=values,
            error=error,
            context=context,
        )
    flash(request, gettext("Saved. Members see the change on their dashboard."))
    return redirect("/assignments")


@requires(Action.VIEW_MEMBERS)
async def unassign(request: Request) -> Response:
    given = await _given(request)
    if given is None:
        return error_page(request, 404)
    if request.method == "GET":
        return render(request, "curriculum/assignment_unassign.html", {"given": given})
    removal = await assignments.unassign(
        actor=current_user(request), kind=given.kind, given_id=given.id
    )
    message = gettext("Unassigned. The members' progress and reflections are kept.")
    if removal.still_given:
        message += " " + ngettext(
            "%(num)d member still has it through another of their groups.",
            "%(num)d members still have it through another of their groups.",
            removal.still_given,
        )
    flash(request, message)
    return redirect("/assignments")


routes = [
    Route("/assign", assign, methods=["GET", "POST"], name="curriculum:assign"),
    Route("/assignments", given_list, name="curriculum:assignments"),
    Route(
        "/assignments/{kind:str}/{id:id}",
        edit,
        methods=["GET", "POST"],
        name="curriculum:assignment_edit",
    ),
    Route(
        "/assignments/{kind:str}/{id:id}/unassign",
        unassign,
        methods=["GET", "POST"],
        name="curriculum:unassign",
    ),
]
