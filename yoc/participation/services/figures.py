"""Counts of hours and meetings for the organisation's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from yoc.i18n import local_time
from yoc.participation.enums import HoursState, Presence
from yoc.participation.models import MeetingAttendance, ServiceHours
from yoc.tally import Period, sums_per_month


def _served_between(starts_at: datetime, ends_at: datetime) -> Q:
    """Hours served on the days of a span (a date, kept where the app is)."""
    return Q(served_on__gte=local_time(starts_at).date(), served_on__lt=local_time(ends_at).date())


async def verified_minutes_per_month(period: Period) -> list[int]:
    verified = ServiceHours.filter(state=HoursState.VERIFIED)
    sums = await sums_per_month(verified, _served_between, period, {"minutes": "minutes"})
    return sums["minutes"]


@dataclass(frozen=True)
class GroupAttendance:
    group: str
    meetings: int
    present: int
    absent: int

    @property
    def rate(self) -> float:
        """Of the members marked present or absent, the share present (the excused are
        left out: they told their mentor)."""
        return self.present / (self.present + self.absent) if self.present + self.absent else 0


async def attendance_by_group(period: Period) -> list[GroupAttendance]:
    """Each group whose attendance was taken at a meeting in the period, by name."""
    marks = await MeetingAttendance.filter(
        meeting__starts_at__gte=period.starts_at, meeting__starts_at__lt=period.ends_at
    ).values_list("meeting__cohort__name", "meeting_id", "presence")
    meetings: dict[str, set[int]] = {}
    counts: dict[str, dict[str, int]] = {}
    for group, meeting_id, presence in marks:
        meetings.setdefault(group, set()).add(meeting_id)
        tally = counts.setdefault(group, {})
        tally[presence] = tally.get(presence, 0) + 1
    return [
        GroupAttendance(
            group,
            len(meetings[group]),
            counts[group].get(Presence.PRESENT, 0),
            counts[group].get(Presence.ABSENT, 0),
        )
        for group in sorted(meetings, key=str.casefold)
    ]
