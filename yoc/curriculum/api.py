"""JSON API: tracks, a member's progress, assignments."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.accounts.enums import Role
from yoc.api.schemas import AssignmentOut, MemberProgress, TrackList
from yoc.apidoc import documented
from yoc.curriculum import forms
from yoc.curriculum.services import assignments, catalog, dashboards
from yoc.errors import PermissionDenied
from yoc.forms import json_object, parse
from yoc.http import api_auth, current_user
from yoc.i18n import N_
from yoc.members.services.access import audit_read, visible_member


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


@documented(
    "Assign a module or track to a member or a group (target 'cohort:ID' or 'member:ID', what "
    "'module:ID' or 'track:ID')",
    AssignmentOut,
    body=forms.AssignForm,
    errors=(403, 404, 422),
)
@api_auth
async def create_assignment(request: Request) -> Response:
    """Body: {"target": "cohort:ID"|"member:ID", "what": "module:ID"|"track:ID",
    "due_on": "YYYY-MM-DD", "note": "..."}."""
    actor = current_user(request)
    if actor.role == Role.MEMBER:
        raise PermissionDenied(N_("Only mentors and staff can assign."), "forbidden")
    data = parse(forms.AssignForm, await json_object(request))
    kind, target_id, what, what_id = data.parts()
    ids = {"module_id": what_id} if what == "module" else {"track_id": what_id}
    if kind == "cohort":
        given = await assignments.assign_to_cohort(
            actor=actor, cohort_id=target_id, due_on=data.due_on, note=data.note, **ids
        )
        return JSONResponse(
            {"target": data.target, "what": data.what, "cohort_assignment": given.id},
            status_code=201,
        )
    made = await assignments.assign_to_member(
        actor=actor, member_id=target_id, due_on=data.due_on, note=data.note, **ids
    )
    return JSONResponse(
        {"target": data.target, "what": data.what, "created": made}, status_code=201
    )


routes = [
    Route("/api/v1/tracks", tracks, name="api:tracks"),
    Route("/api/v1/members/{id:id}/progress", member_progress, name="api:progress"),
    Route("/api/v1/assignments", create_assignment, methods=["POST"], name="api:assign"),
]
