"""Correcting assignments from the browser (yoc.curriculum.assignment_routes): the
mentor's list with Edit and Unassign, the edit form, unassigning after a page that asks,
and assigning the same thing again. Each seen from the member's side too.

The cast (conftest.group): Itzel in the North Shore group, mentored by Lucía; Marco
mentors another group.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.conftest import client_from, csrf_from, log_in, post_form
from tests.curriculum.conftest import assignment_rows, spanish
from tests.curriculum.factories import make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.curriculum.enums import Completion, ProgressState
from yoc.curriculum.models import ActivityProgress, Assignment, CohortAssignment
from yoc.curriculum.services import assignments, progress
from yoc.i18n import format_date, use_language
from yoc.members.services.profiles import today

NOT_FOUND = "We could not find that page"


def shown_date(day) -> str:
    with use_language("en"):
        return format_date(day)


async def _module_for_group(group, title: str = "Finding your voice"):
    module = await make_module(await make_track("Speak Up", "Alza la voz"), title, "Encuentra")
    activity = await make_activity(
        module, "A place I love", "Un lugar que quiero", completion=Completion.REFLECTION
    )
    outcome = await assignments.assign_to_cohort(
        actor=group.mentor,
        cohort_id=group.cohort.id,
        module_id=module.id,
        due_on=today() + timedelta(days=3),
        note="Bring a photo",
    )
    return module, activity, outcome.cohort_assignment


async def test_the_mentors_list_offers_edit_and_unassign_for_each_assignment(client, group) -> None:
    module, _, given = await _module_for_group(group)
    await log_in(client, "lucia@example.org", PASSWORD)

    page = await client.get("/assignments")

    assert page.status_code == 200
    assert "<h1>Assignments</h1>" in page.text
    assert "Finding your voice" in page.text
    assert "To the group North Shore Summer" in page.text
    assert f"Due {shown_date(today() + timedelta(days=3))}" in page.text
    assert f'href="/assignments/cohort/{given.id}"' in page.text
    assert f'href="/assignments/cohort/{given.id}/unassign"' in page.text


async def test_a_new_due_date_shows_on_the_members_dashboard(app, client, group) -> None:
    module, _, given = await _module_for_group(group)
    new_due = today() + timedelta(days=10)
    async with client_from(app, "10.0.0.2") as member:
        await log_in(member, "itzel@example.org", PASSWORD)
        before = await member.get("/dashboard")
        await log_in(client, "lucia@example.org", PASSWORD)

        saved = await post_form(
            client,
            f"/assignments/cohort/{given.id}",
            {
                "target": f"cohort:{group.cohort.id}",
                "due_on": new_due.isoformat(),
                "note": "Take your time",
            },
        )
        after = await member.get("/dashboard")
        module_page = await member.get(f"/learn/modules/{module.id}")

    assert saved.status_code == 303
    assert saved.headers["location"] == "/assignments"
    assert f"due {shown_date(today() + timedelta(days=3))}" in before.text
    assert f"due {shown_date(new_due)}" in after.text
    assert f"due {shown_date(today() + timedelta(days=3))}" not in after.text
    assert "Take your time" in module_page.text
    assert await assignment_rows() == [
        (group.member.id, module.id, new_due, "Take your time", given.id)
    ]


async def test_the_edit_form_keeps_what_was_typed_when_the_date_is_refused(client, group) -> None:
    _, _, given = await _module_for_group(group)
    await log_in(client, "lucia@example.org", PASSWORD)
    before = await assignment_rows()

    refused = await post_form(
        client,
        f"/assignments/cohort/{given.id}",
        {
            "target": f"cohort:{group.cohort.id}",
            "due_on": (today() - timedelta(days=1)).isoformat(),
            "note": "A note I typed",
        },
    )

    assert refused.status_code == 422
    assert "Choose a due date from today on." in refused.text
    assert ">A note I typed</textarea>" in refused.text
    assert await assignment_rows() == before


async def test_unassigning_asks_first_then_keeps_the_members_reflection(app, client, group) -> None:
    module, activity, given = await _module_for_group(group)
    await progress.submit_reflection(group.member, activity.id, "My street has a mural.")
    await log_in(client, "lucia@example.org", PASSWORD)

    confirm = await client.get(f"/assignments/cohort/{given.id}/unassign")
    done = await client.post(
        f"/assignments/cohort/{given.id}/unassign", data={"csrf_token": csrf_from(confirm.text)}
    )
    listed = await client.get("/assignments")
    async with client_from(app, "10.0.0.2") as member:
        await log_in(member, "itzel@example.org", PASSWORD)
        dashboard = await member.get("/dashboard")
        gone = await member.get(f"/learn/modules/{module.id}")
        await post_form(
            client,
            "/assign",
            {"target": f"member:{group.member.id}", "what": f"module:{module.id}"},
        )
        back = await member.get(f"/learn/modules/{module.id}")

    assert confirm.status_code == 200
    assert "<h1>Unassign?</h1>" in confirm.text
    assert "Their progress and reflections are kept." in confirm.text
    assert done.status_code == 303
    assert done.headers["location"] == "/assignments"
    assert await CohortAssignment.all().count() == 0
    assert "Unassigned. The members&#39; progress and reflections are kept." in listed.text
    assert "Finding your voice" not in dashboard.text
    assert gone.status_code == 404
    assert await ActivityProgress.filter(member=group.member).values_list("state", "body") == [
        (ProgressState.SUBMITTED, "My street has a mural.")
    ]
    assert back.status_code == 200
    assert "My street has a mural." in back.text


async def test_opening_the_unassign_page_changes_nothing(client, group) -> None:
    _, _, given = await _module_for_group(group)
    await log_in(client, "lucia@example.org", PASSWORD)
    before = await assignment_rows()

    await client.get(f"/assignments/cohort/{given.id}/unassign")

    assert await assignment_rows() == before


async def test_assigning_the_same_module_again_says_so_and_updates_it(client, group) -> None:
    module, _, given = await _module_for_group(group)
    await log_in(client, "lucia@example.org", PASSWORD)
    new_due = today() + timedelta(days=14)

    response = await post_form(
        client,
        "/assign",
        {
            "target": f"cohort:{group.cohort.id}",
            "what": f"module:{module.id}",
            "due_on": new_due.isoformat(),
            "note": "New plan",
        },
    )
    grid = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert "This was already assigned: its due date and note are now updated." in grid.text
    assert await CohortAssignment.all().values_list("id", "due_on", "note") == [
        (given.id, new_due, "New plan")
    ]
    assert await assignment_rows() == [(group.member.id, module.id, new_due, "New plan", given.id)]


async def test_moving_an_assignment_from_a_member_to_the_group(client, group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id
    )
    row = await Assignment.get()
    await log_in(client, "lucia@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/assignments/member/{row.id}",
        {"target": f"cohort:{group.cohort.id}", "due_on": "", "note": ""},
    )

    given = await CohortAssignment.get()
    assert response.status_code == 303
    assert sorted(
        await Assignment.all().values_list("member_id", "cohort_assignment_id")
    ) == sorted([(group.member.id, given.id), (beto.id, given.id)])


@pytest.mark.parametrize("kind", ["cohort", "member"])
@pytest.mark.parametrize("page", ["", "/unassign"])
async def test_a_mentor_cannot_open_or_change_another_groups_assignment(
    client, group, kind, page
) -> None:
    await make_user(role=Role.MENTOR, name="Marco Díaz", email="marco@example.org")
    module, _, given = await _module_for_group(group)
    if kind == "member":
        await assignments.unassign(actor=group.mentor, kind="cohort", given_id=given.id)
        await assignments.assign_to_member(
            actor=group.mentor, member_id=group.member.id, module_id=module.id
        )
        given = await Assignment.get()
    before = await assignment_rows()
    await log_in(client, "marco@example.org", PASSWORD)
    path = f"/assignments/{kind}/{given.id}{page}"

    opened = await client.get(path)
    posted = await client.post(
        path,
        data={
            "target": f"member:{group.member.id}",
            "due_on": "",
            "note": "Mine now",
            "csrf_token": csrf_from((await client.get("/")).text),
        },
    )
    listed = await client.get("/assignments")

    assert (opened.status_code, posted.status_code) == (404, 404)
    assert NOT_FOUND in opened.text and NOT_FOUND in posted.text
    assert "Itzel" not in opened.text + posted.text
    assert "Finding your voice" not in listed.text
    assert await assignment_rows() == before


# fmt: off
PAGES = {
    #                                  anon member mentor other  staff
    "/assignments":                    (303, 403,   200,   200,   200),
    "/assignments/cohort/{given}":     (303, 403,   200,   404,   200),
    "/assignments/cohort/{given}/unassign": (303, 403, 200, 404,  200),
    "/assignments/group/{given}":      (303, 403,   404,   404,   404),
}
# fmt: on
ACTORS = ("anonymous", "member", "mentor", "other_mentor", "staff")


@pytest.mark.parametrize(
    ("template", "actor", "status"),
    [
        pytest.param(t, a, s, id=f"{t} {a} {s}")
        for t, row in PAGES.items()
        for a, s in zip(ACTORS, row, strict=True)
    ],
)
async def test_assignment_pages_follow_the_permission_matrix(
    client, group, template, actor, status
) -> None:
    await make_user(role=Role.MENTOR, name="Marco Díaz", email="marco@example.org")
    _, _, given = await _module_for_group(group)
    email = {
        "member": "itzel@example.org",
        "mentor": "lucia@example.org",
        "other_mentor": "marco@example.org",
        "staff": "sam@example.org",
    }.get(actor)
    if email:
        await log_in(client, email, PASSWORD)
    path = template.format(given=given.id)

    response = await client.get(path)

    assert response.status_code == status
    if status == 303:
        assert response.headers["location"] == f"/login?next={quote(path)}"
    elif status == 200:
        assert ("Finding your voice" in response.text) is (actor != "other_mentor")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/assignments", "Assignments"),
        ("/assignments/cohort/{given}", "Change an assignment"),
        ("/assignments/cohort/{given}/unassign", "Unassign?"),
    ],
)
async def test_assignment_pages_speak_spanish(client, group, path, heading) -> None:
    await group.mentor.update_from_dict({"language": "es"}).save()
    _, _, given = await _module_for_group(group)
    await log_in(client, "lucia@example.org", PASSWORD)

    page = await client.get(path.format(given=given.id))

    assert page.status_code == 200
    assert f"<h1>{spanish(heading)}</h1>" in page.text
    assert re.search(r'<html lang="es"', page.text)


async def test_a_staff_member_sees_every_groups_assignments(client, group) -> None:
    other = await make_cohort("Mecca Spring")
    module = await make_module(await make_track())
    await assignments.assign_to_cohort(actor=group.staff, cohort_id=other.id, module_id=module.id)
    await _module_for_group(group)
    await log_in(client, "sam@example.org", PASSWORD)

    page = await client.get("/assignments")

    assert "To the group Mecca Spring" in page.text
    assert "To the group North Shore Summer" in page.text
