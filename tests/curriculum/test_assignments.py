"""Giving modules and tracks (yoc.curriculum.services.assignments): to a whole group,
to a member who joins the group later, one assignment per live module and never two."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.curriculum.conftest import assignment_rows
from tests.curriculum.factories import make_activity, make_module, make_track
from tests.factories import make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.curriculum.enums import Completion, ProgressState
from yoc.curriculum.models import ActivityProgress, Assignment, CohortAssignment
from yoc.curriculum.services import assignments, catalog, dashboards, progress
from yoc.errors import NotFound, ValidationFailed
from yoc.members.services import cohorts
from yoc.members.services.profiles import today


async def test_assigning_a_module_to_a_cohort_gives_every_member_an_assignment(group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    due = today() + timedelta(days=7)

    given = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id, due_on=due, note="Hi"
    )

    assert await CohortAssignment.all().count() == 1
    assert await assignment_rows() == sorted(
        [
            (group.member.id, module.id, due, "Hi", given.cohort_assignment.id),
            (beto.id, module.id, due, "Hi", given.cohort_assignment.id),
        ]
    )


async def test_a_member_who_joins_the_cohort_later_gets_what_it_was_given(group) -> None:
    track = await make_track()
    single = await make_module(await make_track())
    first, second = await make_module(track), await make_module(track)
    due = today() + timedelta(days=3)
    by_module = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=single.id, due_on=due
    )
    by_track = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, track_id=track.id, note="Whole track"
    )
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")

    await cohorts.add_person(actor=group.staff, cohort=group.cohort, email="beto@example.org")

    assert sorted(await Assignment.filter(member=beto).values_list("module_id", flat=True)) == [
        single.id,
        first.id,
        second.id,
    ]
    assert sorted(
        await Assignment.filter(member=beto).values_list(
            "module_id", "due_on", "note", "cohort_assignment_id"
        )
    ) == [
        (single.id, due, "", by_module.cohort_assignment.id),
        (first.id, None, "Whole track", by_track.cohort_assignment.id),
        (second.id, None, "Whole track", by_track.cohort_assignment.id),
    ]
    assert await Assignment.all().count() == 6


async def test_assigning_a_track_gives_one_assignment_per_live_module(group) -> None:
    track = await make_track()
    first = await make_module(track)
    retired = await make_module(track)
    third = await make_module(track)
    await catalog.set_retired("module", retired.id, True)

    await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, track_id=track.id
    )

    assert sorted(
        await Assignment.filter(member=group.member).values_list("module_id", flat=True)
    ) == [first.id, third.id]
    assert await Assignment.all().count() == 2


async def test_assigning_the_same_module_again_gives_no_second_assignment(group) -> None:
    module = await make_module(await make_track())
    await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id
    )

    made = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
    )

    assert made.cohort_assignment.id == (await CohortAssignment.get()).id
    assert await Assignment.filter(member=group.member, module=module).count() == 1


# Correcting what was given ---------------------------------------------------------------


async def test_assigning_a_module_again_to_a_member_updates_its_due_date_and_note(group) -> None:
    module = await make_module(await make_track())
    first = await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id, note="Read it"
    )
    due = today() + timedelta(days=5)

    again = await assignments.assign_to_member(
        actor=group.mentor,
        member_id=group.member.id,
        module_id=module.id,
        due_on=due,
        note="Read it by Friday",
    )

    assert (first.created, first.updated) == (1, 0)
    assert (again.created, again.updated) == (0, 1)
    assert await assignment_rows() == [(group.member.id, module.id, due, "Read it by Friday", None)]


async def test_assigning_a_module_again_to_a_group_updates_it_and_its_members(group) -> None:
    module = await make_module(await make_track())
    first = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
    )
    due = today() + timedelta(days=9)

    again = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id, due_on=due, note="Go"
    )

    assert (first.existed, again.existed) == (False, True)
    assert again.cohort_assignment.id == first.cohort_assignment.id
    assert await CohortAssignment.all().values_list("due_on", "note") == [(due, "Go")]
    assert await assignment_rows() == [
        (group.member.id, module.id, due, "Go", first.cohort_assignment.id)
    ]


async def test_giving_a_member_what_the_group_gave_makes_it_their_own(group) -> None:
    module = await make_module(await make_track())
    await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
    )
    due = today() + timedelta(days=2)

    outcome = await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id, due_on=due
    )

    assert (outcome.created, outcome.updated) == (0, 1)
    assert await assignment_rows() == [(group.member.id, module.id, due, "", None)]


async def test_changing_a_group_assignment_reaches_every_member(group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    track = await make_track()
    first, second = await make_module(track), await make_module(track)
    given = (
        await assignments.assign_to_cohort(
            actor=group.mentor, cohort_id=group.cohort.id, track_id=track.id
        )
    ).cohort_assignment
    due = today() + timedelta(days=4)

    await assignments.change(
        actor=group.mentor, kind="cohort", given_id=given.id, due_on=due, note="New date"
    )

    assert sorted(await Assignment.all().values_list("due_on", "note")) == [(due, "New date")] * 4
    assert [m.id for m in (first, second)] == sorted(
        set(await Assignment.all().values_list("module_id", flat=True))
    )


async def test_moving_a_members_assignment_to_the_whole_group(group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id, note="Only you"
    )
    [row] = await Assignment.all()

    moved = await assignments.change(
        actor=group.mentor, kind="member", given_id=row.id, target=f"cohort:{group.cohort.id}"
    )

    assert moved.kind == "cohort"
    assert await assignment_rows() == sorted(
        [
            (group.member.id, module.id, None, "Only you", moved.id),
            (beto.id, module.id, None, "Only you", moved.id),
        ]
    )


async def test_moving_a_group_assignment_to_one_member(group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    given = (
        await assignments.assign_to_cohort(
            actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
        )
    ).cohort_assignment

    await assignments.change(
        actor=group.mentor, kind="cohort", given_id=given.id, target=f"member:{beto.id}"
    )

    assert await CohortAssignment.all().count() == 0
    assert await assignment_rows() == [(beto.id, module.id, None, "", None)]


async def test_unassigning_keeps_the_members_work_and_giving_it_again_brings_it_back(
    group,
) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module, completion=Completion.REFLECTION)
    given = (
        await assignments.assign_to_cohort(
            actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
        )
    ).cohort_assignment
    await progress.submit_reflection(group.member, activity.id, "My street has a mural.")

    removed = await assignments.unassign(actor=group.mentor, kind="cohort", given_id=given.id)
    gone = await Assignment.filter(member=group.member).count()
    await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id
    )
    page = await dashboards.module_page(group.member, module.id)

    assert (removed.removed, removed.still_given, gone) == (1, 0, 0)
    assert await CohortAssignment.all().count() == 0
    assert await ActivityProgress.filter(member=group.member).values_list("state", "body") == [
        (ProgressState.SUBMITTED, "My street has a mural.")
    ]
    assert page.items[0].progress.body == "My street has a mural."


async def test_unassigning_one_group_leaves_what_another_group_gives(group) -> None:
    other = await make_cohort("Mecca Spring", members=[group.member], mentors=[group.mentor])
    module = await make_module(await make_track())
    first = await assignments.assign_to_cohort(
        actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
    )
    second = await assignments.assign_to_cohort(
        actor=group.mentor,
        cohort_id=other.id,
        module_id=module.id,
        due_on=today() + timedelta(days=1),
    )

    await assignments.unassign(
        actor=group.mentor, kind="cohort", given_id=first.cohort_assignment.id
    )

    assert await assignment_rows() == [
        (
            group.member.id,
            module.id,
            today() + timedelta(days=1),
            "",
            second.cohort_assignment.id,
        )
    ]


@pytest.mark.parametrize("kind", ["cohort", "member"])
async def test_a_mentor_cannot_change_or_unassign_another_groups_assignment(group, kind) -> None:
    other_mentor = await make_user(role=Role.MENTOR, email="marco@example.org")
    module = await make_module(await make_track())
    if kind == "cohort":
        given_id = (
            await assignments.assign_to_cohort(
                actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
            )
        ).cohort_assignment.id
    else:
        await assignments.assign_to_member(
            actor=group.mentor, member_id=group.member.id, module_id=module.id
        )
        given_id = (await Assignment.get()).id
    before = await assignment_rows()

    with pytest.raises(NotFound):
        await assignments.change(actor=other_mentor, kind=kind, given_id=given_id, note="Mine now")
    with pytest.raises(NotFound):
        await assignments.unassign(actor=other_mentor, kind=kind, given_id=given_id)
    with pytest.raises(NotFound):
        await assignments.change(
            actor=group.mentor,
            kind=kind,
            given_id=given_id,
            target=f"cohort:{(await make_cohort(mentors=[other_mentor])).id}",
        )

    assert await assignment_rows() == before
    assert [g.id for g in await assignments.given_by_viewer(other_mentor)] == []


async def test_a_past_due_date_is_refused_only_when_it_changes(group) -> None:
    module = await make_module(await make_track())
    given = (
        await assignments.assign_to_cohort(
            actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
        )
    ).cohort_assignment
    past = today() - timedelta(days=2)
    await CohortAssignment.filter(id=given.id).update(due_on=past)

    kept = await assignments.change(
        actor=group.mentor, kind="cohort", given_id=given.id, due_on=past, note="Late, still"
    )
    with pytest.raises(ValidationFailed) as refused:
        await assignments.change(
            actor=group.mentor,
            kind="cohort",
            given_id=given.id,
            due_on=past - timedelta(days=1),
        )

    assert (kept.due_on, kept.note) == (past, "Late, still")
    assert refused.value.fields == {"due_on": "Choose a due date from today on."}
