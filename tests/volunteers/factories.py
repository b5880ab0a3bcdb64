"""Shifts as real rows, at wall-clock times in the Eastern Coachella Valley."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from tests.tickets.factories import make_event
from yoc.events.forms import LA
from yoc.events.models import Event
from yoc.forms import parse
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.forms import ShiftForm
from yoc.volunteers.models import Shift
from yoc.volunteers.services import shifts


def event_day(event: Event) -> date:
    return event.starts_at.astimezone(LA).date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LA)


async def make_shift(
    event: Event | None = None,
    *,
    role: ShiftRole = ShiftRole.DOOR,
    start: int = 16,
    hours: int = 3,
    needed: int = 2,
    **overrides: Any,
) -> Shift:
    """A shift at ``event`` (a new one a month away by default), from ``start`` o'clock
    local time on the event's day, for ``hours``."""
    event = event or await make_event()
    starts = at(event_day(event), start)
    values: dict[str, Any] = {
        "role": role.value,
        "place_en": "North gate",
        "place_es": "Entrada norte",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=hours),
        "needed": needed,
        **overrides,
    }
    shift = await shifts.create(event, parse(ShiftForm, values))
    return await shifts.get_shift(shift.id)
