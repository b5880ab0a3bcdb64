"""What the door's scanner needs to work without signal: its service worker (which keeps
the scanner page itself), the event's list of tickets that may not go in, and the tickets
let in twice that wait for somebody at the door to acknowledge them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from yoc.errors import Conflict
from yoc.http import api_domain_error, api_error, flash, form_data, redirect
from yoc.i18n import gettext
from yoc.settings import PROJECT_DIR
from yoc.tickets.door_routes import door_event, door_seller
from yoc.tickets.services import door_conflicts, door_lists

NO_STORE = {"Cache-Control": "no-store"}


def _refused() -> Response:
    return api_error(403, "forbidden", gettext("Your account cannot do this."))


async def service_worker(request: Request) -> Response:
    # Served from /door/, so its scope is the door's pages and nothing else.
    return FileResponse(
        PROJECT_DIR / "static" / "js" / "door-sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


async def offline_list(request: Request) -> Response:
    """The event's revoked, unpaid and valid tickets, by hash only, for the scanner to
    keep and use when there is no signal."""
    event = await door_event(request, request.path_params["slug"])
    if event is None:
        return _refused()
    return JSONResponse(await door_lists.offline_list(event), headers=NO_STORE)


async def conflicts(request: Request) -> Response:
    """The event's tickets let in twice that nobody has acknowledged yet."""
    event = await door_event(request, request.path_params["slug"])
    if event is None:
        return _refused()
    found = await door_conflicts.open_conflicts(event)
    return JSONResponse({"conflicts": [door_conflicts.as_dict(c) for c in found]}, headers=NO_STORE)


async def acknowledge(request: Request) -> Response:
    """Somebody at the door (staff, or a volunteer of this event) dealt with a ticket let
    in twice: from the scanner's script (JSON), or the live counts page's form."""
    slug = request.path_params["slug"]
    wants_json = "application/json" in request.headers.get("accept", "")
    found = await door_seller(request, slug)
    if found is None:
        return _refused()
    event, who = found
    here = f"/door/{event.slug}"
    back = f"{here}/counts" if (await form_data(request)).get("back") == "counts" else here
    try:
        conflict = await door_conflicts.acknowledge(
            event, request.path_params["conflict"], actor=who.label
        )
    except Conflict as error:  # somebody acknowledged it first (a conflict of another event: 404)
        if wants_json:
            return api_domain_error(error)
        flash(request, error.translated(), "error")
        return redirect(back)
    if wants_json:
        return JSONResponse(
            {
                "acknowledged": conflict.id,
                "by": conflict.acknowledged_by,
                "at": conflict.acknowledged_at.isoformat(),
            }
        )
    flash(request, gettext("Acknowledged. It no longer shows at the door."))
    return redirect(back)


# Before the door's own routes: "/door/sw.js" is not an event's scanner.
routes = [
    Route("/door/sw.js", service_worker, name="door:sw"),
    Route("/door/{slug:str}/offline-list", offline_list, name="door:offline_list"),
    Route("/door/{slug:str}/conflicts", conflicts, name="door:conflicts"),
    Route(
        "/door/{slug:str}/conflicts/{conflict:id}/acknowledge",
        acknowledge,
        methods=["POST"],
        name="door:acknowledge",
    ),
]
