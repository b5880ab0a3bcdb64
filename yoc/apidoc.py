"""The JSON API's description: each endpoint says what it takes and answers with
``@documented(...)``, and the OpenAPI document is built from the route table, so an
endpoint and its description cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.routing import BaseRoute, Route

F = TypeVar("F", bound=Callable[..., Any])

ERROR_TEXT = {
    400: "The request could not be read",
    403: "Not allowed for this account, or outside the token's scope",
    404: "Not found, or not visible to the caller",
    409: "Conflict: sold out, a step not allowed now, or a scheduling conflict (see code)",
    422: "Invalid input, with a message per field",
    429: "Too many requests from this address; Retry-After says how many seconds to wait",
    503: "A service it needs (card payment) is down for now: try again in a few minutes",
}


@dataclass(frozen=True)
class Param:
    """A query parameter with its JSON schema (bounds, choices) and what it means."""

    name: str
    schema: dict[str, Any]
    description: str = ""


class Error(BaseModel):
    error: str
    message: str
    fields: dict[str, str] | None = None


@dataclass(frozen=True)
class Doc:
    summary: str
    response: type[BaseModel]
    body: type[BaseModel] | None = None
    auth: bool = True
    errors: tuple[int, ...] = ()
    status: str = ""  # the success status, when not the usual one for the method
    query: tuple[str | Param, ...] = ()  # a plain name: any text
    headers: tuple[str, ...] = ()  # request headers it reads, all of them required
    also: tuple[tuple[int, str], ...] = ()  # other success statuses (same body): (code, why)


def documented(
    summary: str,
    response: type[BaseModel],
    *,
    body: type[BaseModel] | None = None,
    auth: bool = True,
    errors: tuple[int, ...] = (),
    status: str = "",
    query: tuple[str | Param, ...] = (),
    headers: tuple[str, ...] = (),
    also: tuple[tuple[int, str], ...] = (),
) -> Callable[[F], F]:
    """Describe a JSON endpoint for the OpenAPI document. Put it outermost: the guards'
    wrappers copy the attribute (functools.wraps), but only from what they wrap."""

    def mark(endpoint: F) -> F:
        endpoint.api_doc = Doc(summary, response, body, auth, errors, status, query, headers, also)  # type: ignore[attr-defined]
        return endpoint

    return mark


def json_routes(routes: Iterable[BaseRoute]) -> list[tuple[str, str, Route]]:
    """(method, path, route) of every endpoint under /api/, HEAD left out."""
    found = []
    for route in routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    found.append((method.lower(), route.path, route))
    return found


def undocumented(routes: Iterable[BaseRoute]) -> list[str]:
    return [
        f"{method.upper()} {path}"
        for method, path, route in json_routes(routes)
        if getattr(route.endpoint, "api_doc", None) is None and not path.endswith("openapi.json")
    ]


def _schema(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    # Nested models come in $defs; they belong among the shared schemas.
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


_PARAM = re.compile(r"{(\w+)(?::(\w+))?}")


def _query_param(param: str | Param) -> dict[str, Any]:
    if isinstance(param, str):
        param = Param(param, {"type": "string"})
    found: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": False,
        "schema": param.schema,
    }
    if param.description:
        found["description"] = param.description
    return found


def _operation(doc: Doc, method: str, path: str, schemas: dict[str, Any]) -> dict[str, Any]:
    error_ref = _schema(Error, schemas)
    ok = doc.status or ("201" if method == "post" else "200")
    responses: dict[str, Any] = {
        ok: {
            "description": "OK",
            "content": {"application/json": {"schema": _schema(doc.response, schemas)}},
        }
    }
    for code, why in doc.also:
        responses[str(code)] = {"description": why, "content": responses[ok]["content"]}
    operation: dict[str, Any] = {"summary": doc.summary, "responses": responses}
    if doc.auth:
        operation["security"] = [{"bearerAuth": []}]
        responses["401"] = {
            "description": "No valid API token",
            "content": {"application/json": {"schema": error_ref}},
        }
    # A NUL byte in a query string or a header is refused before the endpoint runs.
    errors = {*doc.errors, *((400,) if doc.query or doc.headers else ())}
    for code in sorted(errors):
        responses[str(code)] = {
            "description": ERROR_TEXT[code],
            "content": {"application/json": {"schema": error_ref}},
        }
    if doc.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(doc.body, schemas)}},
        }
    params = (
        [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if kind in ("int", "id") else "string"},
            }
            for name, kind in _PARAM.findall(path)
        ]
        + [_query_param(param) for param in doc.query]
        + [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
            for name in doc.headers
        ]
    )
    if params:
        operation["parameters"] = params
    return operation


def openapi_document(
    routes: Iterable[BaseRoute], *, base_url: str, title: str, version: str
) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for method, path, route in json_routes(routes):
        doc = getattr(route.endpoint, "api_doc", None)
        if doc is None:
            continue
        plain = _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)
        paths.setdefault(plain, {})[method] = _operation(doc, method, path, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "An API token from the account page. It expires (90 days unless "
                        "chosen), ends when its owner's password or role changes, and has a "
                        "scope: read (GET), checkin (also POST /api/v1/checkin) or write; a "
                        "request outside it is 403 insufficient_scope."
                    ),
                }
            },
        },
    }
