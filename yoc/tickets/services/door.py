"""Who may scan at an event's door: staff, and volunteers with the event's door code."""

from __future__ import annotations

from yoc.errors import NotFound
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.tickets.services.secrets import random_code


async def event_for_code(code: str) -> Event | None:
    """The event whose door code this is (codes are typed in any case)."""
    code = code.strip().upper()
    return await Event.get_or_none(door_code=code) if code else None


def code_opens(event: Event, code: str | None) -> bool:
    return bool(code and event.door_code and code.strip().upper() == event.door_code)


async def new_code(slug: str) -> str:
    """Give the event a new door code; the old one stops working."""
    code = random_code(8)
    if not await Event.filter(slug=slug).update(door_code=code):
        raise NotFound(N_("We could not find that event."), "not_found")
    return code
