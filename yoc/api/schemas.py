"""Response shapes of the API, which also make its OpenAPI document."""

from __future__ import annotations

from datetime import date
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


class Error(BaseModel):
    error: str
    message: str


# (method, path, summary, response model, needs a token)
OPERATIONS: list[tuple[str, str, str, type[BaseModel], bool]] = [
    ("get", "/api/v1/me", "The account the token belongs to", Me, True),
    (
        "get",
        "/api/v1/members",
        "Members: a mentor's groups, or everyone for staff (403 for members)",
        MemberList,
        True,
    ),
    (
        "get",
        "/api/v1/members/{id}",
        "One member: themselves, their mentors, or staff (404 otherwise)",
        MemberOut,
        True,
    ),
    ("get", "/api/v1/cohorts", "Groups: a mentor's own, or all for staff", CohortList, True),
    ("get", "/api/v1/cohorts/{id}/members", "The members of one group", MemberList, True),
    ("get", "/api/v1/tracks", "The curriculum: tracks, modules and activities", TrackList, True),
    (
        "get",
        "/api/v1/members/{id}/progress",
        "A member's progress per assigned module (same visibility as the profile)",
        MemberProgress,
        True,
    ),
    (
        "post",
        "/api/v1/assignments",
        "Assign a module or track to a member or a group "
        "(target 'cohort:ID' or 'member:ID', what 'module:ID' or 'track:ID')",
        AssignmentOut,
        True,
    ),
]

# Request bodies, by (method, path).
REQUEST_BODIES: dict[tuple[str, str], type[BaseModel]] = {
    ("post", "/api/v1/assignments"): AssignmentIn,
}


@cache
def openapi_document(base_url: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": Error.model_json_schema()}
    paths: dict[str, Any] = {}
    for method, path, summary, model, auth in OPERATIONS:
        schemas[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        responses: dict[str, Any] = {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                    }
                },
            }
        }
        operation: dict[str, Any] = {"summary": summary, "responses": responses}
        if auth:
            operation["security"] = [{"bearerAuth": []}]
            responses["401"] = {
                "description": "No valid API token",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        if body := REQUEST_BODIES.get((method, path)):
            schemas[body.__name__] = body.model_json_schema()
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{body.__name__}"}
                    }
                },
            }
            responses["201"] = responses.pop("200")
            responses["422"] = {"description": "Invalid input, with a message per field"}
        if "{id}" in path:
            operation["parameters"] = [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ]
            responses["404"] = {"description": "Not found, or not visible to the caller"}
        paths.setdefault(path, {})[method] = operation
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
