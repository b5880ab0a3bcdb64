"""What the dashboards show (yoc.curriculum.services.dashboards): overdue derived from
the due date, the group's grid and the API alike, the mentor's review queue, and the
member dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import log_in
from tests.curriculum.conftest import spanish
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc import cache
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.curriculum.enums import STAMP, Completion, ProgressState
from yoc.curriculum.models import ActivityProgress, Assignment
from yoc.curriculum.services import catalog, dashboards, progress
from yoc.errors import NotFound
from yoc.i18n import ngettext, use_language
from yoc.members.enums import ApplicationDecision
from yoc.members.services.profiles import today

# Overdue is derived --------------------------------------------------------------------


async def test_overdue_is_derived_from_the_due_date_in_the_grid_and_the_api(client, group) -> None:
    module = await make_module(await make_track(), "Basics", "Lo básico")
    await make_activity(module)
    [assignment] = await give(group.member, module, due_on=today() - timedelta(days=1))
    _, secret = await accounts.create_api_token(group.mentor, "Laptop")
    await log_in(client, "lucia@example.org", PASSWORD)
    api = f"/api/v1/members/{group.member.id}/progress"
    headers = {"Authorization": f"Bearer {secret}"}

    grid = await client.get(f"/cohorts/{group.cohort.id}/progress")
    answer = await client.get(api, headers=headers)
    await Assignment.filter(id=assignment.id).update(due_on=today() + timedelta(days=1))
    await cache.bump(STAMP)  # as every service that changes an assignment does
    grid_after = await client.get(f"/cohorts/{group.cohort.id}/progress")
    answer_after = await client.get(api, headers=headers)

    assert re.findall(r'data-cell="(\w+)"', grid.text) == ["overdue"]
    [row] = answer.json()["modules"]
    assert (row["module"], row["status"], row["overdue"], row["completed"]) == (
        module.id,
        "overdue",
        True,
        False,
    )
    assert row["due_on"] == (today() - timedelta(days=1)).isoformat()
    # Nothing was stored: moving the date alone makes it not overdue.
    assert re.findall(r'data-cell="(\w+)"', grid_after.text) == ["not_started"]
    assert answer_after.json()["modules"][0]["status"] == "not_started"
    assert answer_after.json()["modules"][0]["overdue"] is False
    assert "overdue" not in {state.value for state in ProgressState}


async def test_a_finished_module_is_not_overdue(client, group) -> None:
    module = await make_module(await make_track())
    activity = await make_activity(module)
    await give(group.member, module, due_on=today() + timedelta(days=1))
    await progress.mark_done(group.member, activity.id)
    await Assignment.filter(member=group.member).update(due_on=today() - timedelta(days=1))
    await log_in(client, "lucia@example.org", PASSWORD)

    grid = await client.get(f"/cohorts/{group.cohort.id}/progress")

    assert re.findall(r'data-cell="(\w+)"', grid.text) == ["done"]


@pytest.mark.parametrize("step", ["started", "returned", "one of two done"])
async def test_a_module_begun_is_in_progress_in_the_grid_and_the_api_alike(
    client, group, settings, step
) -> None:
    module = await make_module(await make_track())
    story = await make_activity(module, completion=Completion.REFLECTION)
    other = await make_activity(module)
    await give(group.member, module)
    if step == "started":
        await progress.start(group.member, story.id)
    elif step == "returned":
        row = await progress.submit_reflection(group.member, story.id, "My text.")
        await progress.review(
            mentor=group.mentor,
            progress_id=row.id,
            approve=False,
            feedback="More, please.",
            settings=settings,
        )
    else:
        await progress.mark_done(group.member, other.id)
    _, secret = await accounts.create_api_token(group.mentor, "Laptop")
    await log_in(client, "lucia@example.org", PASSWORD)

    grid = await client.get(f"/cohorts/{group.cohort.id}/progress")
    answer = await client.get(
        f"/api/v1/members/{group.member.id}/progress",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert re.findall(r'data-cell="(\w+)"', grid.text) == ["in_progress"]
    assert [m["status"] for m in answer.json()["modules"]] == ["in_progress"]


# The review queue ----------------------------------------------------------------------


async def test_review_queue_lists_the_longest_waiting_reflection_first(client, group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    activity = await make_activity(module, completion=Completion.REFLECTION)
    await give(group.member, module)
    await give(beto, module)
    # Beto opens the activity first (his row is older) but sends his reflection last.
    beto_row = await progress.start(beto, activity.id)
    itzel_row = await progress.submit_reflection(group.member, activity.id, "Itzel's text.")
    await progress.submit_reflection(beto, activity.id, "Beto's text.")
    await ActivityProgress.filter(id=itzel_row.id).update(
        submitted_at=(await ActivityProgress.get(id=beto_row.id)).submitted_at - timedelta(hours=1)
    )
    await log_in(client, "lucia@example.org", PASSWORD)

    response = await client.get("/mentor/reviews")

    assert response.status_code == 200
    assert re.findall(r'id="review-(\d+)"', response.text) == [
        str(itzel_row.id),
        str(beto_row.id),
    ]
    assert "2 waiting, the longest first." in response.text


async def test_review_queue_holds_only_the_mentors_own_members(client, group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await make_cohort("Mecca Spring", members=[beto])
    module = await make_module(await make_track())
    activity = await make_activity(module, completion=Completion.REFLECTION)
    await give(group.member, module)
    await give(beto, module)
    mine = await progress.submit_reflection(group.member, activity.id, "Itzel's text.")
    await progress.submit_reflection(beto, activity.id, "Beto's text.")
    await log_in(client, "lucia@example.org", PASSWORD)

    response = await client.get("/mentor/reviews")

    assert re.findall(r'id="review-(\d+)"', response.text) == [str(mine.id)]
    assert "Beto" not in response.text


# The member dashboard ------------------------------------------------------------------


def section(html: str, heading: str) -> str:
    match = re.search(rf"<h2>{re.escape(heading)}</h2>(.*?)</section>", html, re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


async def test_member_dashboard_shows_due_next_progress_feedback_and_badges(
    client, group, settings
) -> None:
    speak = await make_track("Speak Up", "Alza la voz")
    later = await make_module(speak, "Basics", "Lo básico")
    sooner = await make_module(speak, "Storytelling", "Contar historias")
    read = await make_activity(later, "Read the guide", "Lee la guía")
    story = await make_activity(later, "My story", "Mi historia", completion=Completion.REFLECTION)
    await make_activity(sooner)
    await make_activity(sooner)
    organize = await make_track("Organize", "Organiza")
    campaign = await make_module(organize, "First campaign", "Primera campaña", milestone=True)
    plan = await make_activity(campaign)
    await give(group.member, later, due_on=today() + timedelta(days=9))
    await give(group.member, sooner, due_on=today() + timedelta(days=2))
    await give(group.member, campaign, due_on=today() + timedelta(days=1))
    await progress.mark_done(group.member, read.id)
    row = await progress.submit_reflection(group.member, story.id, "Once upon a time.")
    await progress.review(
        mentor=group.mentor,
        progress_id=row.id,
        approve=False,
        feedback="Add one example from school.",
        settings=settings,
    )
    await progress.mark_done(group.member, plan.id)
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await client.get("/dashboard")

    assert response.status_code == 200
    due_next = section(response.text, "Due next")
    assert re.findall(r'<a href="/learn/modules/(\d+)">', due_next) == [
        str(sooner.id),
        str(later.id),
    ]
    bars = re.findall(
        r'<progress class="bar" value="(\d+)" max="100" aria-label="([^"]+)">', response.text
    )
    assert dict((label, int(value)) for value, label in bars) == {"Speak Up": 25, "Organize": 100}
    feedback = section(response.text, "Recent feedback")
    assert "Add one example from school." in feedback
    assert "Lucía Torres · My story · returned for changes" in feedback
    badges_shown = re.findall(r"<p>★ ([^<]+)</p>", section(response.text, "My badges"))
    assert sorted(badges_shown) == ["First campaign", "Organize"]


async def test_member_dashboard_names_each_group_and_its_mentors(client, group) -> None:
    second = await make_user(role=Role.MENTOR, name="Nico Reyes", email="nico@example.org")
    other = await make_cohort("Mecca Spring", members=[group.member], mentors=[second])
    await make_cohort("Thermal", mentors=[await make_user(role=Role.MENTOR, name="Not Hers")])
    await other.mentors.add(group.mentor)
    await log_in(client, "itzel@example.org", PASSWORD)

    english = section((await client.get("/dashboard")).text, "My group")
    await accounts.set_language(group.member, "es")
    in_spanish = section((await client.get("/dashboard")).text, spanish("My group"))

    assert re.findall(r"<h3>([^<]+)</h3>", english) == ["Mecca Spring", "North Shore Summer"]
    assert "Your mentors: Lucía Torres, Nico Reyes" in english
    assert "Your mentor: Lucía Torres" in english
    assert "Not Hers" not in english
    with use_language("es"):
        one_mentor = ngettext(
            "Your mentor: %(names)s", "Your mentors: %(names)s", 1, names="Lucía Torres"
        )
    assert one_mentor in in_spanish and one_mentor != "Your mentor: Lucía Torres"


async def test_a_member_waiting_for_approval_sees_no_learning_yet(client, group) -> None:
    await make_member(
        age=19,
        name="Beto Cruz",
        email="beto@example.org",
        decision=ApplicationDecision.PENDING,
    )
    await log_in(client, "beto@example.org", PASSWORD)

    response = await client.get("/dashboard")

    assert response.status_code == 200
    assert "<h2>Due next</h2>" not in response.text
    assert "<progress" not in response.text


async def test_module_page_shows_progress_on_each_live_activity(group) -> None:
    module = await make_module(await make_track())
    read = await make_activity(module, "Read the guide", "Lee la guía")
    story = await make_activity(module, "My story", "Mi historia", completion=Completion.REFLECTION)
    retired = await make_activity(module)
    await catalog.set_retired("activity", retired.id, True)
    await give(group.member, module)
    await progress.mark_done(group.member, read.id)

    page = await dashboards.module_page(group.member, module.id)

    assert (page.module.id, page.locked_by) == (module.id, [])
    assert [
        (i.activity.id, i.progress and i.progress.state, [e.state for e in i.history])
        for i in page.items
    ] == [(read.id, ProgressState.DONE, [ProgressState.DONE]), (story.id, None, [])]


async def test_module_page_of_a_module_not_given_to_the_member_is_not_found(group) -> None:
    module = await make_module(await make_track())
    await make_activity(module)
    await give(group.mentor, module)

    with pytest.raises(NotFound) as refused:
        await dashboards.module_page(group.member, module.id)

    assert refused.value.code == "not_found"
