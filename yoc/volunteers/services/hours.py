"""Hours given on shifts: for each shift that has ended, its length, for everyone on it
that staff did not mark as absent."""

from __future__ import annotations

from datetime import datetime

from yoc.events.forms import LA
from yoc.timeutil import utcnow
from yoc.volunteers.models import ShiftSignup


async def shift_hours_for(user_id: int, year: int) -> float:
    """The hours ``user_id`` delivered on shifts that ended, in ``year`` (local time)."""
    start = datetime(year, 1, 1, tzinfo=LA)
    end = datetime(year + 1, 1, 1, tzinfo=LA)
    shifts = await ShiftSignup.filter(
        user_id=user_id,
        no_show=False,
        shift__starts_at__gte=start,
        shift__starts_at__lt=end,
        shift__ends_at__lte=utcnow(),
    ).select_related("shift")
    return round(sum(s.shift.hours for s in shifts), 2)
