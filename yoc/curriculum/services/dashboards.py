"""What members and mentors see at a glance. Late and overdue are derived, never stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Subquery

from yoc import cache
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.enums import FINISHED, STAMP, Completion, ModuleState, ProgressState
from yoc.curriculum.models import (
    Activity,
    ActivityProgress,
    Assignment,
    Module,
    ModuleCompletion,
    ProgressEvent,
    Track,
)
from yoc.curriculum.services import attachments, badges, catalog, progress
from yoc.curriculum.services.catalog import live
from yoc.errors import NotFound
from yoc.i18n import N_
from yoc.members.models import Cohort
from yoc.members.services.access import is_staff
from yoc.members.services.standing import adult_birthday_cutoff, today


@dataclass
class ModuleStatus:
    module: Module
    assignment: Assignment
    total: int
    finished: int
    waiting_review: int
    completed: bool
    locked_by: list[Module]
    started: bool = False
    returned: int = 0

    @property
    def state(self) -> ModuleState:
        """Where the member is in the module: what waits on them first."""
        if self.completed:
            return ModuleState.DONE
        if self.returned:
            return ModuleState.RETURNED
        if self.waiting_review:
            return ModuleState.SUBMITTED
        if self.started:
            return ModuleState.IN_PROGRESS
        return ModuleState.NOT_STARTED

    @property
    def overdue(self) -> bool:
        return bool(
            self.assignment.due_on and self.assignment.due_on < today() and not self.completed
        )

    @property
    def cell(self) -> str:
        if self.completed:
            return "done"
        if self.waiting_review:
            return "review"
        if self.overdue:
            return "overdue"
        if self.started:
            return "in_progress"
        return "not_started"


async def module_statuses(member: User) -> list[ModuleStatus]:
    assignments = await Assignment.filter(member=member).prefetch_related(
        "module", "module__activities", "module__prerequisites", "module__track"
    )
    completed = set(
        await ModuleCompletion.filter(member=member).values_list("module_id", flat=True)
    )
    states = dict(await ActivityProgress.filter(member=member).values_list("activity_id", "state"))
    out = []
    for a in assignments:
        activities = live(list(a.module.activities))
        out.append(
            ModuleStatus(
                module=a.module,
                assignment=a,
                total=len(activities),
                finished=sum(states.get(x.id) in FINISHED for x in activities),
                waiting_review=sum(states.get(x.id) == ProgressState.SUBMITTED for x in activities),
                completed=a.module.id in completed,
                locked_by=[
                    p
                    for p in a.module.prerequisites
                    if p.id not in completed and p.retired_at is None
                ],
                started=any(x.id in states for x in activities),
                returned=sum(states.get(x.id) == ProgressState.RETURNED for x in activities),
            )
        )
    out.sort(key=lambda s: (s.completed, s.assignment.due_on or date.max, s.module.position))
    return out


async def learning_version(member: User) -> tuple:
    """What a member's learning summary depends on: the curriculum's stamp and the day."""
    return (member.id, await cache.version(STAMP), today())


async def member_dashboard(member: User) -> dict:
    statuses = await module_statuses(member)
    per_track: dict[int, dict] = {}
    for s in statuses:
        entry = per_track.setdefault(
            s.module.track_id, {"track": s.module.track, "total": 0, "finished": 0}
        )
        entry["total"] += s.total
        entry["finished"] += s.total if s.completed else s.finished
    feedback = (
        await ProgressEvent.filter(
            progress__member=member,
            state__in=[ProgressState.APPROVED, ProgressState.RETURNED],
        )
        .exclude(text="")
        .order_by("-created_at")
        .limit(5)
        .prefetch_related("progress__activity")
    )
    return {
        "due_next": [s for s in statuses if not s.completed][:5],
        "tracks": list(per_track.values()),
        "feedback": feedback,
        "badges": await badges.badges_of(member),
        "statuses": statuses,
    }


@dataclass
class ModuleItem:
    activity: Activity
    progress: ActivityProgress | None
    history: list[ProgressEvent]
    attachment: attachments.AttachmentInfo | None = None


@dataclass
class ModulePage:
    module: Module
    assignment: Assignment
    locked_by: list[Module]
    items: list[ModuleItem]


async def module_page(member: User, module_id: int) -> ModulePage:
    """A module assigned to the member, with their progress on each live activity."""
    module = await catalog.get_module(module_id)
    assignment = await Assignment.get_or_none(member=member, module=module)
    if assignment is None:
        raise NotFound(N_("We could not find that module."), "not_found")
    activities = live(list(module.activities))
    rows = {
        p.activity_id: p
        for p in await ActivityProgress.filter(
            member=member, activity_id__in=[a.id for a in activities]
        )
    }
    files = await attachments.infos([a.id for a in activities])
    return ModulePage(
        module=module,
        assignment=assignment,
        locked_by=await progress.missing_prerequisites(member, module),
        items=[
            ModuleItem(
                activity=a,
                progress=rows.get(a.id),
                history=await progress.history(member, a) if a.id in rows else [],
                attachment=files.get(a.id),
            )
            for a in activities
        ],
    )


@dataclass(frozen=True)
class GridMember:
    id: int
    name: str
    minor: bool = False


@dataclass(frozen=True)
class GridModule:
    id: int
    track_id: int
    position: int
    title_en: str
    title_es: str


@dataclass(frozen=True)
class GridActivity:
    id: int
    module: GridModule
    title_en: str
    title_es: str


@dataclass(frozen=True)
class GridVersion:
    """What a group's grid shows depends on: the curriculum's stamp (read with, or
    before, the data), the day (overdue is derived) and who is in the group under which
    name."""

    key: tuple
    members: list[GridMember]


async def grid_version(cohort: Cohort) -> GridVersion:
    # The stamp comes with each member's row: one statement, one snapshot of both. A
    # group with no members shows nothing of the curriculum, so it needs no stamp.
    rows = (
        await User.filter(member_cohorts=cohort.id, role=Role.MEMBER)
        .annotate(stamp=Subquery(cache.Stamp.filter(name=STAMP).values("version")))
        .order_by("name", "id")
        .values_list("id", "name", "stamp", "profile__birth_date")
    )
    cutoff = adult_birthday_cutoff(today())
    members = [
        GridMember(member_id, name, minor=born is not None and born > cutoff)
        for member_id, name, _, born in rows
    ]
    stamp = rows[0][2] if rows else None
    return GridVersion((cohort.id, stamp, today(), tuple(members)), members)


async def cohort_grid(cohort: Cohort, members: list[GridMember] | None = None) -> dict:
    """Members × modules given to the group, each cell one of: done, review, overdue,
    in_progress, not_started (or None when the module was not assigned to that member).

    A group of 30 members with 40 modules is 1,200 cells and over a thousand progress
    rows, so everything is read as plain rows (no ORM objects), in a fixed five queries
    (six when the members are not given).
    """
    if members is None:
        members = (await grid_version(cohort)).members
    member_ids = [m.id for m in members]
    given = await Assignment.filter(member_id__in=member_ids).values_list(
        "member_id", "module_id", "due_on"
    )
    module_ids = {module_id for _, module_id, _ in given}
    modules = sorted(
        (
            GridModule(*row)
            for row in await Module.filter(id__in=module_ids).values_list(
                "id", "track_id", "position", "title_en", "title_es"
            )
        ),
        key=lambda m: (m.track_id, m.position, m.id),
    )
    by_id = {m.id: m for m in modules}
    activity_module: dict[int, int] = {}
    attendance: list[GridActivity] = []
    for activity_id, module_id, completion, title_en, title_es in (
        await Activity.filter(module_id__in=module_ids, retired_at__isnull=True)
        .order_by("module_id", "position", "id")
        .values_list("id", "module_id", "completion", "title_en", "title_es")
    ):
        activity_module[activity_id] = module_id
        if completion == Completion.ATTENDANCE:
            attendance.append(GridActivity(activity_id, by_id[module_id], title_en, title_es))
    completed = set(
        await ModuleCompletion.filter(member_id__in=member_ids).values_list(
            "member_id", "module_id"
        )
    )
    # Per (member, module): whether a live activity waits for review, or has been begun.
    waiting: set[tuple[int, int]] = set()
    begun: set[tuple[int, int]] = set()
    for member_id, activity_id, state in await ActivityProgress.filter(
        member_id__in=member_ids, activity_id__in=list(activity_module)
    ).values_list("member_id", "activity_id", "state"):
        key = (member_id, activity_module[activity_id])
        begun.add(key)
        if state == ProgressState.SUBMITTED:
            waiting.add(key)
    day = today()
    cells: dict[tuple[int, int], str] = {}
    for member_id, module_id, due_on in given:
        key = (member_id, module_id)
        if key in completed:
            cells[key] = "done"
        elif key in waiting:
            cells[key] = "review"
        elif due_on and due_on < day:
            cells[key] = "overdue"
        elif key in begun:
            cells[key] = "in_progress"
        else:
            cells[key] = "not_started"
    rows = [(m, [cells.get((m.id, mod.id)) for mod in modules]) for m in members]
    return {
        "cohort_id": cohort.id,
        "modules": modules,
        "rows": rows,
        "attendance": attendance,
    }


async def review_queue(mentor: User) -> list[ActivityProgress]:
    """Reflections waiting for review, the longest-waiting first."""
    query = ActivityProgress.filter(state=ProgressState.SUBMITTED)
    if not is_staff(mentor):
        query = query.filter(member__member_cohorts__mentors=mentor)
    return (
        await query.distinct()
        .order_by("submitted_at")
        .prefetch_related("member", "activity", "activity__module")
    )


async def tracks_with_modules() -> list[Track]:
    return await Track.filter(retired_at__isnull=True).prefetch_related("modules")
