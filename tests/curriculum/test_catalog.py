"""The catalog (yoc.curriculum.services.catalog): no circle of prerequisites, and edits
that never rewrite a member's history."""

from __future__ import annotations

import pytest

from tests.conftest import log_in
from tests.curriculum.conftest import badge_keys, states
from tests.curriculum.factories import give, make_activity, make_module, make_track, milestone_for
from tests.factories import PASSWORD
from yoc.curriculum.enums import Completion, ProgressState
from yoc.curriculum.models import Activity, ModuleCompletion, ProgressEvent
from yoc.curriculum.services import catalog, progress
from yoc.errors import NotFound, ValidationFailed

S = ProgressState


# Prerequisites -------------------------------------------------------------------------


async def test_a_module_cannot_require_a_module_that_requires_it(app) -> None:
    track = await make_track()
    basics = await make_module(track)
    advanced = await make_module(track, prerequisites=[basics])

    with pytest.raises(ValidationFailed) as refused:
        await catalog.set_prerequisites(basics, [advanced.id])

    assert list(refused.value.fields) == ["prerequisite_ids"]
    assert await basics.prerequisites.all().count() == 0
    assert [m.id for m in await advanced.prerequisites.all()] == [basics.id]


async def test_a_longer_circle_of_prerequisites_is_refused_too(app) -> None:
    track = await make_track()
    first = await make_module(track)
    second = await make_module(track, prerequisites=[first])
    third = await make_module(track, prerequisites=[second])

    with pytest.raises(ValidationFailed) as refused:
        await catalog.update_module(first.id, prerequisite_ids=[third.id])

    assert list(refused.value.fields) == ["prerequisite_ids"]
    assert await first.prerequisites.all().count() == 0


# Catalog edits do not rewrite history --------------------------------------------------


async def test_editing_an_activity_title_keeps_the_old_title_in_the_history(group) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module, "Read the guide", "Lee la guía")
    await give(group.member, module)
    await progress.mark_done(group.member, activity.id)

    await catalog.update_activity(activity.id, title_en="Read the new guide")

    assert await ProgressEvent.all().values_list("activity_title", flat=True) == ["Read the guide"]
    assert (await Activity.get(id=activity.id)).title_en == "Read the new guide"


async def test_a_completed_module_stays_completed_when_an_activity_is_added(group) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module)
    await give(group.member, module)
    await progress.mark_done(group.member, activity.id)

    added = await make_activity(module, "New step", "Nuevo paso")

    assert await ModuleCompletion.filter(member=group.member, module=module).count() == 1
    assert await states(group.member) == {activity.id: S.DONE}
    assert added.id not in await states(group.member)


async def test_retiring_an_activity_hides_it_but_keeps_the_members_progress(client, group) -> None:
    module = await make_module(await make_track(), "Basics", "Lo básico")
    await make_activity(module, "Stay here", "Quédate aquí")
    retired = await make_activity(module, "Old reading", "Lectura vieja")
    await give(group.member, module)
    await progress.mark_done(group.member, retired.id)
    await log_in(client, "itzel@example.org", PASSWORD)

    await catalog.set_retired("activity", retired.id, True)
    page = await client.get(f"/learn/modules/{module.id}")

    assert page.status_code == 200
    assert "Stay here" in page.text
    assert "Old reading" not in page.text
    assert await states(group.member) == {retired.id: S.DONE}
    assert await ProgressEvent.filter(progress__activity_id=retired.id).count() == 1


async def test_retiring_an_activity_keeps_a_completed_module_and_its_badge(group) -> None:
    milestone, (first, second) = await milestone_for(group.member)
    await progress.mark_done(group.member, first.id)
    await progress.mark_done(group.member, second.id)

    await catalog.set_retired("activity", first.id, True)

    assert await ModuleCompletion.filter(member=group.member, module=milestone).count() == 1
    assert await badge_keys() == [f"module:{milestone.id}"]
    assert (await states(group.member))[first.id] == S.DONE


# Finding catalog items -----------------------------------------------------------------


async def test_an_activity_asked_for_as_attendance_is_found_only_if_it_is_one(app) -> None:
    module = await make_module(await make_track())
    reading = await make_activity(module)
    workshop = await make_activity(module, completion=Completion.ATTENDANCE)

    with pytest.raises(NotFound) as refused:
        await catalog.get_activity(reading.id, completion=Completion.ATTENDANCE)
    found = await catalog.get_activity(workshop.id, completion=Completion.ATTENDANCE)

    assert refused.value.code == "not_found"
    assert (found.id, (await catalog.get_activity(reading.id)).id) == (workshop.id, reading.id)


async def test_the_editor_finds_a_track_with_its_retired_modules(app) -> None:
    track = await make_track()
    kept = await make_module(track)
    retired = await make_module(track)
    await catalog.set_retired("module", retired.id, True)

    found = await catalog.get_track(track.id)

    assert [m.id for m in found.modules] == [kept.id, retired.id]
    with pytest.raises(NotFound):
        await catalog.get_track(track.id + 1000)
