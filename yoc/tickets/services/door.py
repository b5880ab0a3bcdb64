"""Who may scan at an event's door: staff, and volunteers with the event's door code,
whose access (a grant) is kept on the server and ends with the event day or the code."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from yoc.db import fits
from yoc.errors import NotFound
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.security import hash_token, new_token
from yoc.tickets.models import DoorGrant
from yoc.tickets.services.secrets import random_code
from yoc.timeutil import utcnow

# An event that ends this long after midnight still belongs to the evening before.
LATE_NIGHT = timedelta(hours=6)


async def event_for_code(code: str) -> Event | None:
    """The event whose door code this is (codes are typed in any case)."""
    code = code.strip().upper()
    return await Event.get_or_none(door_code=code) if code and fits(Event, door_code=code) else None


def code_opens(event: Event, code: str | None) -> bool:
    return bool(code and event.door_code and code.strip().upper() == event.door_code)


async def new_code(slug: str) -> str:
    """Give the event a new door code; the old one stops working, and so does every
    volunteer's access granted with it."""
    code = random_code(8)
    event = await Event.get_or_none(slug=slug) if fits(Event, slug=slug) else None
    if event is None or not await Event.filter(id=event.id).update(door_code=code):
        raise NotFound(N_("We could not find that event."), "not_found")
    await DoorGrant.filter(event=event).delete()
    return code


def grant_ends(event: Event, now: datetime, timezone: str) -> datetime:
    """When access granted at ``now`` ends: at midnight (local time) after it was given,
    or when the event ends, if it runs on past midnight into the small hours. A second
    day of a festival needs the day's code again."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    if midnight < event.ends_at <= midnight + LATE_NIGHT:
        return event.ends_at.astimezone(zone)
    return midnight


async def grant(event: Event, *, timezone: str, name: str = "") -> str:
    """Let a volunteer's phone scan at ``event``; return the key its session keeps.
    ``name``, if the volunteer gave one, names their sales in the shift summary."""
    key = new_token()
    now = utcnow()
    await DoorGrant.create(
        key_hash=hash_token(key),
        event=event,
        expires_at=grant_ends(event, now, timezone),
        name=name[:80],
    )
    return key


async def forget_ended() -> int:
    """Delete the grants whose day is over (the worker's housekeeping)."""
    return await DoorGrant.filter(expires_at__lte=utcnow()).delete()


async def granted_event(key: str | None) -> Event | None:
    """The event a volunteer's key still lets them scan at, or None."""
    found = await current_grant(key)
    return found.event if found else None


async def current_grant(key: str | None) -> DoorGrant | None:
    """A volunteer's access that still holds, with its event; or None."""
    if not key:
        return None
    return (
        await DoorGrant.filter(key_hash=hash_token(key), expires_at__gt=utcnow())
        .select_related("event")
        .first()
    )
