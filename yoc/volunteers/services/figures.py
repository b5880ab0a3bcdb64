"""Hours on volunteer shifts for the organisation's figures."""

from __future__ import annotations

from yoc.tally import Period
from yoc.timeutil import utcnow
from yoc.volunteers.models import ShiftSignup


async def shift_minutes_per_month(period: Period) -> list[int]:
    """The minutes people gave on shifts that started in each month of the period and
    have ended (without those marked as not come). One query: an event has tens of
    shifts, so their people are added up here."""
    worked = await ShiftSignup.filter(
        no_show=False,
        shift__starts_at__gte=period.starts_at,
        shift__starts_at__lt=period.ends_at,
        shift__ends_at__lte=utcnow(),
    ).values_list("shift__starts_at", "shift__ends_at")
    months = period.months()
    minutes = [0] * len(months)
    for starts_at, ends_at in worked:
        for i, month in enumerate(months):
            if month.starts_at <= starts_at < month.ends_at:
                minutes[i] += round((ends_at - starts_at).total_seconds() / 60)
                break
    return minutes
