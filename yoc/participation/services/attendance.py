"""Attendance at a meeting: one tap per member on the mentor's phone, sent at once or,
when the phone was offline, later in a batch. Sending a batch again changes nothing, and
for each member the latest tap wins, whatever order the taps arrive in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc.accounts.models import User
from yoc.members.services import cohorts
from yoc.participation.enums import Presence
from yoc.participation.models import MeetingAttendance
from yoc.participation.services.meetings import meeting_to_run
from yoc.timeutil import utcnow

MAX_MARKS = 500


@dataclass(frozen=True)
class Mark:
    member_id: int
    presence: Presence
    marked_at: datetime


@dataclass(frozen=True)
class Outcome:
    member_id: int
    # "saved", "newer_kept" (a later tap was already recorded) or "not_in_group".
    result: str
    presence: Presence | None


async def _apply(meeting_id: int, mentor: User, mark: Mark) -> str:
    # A tap is recorded only over an older one: a conditional update, so that two
    # batches arriving at once still leave the latest tap, on any database.
    newer = {"presence": mark.presence, "marked_at": mark.marked_at, "marked_by_id": mentor.id}
    if await MeetingAttendance.filter(
        meeting_id=meeting_id, member_id=mark.member_id, marked_at__lt=mark.marked_at
    ).update(**newer):
        return "saved"
    if await MeetingAttendance.exists(meeting_id=meeting_id, member_id=mark.member_id):
        return "newer_kept"
    try:
        async with in_transaction():
            await MeetingAttendance.create(meeting_id=meeting_id, member_id=mark.member_id, **newer)
        return "saved"
    except IntegrityError:
        # Another batch made the row first: compare with its tap, as above.
        return await _apply(meeting_id, mentor, mark)


async def record_marks(*, mentor: User, meeting_id: int, marks: list[Mark]) -> list[Outcome]:
    """Record the taps of a mentor of the meeting's group (staff: any group)."""
    meeting = await meeting_to_run(mentor, meeting_id)
    roster = {member.id for member in await cohorts.roster(meeting.cohort)}
    now = utcnow()
    outcomes = []
    for mark in marks[:MAX_MARKS]:
        if mark.member_id not in roster:
            outcomes.append(Outcome(mark.member_id, "not_in_group", None))
            continue
        # A phone's clock ahead of ours must not pin a tap above every later one.
        taken = Mark(mark.member_id, mark.presence, min(mark.marked_at.astimezone(UTC), now))
        result = await _apply(meeting.id, mentor, taken)
        outcomes.append(Outcome(mark.member_id, result, None))
    kept = {
        a.member_id: a.presence
        for a in await MeetingAttendance.filter(
            meeting_id=meeting.id, member_id__in=[o.member_id for o in outcomes]
        )
    }
    return [Outcome(o.member_id, o.result, kept.get(o.member_id)) for o in outcomes]
