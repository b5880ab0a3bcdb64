"""Progress on activities. Every change of state goes through ``_move``, which checks
the step is allowed, keeps the history, and finishes modules and tracks."""

from __future__ import annotations

from yoc import audit, mail
from yoc.accounts.models import User
from yoc.cache import changing
from yoc.curriculum.enums import FINISHED, STAMP, Completion, ProgressState
from yoc.curriculum.models import (
    Activity,
    ActivityProgress,
    Assignment,
    Module,
    ModuleCompletion,
    ProgressEvent,
)
from yoc.curriculum.services import badges
from yoc.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yoc.i18n import N_
from yoc.members.enums import MemberStatus
from yoc.members.models import MemberProfile
from yoc.members.services.access import can_see
from yoc.settings import Settings
from yoc.timeutil import utcnow

S = ProgressState
ALLOWED: dict[ProgressState, frozenset[ProgressState]] = {
    S.NOT_STARTED: frozenset({S.IN_PROGRESS, S.SUBMITTED, S.DONE}),
    S.IN_PROGRESS: frozenset({S.SUBMITTED, S.DONE}),
    S.SUBMITTED: frozenset({S.APPROVED, S.RETURNED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.APPROVED: frozenset(),
    S.DONE: frozenset(),
}


async def missing_prerequisites(member: User, module: Module) -> list[Module]:
    """The prerequisite modules the member has not finished: while any, it is locked."""
    required = [m for m in await module.prerequisites.all() if m.retired_at is None]
    done = set(
        await ModuleCompletion.filter(
            member=member, module_id__in=[m.id for m in required]
        ).values_list("module_id", flat=True)
    )
    return [m for m in required if m.id not in done]


async def _check_member_may_work(member: User, activity: Activity) -> None:
    profile = await MemberProfile.get_or_none(user=member)
    if profile is None or profile.status != MemberStatus.ACTIVE:
        raise PermissionDenied(N_("Your account is not active yet."), "not_active")
    if not await Assignment.filter(member=member, module_id=activity.module_id).exists():
        raise NotFound(N_("We could not find that activity."), "not_found")
    if activity.retired_at is not None:
        raise NotFound(N_("We could not find that activity."), "not_found")
    if await missing_prerequisites(member, await activity.module):
        raise Conflict(N_("Finish the modules this one builds on first."), "locked")


async def _progress(member: User, activity: Activity) -> ActivityProgress:
    progress, _ = await ActivityProgress.get_or_create(
        member=member, activity=activity, defaults={"state": S.NOT_STARTED}
    )
    progress.activity = activity  # a row read back has only its id; callers want the module
    return progress


async def _move(
    progress: ActivityProgress,
    to: ProgressState,
    *,
    actor: User,
    text: str = "",
    activity: Activity,
) -> ActivityProgress:
    # Re-read under a conditional update, so two clicks cannot both move the same step.
    if to not in ALLOWED[progress.state]:
        raise Conflict(N_("This step is not possible now. Reload the page."), "bad_transition")
    changes = {"state": to}
    if to == S.SUBMITTED:
        changes.update(body=text, submitted_at=utcnow())
    if not await ActivityProgress.filter(id=progress.id, state=progress.state).update(**changes):
        raise Conflict(N_("This step is not possible now. Reload the page."), "bad_transition")
    await ProgressEvent.create(
        progress=progress,
        state=to,
        actor=actor,
        actor_name=actor.name,
        text=text,
        activity_title=activity.title_en,
    )
    progress.state = to
    if to in FINISHED:
        await _finish_module(progress.member_id, activity.module_id)
    return progress


async def _finish_module(member_id: int, module_id: int) -> None:
    # Lock the member's assignment first: two activities finished at once are then counted
    # one after the other, and the second sees the first (PostgreSQL; SQLite serialises).
    await Assignment.filter(member_id=member_id, module_id=module_id).select_for_update().first()
    activities = await Activity.filter(module_id=module_id, retired_at__isnull=True)
    finished = await ActivityProgress.filter(
        member_id=member_id, activity_id__in=[a.id for a in activities], state__in=list(FINISHED)
    ).count()
    if finished < len(activities):
        return
    _, created = await ModuleCompletion.get_or_create(member_id=member_id, module_id=module_id)
    if created:
        await badges.award_for_module(member_id, module_id)


async def start(member: User, activity_id: int) -> ActivityProgress:
    activity = await _activity(activity_id)
    await _check_member_may_work(member, activity)
    async with changing(STAMP):
        progress = await _progress(member, activity)
        if progress.state == S.NOT_STARTED:
            await _move(progress, S.IN_PROGRESS, actor=member, activity=activity)
    return progress


async def mark_done(member: User, activity_id: int) -> ActivityProgress:
    activity = await _activity(activity_id)
    if activity.completion != Completion.SELF:
        raise Conflict(N_("This activity is not finished this way."), "wrong_completion")
    await _check_member_may_work(member, activity)
    async with changing(STAMP):
        return await _move(
            await _progress(member, activity), S.DONE, actor=member, activity=activity
        )


async def submit_reflection(member: User, activity_id: int, body: str) -> ActivityProgress:
    activity = await _activity(activity_id)
    if activity.completion != Completion.REFLECTION:
        raise Conflict(N_("This activity is not finished this way."), "wrong_completion")
    if not body.strip():
        raise ValidationFailed({"body": N_("Write your reflection first.")})
    await _check_member_may_work(member, activity)
    async with changing(STAMP):
        return await _move(
            await _progress(member, activity),
            S.SUBMITTED,
            actor=member,
            text=body.strip(),
            activity=activity,
        )


async def review(
    *, mentor: User, progress_id: int, approve: bool, feedback: str, settings: Settings
) -> ActivityProgress:
    """Approve a reflection, or return it with feedback; the member hears by email."""
    progress = await ActivityProgress.get_or_none(id=progress_id).select_related(
        "member", "activity"
    )
    if (
        progress is None
        or progress.member_id == mentor.id
        or not await can_see(mentor, progress.member)
    ):
        raise NotFound(N_("We could not find that reflection."), "not_found")
    if not approve and not feedback.strip():
        raise ValidationFailed({"feedback": N_("Tell the member what to change.")})
    member: User = progress.member
    activity: Activity = progress.activity
    async with changing(STAMP):
        await _move(
            progress,
            S.APPROVED if approve else S.RETURNED,
            actor=mentor,
            text=feedback.strip(),
            activity=activity,
        )
        await mail.queue_mail(
            to=member.email,
            template="reflection_reviewed",
            language=member.language,
            context={
                "name": member.name,
                "mentor": mentor.name,
                "approved": approve,
                "feedback": feedback.strip(),
                "activity": activity.title_es if member.language == "es" else activity.title_en,
                "link": f"{settings.base_url}/learn/modules/{activity.module_id}",
            },
        )
        await audit.record(
            actor=mentor,
            action=audit.AuditAction.UPDATE,
            subject=member,
            review="approved" if approve else "returned",
            activity=activity.id,
        )
    return progress


async def record_attendance(*, mentor: User, activity_id: int, member_ids: list[int]) -> int:
    """A mentor records who attended; return how many were newly marked."""
    activity = await _activity(activity_id)
    if activity.completion != Completion.ATTENDANCE:
        raise Conflict(N_("This activity is not finished this way."), "wrong_completion")
    marked = 0
    async with changing(STAMP):
        for member in await User.filter(id__in=member_ids):
            if not await can_see(mentor, member) or member.id == mentor.id:
                raise NotFound(N_("We could not find that member."), "not_found")
            if not await Assignment.filter(member=member, module_id=activity.module_id).exists():
                continue
            progress = await _progress(member, activity)
            if progress.state not in FINISHED:
                await _move(progress, S.DONE, actor=mentor, activity=activity)
                marked += 1
    return marked


async def finish_by_mentor(*, mentor: User, member: User, activity: Activity) -> ActivityProgress:
    """Mark an activity the mentor witnessed done (once); return the member's row."""
    row = await _progress(member, activity)
    if row.state not in FINISHED:
        await _move(row, S.DONE, actor=mentor, activity=activity)
    return row


async def _activity(activity_id: int) -> Activity:
    activity = await Activity.get_or_none(id=activity_id)
    if activity is None:
        raise NotFound(N_("We could not find that activity."), "not_found")
    return activity


async def completed_module_ids(member_id: int, module_ids: list[int]) -> set[int]:
    """Which of these modules the member has finished."""
    if not module_ids:
        return set()
    return set(
        await ModuleCompletion.filter(member_id=member_id, module_id__in=module_ids).values_list(
            "module_id", flat=True
        )
    )


WRITTEN = (S.SUBMITTED, S.RETURNED, S.APPROVED)


async def reflections_of(member: User) -> list[ActivityProgress]:
    """What the member wrote (sent, returned or approved), the latest first, with its
    activity and module: the reflections a speech can grow from."""
    return (
        await ActivityProgress.filter(
            member=member, state__in=list(WRITTEN), activity__completion=Completion.REFLECTION
        )
        .exclude(body="")
        .order_by("-submitted_at", "-id")
        .select_related("activity__module")
    )


async def own_reflection(member: User, progress_id: int) -> ActivityProgress:
    """One reflection the member wrote, with its activity; "not found" for anyone else's."""
    row = (
        await ActivityProgress.get_or_none(
            id=progress_id,
            member=member,
            state__in=list(WRITTEN),
            activity__completion=Completion.REFLECTION,
        ).select_related("activity__module")
        if isinstance(progress_id, int) and 0 < progress_id < 2**31
        else None
    )
    if row is None or not row.body:
        raise NotFound(N_("We could not find that reflection."), "not_found")
    return row


async def reflection_for(viewer: User, progress_id: int) -> tuple[ActivityProgress, list]:
    """A reflection and its history, for its writer, their mentors and staff; "not found"
    for anyone else."""
    row = await ActivityProgress.get_or_none(
        id=progress_id, activity__completion=Completion.REFLECTION
    ).select_related("member", "activity__module")
    if row is None or not row.body or not await can_see(viewer, row.member):
        raise NotFound(N_("We could not find that reflection."), "not_found")
    return row, await ProgressEvent.filter(progress=row)


async def reflection_titles(progress_ids: list[int]) -> dict[int, Activity]:
    """The activity of each of these reflections (for a link's words), by progress id."""
    rows = await ActivityProgress.filter(id__in=progress_ids).select_related("activity")
    return {row.id: row.activity for row in rows}


async def history(member: User, activity: Activity) -> list[ProgressEvent]:
    return await ProgressEvent.filter(progress__member=member, progress__activity=activity)
