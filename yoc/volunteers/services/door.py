"""Door access from a door shift: the person signed up for it (with an account) may
use the event's scanner and box office from EARLY before the shift starts until it
ends, and not a minute after. Checked on every request against the database, so staff
taking them off the shift, or changing its times, takes effect at once. The one thing a
shift that just ended still allows is the sync of scans made offline before its end."""

from __future__ import annotations

from datetime import datetime, timedelta

from yoc.db import fits
from yoc.events.models import Event
from yoc.timeutil import utcnow
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.models import Shift

# Time to sign in and find the gate before the first guests.
EARLY = timedelta(minutes=30)
# Scans made offline during a door shift may reach the server after it ends (the signal
# came back late): for this long after the end, the sync takes those made before it.
SYNC_GRACE = timedelta(hours=2)


def _on_now(now: datetime):
    return Shift.filter(
        role=ShiftRole.DOOR,
        starts_at__lte=now + EARLY,
        ends_at__gt=now,
    )


async def door_event(user_id: int, slug: str, *, now: datetime | None = None) -> Event | None:
    """The event ``slug``, if ``user_id`` is on one of its door shifts right now."""
    if not fits(Event, slug=slug):
        return None
    shift = (
        await _on_now(now or utcnow())
        .filter(event__slug=slug, signups__user_id=user_id, signups__no_show=False)
        .select_related("event")
        .first()
    )
    return shift.event if shift else None


async def door_events_now(user_id: int, *, now: datetime | None = None) -> list[Event]:
    """The events whose door ``user_id`` works right now (for the door's start page)."""
    shifts = (
        await _on_now(now or utcnow())
        .filter(signups__user_id=user_id, signups__no_show=False)
        .select_related("event")
    )
    return list({s.event_id: s.event for s in shifts}.values())


async def ended_door_shift(
    user_id: int, slug: str, *, now: datetime | None = None
) -> tuple[Event, datetime] | None:
    """The event and the end of ``user_id``'s door shift at ``slug`` that ended less than
    SYNC_GRACE ago (for the scans they made offline before it ended), or None."""
    if not fits(Event, slug=slug):
        return None
    now = now or utcnow()
    shift = (
        await Shift.filter(
            role=ShiftRole.DOOR,
            event__slug=slug,
            signups__user_id=user_id,
            signups__no_show=False,
            ends_at__lte=now,
            ends_at__gt=now - SYNC_GRACE,
        )
        .select_related("event")
        .order_by("-ends_at")
        .first()
    )
    return (shift.event, shift.ends_at) if shift else None
