"""Consent: a guardian's answer through the emailed link, an adult's own consent, staff
recording a paper form, withdrawing the photo release, and the public name."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.conftest import confirm_signup, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.conftest import browser, png_bytes, spanish
from tests.members.factories import birth_date_for, make_member
from yoc import jobs
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import NotFound
from yoc.mail import OutboxMessage
from yoc.members import consent_texts
from yoc.members.enums import (
    ApplicationDecision,
    ConsentPurpose,
    ConsentSource,
    MemberStatus,
    PublicNameChoice,
    Relationship,
)
from yoc.members.models import (
    ConsentRecord,
    ConsentRequest,
    Guardian,
    MemberPhoto,
    MemberProfile,
)
from yoc.members.services import consent, standing
from yoc.members.services.profiles import public_name

MEMBER_PASSWORD = "desert wind at night"


def application(age: int, **overrides: str) -> dict[str, str]:
    """The sign-up form as a young person of ``age`` fills it in."""
    return {
        "name": "Itzel Ramírez",
        "email": "itzel@example.org",
        "password": MEMBER_PASSWORD,
        "password_confirm": MEMBER_PASSWORD,
        "language": "en",
        "birth_date": birth_date_for(age).isoformat(),
        "community": "mecca",
        "guardian_name": "Rosa Ramírez",
        "guardian_relationship": "mother",
        "guardian_email": "rosa@example.org",
        "guardian_phone": "760-555-0134",
        "guardian_language": "es",
        **overrides,
    }


def consent_link(text: str) -> str:
    match = re.search(r"http://testserver(/consent/[A-Za-z0-9_\-]+)", text)
    assert match, "the message has no consent link"
    return match.group(1)


async def outbox_consent_link() -> str:
    (message,) = await OutboxMessage.filter(template="guardian_consent")
    return consent_link(message.body_text)


def decisions(records: list[ConsentRecord]) -> list[tuple]:
    return sorted(
        (r.purpose, r.granted, r.source, r.text_version, r.text_language) for r in records
    )


# The whole journey ----------------------------------------------------------------


async def test_minor_joins_after_spanish_guardian_consent_by_email_and_staff_approval(
    app, client, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server

    # A 15-year-old applies, with a Spanish-speaking guardian.
    applied = await post_form(client, "/signup", application(15))
    assert applied.status_code == 200
    confirmed = await confirm_signup(client, "itzel@example.org")
    assert confirmed.headers["location"] == "/dashboard"
    member = await User.get(email="itzel@example.org")
    profile = await MemberProfile.get(user=member)
    assert profile.status == MemberStatus.PENDING_CONSENT
    guardian = await Guardian.get(member=member)
    assert (guardian.name, guardian.relationship, guardian.email, guardian.language) == (
        "Rosa Ramírez",
        Relationship.MOTHER,
        "rosa@example.org",
        "es",
    )

    # While the consent is missing, the member features stay closed.
    waiting = await client.get("/me/group")
    assert waiting.status_code == 403
    assert "Your parent or guardian needs to agree: we emailed rosa@example.org." in (waiting.text)

    # The email reaches the guardian, in Spanish.
    await jobs.run_once(app.state.settings.with_(smtp_url=smtp_url))
    assert sorted(m["To"] for m in mailbox.messages) == ["itzel@example.org", "rosa@example.org"]
    (message,) = [m for m in mailbox.messages if m["To"] == "rosa@example.org"]
    # spanish() also checks that the Spanish subject is not the English one.
    spanish_subject = spanish("Permission for %(name)s to join YO-C", name="Itzel Ramírez")
    assert message["To"] == "rosa@example.org"
    assert message["Subject"] == spanish_subject
    assert message["Content-Language"] == "es"
    link = consent_link(mailbox.text_of(message))

    async with browser(app, **{"Accept-Language": "es-MX,es;q=0.9"}) as guardian_browser:
        # The guardian reads the consent text, in Spanish, from consent_texts.
        form = await guardian_browser.get(link)
        assert form.status_code == 200
        for purpose in ConsentPurpose:
            assert str(escape(consent_texts.text(purpose, "es"))) in form.text
        assert str(escape(consent_texts.text(ConsentPurpose.PARTICIPATION, "en"))) not in (
            form.text
        )

        answer = {
            "participation": "agree",
            "photo_release": "1",
            "public_name_choice": "nickname",
            "nickname": "Itzi",
            "csrf_token": csrf_from(form.text),
        }
        done = await guardian_browser.post(link, data=answer)
        assert done.status_code == 200

        records = await ConsentRecord.filter(member=member)
        assert decisions(records) == sorted(
            [
                (ConsentPurpose.PARTICIPATION, True, ConsentSource.GUARDIAN, "2027-01", "es"),
                (ConsentPurpose.PHOTO_RELEASE, True, ConsentSource.GUARDIAN, "2027-01", "es"),
                (ConsentPurpose.TEXT_MESSAGES, False, ConsentSource.GUARDIAN, "2027-01", "es"),
                (ConsentPurpose.PUBLIC_NAME, True, ConsentSource.GUARDIAN, "2027-01", "es"),
            ]
        )
        assert {r.guardian_id for r in records} == {guardian.id}
        assert {r.granted_by_name for r in records} == {"Rosa Ramírez"}
        (name_record,) = [r for r in records if r.purpose == ConsentPurpose.PUBLIC_NAME]
        assert (name_record.public_name_choice, name_record.nickname) == (
            PublicNameChoice.NICKNAME,
            "Itzi",
        )
        profile = await MemberProfile.get(user=member)
        assert profile.status == MemberStatus.PENDING_APPROVAL
        assert (profile.public_name_choice, profile.nickname) == (PublicNameChoice.NICKNAME, "Itzi")

        # The link works once.
        again = await guardian_browser.get(link)
        assert again.status_code == 400
        replay = await guardian_browser.post(
            link, data={**answer, "participation": "decline", "photo_release": ""}
        )
        assert replay.status_code == 400
        assert await ConsentRecord.filter(member=member).count() == 4
        assert await ConsentRecord.filter(member=member, granted=False).count() == 1

    # Consent alone is not enough: staff still approve.
    assert (await client.get("/me/group")).status_code == 403
    await make_user(email="staff@example.org", role=Role.STAFF)
    async with browser(app) as staff_browser:
        await log_in(staff_browser, "staff@example.org", PASSWORD)
        approved = await post_form(
            staff_browser,
            f"/members/{member.id}",
            {"decision": "approve"},
            action=f"/members/{member.id}/decision",
        )
        assert approved.status_code == 303
        assert approved.headers["location"] == f"/members/{member.id}"

    profile = await MemberProfile.get(user=member)
    assert (profile.decision, profile.status) == (
        ApplicationDecision.APPROVED,
        MemberStatus.ACTIVE,
    )
    group = await client.get("/me/group")
    assert group.status_code == 200
    assert "You are not in a group yet." in group.text


async def test_consent_page_is_in_the_guardians_language_and_records_it(app, client) -> None:
    """A Spanish-speaking guardian on an English phone reads the form in Spanish, as the
    email was; switching to English on the page shows, and records, the English text."""
    await post_form(client, "/signup", application(15, guardian_language="es"))
    member = await User.get(email="itzel@example.org")
    link = await outbox_consent_link()

    async with browser(app, **{"Accept-Language": "en-US"}) as guardian_browser:
        first = await guardian_browser.get(link)
        assert str(escape(consent_texts.text(ConsentPurpose.PARTICIPATION, "es"))) in first.text
        guardian_browser.cookies.set("lang", "en")
        form = await guardian_browser.get(link)
        done = await guardian_browser.post(
            link,
            data={
                "participation": "agree",
                "public_name_choice": "first_initial",
                "csrf_token": csrf_from(form.text),
            },
        )

    assert form.status_code == 200
    assert str(escape(consent_texts.text(ConsentPurpose.PARTICIPATION, "en"))) in form.text
    assert done.status_code == 200
    records = await ConsentRecord.filter(member=member)
    assert {(r.text_language, r.text_version) for r in records} == {("en", "2027-01")}
    assert len(records) == 4


async def test_guardian_who_declines_is_recorded_and_member_stays_pending(app, client) -> None:
    await post_form(client, "/signup", application(15))
    await confirm_signup(client, "itzel@example.org")
    member = await User.get(email="itzel@example.org")
    link = await outbox_consent_link()

    async with browser(app, **{"Accept-Language": "es"}) as guardian_browser:
        form = await guardian_browser.get(link)
        done = await guardian_browser.post(
            link,
            data={
                "participation": "decline",
                "public_name_choice": "first_initial",
                "csrf_token": csrf_from(form.text),
            },
        )

    assert done.status_code == 200
    records = await ConsentRecord.filter(member=member)
    assert decisions(records) == [
        (ConsentPurpose.PARTICIPATION, False, ConsentSource.GUARDIAN, "2027-01", "es")
    ]
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_CONSENT
    assert await ConsentRequest.filter(used_at__isnull=True).count() == 0
    assert (await client.get("/me/group")).status_code == 403


async def test_guardian_answer_without_participation_choice_is_refused_and_link_stays_usable(
    app, client
) -> None:
    await post_form(client, "/signup", application(15))
    member = await User.get(email="itzel@example.org")
    link = await outbox_consent_link()

    async with browser(app) as guardian_browser:
        form = await guardian_browser.get(link)
        refused = await guardian_browser.post(
            link,
            data={
                "photo_release": "1",
                "public_name_choice": "nickname",
                "nickname": "",
                "csrf_token": csrf_from(form.text),
            },
        )
        still_open = await guardian_browser.get(link)

    assert refused.status_code == 422
    assert (
        f'<p class="field-error" id="f-participation-error">{spanish("This field is required.")}'
        "</p>" in refused.text
    )
    assert await ConsentRecord.filter(member=member).count() == 0
    assert still_open.status_code == 200


async def test_unknown_consent_link_shows_the_invalid_link_page(client) -> None:
    response = await client.get("/consent/not-a-real-token")

    assert response.status_code == 400
    assert "This link has expired or has already been used." in response.text


# Who applies ----------------------------------------------------------------------


async def test_under_13_is_kindly_refused_and_nothing_is_stored(client) -> None:
    response = await post_form(client, "/signup", application(12))

    assert response.status_code == 422
    assert (
        "Thank you for your interest in YO-C! Members are 13 or older. We would love to see "
        "you again when you turn 13." in response.text
    )
    assert await User.all().count() == 0
    assert await Guardian.all().count() == 0
    assert await OutboxMessage.all().count() == 0


async def test_adult_applies_without_guardian_and_consents_for_themself(client) -> None:
    form = application(
        20,
        language="es",
        guardian_name="",
        guardian_email="",
        guardian_phone="",
    )

    response = await post_form(client, "/signup", form)

    assert response.status_code == 200
    member = await User.get(email="itzel@example.org")
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_APPROVAL
    records = await ConsentRecord.filter(member=member)
    assert decisions(records) == [
        (ConsentPurpose.PARTICIPATION, True, ConsentSource.MEMBER, "2027-01", "es")
    ]
    assert records[0].granted_by_name == "Itzel Ramírez"
    assert records[0].guardian_id is None
    assert await Guardian.all().count() == 0
    assert await OutboxMessage.exclude(template="signup_confirm").count() == 0


async def test_minor_without_guardian_contact_gets_field_errors_and_keeps_typed_values(
    client,
) -> None:
    form = application(16, guardian_name="", guardian_email="", guardian_phone="")

    response = await post_form(client, "/signup", form)

    assert response.status_code == 422
    assert re.search(
        r'<p class="field-error" id="f-guardian_name-error">'
        r"Tell us who your parent or guardian is.</p>",
        response.text,
    )
    assert re.search(
        r'<p class="field-error" id="f-guardian_email-error">'
        r"Give your guardian’s email or phone number.</p>",
        response.text,
    )
    assert 'value="Itzel Ramírez"' in response.text
    assert 'value="itzel@example.org"' in response.text
    assert f'value="{form["birth_date"]}"' in response.text
    assert '<option value="mecca" selected>' in response.text
    assert response.text.count(f'type="password" value="{MEMBER_PASSWORD}"') == 2
    assert await User.all().count() == 0
    assert await Guardian.all().count() == 0
    assert await OutboxMessage.all().count() == 0


async def test_minor_with_only_a_guardian_phone_waits_for_a_paper_form(client) -> None:
    response = await post_form(client, "/signup", application(14, guardian_email=""))

    assert response.status_code == 200
    member = await User.get(email="itzel@example.org")
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_CONSENT
    assert await Guardian.filter(member=member, phone="760-555-0134").count() == 1
    assert await OutboxMessage.exclude(template="signup_confirm").count() == 0
    await confirm_signup(client, "itzel@example.org")
    profile_page = await client.get("/me/profile")
    assert "or ask the YO-C team for a paper form." in profile_page.text


# Withdrawing the photo release ----------------------------------------------------------


async def test_withdrawing_photo_release_hides_the_public_photo_at_once(app, client) -> None:
    member = await make_member(email="itzel@example.org", name="Itzel Ramírez")
    guardian = await Guardian.get(member=member)
    await ConsentRecord.create(
        member=member,
        purpose=ConsentPurpose.PHOTO_RELEASE,
        granted=True,
        source=ConsentSource.GUARDIAN,
        guardian=guardian,
        granted_by_name="Rosa Ramírez (mother)",
        text_version=consent_texts.VERSION,
        text_language="es",
    )
    await log_in(client, "itzel@example.org", PASSWORD)
    edit = await client.get("/me/profile/edit")
    uploaded = await client.post(
        "/me/photo",
        data={"csrf_token": csrf_from(edit.text)},
        files={"photo": ("me.png", png_bytes(), "image/png")},
    )
    assert uploaded.status_code == 303
    assert uploaded.headers["location"] == "/me/profile"
    photo_url = f"/photos/{(await MemberPhoto.get(user=member)).public_key}"
    async with browser(app) as public:
        before = await public.get(photo_url)
        assert before.status_code == 200
        assert before.headers["content-type"] == "image/jpeg"
        assert before.content == (await MemberPhoto.get(user=member)).data

        revoked = await post_form(
            client, "/me/profile", {}, action="/me/consent/photo_release/revoke"
        )

        assert revoked.status_code == 303
        after = await public.get(photo_url)
        assert after.status_code == 404
        assert after.content != before.content
    record = await ConsentRecord.get(
        member=member, purpose=ConsentPurpose.PHOTO_RELEASE, granted=True
    )
    assert record.revoked_at is not None
    assert record.revoked_by_name == "Itzel Ramírez"
    own = await client.get(f"/members/{member.id}/photo")
    assert own.status_code == 200
    assert own.headers["content-type"] == "image/jpeg"


async def test_member_cannot_withdraw_participation_through_the_revoke_route(client) -> None:
    member = await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await post_form(client, "/me/profile", {}, action="/me/consent/participation/revoke")

    assert response.status_code == 404
    assert await standing.has_consent(member, ConsentPurpose.PARTICIPATION)


async def test_minor_cannot_grant_photo_release_for_themself(client) -> None:
    member = await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await post_form(client, "/me/profile", {}, action="/me/consent/photo_release/grant")

    assert response.status_code == 403
    assert not await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)


# The public name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "nickname", "shown"),
    [
        (PublicNameChoice.FULL_NAME, "", "Itzel Ramírez Cruz"),
        (PublicNameChoice.FIRST_NAME_LAST_INITIAL, "", "Itzel C."),
        (PublicNameChoice.NICKNAME, "Itzi", "Itzi"),
        # A nickname choice with no nickname falls back to the careful form.
        (PublicNameChoice.NICKNAME, "", "Itzel C."),
    ],
)
async def test_public_name_follows_the_consent_choice(
    app, choice: PublicNameChoice, nickname: str, shown: str
) -> None:
    member = await make_member(name="Itzel Ramírez Cruz")
    guardian = await Guardian.get(member=member)
    await consent.record_paper_consent(
        actor=await make_user(role=Role.STAFF),
        member=member,
        guardian=guardian,
        photo_release=False,
        text_messages=False,
        public_name_choice=choice,
        nickname=nickname,
    )

    assert await public_name(member) == shown


async def test_public_name_without_consent_is_withheld(app) -> None:
    member = await make_member(name="Itzel Ramírez", consented=False)

    assert await public_name(member) is None


async def test_public_name_after_withdrawal_is_withheld(app) -> None:
    member = await make_member(name="Itzel Ramírez")
    guardian = await Guardian.get(member=member)
    await consent.record_paper_consent(
        actor=await make_user(role=Role.STAFF),
        member=member,
        guardian=guardian,
        photo_release=False,
        text_messages=False,
        public_name_choice=PublicNameChoice.FULL_NAME,
        nickname="",
    )
    assert await public_name(member) == "Itzel Ramírez"

    await consent.revoke(actor=member, member=member, purpose=ConsentPurpose.PUBLIC_NAME)

    assert await public_name(member) is None


async def test_public_name_of_a_one_word_name_is_that_word(app) -> None:
    member = await make_member(name="Xóchitl")

    assert await public_name(member) == "Xóchitl"


# Paper consent forms ------------------------------------------------------------------


async def test_staff_recording_a_paper_form_completes_a_pending_minors_consent(client) -> None:
    member = await make_member(
        email="itzel@example.org",
        name="Itzel Ramírez",
        consented=False,
        decision=ApplicationDecision.PENDING,
    )
    guardian = await Guardian.get(member=member)
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_CONSENT
    await make_user(email="staff@example.org", name="Sam Staff", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/members/{member.id}",
        {
            "guardian_id": str(guardian.id),
            "photo_release": "1",
            "public_name_choice": "full_name",
        },
        action=f"/members/{member.id}/consent/paper",
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{member.id}"
    records = await ConsentRecord.filter(member=member)
    assert decisions(records) == sorted(
        [
            (ConsentPurpose.PARTICIPATION, True, ConsentSource.STAFF, "2027-01", "es"),
            (ConsentPurpose.PHOTO_RELEASE, True, ConsentSource.STAFF, "2027-01", "es"),
            (ConsentPurpose.TEXT_MESSAGES, False, ConsentSource.STAFF, "2027-01", "es"),
            (ConsentPurpose.PUBLIC_NAME, True, ConsentSource.STAFF, "2027-01", "es"),
        ]
    )
    # The guardian signed; who recorded the paper form is in the audit log.
    assert {r.granted_by_name for r in records} == {guardian.name}
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_APPROVAL
    assert await public_name(member) == "Itzel Ramírez"


async def test_paper_form_naming_another_members_guardian_is_refused(client) -> None:
    member = await make_member(consented=False, decision=ApplicationDecision.PENDING)
    other = await make_member(consented=False, decision=ApplicationDecision.PENDING)
    others_guardian = await Guardian.get(member=other)
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/members/{member.id}",
        {"guardian_id": str(others_guardian.id), "public_name_choice": "first_initial"},
        action=f"/members/{member.id}/consent/paper",
    )

    assert response.status_code == 404
    assert await ConsentRecord.all().count() == 0
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_CONSENT


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 303), (Role.MEMBER, 403), (Role.MENTOR, 403)],
)
async def test_only_staff_can_record_a_paper_form(client, role: Role | None, status: int) -> None:
    member = await make_member(consented=False, decision=ApplicationDecision.PENDING)
    guardian = await Guardian.get(member=member)
    if role is not None:
        await make_user(email="someone@example.org", role=role)
        await log_in(client, "someone@example.org", PASSWORD)

    response = await post_form(
        client,
        "/",
        {"guardian_id": str(guardian.id), "public_name_choice": "first_initial"},
        action=f"/members/{member.id}/consent/paper",
    )

    assert response.status_code == status
    if role is None:
        assert response.headers["location"].startswith("/login?next=")
    assert await ConsentRecord.all().count() == 0


async def test_a_guardian_is_found_only_through_their_own_member(app) -> None:
    member = await make_member()
    own = await Guardian.get(member=member)
    others = await Guardian.get(member=await make_member())

    found = await consent.guardian_of(member, own.id)
    with pytest.raises(NotFound) as refused:
        await consent.guardian_of(member, others.id)

    assert (found.id, refused.value.code) == (own.id, "not_found")
