"""The cohort grid and the member dashboard's learning summary are kept once rendered
(see yoc.cache). These tests open a page, change something the way another worker
process would (through a service, not through this app), and open the page again: what
changed must show at once, never an old copy."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import log_in
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc import cache
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.enums import STAMP, Completion
from yoc.curriculum.models import Activity, ActivityProgress, Module
from yoc.curriculum.services import assignments, catalog, progress
from yoc.members.services import cohorts
from yoc.settings import Settings


@dataclass
class Setup:
    settings: Settings
    member: User
    other: User
    mentor: User
    staff: User
    cohort_id: int
    module: Module
    done: Activity
    reflect: Activity
    attend: Activity


@pytest.fixture
async def setup(app, settings) -> Setup:
    member = await make_member(name="Itzel Ramírez", email="itzel@example.org")
    other = await make_member(name="Beto Cruz", email="beto@example.org")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Torres", email="lucia@example.org")
    staff = await make_user(role=Role.STAFF, email="sam@example.org")
    cohort = await make_cohort("North Shore", members=[member, other], mentors=[mentor])
    module = await make_module(await make_track(), "Your story", "Tu historia")
    done = await make_activity(module, "Read", "Lee")
    reflect = await make_activity(module, "Reflect", "Reflexiona", completion=Completion.REFLECTION)
    attend = await make_activity(module, "Circle", "Círculo", completion=Completion.ATTENDANCE)
    await give(member, module)
    return Setup(settings, member, other, mentor, staff, cohort.id, module, done, reflect, attend)


def cells(page: httpx.Response) -> list[str]:
    return re.findall(r'data-cell="(\w+)"', page.text)


@asynccontextmanager
async def signed_in(app, email: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        await log_in(client, email, PASSWORD)
        yield client


async def _submit(s: Setup) -> None:
    await progress.submit_reflection(s.member, s.reflect.id, "The clinic closed.")


async def _approve(s: Setup) -> None:
    await progress.mark_done(s.member, s.done.id)
    await _submit(s)
    row = await ActivityProgress.get(member=s.member, activity=s.reflect)
    await progress.review(
        mentor=s.mentor, progress_id=row.id, approve=True, feedback="Strong.", settings=s.settings
    )
    await progress.record_attendance(
        mentor=s.mentor, activity_id=s.attend.id, member_ids=[s.member.id]
    )


async def _assign_to_group(s: Setup) -> None:
    await assignments.assign_to_cohort(actor=s.mentor, cohort_id=s.cohort_id, module_id=s.module.id)


async def _join(s: Setup) -> None:
    newcomer = await make_member(name="Ana Demo", email="ana@example.org")
    cohort = await cohorts.visible_cohort(s.staff, s.cohort_id)
    await cohorts.add_person(actor=s.staff, cohort=cohort, email=newcomer.email)


async def _rename(s: Setup) -> None:
    # Whatever way a name changes, the grid reads the group's names on every request.
    await User.filter(id=s.member.id).update(name="Itzel R. Mendoza")


Change = Callable[[Setup], Awaitable[object]]


@dataclass
class Scenario:
    change: Change
    read: Callable[[httpx.Response], object]
    expected: object
    before: Change | None = None  # done before the grid is first opened


def showing(text: str) -> Callable[[httpx.Response], bool]:
    return lambda page: text in page.text


GRID_CHANGES = {
    "a member begins": Scenario(
        lambda s: progress.start(s.member, s.done.id), cells, ["in_progress"]
    ),
    "a reflection waits for review": Scenario(_submit, cells, ["review"]),
    "a mentor approves and records attendance": Scenario(_approve, cells, ["done"]),
    "a module is given to the whole group": Scenario(_assign_to_group, cells, ["not_started"] * 2),
    "staff rename the module": Scenario(
        lambda s: catalog.update_module(s.module.id, title_en="Your story, told"),
        showing("Your story, told"),
        True,
    ),
    # The only activity begun is retired: the module counts live activities only.
    "staff retire an activity": Scenario(
        lambda s: catalog.set_retired("activity", s.reflect.id, True),
        cells,
        ["not_started"],
        before=lambda s: progress.start(s.member, s.reflect.id),
    ),
    "a member joins the group": Scenario(_join, showing("Ana Demo"), True),
    "a member's name changes": Scenario(_rename, showing("Itzel R. Mendoza"), True),
}


@pytest.mark.parametrize("change", GRID_CHANGES)
async def test_the_grid_shows_a_change_made_by_another_worker_at_once(app, setup, change) -> None:
    scenario = GRID_CHANGES[change]
    if scenario.before:
        await scenario.before(setup)
    async with signed_in(app, "lucia@example.org") as mentor:
        before = await mentor.get(f"/cohorts/{setup.cohort_id}/progress")
        await scenario.change(setup)
        after = await mentor.get(f"/cohorts/{setup.cohort_id}/progress")

    assert before.status_code == after.status_code == 200
    assert scenario.read(before) != scenario.expected
    assert scenario.read(after) == scenario.expected


async def test_the_grid_is_kept_per_language(app, setup) -> None:
    async with signed_in(app, "lucia@example.org") as mentor:
        english = await mentor.get(f"/cohorts/{setup.cohort_id}/progress")
        await accounts.set_language(setup.mentor, "es")
        spanish = await mentor.get(f"/cohorts/{setup.cohort_id}/progress")

    assert "Your story" in english.text
    assert "Tu historia" in spanish.text and "Your story" not in spanish.text


async def test_the_grid_of_one_group_is_never_shown_for_another(app, setup) -> None:
    second = await make_cohort("Mecca", members=[setup.other], mentors=[setup.mentor])
    async with signed_in(app, "lucia@example.org") as mentor:
        first_page = await mentor.get(f"/cohorts/{setup.cohort_id}/progress")
        second_page = await mentor.get(f"/cohorts/{second.id}/progress")

    assert "Itzel Ramírez" in first_page.text
    assert "Itzel Ramírez" not in second_page.text


async def test_the_dashboard_shows_feedback_and_badges_given_elsewhere_at_once(app, setup) -> None:
    await Module.filter(id=setup.module.id).update(milestone=True)
    async with signed_in(app, "itzel@example.org") as member:
        before = await member.get("/dashboard")
        await _approve(setup)
        after = await member.get("/dashboard")

    assert "Strong." not in before.text and "Strong." in after.text
    assert "★ Your story" not in before.text and "★ Your story" in after.text


async def test_the_dashboard_shows_a_new_assignment_and_a_renamed_module(app, setup) -> None:
    later = await make_module(await make_track(), "Speak up", "Alza la voz")
    await make_activity(later)
    async with signed_in(app, "itzel@example.org") as member:
        before = await member.get("/dashboard")
        await assignments.assign_to_member(
            actor=setup.mentor, member_id=setup.member.id, module_id=later.id
        )
        await catalog.update_module(setup.module.id, title_en="Your story, told")
        after = await member.get("/dashboard")

    assert "Speak up" not in before.text
    assert "Speak up" in after.text and "Your story, told" in after.text


async def test_one_members_summary_is_never_shown_to_another(app, setup) -> None:
    async with signed_in(app, "itzel@example.org") as member:
        mine = await member.get("/dashboard")
    async with signed_in(app, "beto@example.org") as other:
        theirs = await other.get("/dashboard")

    assert "Your story" in mine.text
    assert "Your story" not in theirs.text


async def test_a_change_that_fails_moves_no_stamp(app, setup) -> None:
    before = await cache.version(STAMP)

    with pytest.raises(RuntimeError):
        async with cache.changing(STAMP):
            await ActivityProgress.create(member=setup.member, activity=setup.done)
            raise RuntimeError("refused")

    assert await cache.version(STAMP) == before
    assert not await ActivityProgress.filter(member=setup.member).exists()


async def test_writers_racing_on_a_new_stamp_each_move_it(app) -> None:
    """The first change ever makes the stamp's row; two at once must both count, on
    PostgreSQL across connections too."""
    assert await cache.version("race") == 0

    await asyncio.gather(*(cache.bump("race") for _ in range(5)))

    assert await cache.version("race") == 5
