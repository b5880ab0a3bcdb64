"""Weekly meetings of a group: mentors and staff plan them, members answer whether they
will come."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc import mail
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.services import catalog
from yoc.errors import Conflict, NotFound, ValidationFailed
from yoc.i18n import N_
from yoc.members.models import Cohort
from yoc.members.services import cohorts
from yoc.members.services.access import is_staff
from yoc.participation.enums import Presence, Rsvp
from yoc.participation.models import Meeting, MeetingAttendance, MeetingRsvp
from yoc.settings import Settings
from yoc.timeutil import utcnow

if TYPE_CHECKING:
    from yoc.curriculum.models import Module

NOT_FOUND = N_("We could not find that meeting.")
MAX_WEEKS = 26


@dataclass
class Plan:
    """What a mentor types for a meeting, or for the first of a weekly series."""

    starts_at: datetime
    minutes: int
    place: str
    topic: str
    module_id: int | None = None
    weeks: int = 1


async def module_choices(keep: Module | None = None) -> list[tuple[int, str, str]]:
    """(id, English title, Spanish title) of the modules in use, track by track; and
    ``keep`` (a meeting's module since retired), so that saving the meeting keeps it."""
    choices = [
        (module.id, module.title_en, module.title_es)
        for track in await catalog.tracks()
        for module in catalog.live(list(track.modules))
    ]
    if keep is not None and keep.id not in {id_ for id_, _, _ in choices}:
        choices.append((keep.id, keep.title_en, keep.title_es))
    return choices


async def plan_meetings(*, actor: User, cohort_id: int, plan: Plan) -> list[Meeting]:
    """One meeting, or ``plan.weeks`` of them a week apart, for a group the actor mentors
    (staff: any group)."""
    cohort = await cohorts.visible_cohort(actor, cohort_id, with_mentors=False)
    if not 1 <= plan.weeks <= MAX_WEEKS:
        raise ValidationFailed({"weeks": N_("Choose from 1 to 26 weeks.")})
    await _check_plan(plan)
    series = secrets.token_hex(6) if plan.weeks > 1 else ""
    async with in_transaction():
        made = [
            await Meeting.create(
                cohort=cohort,
                starts_at=plan.starts_at + timedelta(weeks=week),
                minutes=plan.minutes,
                place=plan.place,
                topic=plan.topic,
                module_id=plan.module_id,
                series=series,
                created_by=actor,
            )
            for week in range(plan.weeks)
        ]
    return made


STARTED = N_("This meeting has started, so it stays as it is.")
ATTENDANCE_TAKEN = N_("Attendance is already being taken at this meeting, so it stays as it is.")


async def _check_plan(plan: Plan) -> None:
    if plan.starts_at < utcnow() - timedelta(days=1):
        raise ValidationFailed({"day": N_("Choose a day that has not passed.")})
    if plan.module_id is not None:
        try:
            await catalog.get_module(plan.module_id)
        except NotFound:
            raise ValidationFailed({"module_id": N_("Choose one of the options.")}) from None


async def meeting_to_change(viewer: User, meeting_id: int) -> Meeting:
    """A meeting of a group the viewer mentors (staff: any) that has not started and
    whose attendance nobody has begun to take."""
    meeting = await meeting_to_run(viewer, meeting_id)
    if meeting.starts_at <= utcnow():
        raise Conflict(STARTED, "meeting_started")
    if await MeetingAttendance.filter(meeting_id=meeting.id).exists():
        raise Conflict(ATTENDANCE_TAKEN, "attendance_taken")
    return meeting


async def change_meeting(
    *, actor: User, meeting_id: int, plan: Plan, settings: Settings
) -> Meeting:
    """Change one meeting that has not started, to a time that has not passed. If its
    time or place moves, the members who answered are told, in the transaction that
    changes it; a new time asks them to answer again (their answers were for the old one)."""
    meeting = await meeting_to_change(actor, meeting_id)
    await _check_plan(plan)
    if plan.starts_at <= utcnow():
        raise ValidationFailed({"start": N_("Choose a time that has not passed.")})
    # The form says the minute: a meeting kept at the same minute has not moved.
    retimed = meeting.starts_at.replace(second=0, microsecond=0) != plan.starts_at
    moved = retimed or meeting.place != plan.place
    async with in_transaction():
        await Meeting.filter(id=meeting.id).update(
            starts_at=plan.starts_at,
            minutes=plan.minutes,
            place=plan.place,
            topic=plan.topic,
            module_id=plan.module_id,
        )
        changed = await meeting_to_run(actor, meeting.id)
        if moved:
            for member in await _answered(changed):
                await _tell(
                    member, "meeting_changed", [changed], changed.cohort, settings, retimed=retimed
                )
        if retimed:
            await MeetingRsvp.filter(meeting_id=meeting.id).delete()
    return changed


async def to_cancel(viewer: User, meeting_id: int, *, later_too: bool) -> list[Meeting]:
    """The meeting, and with ``later_too`` the later ones of its weekly series: those
    that have not started, soonest first."""
    meeting = await meeting_to_change(viewer, meeting_id)
    if not (later_too and meeting.series):
        return [meeting]
    series = await Meeting.filter(
        cohort_id=meeting.cohort_id, series=meeting.series, starts_at__gte=meeting.starts_at
    ).order_by("starts_at")
    taken = set(
        await MeetingAttendance.filter(meeting_id__in=[m.id for m in series]).values_list(
            "meeting_id", flat=True
        )
    )
    return [m for m in series if m.id not in taken]


async def cancel_meetings(
    *, actor: User, meeting_id: int, later_too: bool, settings: Settings
) -> tuple[Cohort, list[Meeting]]:
    """Cancel the meeting (and with ``later_too`` the rest of its series); the members
    who said they would come to any of them get one email listing them."""
    chosen = await to_cancel(actor, meeting_id, later_too=later_too)
    cohort = await Cohort.get(id=chosen[0].cohort_id)
    async with in_transaction() as conn:
        # Locked, and read again: of two cancellations at once (a double tap), the
        # second finds nothing left and tells nobody a second time.
        cancelled = list(
            await Meeting.filter(id__in=[m.id for m in chosen])
            .select_for_update()
            .using_db(conn)
            .order_by("starts_at")
        )
        coming: dict[int, tuple[User, list[Meeting]]] = {}
        for meeting in cancelled:
            for member in await _answered(meeting, only=Rsvp.YES):
                coming.setdefault(member.id, (member, []))[1].append(meeting)
        await Meeting.filter(id__in=[m.id for m in cancelled]).using_db(conn).delete()
        for member, theirs in coming.values():
            await _tell(member, "meeting_cancelled", theirs, cohort, settings)
    return cohort, cancelled


async def _answered(meeting: Meeting, *, only: Rsvp | None = None) -> list[User]:
    """The group's members who answered about ``meeting`` (``only`` that answer)."""
    answers = MeetingRsvp.filter(meeting_id=meeting.id)
    if only is not None:
        answers = answers.filter(answer=only)
    return list(
        await User.filter(
            id__in=list(await answers.values_list("member_id", flat=True)),
            member_cohorts__id=meeting.cohort_id,
            is_active=True,
        )
    )


async def _tell(
    member: User,
    template: str,
    about: list[Meeting],
    cohort: Cohort,
    settings: Settings,
    **more: object,
) -> None:
    await mail.queue_mail(
        to=member.email,
        template=template,
        language=member.language,
        context={
            "name": member.name,
            "group": cohort.name,
            "meetings": about,
            "link": f"{settings.base_url}/meetings",
            **more,
        },
    )


async def group_meetings(viewer: User, cohort_id: int) -> tuple[Cohort, list[Meeting]]:
    """A group the viewer mentors (staff: any) and its meetings, in order."""
    cohort = await cohorts.visible_cohort(viewer, cohort_id, with_mentors=False)
    meetings = await Meeting.filter(cohort=cohort).prefetch_related("module")
    return cohort, meetings


async def meeting_to_run(viewer: User, meeting_id: int) -> Meeting:
    """A meeting of a group the viewer mentors (staff: any); anyone else: not found."""
    query = Meeting.filter(id=meeting_id)
    if not is_staff(viewer):
        if viewer.role != Role.MENTOR:
            raise NotFound(NOT_FOUND, "not_found")
        query = query.filter(cohort__mentors=viewer)
    meeting = await query.prefetch_related("cohort", "module").first()
    if meeting is None:
        raise NotFound(NOT_FOUND, "not_found")
    return meeting


@dataclass
class RollLine:
    """One member on a meeting's roll: their answer and what the mentor marked."""

    member: User
    answer: Rsvp | None
    presence: Presence | None


async def roll(meeting: Meeting) -> list[RollLine]:
    members = await cohorts.roster(meeting.cohort)
    answers = {r.member_id: r.answer for r in await MeetingRsvp.filter(meeting=meeting)}
    marks = {a.member_id: a.presence for a in await MeetingAttendance.filter(meeting=meeting)}
    return [RollLine(m, answers.get(m.id), marks.get(m.id)) for m in members]


@dataclass
class Upcoming:
    meeting: Meeting
    answer: Rsvp | None


async def upcoming_for(member: User, *, limit: int = 4) -> list[Upcoming]:
    """The next meetings of the member's groups, with the member's answers."""
    meetings = (
        await Meeting.filter(cohort__members=member, starts_at__gte=utcnow() - timedelta(hours=2))
        .prefetch_related("cohort", "module")
        .limit(limit)
    )
    if not meetings:
        return []
    answers = {
        r.meeting_id: r.answer
        for r in await MeetingRsvp.filter(member=member, meeting_id__in=[m.id for m in meetings])
    }
    return [Upcoming(m, answers.get(m.id)) for m in meetings]


async def _members_meeting(member: User, meeting_id: int) -> Meeting:
    meeting = await Meeting.get_or_none(id=meeting_id, cohort__members=member)
    if meeting is None:
        raise NotFound(NOT_FOUND, "not_found")
    return meeting


async def answer(member: User, meeting_id: int, reply: Rsvp) -> MeetingRsvp:
    """Say whether the member will come; a later answer replaces the earlier one."""
    meeting = await _members_meeting(member, meeting_id)
    if meeting.starts_at < utcnow():
        raise Conflict(N_("This meeting has already started."), "meeting_started")
    for _ in range(2):
        found = await MeetingRsvp.get_or_none(meeting=meeting, member=member)
        if found is not None:
            found.answer = reply
            await found.save(update_fields=["answer", "updated_at"])
            return found
        try:
            async with in_transaction():
                return await MeetingRsvp.create(meeting=meeting, member=member, answer=reply)
        except IntegrityError:
            continue  # the same member answered twice at once: update the row they made
    raise Conflict(N_("Please try again."), "busy")  # pragma: no cover - two races in a row
