"""A member's whole path (/learn, yoc.curriculum.services.path): every track and module
with its state and due date, finished ones included; the breadcrumb back to it; and the
links to it from the menu and the dashboard.

The cast (conftest.group): Itzel (15, active) in the North Shore group.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import log_in
from tests.curriculum.conftest import spanish
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD
from tests.members.factories import make_member
from yoc.curriculum.enums import Completion, ModuleState
from yoc.curriculum.models import ActivityProgress
from yoc.curriculum.services import assignments, catalog, progress
from yoc.i18n import format_date, use_language
from yoc.members.enums import ApplicationDecision
from yoc.members.services.profiles import today


def _item(page: str, title: str) -> str:
    """The path's entry of one module: its <li>, from the title on."""
    match = re.search(
        rf"<li class=\"path-module[^\"]*\">\s*<h3>(?:<a [^>]*>)?{title}.*?</li>", page, re.S
    )
    assert match, f"{title} is not on the page"
    return match.group(0)


@pytest.fixture
async def course(group, settings):
    """Speak Up: "Basics" (finished), "Your story" (returned), "Your speech" (sent for
    review), "Practice" (started), "Stage" (not started, due soon) and "Organizing"
    (not assigned). Policy: a track with nothing assigned."""
    track = await make_track("Speak Up", "Alza la voz")
    modules = {}
    for title, es in [
        ("Basics", "Lo básico"),
        ("Your story", "Tu historia"),
        ("Your speech", "Tu discurso"),
        ("Practice", "Práctica"),
        ("Stage", "Escenario"),
        ("Organizing", "Organizar"),
    ]:
        modules[title] = await make_module(track, title, es)
    read = await make_activity(modules["Basics"], "Read", "Lee")
    story = await make_activity(modules["Your story"], completion=Completion.REFLECTION)
    speech = await make_activity(modules["Your speech"], completion=Completion.REFLECTION)
    practice = await make_activity(modules["Practice"])
    await make_activity(modules["Practice"])
    await make_activity(modules["Stage"])
    await give(group.member, *[m for t, m in modules.items() if t not in ("Stage", "Organizing")])
    await give(group.member, modules["Stage"], due_on=today() + timedelta(days=4))
    await progress.mark_done(group.member, read.id)
    await progress.submit_reflection(group.member, story.id, "My first draft.")
    row = await progress.submit_reflection(group.member, speech.id, "My speech.")
    returned = await ActivityProgress.get(member=group.member, activity=story)
    await progress.review(
        mentor=group.mentor,
        progress_id=returned.id,
        approve=False,
        feedback="More, please.",
        settings=settings,
    )
    await progress.start(group.member, practice.id)
    policy = await make_track("Policy", "Políticas")
    await make_module(policy, "LCAP", "LCAP")
    return track, modules, row


async def test_my_path_lists_every_module_with_its_state_finished_ones_included(
    client, group, course
) -> None:
    await log_in(client, "itzel@example.org", PASSWORD)

    page = await client.get("/learn")
    dashboard = await client.get("/dashboard")

    assert page.status_code == 200
    assert "<h1>My path</h1>" in page.text
    assert 'class="badge state-badge-done">done</span>' in _item(page.text, "Basics")
    assert "returned for changes" in _item(page.text, "Your story")
    assert "waiting for review" in _item(page.text, "Your speech")
    assert "in progress" in _item(page.text, "Practice")
    stage = _item(page.text, "Stage")
    assert "not started" in stage
    with use_language("en"):
        assert f"due {format_date(today() + timedelta(days=4))}" in stage
    assert "not assigned yet" in _item(page.text, "Organizing")
    assert '<a href="/learn/modules/' not in _item(page.text, "Organizing")
    assert f'<a href="/learn/modules/{course[1]["Basics"].id}">Basics</a>' in page.text
    assert '<h2 id="track-policy-title">Policy</h2>' in page.text
    assert "1 of 5 modules done" in page.text
    # The dashboard lists what is next: the finished module is on the path only.
    assert f'href="/learn/modules/{course[1]["Basics"].id}"' not in dashboard.text


