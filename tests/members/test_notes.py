"""Mentor notes: shared with the member or kept among mentors, only about a mentor's own
members, never empty."""

from __future__ import annotations

from tests.conftest import log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.conftest import browser, field_error
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.members.enums import NoteVisibility
from yoc.members.models import MentorNote


async def test_member_sees_only_the_notes_a_mentor_shared_with_them(app, client) -> None:
    member = await make_member(email="itzel@example.org")
    mentor = await make_user(email="mentor@example.org", name="Marco Mentor", role=Role.MENTOR)
    await make_cohort("Summer 2027 Mecca", members=[member], mentors=[mentor])
    await log_in(client, "mentor@example.org", PASSWORD)
    detail = f"/members/{member.id}"

    private = await post_form(
        client,
        detail,
        {"body": "Ask her family about the bus schedule.", "visibility": "mentors"},
        action=f"{detail}/notes",
    )
    shared = await post_form(
        client,
        detail,
        {"body": "Your speech on clean air was powerful!", "visibility": "member"},
        action=f"{detail}/notes",
    )

    assert private.status_code == shared.status_code == 303
    assert shared.headers["location"] == detail
    rows = await MentorNote.filter(member=member).order_by("id")
    assert [(n.visibility, n.author_id, n.author_name) for n in rows] == [
        (NoteVisibility.MENTORS, mentor.id, "Marco Mentor"),
        (NoteVisibility.MEMBER, mentor.id, "Marco Mentor"),
    ]
    mentor_view = await client.get(detail)
    assert "bus schedule" in mentor_view.text
    assert "clean air was powerful" in mentor_view.text
    async with browser(app) as member_browser:
        await log_in(member_browser, "itzel@example.org", PASSWORD)
        group = await member_browser.get("/me/group")
        profile = await member_browser.get("/me/profile")
    assert group.status_code == 200
    assert "Your speech on clean air was powerful!" in group.text
    assert "bus schedule" not in group.text
    assert "Marco Mentor" in group.text
    assert "bus schedule" not in profile.text


async def test_mentor_cannot_write_a_note_about_a_member_outside_their_groups(client) -> None:
    member = await make_member()
    await make_user(email="mentor@example.org", role=Role.MENTOR)
    await log_in(client, "mentor@example.org", PASSWORD)

    response = await post_form(
        client,
        "/members",
        {"body": "Hello", "visibility": "member"},
        action=f"/members/{member.id}/notes",
    )

    assert response.status_code == 404
    assert await MentorNote.all().count() == 0


async def test_empty_note_is_refused_with_a_field_error(client) -> None:
    member = await make_member()
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/members/{member.id}",
        {"body": "   ", "visibility": "member"},
        action=f"/members/{member.id}/notes",
    )

    assert response.status_code == 422
    assert field_error(response.text, "body") == "This field is required."
    assert await MentorNote.all().count() == 0
