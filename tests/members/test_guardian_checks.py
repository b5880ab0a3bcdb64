"""A minor cannot consent for herself: a guardian's email is nobody's account, photos and
a public name wait for staff to confirm the guardian, a second guardian's answer does not
overwrite the first, and staff record what families tell them on the phone or on paper."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from tests.conftest import confirm_signup, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.conftest import browser, field_error, png_bytes, spanish
from tests.members.factories import birth_date_for, make_member
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.audit import AuditAction, AuditEntry
from yoc.mail import OutboxMessage
from yoc.members.enums import (
    ApplicationDecision,
    ConsentPurpose,
    ConsentSource,
    ContactMethod,
    MemberStatus,
    PublicNameChoice,
    Relationship,
)
from yoc.members.models import (
    ConsentConflict,
    ConsentRecord,
    ConsentRequest,
    Guardian,
    MemberProfile,
)
from yoc.members.services import consent, profiles, standing
from yoc.members.services.profiles import public_identities, public_name
from yoc.timeutil import utcnow

MEMBER_PASSWORD = "desert wind at night"
OWN_EMAIL = "This is your own email. Give your parent or guardian’s email."
ACCOUNT_EMAIL = (
    "This email belongs to a YO-C account. Give another email for your parent or guardian, "
    "or only their phone number."
)


def application(**overrides: str) -> dict[str, str]:
    return {
        "name": "Itzel Ramírez",
        "email": "itzel@example.org",
        "password": MEMBER_PASSWORD,
        "password_confirm": MEMBER_PASSWORD,
        "language": "en",
        "birth_date": birth_date_for(14).isoformat(),
        "community": "mecca",
        "guardian_name": "Rosa Ramírez",
        "guardian_relationship": "mother",
        "guardian_email": "rosa@example.org",
        "guardian_phone": "760-555-0134",
        "guardian_language": "es",
        **overrides,
    }


def links_in(text: str) -> list[str]:
    return re.findall(r"http://testserver(/consent/[A-Za-z0-9_\-]+)", text)


async def link_for(email: str) -> str:
    message = await OutboxMessage.filter(to_email=email, template="guardian_consent").first()
    assert message is not None, f"no consent request was sent to {email}"
    (link,) = links_in(message.body_text)
    return link


async def answer(app, link: str, **choices: str) -> str:
    """A guardian opens the emailed link and sends the form; return the page they see."""
    async with browser(app) as guardian:
        form = await guardian.get(link)
        assert form.status_code == 200, form.text
        done = await guardian.post(
            link,
            data={
                "public_name_choice": "first_initial",
                **choices,
                "csrf_token": csrf_from(form.text),
            },
        )
    assert done.status_code == 200, done.text
    return done.text


async def applied_minor(client) -> User:
    """Itzel, 14, applied; her guardian Rosa has a consent link and has not answered."""
    response = await post_form(client, "/signup", application())
    assert response.status_code == 200
    assert (await confirm_signup(client, "itzel@example.org")).status_code == 303
    return await User.get(email="itzel@example.org")


@contextlib.asynccontextmanager
async def staff_browser(app) -> AsyncIterator[httpx.AsyncClient]:
    """Sam, of the YO-C staff, signed in on a browser of their own."""
    staff = await User.get_or_none(email="sam@example.org") or await make_user(
        email="sam@example.org", name="Sam Staff", role=Role.STAFF
    )
    async with browser(app) as client:
        await log_in(client, staff.email, PASSWORD)
        yield client


# A guardian's email -------------------------------------------------------------------


async def test_a_guardians_email_cannot_be_the_members_own(client) -> None:
    member = await make_member(email="itzel@example.org", consented=False)
    await log_in(client, "itzel@example.org", PASSWORD)
    guardians_before = await Guardian.filter(member=member).count()

    response = await post_form(
        client,
        "/me/profile",
        {"name": "Rosa Ramírez", "relationship": "mother", "email": "Itzel@Example.org"},
        action="/me/guardians",
    )

    assert response.status_code == 422
    assert field_error(response.text, "email") == OWN_EMAIL
    # The form keeps what was typed.
    assert 'value="Rosa Ramírez"' in response.text
    assert 'value="Itzel@Example.org"' in response.text
    assert await Guardian.filter(member=member).count() == guardians_before
    assert await OutboxMessage.filter(template="guardian_consent").count() == 0


async def test_a_guardians_email_cannot_be_any_accounts(client) -> None:
    member = await make_member(email="itzel@example.org", consented=False)
    await make_user(email="friend@example.org", name="A Friend")
    await log_in(client, "itzel@example.org", PASSWORD)
    guardians_before = await Guardian.filter(member=member).count()

    response = await post_form(
        client,
        "/me/profile",
        {"name": "Rosa Ramírez", "relationship": "mother", "email": "friend@example.org"},
        action="/me/guardians",
    )

    assert response.status_code == 422
    assert field_error(response.text, "email") == ACCOUNT_EMAIL
    assert await Guardian.filter(member=member).count() == guardians_before


async def test_the_email_check_speaks_the_members_language(client) -> None:
    await make_member(email="itzel@example.org", consented=False, language="es")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await post_form(
        client,
        "/me/profile",
        {"name": "Rosa Ramírez", "relationship": "mother", "email": "itzel@example.org"},
        action="/me/guardians",
    )

    assert response.status_code == 422
    assert field_error(response.text, "email") == spanish(OWN_EMAIL)


async def test_an_applicant_cannot_give_her_own_email_as_her_guardians(client) -> None:
    form = application(guardian_email="itzel@example.org")

    response = await post_form(client, "/signup", form)

    assert response.status_code == 422
    assert field_error(response.text, "guardian_email") == OWN_EMAIL
    assert 'value="Rosa Ramírez"' in response.text
    assert 'value="itzel@example.org"' in response.text
    assert await User.all().count() == 0
    assert await OutboxMessage.all().count() == 0


async def test_an_applicant_cannot_give_an_accounts_email_as_her_guardians(client) -> None:
    await make_user(email="mentor@example.org", role=Role.MENTOR)

    response = await post_form(client, "/signup", application(guardian_email="mentor@example.org"))

    assert response.status_code == 422
    assert field_error(response.text, "guardian_email") == ACCOUNT_EMAIL
    assert await User.filter(role=Role.MEMBER).count() == 0


# Photos and the public name wait for a confirmed guardian --------------------------------


async def test_an_unconfirmed_guardians_yes_to_photos_and_full_name_is_not_in_force(
    app, client
) -> None:
    member = await applied_minor(client)
    await profiles.set_photo(actor=member, member=member, data=png_bytes())

    await answer(
        app,
        await link_for("rosa@example.org"),
        participation="agree",
        photo_release="1",
        public_name_choice="full_name",
    )

    # Participation starts at once.
    assert await standing.has_consent(member, ConsentPurpose.PARTICIPATION)
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_APPROVAL
    # Photos and the public name wait.
    assert not await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)
    assert ConsentPurpose.PUBLIC_NAME not in await standing.consents_in_force(member)
    assert await public_name(member) is None
    identity = (await public_identities([member.id]))[member.id]
    assert (identity.name, identity.photo) == (None, None)
    async with browser(app) as public:
        assert (await public.get(f"/members/{member.id}/photo")).status_code == 404
    waiting = await ConsentRecord.filter(member=member, awaits_confirmation=True)
    assert sorted(r.purpose for r in waiting) == [
        ConsentPurpose.PHOTO_RELEASE,
        ConsentPurpose.PUBLIC_NAME,
    ]


async def test_the_guardian_is_told_that_photos_wait_for_a_confirmation(app, client) -> None:
    await applied_minor(client)

    done = await answer(
        app,
        await link_for("rosa@example.org"),
        participation="agree",
        photo_release="1",
        public_name_choice="full_name",
    )

    assert spanish(
        "Photos and the public name apply once the YO-C team has confirmed that you are the "
        "parent or guardian, usually with a short phone call."
    ) in done.replace("&#39;", "'")


async def test_staff_see_an_unconfirmed_guardian_and_confirm_them_by_phone(app, client) -> None:
    member = await applied_minor(client)
    guardian = await Guardian.get(member=member)
    await answer(
        app,
        await link_for("rosa@example.org"),
        participation="agree",
        photo_release="1",
        public_name_choice="full_name",
    )

    async with staff_browser(app) as staff:
        page = await staff.get(f"/members/{member.id}")
        assert page.status_code == 200
        assert "Not confirmed yet" in page.text
        assert "unconfirmed guardian" in page.text
        assert f'action="/members/{member.id}/guardians/{guardian.id}/confirm"' in page.text
        confirmed = await staff.post(
            f"/members/{member.id}/guardians/{guardian.id}/confirm",
            data={
                "method": "phone",
                "note": "Called 760-555-0134, Rosa confirmed.",
                "csrf_token": csrf_from(page.text),
            },
        )
        after = await staff.get(f"/members/{member.id}")

    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"/members/{member.id}"
    guardian = await Guardian.get(id=guardian.id)
    assert guardian.confirmed_at is not None
    assert (
        guardian.confirmed_by_name,
        guardian.confirmation_method,
        guardian.confirmation_note,
    ) == ("Sam Staff", ContactMethod.PHONE, "Called 760-555-0134, Rosa confirmed.")
    assert await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)
    assert await public_name(member) == "Itzel Ramírez"
    assert await ConsentRecord.filter(member=member, awaits_confirmation=True).count() == 0
    assert "Not confirmed yet" not in after.text
    assert "Confirmed by Sam Staff" in after.text
    (entry,) = await AuditEntry.filter(action=AuditAction.CONSENT, actor__email="sam@example.org")
    assert entry.subject_id == member.id
    assert entry.subject_is_minor is True
    assert entry.detail == {"guardian_confirmed": guardian.id, "method": "phone"}


async def test_confirming_a_guardian_needs_a_method(app, client) -> None:
    member = await applied_minor(client)
    guardian = await Guardian.get(member=member)

    async with staff_browser(app) as staff:
        page = await staff.get(f"/members/{member.id}")
        refused = await staff.post(
            f"/members/{member.id}/guardians/{guardian.id}/confirm",
            data={"method": "", "note": "I think so", "csrf_token": csrf_from(page.text)},
        )

    assert refused.status_code == 422
    assert "I think so" in refused.text
    assert (await Guardian.get(id=guardian.id)).confirmed_at is None


async def test_a_signed_paper_form_confirms_the_guardian_who_signed_it(app) -> None:
    member = await make_member(consented=False, decision=ApplicationDecision.PENDING)
    guardian = await Guardian.get(member=member)
    staff = await make_user(name="Sam Staff", role=Role.STAFF)

    await consent.record_paper_consent(
        actor=staff,
        member=member,
        guardian=guardian,
        photo_release=True,
        text_messages=False,
        public_name_choice=PublicNameChoice.FULL_NAME,
        nickname="",
    )

    guardian = await Guardian.get(id=guardian.id)
    assert (guardian.confirmation_method, guardian.confirmed_by_name) == (
        ContactMethod.PAPER,
        "Sam Staff",
    )
    assert await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)


async def test_an_unconfirmed_guardians_no_applies_at_once(app) -> None:
    member = await make_member(name="Itzel Ramírez")
    guardian = await Guardian.get(member=member)
    await consent.record_paper_consent(
        actor=await make_user(role=Role.STAFF),
        member=member,
        guardian=guardian,
        photo_release=True,
        text_messages=False,
        public_name_choice=PublicNameChoice.FULL_NAME,
        nickname="",
    )
    second = await Guardian.create(
        member=member, name="Second", relationship=Relationship.FATHER, email="dad@example.org"
    )

    outcome = await consent.guardian_answers(
        second, ConsentPurpose.PHOTO_RELEASE, False, language="es"
    )

    assert outcome == consent.Outcome.APPLIED
    assert not await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)


# One answer per form; a second guardian does not overwrite the first ------------------------


async def two_guardians(client) -> tuple[User, Guardian, Guardian]:
    member = await applied_minor(client)
    rosa = await Guardian.get(member=member)
    await post_form(
        client,
        "/me/profile",
        {
            "name": "Jorge Ramírez",
            "relationship": "father",
            "email": "jorge@example.org",
            "language": "en",
        },
        action="/me/guardians",
    )
    jorge = await Guardian.get(member=member, email="jorge@example.org")
    return member, rosa, jorge


async def test_once_a_guardian_answers_the_other_guardians_links_stop_working(app, client) -> None:
    member, rosa, jorge = await two_guardians(client)
    jorge_link = await link_for("jorge@example.org")

    await answer(app, await link_for("rosa@example.org"), participation="agree")

    async with browser(app) as other:
        response = await other.get(jorge_link)
    assert response.status_code == 400
    assert "Another parent or guardian has already answered for Itzel Ramírez." in response.text
    (request,) = await ConsentRequest.filter(guardian=jorge)
    assert request.cancelled_at is not None and request.used_at is None
    assert await ConsentRecord.filter(member=member, guardian=jorge).count() == 0


async def test_a_new_guardians_yes_after_a_decline_goes_to_staff(app, client) -> None:
    member = await applied_minor(client)
    await answer(app, await link_for("rosa@example.org"), participation="decline")
    # The teen adds another "guardian", who is sent a link of their own.
    await post_form(
        client,
        "/me/profile",
        {
            "name": "Someone",
            "relationship": "other",
            "email": "someone@example.org",
            "language": "en",
        },
        action="/me/guardians",
    )
    someone = await Guardian.get(member=member, email="someone@example.org")

    done = await answer(
        app, await link_for("someone@example.org"), participation="agree", photo_release="1"
    )

    assert not await standing.has_consent(member, ConsentPurpose.PARTICIPATION)
    assert (await MemberProfile.get(user=member)).status == MemberStatus.PENDING_CONSENT
    (conflict,) = await ConsentConflict.filter(member=member)
    assert (conflict.purpose, conflict.granted, conflict.guardian_id, conflict.resolved_at) == (
        ConsentPurpose.PARTICIPATION,
        True,
        someone.id,
        None,
    )
    assert "Another parent or guardian answered differently about: Taking part in YO-C." in done
    async with staff_browser(app) as staff:
        page = await staff.get(f"/members/{member.id}")
    assert "Conflict to resolve" in page.text
    assert f'action="/members/{member.id}/conflicts/{conflict.id}/resolve"' in page.text


async def test_a_second_guardian_cannot_override_a_paper_form(app, client) -> None:
    member = await make_member(name="Itzel Ramírez", email="itzel@example.org")
    # The factory's guardian signed a paper form: no photos.
    signer = await Guardian.get(member=member)
    await log_in(client, "itzel@example.org", PASSWORD)
    await post_form(
        client,
        "/me/profile",
        {"name": "Someone", "relationship": "other", "email": "someone@example.org"},
        action="/me/guardians",
    )
    someone = await Guardian.get(member=member, email="someone@example.org")

    outcome = await consent.guardian_answers(
        someone, ConsentPurpose.PHOTO_RELEASE, True, language="en"
    )

    assert outcome == consent.Outcome.HELD
    assert not await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)
    (conflict,) = await ConsentConflict.filter(member=member)
    standing_record = await ConsentRecord.get(id=conflict.standing_id)
    assert (standing_record.guardian_id, standing_record.granted) == (signer.id, False)


async def test_a_paper_form_cancels_the_pending_links(app, client) -> None:
    member, rosa, jorge = await two_guardians(client)
    jorge_link = await link_for("jorge@example.org")

    await consent.record_paper_consent(
        actor=await make_user(role=Role.STAFF),
        member=member,
        guardian=rosa,
        photo_release=False,
        text_messages=False,
        public_name_choice=PublicNameChoice.FIRST_NAME_LAST_INITIAL,
        nickname="",
    )

    async with browser(app) as other:
        assert (await other.get(jorge_link)).status_code == 400
    assert await ConsentRequest.filter(cancelled_at__isnull=True, used_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("outcome", "in_force", "status"),
    [("apply", True, MemberStatus.PENDING_APPROVAL), ("keep", False, MemberStatus.PENDING_CONSENT)],
)
async def test_staff_resolve_a_conflict(app, client, outcome, in_force, status) -> None:
    member = await applied_minor(client)
    await answer(app, await link_for("rosa@example.org"), participation="decline")
    await post_form(
        client,
        "/me/profile",
        {"name": "Jorge Ramírez", "relationship": "father", "email": "jorge@example.org"},
        action="/me/guardians",
    )
    await answer(app, await link_for("jorge@example.org"), participation="agree")
    (conflict,) = await ConsentConflict.filter(member=member)

    async with staff_browser(app) as staff:
        page = await staff.get(f"/members/{member.id}")
        resolved = await staff.post(
            f"/members/{member.id}/conflicts/{conflict.id}/resolve",
            data={
                "outcome": outcome,
                "note": "Talked to both parents.",
                "csrf_token": csrf_from(page.text),
            },
        )
        after = await staff.get(f"/members/{member.id}")

    assert resolved.status_code == 303
    assert resolved.headers["location"] == f"/members/{member.id}"
    conflict = await ConsentConflict.get(id=conflict.id)
    assert conflict.resolved_at is not None
    assert (conflict.resolved_by_name, conflict.outcome.value, conflict.note) == (
        "Sam Staff",
        {"apply": "applied", "keep": "kept"}[outcome],
        "Talked to both parents.",
    )
    assert await standing.has_consent(member, ConsentPurpose.PARTICIPATION) is in_force
    assert (await MemberProfile.get(user=member)).status == status
    assert "Conflict to resolve" not in after.text
    entry = await AuditEntry.filter(
        action=AuditAction.CONSENT, actor__email="sam@example.org"
    ).first()
    assert entry.detail == {"conflict": conflict.id, "outcome": conflict.outcome.value}


# Staff record a withdrawal from a phone call or a paper form -------------------------------


async def test_staff_record_a_withdrawal_from_a_phone_call(app) -> None:
    member = await make_member(name="Itzel Ramírez", email="itzel@example.org")
    guardian = await Guardian.get(member=member)
    await consent.record_paper_consent(
        actor=await make_user(role=Role.STAFF),
        member=member,
        guardian=guardian,
        photo_release=True,
        text_messages=False,
        public_name_choice=PublicNameChoice.FIRST_NAME_LAST_INITIAL,
        nickname="",
    )
    assert await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)
    called_on = (utcnow() - timedelta(days=1)).date()

    async with staff_browser(app) as staff:
        page = await staff.get(f"/members/{member.id}")
        assert f'action="/members/{member.id}/consent/revoke"' in page.text
        response = await staff.post(
            f"/members/{member.id}/consent/revoke",
            data={
                "purpose": "photo_release",
                "guardian_id": str(guardian.id),
                "method": "phone",
                "decided_on": called_on.isoformat(),
                "note": "Mother called the office.",
                "csrf_token": csrf_from(page.text),
            },
        )

    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{member.id}"
    assert not await standing.has_consent(member, ConsentPurpose.PHOTO_RELEASE)
    record = await ConsentRecord.filter(member=member, purpose=ConsentPurpose.PHOTO_RELEASE).first()
    assert (
        record.granted,
        record.source,
        record.guardian_id,
        record.granted_by_name,
        record.method,
        record.decided_on,
        record.recorded_by_name,
    ) == (
        False,
        ConsentSource.STAFF,
        guardian.id,
        guardian.name,
        ContactMethod.PHONE,
        called_on,
        "Sam Staff",
    )
    withdrawn = await ConsentRecord.get(
        member=member, purpose=ConsentPurpose.PHOTO_RELEASE, granted=True, revoked_at__isnull=False
    )
    assert withdrawn.revoked_by_name == guardian.name
    entry = await AuditEntry.filter(
        action=AuditAction.CONSENT, actor__email="sam@example.org"
    ).first()
    assert entry.detail == {
        "revoked": "photo_release",
        "by": guardian.name,
        "method": "phone",
        "decided_on": called_on.isoformat(),
    }


async def test_a_withdrawal_with_nothing_to_withdraw_is_refused(app) -> None:
    member = await make_member(name="Itzel Ramírez")  # paper form: no photos
    guardian = await Guardian.get(member=member)
    records_before = await ConsentRecord.filter(member=member).count()

    async with staff_browser(app) as staff:
        page = await staff.get(f"/members/{member.id}")
        response = await staff.post(
            f"/members/{member.id}/consent/revoke",
            data={
                "purpose": "photo_release",
                "guardian_id": str(guardian.id),
                "method": "paper",
                "decided_on": utcnow().date().isoformat(),
                "csrf_token": csrf_from(page.text),
            },
        )
        after = await staff.get(response.headers["location"])

    assert response.status_code == 303
    assert "There is no consent to withdraw." in after.text
    assert await ConsentRecord.filter(member=member).count() == records_before


async def test_the_applications_page_lists_guardians_to_confirm_and_conflicts(app, client) -> None:
    member = await applied_minor(client)
    await answer(app, await link_for("rosa@example.org"), participation="decline")
    await post_form(
        client,
        "/me/profile",
        {"name": "Jorge Ramírez", "relationship": "father", "email": "jorge@example.org"},
        action="/me/guardians",
    )
    await answer(app, await link_for("jorge@example.org"), participation="agree")
    settled = await make_member(name="Beto Cruz")  # his guardian signed on paper

    async with staff_browser(app) as staff:
        page = await staff.get("/staff/applications")

    queue = page.text.split('id="consent-work"', 1)[1].split("</section>", 1)[0]
    assert f'href="/members/{member.id}#consent"' in queue
    assert "Not confirmed yet: Jorge Ramírez, Rosa Ramírez" in queue
    assert "Conflict to resolve" in queue
    assert settled.name not in queue
