"""Groups: staff create one and place members and mentors in it by email; a mentor sees
only the groups they mentor."""

from __future__ import annotations

import pytest

from tests.conftest import log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.conftest import browser, field_error
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.members.enums import Community
from yoc.members.models import Cohort


async def test_staff_creates_a_group_and_places_a_member_and_a_mentor_by_email(app, client) -> None:
    member = await make_member(email="itzel@example.org", name="Itzel Ramírez")
    mentor = await make_user(email="mentor@example.org", name="Marco Mentor", role=Role.MENTOR)
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    created = await post_form(
        client,
        "/cohorts",
        {"name": "Summer 2027 Mecca", "community": "mecca", "starts_on": "2027-06-14"},
        action="/cohorts/new",
    )

    assert created.status_code == 303
    (cohort,) = await Cohort.all()
    assert created.headers["location"] == f"/cohorts/{cohort.id}"
    assert (cohort.name, cohort.slug, cohort.community, cohort.ends_on) == (
        "Summer 2027 Mecca",
        "summer-2027-mecca",
        Community.MECCA,
        None,
    )
    page = f"/cohorts/{cohort.id}"
    for email in ("ITZEL@example.org", "mentor@example.org"):
        added = await post_form(client, page, {"email": email}, action=f"{page}/people")
        assert added.status_code == 303
        assert added.headers["location"] == page
    assert [u.id for u in await cohort.members.all()] == [member.id]
    assert [u.id for u in await cohort.mentors.all()] == [mentor.id]

    async with browser(app) as mentor_browser:
        await log_in(mentor_browser, "mentor@example.org", PASSWORD)
        roster = await mentor_browser.get(page)
        assert roster.status_code == 200
        assert "Itzel Ramírez" in roster.text
        assert (await mentor_browser.get(f"/members/{member.id}")).status_code == 200

        removed = await post_form(client, page, {}, action=f"{page}/people/{member.id}/remove")

        assert removed.status_code == 303
        assert await cohort.members.all().count() == 0
        assert [u.id for u in await cohort.mentors.all()] == [mentor.id]
        assert (await mentor_browser.get(f"/members/{member.id}")).status_code == 404
        assert "Itzel Ramírez" not in (await mentor_browser.get(page)).text


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No member or mentor has this email."),
        ("staff@example.org", "No member or mentor has this email."),
        ("not-an-email", "Enter an email address like name@example.com."),
    ],
)
async def test_adding_someone_who_is_not_a_member_or_mentor_gives_a_field_error(
    client, email: str, message: str
) -> None:
    cohort = await make_cohort("Summer 2027 Mecca")
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)
    page = f"/cohorts/{cohort.id}"

    response = await post_form(client, page, {"email": email}, action=f"{page}/people")

    assert response.status_code == 422
    assert field_error(response.text, "email") == message
    assert f'value="{email}"' in response.text
    assert await cohort.members.all().count() == 0
    assert await cohort.mentors.all().count() == 0


@pytest.mark.parametrize(("role", "status"), [(None, 303), (Role.MEMBER, 403), (Role.MENTOR, 403)])
async def test_only_staff_can_create_groups(client, role: Role | None, status: int) -> None:
    if role is not None:
        await make_user(email="someone@example.org", role=role)
        await log_in(client, "someone@example.org", PASSWORD)

    response = await post_form(client, "/", {"name": "Sneaky group"}, action="/cohorts/new")

    assert response.status_code == status
    assert await Cohort.all().count() == 0


async def test_mentor_cannot_see_a_group_they_do_not_mentor(client) -> None:
    cohort = await make_cohort("Summer 2027 Mecca", members=[await make_member()])
    await make_user(email="mentor@example.org", role=Role.MENTOR)
    await log_in(client, "mentor@example.org", PASSWORD)

    response = await client.get(f"/cohorts/{cohort.id}")

    assert response.status_code == 404
