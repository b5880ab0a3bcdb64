"""JSON API: tracks, a member's progress, assignments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.accounts.enums import Role
from yoc.api.schemas import (
    AssignmentItem,
    AssignmentList,
    AssignmentOut,
    AssignmentRemoved,
    MemberProgress,
    TrackList,
)
from yoc.apidoc import documented
from yoc.curriculum import forms
from yoc.curriculum.services import assignments, catalog, dashboards
from yoc.errors import PermissionDenied
from yoc.forms import json_object, parse
from yoc.http import api_auth, current_user
from yoc.i18n import N_
from yoc.members.services.access import audit_read, visible_member

if TYPE_CHECKING:
    from yoc.accounts.models import User


@documented("The curriculum: tracks, modules and activities", TrackList)
@api_auth
async def tracks(request: Request) -> Response:
    found = await catalog.tracks()
    return JSONResponse(
        {
            "tracks": [
                {
                    "id": t.id,
                    "slug": t.slug,
                    "title": {"en": t.title_en, "es": t.title_es},
                    "modules": [
                        {
                            "id": m.id,
                            "title": {"en": m.title_en, "es": m.title_es},
                            "milestone": m.milestone,
                            "prerequisites": [p.id for p in m.prerequisites],
                            "activities": [
                                {
                                    "id": a.id,
                                    "kind": a.kind.value,
                                    "completion": a.completion.value,
                                    "title": {"en": a.title_en, "es": a.title_es},
                                }
                                for a in catalog.live(list(m.activities))
                            ],
                        }
                        for m in catalog.live(list(t.modules))
                    ],
                }
                for t in found
            ]
        }
    )


@documented(
    "A member's progress per assigned module (same visibility as the profile)",
    MemberProgress,
    errors=(404,),
)
@api_auth
async def member_progress(request: Request) -> Response:
    viewer = current_user(request)
    member = await visible_member(viewer, request.path_params["id"])
    await audit_read(viewer, member, via="api")
    statuses = await dashboards.module_statuses(member)
    return JSONResponse(
        {
            "member": member.id,
            "modules": [
                {
                    "module": s.module.id,
                    "title": {"en": s.module.title_en, "es": s.module.title_es},
                    "status": s.cell,
                    "activities": s.total,
                    "finished": s.finished,
                    "waiting_review": s.waiting_review,
                    "completed": s.completed,
                    "overdue": s.overdue,
                    "due_on": s.assignment.due_on.isoformat() if s.assignment.due_on else None,
                    "locked_by": [m.id for m in s.locked_by],
                }
                for s in statuses
            ],
        }
    )


def _may_assign(request: Request) -> User:
    actor = current_user(request)
    if actor.role == Role.MEMBER:
        raise PermissionDenied(N_("Only mentors and staff can assign."), "forbidden")
    return actor


@documented(
    "Assign a module or track to a member or a group (target 'cohort:ID' or 'member:ID', what "
    "'module:ID' or 'track:ID'); assigning it again to the same member or group updates its "
    "due date and note",
    AssignmentOut,
    body=forms.AssignForm,
    errors=(403, 404, 422),
    also=((200, "It was already assigned: its due date and note are updated"),),
)
@api_auth
async def create_assignment(request: Request) -> Response:
    """Body: {"target": "cohort:ID"|"member:ID", "what": "module:ID"|"track:ID",
    "due_on": "YYYY-MM-DD", "note": "..."}."""
    actor = _may_assign(request)
    data = parse(forms.AssignForm, await json_object(request))
    kind, target_id, what, what_id = data.parts()
    ids = {"module_id": what_id} if what == "module" else {"track_id": what_id}
    give = assignments.assign_to_cohort if kind == "cohort" else assignments.assign_to_member
    target = {"cohort_id": target_id} if kind == "cohort" else {"member_id": target_id}
    outcome = await give(actor=actor, due_on=data.due_on, note=data.note, **target, **ids)
    given = outcome.cohort_assignment
    fresh = outcome.created > 0 or (given is not None and not outcome.existed)
    return JSONResponse(
        {
            "target": data.target,
            "what": data.what,
            "cohort_assignment": given.id if given else None,
            "created": outcome.created,
            "updated": outcome.updated,
        },
        status_code=201 if fresh else 200,
    )


def _item(given: assignments.Given) -> dict:
    return {
        "kind": given.kind,
        "id": given.id,
        "target": given.target,
        "what": given.what,
        "due_on": given.due_on.isoformat() if given.due_on else None,
        "note": given.note,
        "members": given.members,
    }


@documented(
    "What the caller's groups and their members were given (staff: everything), with what "
    "each can be changed or taken back by",
    AssignmentList,
    errors=(403,),
)
@api_auth
async def list_assignments(request: Request) -> Response:
    actor = _may_assign(request)
    return JSONResponse(
        {"assignments": [_item(g) for g in await assignments.given_by_viewer(actor)]}
    )


async def _change(request: Request, kind: str) -> Response:
    actor = _may_assign(request)
    given_id = request.path_params["id"]
    if request.method == "DELETE":
        removal = await assignments.unassign(actor=actor, kind=kind, given_id=given_id)
        return JSONResponse({"removed": removal.removed, "still_given": removal.still_given})
    data = parse(forms.AssignmentChangeForm, await json_object(request))
    given = await assignments.change(actor=actor, kind=kind, given_id=given_id, **data.changes())
    return JSONResponse(_item(given))


CHANGE = (
    "Change a {what}: any of target (given to someone else instead), due_on (null: none) "
    "and note; what is left out stays. Its members' work is kept"
)
REMOVE = "Take back a {what}. Its members' progress and reflections are kept"
GROUP, SINGLE = "module or track given to a group", "module given to one member"


@documented(
    CHANGE.format(what=GROUP),
    AssignmentItem,
    body=forms.AssignmentChangeForm,
    errors=(403, 404, 422),
)
@api_auth
async def change_cohort_assignment(request: Request) -> Response:
    return await _change(request, "cohort")


@documented(REMOVE.format(what=GROUP), AssignmentRemoved, errors=(403, 404))
@api_auth
async def remove_cohort_assignment(request: Request) -> Response:
    return await _change(request, "cohort")


@documented(
    CHANGE.format(what=SINGLE),
    AssignmentItem,
    body=forms.AssignmentChangeForm,
    errors=(403, 404, 422),
)
@api_auth
async def change_member_assignment(request: Request) -> Response:
    return await _change(request, "member")


@documented(REMOVE.format(what=SINGLE), AssignmentRemoved, errors=(403, 404))
@api_auth
async def remove_member_assignment(request: Request) -> Response:
    return await _change(request, "member")


routes = [
    Route("/api/v1/tracks", tracks, name="api:tracks"),
    Route("/api/v1/members/{id:id}/progress", member_progress, name="api:progress"),
    Route("/api/v1/assignments", create_assignment, methods=["POST"], name="api:assign"),
    Route("/api/v1/assignments", list_assignments, methods=["GET"], name="api:assignments"),
    Route(
        "/api/v1/assignments/cohort/{id:id}",
        change_cohort_assignment,
        methods=["PATCH"],
        name="api:assignment_cohort_change",
    ),
    Route(
        "/api/v1/assignments/cohort/{id:id}",
        remove_cohort_assignment,
        methods=["DELETE"],
        name="api:assignment_cohort_remove",
    ),
    Route(
        "/api/v1/assignments/member/{id:id}",
        change_member_assignment,
        methods=["PATCH"],
        name="api:assignment_member_change",
    ),
    Route(
        "/api/v1/assignments/member/{id:id}",
        remove_member_assignment,
        methods=["DELETE"],
        name="api:assignment_member_remove",
    ),
]
