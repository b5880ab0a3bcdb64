"""Assignments: a mentor gives a module or a track to a member or a whole group, and
corrects it later (its due date, note or audience) or takes it back.

A member's work is kept per activity, not per assignment: taking a module back leaves
their progress and reflections where they are, and giving it again shows them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.cache import changing
from yoc.curriculum.enums import STAMP
from yoc.curriculum.models import Assignment, CohortAssignment, Module, ModuleCompletion, Track
from yoc.errors import NotFound, ValidationFailed
from yoc.i18n import N_
from yoc.members.models import Cohort
from yoc.members.services import cohorts as cohort_services
from yoc.members.services.access import can_see, is_staff, visible_member
from yoc.members.services.standing import today

Kind = Literal["cohort", "member"]
KINDS: tuple[Kind, ...] = ("cohort", "member")
# "Not given": a change that leaves this field as it is.
UNCHANGED: Any = object()
NOT_FOUND = N_("We could not find that assignment.")
PAST_DUE = N_("Choose a due date from today on.")


@dataclass(frozen=True)
class Outcome:
    """What giving did: the member assignments made and updated, and for a group, its
    assignment (``existed`` when the group had already been given the same thing)."""

    created: int
    updated: int
    cohort_assignment: CohortAssignment | None = None
    existed: bool = False


@dataclass(frozen=True)
class Removal:
    """What taking back did: the member assignments removed, and how many of those
    members still have the module through another of their groups."""

    removed: int
    still_given: int


@dataclass
class Given:
    """One thing a mentor gave, as their list shows it: a module or a track given to a
    group, or a module given to one member."""

    kind: Kind
    id: int
    audience: Cohort | User
    module: Module | None
    track: Track | None
    due_on: date | None
    note: str
    created_at: datetime
    members: int = 1  # for a group: how many of its members have it through this

    @property
    def target(self) -> str:
        return f"{self.kind}:{self.audience.id}"

    @property
    def what(self) -> str:
        return f"module:{self.module.id}" if self.module else f"track:{self.track.id}"

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and self.due_on < today())


async def _modules_of(
    module_id: int | None, track_id: int | None
) -> tuple[Module | None, Track | None, list[Module]]:
    if bool(module_id) == bool(track_id):
        raise ValidationFailed({"module_id": N_("Choose one module or one track.")})
    if module_id:
        module = await Module.get_or_none(id=module_id, retired_at__isnull=True)
        if module is None:
            raise NotFound(N_("We could not find that module."), "not_found")
        return module, None, [module]
    track = await Track.get_or_none(id=track_id, retired_at__isnull=True)
    if track is None:
        raise NotFound(N_("We could not find that track."), "not_found")
    return None, track, await Module.filter(track=track, retired_at__isnull=True)


async def _give(
    member: User,
    modules: list[Module],
    *,
    due_on: date | None,
    note: str,
    by: User | None,
    cohort_assignment: CohortAssignment | None = None,
) -> tuple[int, int]:
    """Give the member each module; return (made, updated).

    Given to the member alone, a module they already have becomes theirs alone, with this
    due date and note. Given through a group, only what this group's assignment gave
    before is updated: what the member has otherwise stays as it is.
    """
    existing = {
        row.module_id: row
        for row in await Assignment.filter(member=member, module_id__in=[m.id for m in modules])
    }
    made = updated = 0
    for module in modules:
        row = existing.get(module.id)
        if row is None:
            await Assignment.create(
                member=member,
                module=module,
                due_on=due_on,
                note=note,
                assigned_by=by,
                cohort_assignment=cohort_assignment,
            )
            made += 1
        elif cohort_assignment is None or row.cohort_assignment_id == cohort_assignment.id:
            changes: dict[str, Any] = {"due_on": due_on, "note": note}
            if cohort_assignment is None:
                changes.update(cohort_assignment_id=None, assigned_by_id=by.id if by else None)
            await Assignment.filter(id=row.id).update(**changes)
            updated += 1
    return made, updated


async def assign_to_member(
    *,
    actor: User,
    member_id: int,
    module_id: int | None = None,
    track_id: int | None = None,
    due_on: date | None = None,
    note: str = "",
) -> Outcome:
    member = await visible_member(actor, member_id)  # 404 for another group's member
    if actor.id == member.id:
        raise NotFound(N_("We could not find that member."), "not_found")
    _, _, modules = await _modules_of(module_id, track_id)
    async with changing(STAMP):
        made, updated = await _give(member, modules, due_on=due_on, note=note, by=actor)
    return Outcome(made, updated)


async def assign_to_cohort(
    *,
    actor: User,
    cohort_id: int,
    module_id: int | None = None,
    track_id: int | None = None,
    due_on: date | None = None,
    note: str = "",
) -> Outcome:
    """Give a module or a track to a group; given again, it is updated, not doubled."""
    cohort = await cohort_services.visible_cohort(actor, cohort_id)
    module, track, modules = await _modules_of(module_id, track_id)
    async with changing(STAMP):
        same = {"module_id": module.id} if module else {"track_id": track.id}
        given = await CohortAssignment.get_or_none(cohort=cohort, **same)
        existed = given is not None
        if given is None:
            given = await CohortAssignment.create(
                cohort=cohort,
                module=module,
                track=track,
                due_on=due_on,
                note=note,
                assigned_by=actor,
            )
        else:
            given.due_on, given.note = due_on, note
            await given.save(update_fields=["due_on", "note"])
        made = updated = 0
        for member in await cohort.members.filter(role=Role.MEMBER):
            m, u = await _give(
                member, modules, due_on=due_on, note=note, by=actor, cohort_assignment=given
            )
            made, updated = made + m, updated + u
    return Outcome(made, updated, given, existed)


async def _modules_given_by(given: CohortAssignment) -> list[Module]:
    if given.module_id:
        return await Module.filter(id=given.module_id, retired_at__isnull=True)
    return await Module.filter(track_id=given.track_id, retired_at__isnull=True)


async def _give_what_groups_gave(member: User, only: set[int] | None = None) -> int:
    """Give the member what each of their groups was given (``only`` these modules);
    return how many assignments that made."""
    made = 0
    for given in await CohortAssignment.filter(cohort__members=member).order_by("id"):
        modules = [m for m in await _modules_given_by(given) if only is None or m.id in only]
        m, _ = await _give(
            member, modules, due_on=given.due_on, note=given.note, by=None, cohort_assignment=given
        )
        made += m
    return made


async def give_cohort_assignments(cohort: Cohort, member: User) -> None:
    """A member who joins a group late receives everything the group was given."""
    async with changing(STAMP):
        for given in await CohortAssignment.filter(cohort=cohort):
            await _give(
                member,
                await _modules_given_by(given),
                due_on=given.due_on,
                note=given.note,
                by=None,
                cohort_assignment=given,
            )


cohort_services.MEMBER_JOINED.append(give_cohort_assignments)


# What a mentor gave, and correcting it ----------------------------------------------------


def _may_manage(viewer: User) -> bool:
    return is_staff(viewer) or viewer.role == Role.MENTOR


async def given_by_viewer(viewer: User) -> list[Given]:
    """What the viewer may correct: what their groups were given, and what was given to
    their groups' members one by one (staff: everyone's). Groups first, by name."""
    if not _may_manage(viewer):
        return []
    groups = CohortAssignment.all()
    singles = Assignment.filter(cohort_assignment_id__isnull=True, member__role=Role.MEMBER)
    if not is_staff(viewer):
        groups = groups.filter(cohort__mentors=viewer)
        singles = singles.filter(member__member_cohorts__mentors=viewer).distinct()
    group_rows = await groups.prefetch_related("cohort", "module", "module__track", "track")
    counts: dict[int, set[int]] = {}
    for given_id, member_id in await Assignment.filter(
        cohort_assignment_id__in=[g.id for g in group_rows]
    ).values_list("cohort_assignment_id", "member_id"):
        counts.setdefault(given_id, set()).add(member_id)
    found = [_from_group(g, len(counts.get(g.id, ()))) for g in group_rows]
    found += [_from_single(a) for a in await singles.prefetch_related("member", "module__track")]
    found.sort(
        key=lambda g: (
            g.kind != "cohort",
            g.audience.name.casefold(),
            g.due_on or date.max,
            g.created_at,
            g.id,
        )
    )
    return found


def _from_group(given: CohortAssignment, members: int) -> Given:
    return Given(
        kind="cohort",
        id=given.id,
        audience=given.cohort,
        module=given.module,
        track=given.track,
        due_on=given.due_on,
        note=given.note,
        created_at=given.created_at,
        members=members,
    )


def _from_single(row: Assignment) -> Given:
    return Given(
        kind="member",
        id=row.id,
        audience=row.member,
        module=row.module,
        track=None,
        due_on=row.due_on,
        note=row.note,
        created_at=row.created_at,
    )


async def get_given(viewer: User, kind: str, given_id: int) -> Given:
    """One thing the viewer gave (or may correct); "not found" for anyone else's."""
    if kind == "cohort" and _may_manage(viewer):
        query = CohortAssignment.filter(id=given_id)
        if not is_staff(viewer):
            query = query.filter(cohort__mentors=viewer)
        given = await query.first().prefetch_related("cohort", "module", "module__track", "track")
        if given is not None:
            return _from_group(given, await _members_given(given.id))
    elif kind == "member" and _may_manage(viewer):
        row = await Assignment.get_or_none(
            id=given_id, cohort_assignment_id__isnull=True
        ).prefetch_related("member", "module__track")
        if row is not None and row.member_id != viewer.id and await can_see(viewer, row.member):
            return _from_single(row)
    raise NotFound(NOT_FOUND, "not_found")


