"""Giving modules and tracks (yoc.curriculum.services.assignments): to a whole group,
to a member who joins the group later, one assignment per live module and never two."""

from __future__ import annotations

from datetime import timedelta

from tests.curriculum.conftest import assignment_rows
from tests.curriculum.factories import make_module, make_track
from tests.members.factories import make_member
from yoc.curriculum.models import Assignment, CohortAssignment
from yoc.curriculum.services import assignments, catalog
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
            (group.member.id, module.id, due, "Hi", given.id),
            (beto.id, module.id, due, "Hi", given.id),
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
        (single.id, due, "", by_module.id),
        (first.id, None, "Whole track", by_track.id),
        (second.id, None, "Whole track", by_track.id),
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

    assert made.id == (await CohortAssignment.get()).id
    assert await Assignment.filter(member=group.member, module=module).count() == 1
