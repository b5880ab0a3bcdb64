"""Assignments: a mentor gives a module or a track to a member or a whole group."""

from __future__ import annotations

from datetime import date

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.cache import changing
from yoc.curriculum.enums import STAMP
from yoc.curriculum.models import Assignment, CohortAssignment, Module, Track
from yoc.errors import NotFound, ValidationFailed
from yoc.i18n import N_
from yoc.members.models import Cohort
from yoc.members.services import cohorts as cohort_services
from yoc.members.services.access import visible_member


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
) -> int:
    """Create the member's assignments that do not exist yet; return how many are new."""
    made = 0
    existing = set(
        await Assignment.filter(member=member, module_id__in=[m.id for m in modules]).values_list(
            "module_id", flat=True
        )
    )
    for module in modules:
        if module.id in existing:
            continue
        await Assignment.create(
            member=member,
            module=module,
            due_on=due_on,
            note=note,
            assigned_by=by,
            cohort_assignment=cohort_assignment,
        )
        made += 1
    return made


async def assign_to_member(
    *,
    actor: User,
    member_id: int,
    module_id: int | None = None,
    track_id: int | None = None,
    due_on: date | None = None,
    note: str = "",
) -> int:
    member = await visible_member(actor, member_id)  # 404 for another group's member
    if actor.id == member.id:
        raise NotFound(N_("We could not find that member."), "not_found")
    _, _, modules = await _modules_of(module_id, track_id)
    async with changing(STAMP):
        return await _give(member, modules, due_on=due_on, note=note, by=actor)


async def assign_to_cohort(
    *,
    actor: User,
    cohort_id: int,
    module_id: int | None = None,
    track_id: int | None = None,
    due_on: date | None = None,
    note: str = "",
) -> CohortAssignment:
    cohort = await cohort_services.visible_cohort(actor, cohort_id)
    module, track, modules = await _modules_of(module_id, track_id)
    async with changing(STAMP):
        given = await CohortAssignment.create(
            cohort=cohort, module=module, track=track, due_on=due_on, note=note, assigned_by=actor
        )
        for member in await cohort.members.filter(role=Role.MEMBER):
            await _give(
                member, modules, due_on=due_on, note=note, by=actor, cohort_assignment=given
            )
    return given


async def give_cohort_assignments(cohort: Cohort, member: User) -> None:
    """A member who joins a group late receives everything the group was given."""
    async with changing(STAMP):
        for given in await CohortAssignment.filter(cohort=cohort):
            if given.module_id:
                modules = await Module.filter(id=given.module_id, retired_at__isnull=True)
            else:
                modules = await Module.filter(track_id=given.track_id, retired_at__isnull=True)
            await _give(
                member,
                modules,
                due_on=given.due_on,
                note=given.note,
                by=None,
                cohort_assignment=given,
            )


cohort_services.MEMBER_JOINED.append(give_cohort_assignments)
