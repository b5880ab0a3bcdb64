"""Response shapes of the API, which also make its OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel

from yoc import __version__
from yoc.accounts.enums import Role


class Me(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    language: str


class MemberOut(BaseModel):
    id: int
    name: str
    display_name: str
    email: str
    pronouns: str
    language: str
    community: str | None
    school: str
    grade: int | None
    status: str | None
    minor: bool


class MemberList(BaseModel):
    members: list[MemberOut]


class CohortOut(BaseModel):
    id: int
    name: str
    slug: str
    community: str | None
    starts_on: date | None
    ends_on: date | None
    members: int
    mentors: list[str]


class CohortList(BaseModel):
    cohorts: list[CohortOut]


class TrackList(BaseModel):
    tracks: list[dict]


class ModuleProgress(BaseModel):
    module: int
    title: dict[str, str]
    status: str
    activities: int
    finished: int
    waiting_review: int
    completed: bool
    overdue: bool
    due_on: date | None
    locked_by: list[int]


class MemberProgress(BaseModel):
    member: int
    modules: list[ModuleProgress]


class AssignmentIn(BaseModel):
    target: str
    what: str
    due_on: date | None = None
    note: str = ""


class AssignmentOut(BaseModel):
    target: str
    what: str
    cohort_assignment: int | None = None
    created: int | None = None


class Bilingual(BaseModel):
    en: str
    es: str


class PublicSpeech(BaseModel):
    id: int
    title: str
    language: str
    minutes: int
    stage: Bilingual
    starts_at: datetime
    ends_at: datetime
    speaker: str | None  # null: the speaker has not agreed to be named in public


class PublicSchedule(BaseModel):
    event: str
    release: int | None
    released_at: datetime | None
    speeches: list[PublicSpeech]


class SpeechSlot(BaseModel):
    id: int
    event: str
    stage: Bilingual
    starts_at: datetime
    ends_at: datetime


class Speaker(BaseModel):
    id: int
    name: str


class SpeechOut(BaseModel):
    id: int
    title: str
    topic: str
    summary: str
    language: str
    minutes: int
    state: str
    speaker: Speaker
    slot: SpeechSlot | None
    allowed_transitions: list[str]


class SpeechList(BaseModel):
    speeches: list[SpeechOut]


class TransitionIn(BaseModel):
    to: str
    note: str = ""
    slot: int | None = None
    rubric: dict[str, int] | None = None


class TransitionOut(SpeechOut):
    warnings: list[str]


class Error(BaseModel):
    error: str
    message: str


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    summary: str
    response: type[BaseModel]
    auth: bool = True
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    status: str = ""  # the success status, when not the usual one for the method


class Anything(BaseModel):
    """A JSON object; see the summary for its fields."""

    model_config = {"extra": "allow"}


OPERATIONS: list[Op] = [
    Op("get", "/api/v1/me", "The account the token belongs to", Me),
    Op(
        "get",
        "/api/v1/members",
        "Members: a mentor's groups, or everyone for staff",
        MemberList,
        errors=(403,),
    ),
    Op(
        "get",
        "/api/v1/members/{id}",
        "One member: themselves, their mentors, or staff",
        MemberOut,
        errors=(404,),
    ),
    Op("get", "/api/v1/cohorts", "Groups: a mentor's own, or all for staff", CohortList),
    Op(
        "get", "/api/v1/cohorts/{id}/members", "The members of one group", MemberList, errors=(404,)
    ),
    Op("get", "/api/v1/tracks", "The curriculum: tracks, modules and activities", TrackList),
    Op(
        "get",
        "/api/v1/members/{id}/progress",
        "A member's progress per assigned module (same visibility as the profile)",
        MemberProgress,
        errors=(404,),
    ),
    Op(
        "post",
        "/api/v1/assignments",
        "Assign a module or track to a member or a group "
        "(target 'cohort:ID' or 'member:ID', what 'module:ID' or 'track:ID')",
        AssignmentOut,
        body=AssignmentIn,
        errors=(403, 404, 422),
    ),
    Op(
        "get",
        "/api/v1/events",
        "Published events with their ticket types and available counts",
        Anything,
        auth=False,
    ),
    Op("get", "/api/v1/events/{slug}", "One published event", Anything, auth=False, errors=(404,)),
    Op(
        "post",
        "/api/v1/events",
        "Create an event (staff): slug, name {en, es}, description "
        "{en, es}, venue, starts_at, ends_at (ISO 8601 with offset), capacity, published",
        Anything,
        body=Anything,
        errors=(403, 422),
    ),
    Op(
        "post",
        "/api/v1/events/{slug}/ticket-types",
        "Add a ticket type (staff): name {en, "
        "es}, pricing fixed|free|sliding, price_cents, min_cents, suggested_cents, max_cents, "
        "quota, max_per_order, access_code",
        Anything,
        body=Anything,
        errors=(403, 404, 422),
    ),
    Op(
        "post",
        "/api/v1/events/{slug}/orders",
        "Place an order: buyer {name, email, "
        "language}, items [{ticket_type, quantity, price_cents}], payment free|box_office|"
        "stripe; 409 sold_out when capacity is short",
        Anything,
        auth=False,
        body=Anything,
        errors=(404, 409, 422),
    ),
    Op(
        "get",
        "/api/v1/events/{slug}/orders",
        "Orders of an event (staff)",
        Anything,
        errors=(403, 404),
    ),
    Op(
        "get",
        "/api/v1/orders/{code}",
        "One order with its tickets and log (staff)",
        Anything,
        errors=(403, 404),
    ),
    Op(
        "post",
        "/api/v1/orders/{code}/refund",
        "Refund an order, or some tickets ({tickets: [ids], reason}) (staff)",
        Anything,
        body=Anything,
        errors=(403, 404, 409),
    ),
]

OPERATIONS += [
    Op(
        "get",
        "/api/v1/events/{slug}/schedule",
        "The released Soapbox lineup of an event: confirmed speeches only, speakers named "
        "only as their consent allows",
        PublicSchedule,
        auth=False,
        errors=(404,),
    ),
    Op(
        "get",
        "/api/v1/speeches",
        "Soapbox Speeches: a member's own, a mentor's groups', or all for staff (?state=)",
        SpeechList,
    ),
    Op(
        "post",
        "/api/v1/speeches/{id}/transition",
        "Move a speech to another state: {to, note, slot (to schedule), rubric "
        "{clarity, voice, call_to_action: 1-4}}; 409 transition_not_allowed or a scheduling "
        "conflict code (slot_taken, speaker_busy, too_long, outside_availability, "
        "past_curfew, no_consent); 403 role_not_allowed",
        TransitionOut,
        body=TransitionIn,
        errors=(403, 404, 409, 422),
        status="200",
    ),
]

ERROR_TEXT = {
    403: "Not allowed for this account",
    404: "Not found, or not visible to the caller",
    409: "Conflict: sold out, a step not allowed now, or a scheduling conflict (see code)",
    422: "Invalid input, with a message per field",
}


def _schema(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    # Nested models come in $defs; they belong among the shared schemas.
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


@cache
def openapi_document(base_url: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    error_ref = _schema(Error, schemas)
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        ok = op.status or ("201" if op.method == "post" else "200")
        responses: dict[str, Any] = {
            ok: {
                "description": "OK",
                "content": {"application/json": {"schema": _schema(op.response, schemas)}},
            }
        }
        operation: dict[str, Any] = {"summary": op.summary, "responses": responses}
        codes = set(op.errors)
        if op.auth:
            operation["security"] = [{"bearerAuth": []}]
            responses["401"] = {
                "description": "No valid API token",
                "content": {"application/json": {"schema": error_ref}},
            }
        for code in sorted(codes):
            responses[str(code)] = {
                "description": ERROR_TEXT[code],
                "content": {"application/json": {"schema": error_ref}},
            }
        if op.body:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(op.body, schemas)}},
            }
        params = [name for name in ("id", "slug", "code") if "{" + name + "}" in op.path]
        if params:
            operation["parameters"] = [
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer" if name == "id" else "string"},
                }
                for name in params
            ]
        paths.setdefault(op.path, {})[op.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "YO-C platform API", "version": __version__},
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
