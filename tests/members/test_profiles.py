"""Profiles, mentor notes, groups, the applications queue and the members list."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.audit import AuditAction, AuditEntry
from yoc.i18n import gettext, use_language
from yoc.members.enums import ApplicationDecision, Community, MemberStatus, NoteVisibility
from yoc.members.models import Cohort, Guardian, MemberPhoto, MemberProfile, MentorNote

# Words that would mean the platform stores what it promised never to ask for.
FORBIDDEN_FIELD_WORDS = (
    "immigration",
    "citizen",
    "ssn",
    "social_security",
    "passport",
    "visa",
    "alien",
    "national_id",
    "government",
    "custom",
)


def spanish(message: str, **variables: object) -> str:
    """The Spanish catalog's translation, which must exist and differ from the English."""
    with use_language("es"):
        text = gettext(message, **variables)
    with use_language("en"):
        english = gettext(message, **variables)
    assert text != english, f"no Spanish translation for {message!r}"
    return text


def browser(app) -> httpx.AsyncClient:
    """Another person's browser on the same app (its own cookies)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def field_error(html: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="f-{name}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def member_ids(html: str) -> set[int]:
    """The members linked from a list page."""
    return {int(i) for i in re.findall(r'href="/members/(\d+)"', html)}


GOOD_EDIT = {
    "display_name": "Itzi",
    "pronouns": "ella",
    "community": "mecca",
    "school": "Desert Mirage High",
    "grade": "10",
    "zip_code": "92254",
    "interests": "clean air, music",
    "bio": "",
}


# Editing a profile --------------------------------------------------------------------


async def test_profile_edit_with_bad_zip_and_grade_explains_in_spanish_and_keeps_values(
    client,
) -> None:
    member = await make_member(email="itzel@example.org", name="Itzel Ramírez", language="es")
    await log_in(client, "itzel@example.org", PASSWORD)
    entries_before = await AuditEntry.filter(action=AuditAction.UPDATE).count()

    response = await post_form(
        client, "/me/profile/edit", {**GOOD_EDIT, "zip_code": "9220", "grade": "13"}
    )

    assert response.status_code == 422
    assert field_error(response.text, "zip_code") == spanish("Enter a 5-digit ZIP code.")
    assert field_error(response.text, "grade") == spanish("Enter a grade from 6 to 12.")
    assert 'value="9220"' in response.text
    assert 'value="13"' in response.text
    assert 'value="Desert Mirage High"' in response.text
    assert 'value="clean air, music"' in response.text
    profile = await MemberProfile.get(user=member)
    assert (profile.display_name, profile.zip_code, profile.grade) == ("Itzel", "", None)
    assert await AuditEntry.filter(action=AuditAction.UPDATE).count() == entries_before


async def test_profile_edit_saves_and_logs_which_fields_changed(client) -> None:
    member = await make_member(email="itzel@example.org", name="Itzel Ramírez")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await post_form(client, "/me/profile/edit", GOOD_EDIT)

    assert response.status_code == 303
    assert response.headers["location"] == "/me/profile"
    profile = await MemberProfile.get(user=member)
    assert (
        profile.display_name,
        profile.pronouns,
        profile.community,
        profile.school,
        profile.grade,
        profile.zip_code,
        profile.interests,
    ) == ("Itzi", "ella", Community.MECCA, "Desert Mirage High", 10, "92254", "clean air, music")
    (entry,) = await AuditEntry.filter(action=AuditAction.UPDATE, subject_id=member.id)
    assert entry.actor_id == member.id
    assert entry.subject_is_minor is True
    assert entry.detail == {
        "fields": [
            "community",
            "display_name",
            "grade",
            "interests",
            "pronouns",
            "school",
            "zip_code",
        ]
    }


async def test_profile_edit_without_changes_writes_no_audit_entry(client) -> None:
    member = await make_member(email="itzel@example.org", community=Community.MECCA)
    await log_in(client, "itzel@example.org", PASSWORD)
    await post_form(client, "/me/profile/edit", GOOD_EDIT)

    response = await post_form(client, "/me/profile/edit", GOOD_EDIT)

    assert response.status_code == 303
    assert await AuditEntry.filter(action=AuditAction.UPDATE, subject_id=member.id).count() == 1


async def test_profile_form_has_no_field_for_immigration_status_or_government_ids(client) -> None:
    await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)

    page = await client.get("/me/profile/edit")

    assert page.status_code == 200
    form = re.search(r'<form method="post" action="/me/profile/edit".*?</form>', page.text, re.S)
    assert set(re.findall(r'name="([^"]+)"', form.group(0))) == {
        "csrf_token",
        "display_name",
        "pronouns",
        "community",
        "school",
        "grade",
        "zip_code",
        "interests",
        "bio",
    }
    every_name = " ".join(re.findall(r'name="([^"]+)"', page.text)).lower()
    assert [word for word in FORBIDDEN_FIELD_WORDS if word in every_name] == []


@pytest.mark.parametrize("model", [MemberProfile, Guardian, MemberPhoto, User])
def test_member_models_have_no_field_for_immigration_status_or_government_ids(model) -> None:
    names = " ".join(model._meta.fields_map).lower()

    assert [word for word in FORBIDDEN_FIELD_WORDS if word in names] == []


# Mentor notes ---------------------------------------------------------------------


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


# Groups -----------------------------------------------------------------------------


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


# Applications ---------------------------------------------------------------------


async def test_staff_approves_a_pending_adult_from_the_applications_queue(client) -> None:
    adult = await make_member(name="Adult Applicant", age=19, decision=ApplicationDecision.PENDING)
    minor = await make_member(
        name="Minor Applicant",
        age=15,
        consented=False,
        decision=ApplicationDecision.PENDING,
    )
    active = await make_member(name="Active Member")
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    queue = await client.get("/staff/applications")

    assert queue.status_code == 200
    approval, consent = queue.text.split("Waiting for a guardian’s consent", 1)
    assert member_ids(approval) == {adult.id}
    assert member_ids(consent) == {minor.id}
    assert active.id not in member_ids(queue.text)

    approved = await client.post(
        f"/members/{adult.id}/decision",
        data={
            "decision": "approve",
            "next": "/staff/applications",
            "csrf_token": csrf_from(queue.text),
        },
    )

    assert approved.status_code == 303
    assert approved.headers["location"] == "/staff/applications"
    profile = await MemberProfile.get(user=adult)
    assert (profile.decision, profile.status) == (
        ApplicationDecision.APPROVED,
        MemberStatus.ACTIVE,
    )
    assert profile.decided_at is not None
    assert await AuditEntry.filter(action=AuditAction.APPROVE, subject_id=adult.id).count() == 1
    after = await client.get("/staff/applications")
    assert "No application is waiting." in after.text


async def test_approving_a_minor_before_consent_keeps_them_waiting_for_it(client) -> None:
    minor = await make_member(age=15, consented=False, decision=ApplicationDecision.PENDING)
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(
        client,
        "/staff/applications",
        {"decision": "approve", "next": "/staff/applications"},
        action=f"/members/{minor.id}/decision",
    )

    assert response.status_code == 303
    profile = await MemberProfile.get(user=minor)
    assert (profile.decision, profile.status) == (
        ApplicationDecision.APPROVED,
        MemberStatus.PENDING_CONSENT,
    )


async def test_staff_declines_an_application(client) -> None:
    adult = await make_member(age=19, decision=ApplicationDecision.PENDING)
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(
        client,
        "/staff/applications",
        {"decision": "decline"},
        action=f"/members/{adult.id}/decision",
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{adult.id}"
    profile = await MemberProfile.get(user=adult)
    assert (profile.decision, profile.status) == (
        ApplicationDecision.DECLINED,
        MemberStatus.DECLINED,
    )


@pytest.mark.parametrize(("role", "status"), [(None, 303), (Role.MEMBER, 403), (Role.MENTOR, 403)])
async def test_only_staff_see_applications_and_decide(
    client, role: Role | None, status: int
) -> None:
    adult = await make_member(age=19, decision=ApplicationDecision.PENDING)
    if role is not None:
        await make_user(email="someone@example.org", role=role)
        await log_in(client, "someone@example.org", PASSWORD)

    queue = await client.get("/staff/applications")
    decided = await post_form(
        client, "/", {"decision": "approve"}, action=f"/members/{adult.id}/decision"
    )

    assert (queue.status_code, decided.status_code) == (status, status)
    assert (await MemberProfile.get(user=adult)).status == MemberStatus.PENDING_APPROVAL


# The members list --------------------------------------------------------------------


@pytest.fixture
async def people(app) -> dict[str, int]:
    """Five members who each differ from the first in exactly one way."""
    cohort = await make_cohort("Summer 2027 Mecca")
    other_cohort = await make_cohort("Summer 2027 Thermal")
    kinds = {
        "match": {"community": Community.MECCA, "language": "es", "cohort": cohort},
        "other_group": {"community": Community.MECCA, "language": "es", "cohort": other_cohort},
        "pending": {
            "community": Community.MECCA,
            "language": "es",
            "cohort": cohort,
            "decision": ApplicationDecision.PENDING,
        },
        "thermal": {"community": Community.THERMAL, "language": "es", "cohort": cohort},
        "english": {"community": Community.MECCA, "language": "en", "cohort": cohort},
    }
    ids = {"cohort": cohort.id}
    for kind, overrides in kinds.items():
        ids[kind] = (await make_member(name=f"Member {kind}", **overrides)).id
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "community=mecca&status=active&language=es&cohort={cohort}",
            {"match"},
        ),
        ("community=mecca", {"match", "other_group", "pending", "english"}),
        ("status=pending_approval", {"pending"}),
        ("language=en", {"english"}),
        ("cohort={cohort}", {"match", "pending", "thermal", "english"}),
        ("q=thermal", {"thermal"}),
        ("", {"match", "other_group", "pending", "thermal", "english"}),
        # Unknown values are ignored rather than matching nobody or failing.
        (
            "community=atlantis&status=asleep",
            {"match", "other_group", "pending", "thermal", "english"},
        ),
    ],
)
async def test_members_list_filters_return_exactly_the_matching_people(
    client, people: dict[str, int], query: str, expected: set[str]
) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await client.get("/members?" + query.format(cohort=people["cohort"]))

    assert response.status_code == 200
    assert member_ids(response.text) == {people[kind] for kind in expected}


async def test_mentor_lists_only_the_members_of_their_groups(client) -> None:
    mentor = await make_user(email="mentor@example.org", role=Role.MENTOR)
    mine = await make_member(name="In My Group")
    await make_member(name="Not In My Group")
    await make_cohort(members=[mine], mentors=[mentor])
    await log_in(client, "mentor@example.org", PASSWORD)

    response = await client.get("/members")

    assert response.status_code == 200
    assert member_ids(response.text) == {mine.id}
    assert "Not In My Group" not in response.text


async def test_member_cannot_list_members(client) -> None:
    await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await client.get("/members")

    assert response.status_code == 403
