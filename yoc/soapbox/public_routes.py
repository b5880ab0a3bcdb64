"""Public: an event's Soapbox lineup page and calendar feeds."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.events import services as events
from yoc.http import render, render_shared
from yoc.soapbox.services import public, speakers

CALENDAR = "text/calendar; charset=utf-8"


async def lineup_page(request: Request) -> Response:
    """Shared by anonymous visitors like the festival page, a few seconds old at most."""

    async def build() -> Response:
        event = await events.public_event(request.path_params["slug"])
        return render(request, "soapbox/lineup.html", {"lineup": await public.lineup(event)})

    return await render_shared(request, ("lineup", request.path_params["slug"]), build)


async def speaker_page(request: Request) -> Response:
    """A speaker's public page; none without a public-name consent in force. Never a
    shared copy: a consent revoked takes the page away at once."""
    page = await speakers.speaker_page(request.path_params["key"])
    return render(request, "soapbox/speaker.html", {"page": page})


async def lineup_feed(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    body = await public.event_feed(event, request.scope["language"])
    return Response(body, media_type=CALENDAR)


async def speaker_feed(request: Request) -> Response:
    body = await public.speaker_public_feed(request.path_params["key"], request.scope["language"])
    return Response(body, media_type=CALENDAR)


routes = [
    Route("/events/{slug:str}/lineup", lineup_page, name="soapbox:lineup"),
    Route("/events/{slug:str}/lineup.ics", lineup_feed, name="soapbox:lineup_feed"),
    Route("/speakers/{key:str}.ics", speaker_feed, name="soapbox:speaker_feed"),
    Route("/speakers/{key:str}", speaker_page, name="soapbox:speaker"),
]