async def test_a_finished_module_stays_on_the_path_after_it_is_unassigned(
    client, group, course
) -> None:
    basics = course[1]["Basics"]
    [given] = [
        g
        for g in await assignments.given_by_viewer(group.staff)
        if g.module and g.module.id == basics.id
    ]
    await assignments.unassign(actor=group.staff, kind="member", given_id=given.id)
    await log_in(client, "itzel@example.org", PASSWORD)

    page = await client.get("/learn")

    assert "done" in _item(page.text, "Basics")
    assert "finished" in _item(page.text, "Basics")


async def test_retired_modules_are_left_out_unless_they_were_the_members(
    client, group, course
) -> None:
    await log_in(client, "itzel@example.org", PASSWORD)
    before = await client.get("/learn")
    await catalog.set_retired("module", course[1]["Organizing"].id, True)
    await catalog.set_retired("module", course[1]["Basics"].id, True)

    page = await client.get("/learn")

    assert "<h3>Organizing</h3>" in before.text
    assert "<h3>Organizing</h3>" not in page.text
    assert "done" in _item(page.text, "Basics")


async def test_the_breadcrumb_links_the_track_on_my_path(client, group, course) -> None:
    track, modules, _ = course
    await log_in(client, "itzel@example.org", PASSWORD)

    module_page = await client.get(f"/learn/modules/{modules['Stage'].id}")
    path = await client.get("/learn")

    assert track.slug == "speak-up"
    assert (
        '<nav class="breadcrumb muted" aria-label="Breadcrumb"><a href="/learn">My path</a> › '
        '<a href="/learn#track-speak-up">Speak Up</a></nav>'
    ) in module_page.text
    assert '<section class="card path-track" id="track-speak-up"' in path.text


async def test_the_menu_and_the_dashboard_link_my_path(client, group, course) -> None:
    await log_in(client, "itzel@example.org", PASSWORD)

    dashboard = await client.get("/dashboard")

    assert '<a href="/learn">My path</a>' in dashboard.text
    assert '<a href="/learn">See my whole path, finished modules too</a>' in dashboard.text
    assert '<a href="/learn#track-speak-up">Speak Up</a>' in dashboard.text


async def test_my_path_in_spanish(client, group, course) -> None:
    await group.member.update_from_dict({"language": "es"}).save()
    await log_in(client, "itzel@example.org", PASSWORD)

    page = await client.get("/learn")

    assert f"<h1>{spanish('My path')}</h1>" in page.text
    assert "Alza la voz" in page.text and "Lo básico" in page.text
    with use_language("es"):
        labels = {state: state.label for state in ModuleState}
    assert all(labels[state] != state.label for state in ModuleState)  # translated
    assert labels[ModuleState.NOT_ASSIGNED] in _item(page.text, "Organizar")
    assert labels[ModuleState.DONE] in _item(page.text, "Lo básico")
    assert labels[ModuleState.RETURNED] in _item(page.text, "Tu historia")
    with use_language("es"):
        assert (
            f"{spanish('due %(date)s') % {'date': format_date(today() + timedelta(days=4))}}"
            in (_item(page.text, "Escenario"))
        )


async def test_a_member_with_nothing_assigned_sees_the_curriculum_and_how_it_starts(
    client, group
) -> None:
    await make_module(await make_track("Speak Up", "Alza la voz"), "Basics", "Lo básico")
    await log_in(client, "itzel@example.org", PASSWORD)

    page = await client.get("/learn")

    assert "Your path starts when your mentor assigns your first module." in page.text
    assert "not assigned yet" in _item(page.text, "Basics")


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 303), ("pending", 403), ("mentor", 403), ("staff", 403)]
)
async def test_my_path_is_for_active_members(client, group, who, status) -> None:
    if who == "pending":
        await make_member(age=19, email="paz@example.org", decision=ApplicationDecision.PENDING)
    email = {"pending": "paz@example.org", "mentor": "lucia@example.org"}.get(
        who, "sam@example.org"
    )
    if who != "anonymous":
        await log_in(client, email, PASSWORD)

    response = await client.get("/learn")

    assert response.status_code == status
    if who == "anonymous":
        assert response.headers["location"] == "/login?next=/learn"
    if who == "pending":
        assert "Not yet" in response.text
