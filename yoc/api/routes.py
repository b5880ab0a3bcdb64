"""JSON API v1 and its OpenAPI document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc import __version__
from yoc.api.schemas import Me
from yoc.apidoc import documented, openapi_document
from yoc.http import api_auth, current_user


@documented("The account the token belongs to", Me)
@api_auth
async def me(request: Request) -> Response:
    user = current_user(request)
    body = Me(id=user.id, email=user.email, name=user.name, role=user.role, language=user.language)
    return JSONResponse(body.model_dump(mode="json"))


async def openapi(request: Request) -> Response:
    """The document is built from the route table, once per app."""
    state = request.app.state
    if getattr(state, "openapi", None) is None:
        state.openapi = openapi_document(
            request.app.routes,
            base_url=state.settings.base_url,
            title="YO-C platform API",
            version=__version__,
        )
    return JSONResponse(state.openapi)


routes = [
    Route("/api/v1/me", me, name="api:me"),
    Route("/api/v1/openapi.json", openapi, name="api:openapi"),
]