async def _members_given(cohort_assignment_id: int) -> int:
    return len(
        set(
            await Assignment.filter(cohort_assignment_id=cohort_assignment_id).values_list(
                "member_id", flat=True
            )
        )
    )


async def change(
    *,
    actor: User,
    kind: str,
    given_id: int,
    target: str = UNCHANGED,
    due_on: date | None = UNCHANGED,
    note: str = UNCHANGED,
) -> Given:
    """Change a due date, a note or who it is given to ("cohort:ID" or "member:ID").
    Given to someone else, it is taken back here and given there; the members' work stays.
    """
    given = await get_given(actor, kind, given_id)
    due = given.due_on if due_on is UNCHANGED else due_on
    text = given.note if note is UNCHANGED else note
    if due != given.due_on and due is not None and due < today():
        raise ValidationFailed({"due_on": PAST_DUE})
    target = given.target if target is UNCHANGED else target
    async with changing(STAMP):
        if target == given.target:
            await _update(given, due_on=due, note=text)
            return await get_given(actor, given.kind, given.id)
        new_kind, new_id = target.split(":")
        what = {"module_id": given.module.id} if given.module else {"track_id": given.track.id}
        await _take_back(given)
        if new_kind == "cohort":
            outcome = await assign_to_cohort(
                actor=actor, cohort_id=int(new_id), due_on=due, note=text, **what
            )
            return await get_given(actor, "cohort", outcome.cohort_assignment.id)
        await assign_to_member(actor=actor, member_id=int(new_id), due_on=due, note=text, **what)
        module_ids = (
            [given.module.id]
            if given.module
            else await Module.filter(track_id=given.track.id).values_list("id", flat=True)
        )
        row = await Assignment.filter(member_id=int(new_id), module_id__in=module_ids).first()
        if row is None or row.cohort_assignment_id is not None:
            raise NotFound(N_("We could not find that module."), "not_found")
        return await get_given(actor, "member", row.id)


