"""Response shapes of the API, which also make its OpenAPI document."""

from __future__ import annotations

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


class Error(BaseModel):
    error: str
    message: str


# (method, path, summary, response model, needs a token)
OPERATIONS: list[tuple[str, str, str, type[BaseModel], bool]] = [
    ("get", "/api/v1/me", "The account the token belongs to", Me, True),
]


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
