"""Practice nights: a member gives their speech to the group, and the mentor marks it
delivered with feedback on the Soapbox rubric (the review's own, from the soapbox domain)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc import audit
from yoc.accounts.models import User
from yoc.cache import changing
from yoc.curriculum.enums import STAMP, ActivityKind, ProgressState
from yoc.curriculum.models import Activity, ActivityProgress, Assignment, PracticeFeedback
from yoc.curriculum.services import progress
from yoc.errors import Conflict, NotFound, ValidationFailed
from yoc.i18n import N_
from yoc.members.services.access import can_see
from yoc.soapbox.services import rubric

RECORDED = N_("This practice speech is already recorded. Reload the page.")


@dataclass
class Practice:
    activity: Activity
    member: User
    state: ProgressState
    feedback: PracticeFeedback | None


async def _practice_activity(activity_id: int) -> Activity:
    activity = await Activity.get_or_none(id=activity_id, kind=ActivityKind.PRACTICE_NIGHT)
    if activity is None:
        raise NotFound(N_("We could not find that activity."), "not_found")
    return activity


async def _member(mentor: User, member_id: int) -> User:
    member = await User.get_or_none(id=member_id)
    if member is None or member.id == mentor.id or not await can_see(mentor, member):
        raise NotFound(N_("We could not find that member."), "not_found")
    return member


async def practice_of(mentor: User, activity_id: int, member_id: int) -> Practice:
    """Where a member is on a practice night, as their mentor (or staff) sees it."""
    activity = await _practice_activity(activity_id)
    member = await _member(mentor, member_id)
    row = await ActivityProgress.get_or_none(member=member, activity=activity)
    feedback = await PracticeFeedback.get_or_none(progress=row) if row else None
    return Practice(activity, member, row.state if row else ProgressState.NOT_STARTED, feedback)


def _checked(scores: dict[str, int]) -> dict[str, int]:
    missing = {
        c.value: N_("Choose a score from 1 to 4.")
        for c in rubric.CRITERIA
        if scores.get(c.value) not in {s.value for s in rubric.SCORES}
    }
    if missing:
        raise ValidationFailed(missing)
    return {c.value: int(scores[c.value]) for c in rubric.CRITERIA}


async def record(
    *, mentor: User, activity_id: int, member_id: int, scores: dict[str, int], comments: str
) -> PracticeFeedback:
    """Mark the practice speech delivered (the activity is done) with the mentor's rubric
    feedback; once per member and practice night."""
    activity = await _practice_activity(activity_id)
    member = await _member(mentor, member_id)
    checked = _checked(scores)
    if await PracticeFeedback.filter(progress__member=member, progress__activity=activity).exists():
        raise Conflict(RECORDED, "recorded")
    if not await Assignment.filter(member=member, module_id=activity.module_id).exists():
        raise Conflict(N_("This module is not assigned to this member."), "not_assigned")
    async with changing(STAMP), in_transaction():
        row = await progress.finish_by_mentor(mentor=mentor, member=member, activity=activity)
        try:
            # One per practice night and member: a unique column holds it.
            feedback = await PracticeFeedback.create(
                progress=row,
                mentor=mentor,
                mentor_name=mentor.name,
                scores=checked,
                comments=comments.strip(),
            )
        except IntegrityError:
            raise Conflict(RECORDED, "recorded") from None
        await audit.record(
            actor=mentor,
            action=audit.AuditAction.UPDATE,
            subject=member,
            practice="delivered",
            activity=activity.id,
        )
    return feedback


async def feedback_of(member: User) -> list[PracticeFeedback]:
    """The member's practice speeches, the latest first, with their activity."""
    return (
        await PracticeFeedback.filter(progress__member=member)
        .order_by("-delivered_at", "-id")
        .select_related("progress__activity")
    )


async def feedback_by_activity(
    member: User, activity_ids: list[int]
) -> dict[int, PracticeFeedback]:
    rows = await PracticeFeedback.filter(
        progress__member=member, progress__activity_id__in=activity_ids
    ).select_related("progress")
    return {row.progress.activity_id: row for row in rows}


def readable(scores: dict) -> list[tuple]:
    """The scores as the rubric's criteria and levels (labels shown in the reader's
    language), in the rubric's order."""
    return [(c, rubric.score(scores[c.value])) for c in rubric.CRITERIA if scores.get(c.value)]


def criteria() -> list:
    return rubric.CRITERIA


def levels() -> list:
    return rubric.SCORES


@dataclass
class RosterLine:
    member: User
    feedback: PracticeFeedback | None


async def roster_states(activity: Activity, members: list[User]) -> list[RosterLine]:
    """The group, each with their practice speech's feedback if it was recorded."""
    found = {
        row.progress.member_id: row
        for row in await PracticeFeedback.filter(
            progress__activity=activity, progress__member_id__in=[m.id for m in members]
        ).select_related("progress")
    }
    return [RosterLine(m, found.get(m.id)) for m in members]