async def _update(given: Given, *, due_on: date | None, note: str) -> None:
    if given.kind == "cohort":
        await CohortAssignment.filter(id=given.id).update(due_on=due_on, note=note)
        await Assignment.filter(cohort_assignment_id=given.id).update(due_on=due_on, note=note)
    else:
        await Assignment.filter(id=given.id).update(due_on=due_on, note=note)


async def unassign(*, actor: User, kind: str, given_id: int) -> Removal:
    """Take back what was given. The members' progress and reflections stay."""
    given = await get_given(actor, kind, given_id)
    async with changing(STAMP):
        return await _take_back(given)


async def _take_back(given: Given) -> Removal:
    if given.kind == "cohort":
        rows = Assignment.filter(cohort_assignment_id=given.id)
    else:
        rows = Assignment.filter(id=given.id)
    taken = await rows.values_list("member_id", "module_id")
    await rows.delete()
    if given.kind == "cohort":
        await CohortAssignment.filter(id=given.id).delete()
    # A member may have the same module through another of their groups: it stays.
    still = 0
    by_member: dict[int, set[int]] = {}
    for member_id, module_id in taken:
        by_member.setdefault(member_id, set()).add(module_id)
    for member in await User.filter(id__in=list(by_member)):
        still += await _give_what_groups_gave(member, only=by_member[member.id])
    return Removal(len(taken), still)


@dataclass(frozen=True)
class DueSoon:
    """A module a member has not finished, due on a day soon (for reminders)."""

    id: int
    member_id: int
    module_id: int
    title_en: str
    title_es: str
    due_on: date


async def due_between(first: date, last: date) -> list[DueSoon]:
    """Assignments due from ``first`` to ``last`` whose module the member has not
    finished, to active members."""
    rows = await Assignment.filter(
        due_on__gte=first, due_on__lte=last, member__is_active=True
    ).prefetch_related("module")
    done = set(
        await ModuleCompletion.filter(
            member_id__in={r.member_id for r in rows}, module_id__in={r.module_id for r in rows}
        ).values_list("member_id", "module_id")
    )
    return [
        DueSoon(r.id, r.member_id, r.module_id, r.module.title_en, r.module.title_es, r.due_on)
        for r in rows
        if (r.member_id, r.module_id) not in done
    ]
