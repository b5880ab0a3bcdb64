"""JSON API v1 and its OpenAPI document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.api.schemas import Me, openapi_document
from yoc.http import api_auth, current_user


@api_auth
async def me(request: Request) -> Response:
    user = current_user(request)
    body = Me(id=user.id, email=user.email, name=user.name, role=user.role, language=user.language)
    return JSONResponse(body.model_dump(mode="json"))


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document(request.app.state.settings.base_url))


routes = [
    Route("/api/v1/me", me, name="api:me"),
    Route("/api/v1/openapi.json", openapi, name="api:openapi"),
]
