"""Profiles and the applications queue: editing a profile (and what it never asks for),
and staff approving or declining an application."""

from __future__ import annotations

import re

import pytest

from tests.conftest import confirm, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.conftest import field_error, member_ids, spanish
from tests.members.factories import make_member
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.audit import AuditAction, AuditEntry
from yoc.members.enums import ApplicationDecision, Community, MemberStatus
from yoc.members.models import Guardian, MemberPhoto, MemberProfile

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


# Editing a profile ---------------------------------------------------------------------


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


# Applications --------------------------------------------------------------------------


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

    asked = await post_form(
        client,
        "/staff/applications",
        {"decision": "decline"},
        action=f"/members/{adult.id}/decision",
    )
    assert (await MemberProfile.get(user=adult)).decision == ApplicationDecision.PENDING
    response = await confirm(client, asked)

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
