"""What a signed-in guardian sees of each teen and can change: the consents in force with
their words, where and when the teen will speak, a short progress summary. Only their own
teens; a withdrawal takes effect everywhere at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from markupsafe import escape

from tests.conftest import csrf_from, log_in, post_form
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD
from tests.family.conftest import add_guardian, guardian_browser, teen_with_guardian
from tests.members.conftest import browser, spanish
from tests.members.factories import make_member, registrar
from tests.soapbox.factories import (
    LA,
    agree_to_public_name,
    give_photo,
    la_today,
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_stage,
    publish,
)
from yoc.audit import AuditAction, AuditEntry
from yoc.curriculum.services import progress
from yoc.i18n import ngettext, use_language
from yoc.members import consent_texts
from yoc.members.enums import ConsentPurpose, ContactMethod, MemberStatus, PublicNameChoice
from yoc.members.models import ConsentConflict, ConsentRecord, MemberPhoto, MemberProfile
from yoc.members.services import consent, guardianship, standing
from yoc.members.services.profiles import public_name
from yoc.settings import Settings
from yoc.soapbox.enums import SpeechState


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The lineup is looked at before and after a change.
    return replace(settings, public_page_seconds=0)


async def speaking(teen, settings, *, title: str = "Agua limpia para Mecca"):
    """The teen holds a confirmed slot at an event ten days from now, released."""
    event = await make_evening_event(
        la_today() + timedelta(days=10),
        venue="Mecca Community Center",
        address="65250 Coahuilla St, Mecca",
    )
    stage = await make_stage(event, "Main stage", name_es="Escenario principal")
    slot = await make_slot(stage, local(event.starts_at.astimezone(LA).date(), 18, 30))
    await make_placed(teen, slot, state=SpeechState.CONFIRMED, title=title)
    await publish(event, settings)
    return event


async def csrf_of(client, path: str) -> str:
    return csrf_from((await client.get(path)).text)


# What the page shows ------------------------------------------------------------------


async def test_a_guardian_sees_consents_with_their_words_schedule_and_progress_in_spanish(
    app, settings
) -> None:
    teen, _ = await teen_with_guardian(name="Itzel Ramírez", email="maria@example.org")
    await agree_to_public_name(teen, PublicNameChoice.FULL_NAME, photo_release=True)
    event = await speaking(teen, settings)
    track = await make_track("Speak Up", "Alza la voz")
    basics = await make_module(track, "Basics", "Lo básico", milestone=True)
    activity = await make_activity(basics)
    advanced = await make_module(track, "Advanced", "Avanzado")
    await make_activity(advanced)
    await give(teen, basics, advanced)
    await progress.mark_done(teen, activity.id)

    async with guardian_browser(app, "maria@example.org", **{"Accept-Language": "en"}) as phone:
        page = await phone.get(f"/family/teens/{teen.id}")

    assert page.status_code == 200
    assert '<html lang="es">' in page.text  # the guardian's language, not the browser's
    assert "<script" not in page.text
    for purpose in ConsentPurpose:
        assert str(escape(consent_texts.text(purpose, "es"))) in page.text
    assert "Itzel Ramírez" in page.text
    assert "Mecca Community Center, 65250 Coahuilla St, Mecca" in page.text
    assert "Escenario principal" in page.text
    assert "Agua limpia para Mecca" in page.text
    assert event.name_es in page.text
    with use_language("es"):
        summary = ngettext(
            "%(done)d of %(num)d module done", "%(done)d of %(num)d modules done", 2, done=1
        )
    assert summary != "1 of 2 modules done"
    assert summary in page.text
    assert "★ Lo básico" in page.text  # the milestone's badge


async def test_a_guardian_with_two_teens_sees_both(app) -> None:
    first, _ = await teen_with_guardian(name="Itzel Ramírez", email="maria@example.org")
    second, _ = await teen_with_guardian(name="Beto Ramírez", email="maria@example.org")
    other, _ = await teen_with_guardian(name="Ana Cruz", email="rosa@example.org")

    async with guardian_browser(app, "maria@example.org") as phone:
        home = await phone.get("/family")
        pages = [await phone.get(f"/family/teens/{t.id}") for t in (first, second)]

    assert home.status_code == 200
    assert f'href="/family/teens/{first.id}"' in home.text
    assert f'href="/family/teens/{second.id}"' in home.text
    assert "Ana Cruz" not in home.text and f"/family/teens/{other.id}" not in home.text
    assert [p.status_code for p in pages] == [200, 200]


async def test_another_teens_id_in_the_url_is_not_found(app) -> None:
    mine, _ = await teen_with_guardian(name="Itzel Ramírez", email="maria@example.org")
    await agree_to_public_name(mine, PublicNameChoice.FIRST_NAME_LAST_INITIAL, photo_release=True)
    other, _ = await teen_with_guardian(name="Ana Cruz", email="rosa@example.org")
    await agree_to_public_name(other, PublicNameChoice.FIRST_NAME_LAST_INITIAL, photo_release=True)

    async with guardian_browser(app, "maria@example.org", **{"Accept-Language": "en"}) as phone:
        token = await csrf_of(phone, f"/family/teens/{mine.id}")
        seen = await phone.get(f"/family/teens/{other.id}")
        changed = await phone.post(
            f"/family/teens/{other.id}/consent/photo_release",
            data={"decision": "withdraw", "csrf_token": token},
        )
        missing = await phone.get("/family/teens/999999")

    assert (seen.status_code, changed.status_code, missing.status_code) == (404, 404, 404)
    assert "Ana Cruz" not in seen.text and "Ana Cruz" not in changed.text
    assert await standing.has_consent(other, ConsentPurpose.PHOTO_RELEASE)


async def test_an_adult_members_page_is_not_shown_to_a_former_guardian(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org")
    adult = await make_member(age=19, name="Beto Ramírez")
    await add_guardian(adult, "maria@example.org")

    async with guardian_browser(app, "maria@example.org") as phone:
        response = await phone.get(f"/family/teens/{adult.id}")

    assert response.status_code == 404


# Changing and withdrawing ----------------------------------------------------------------


async def test_withdrawing_the_photo_release_hides_the_photo_everywhere_at_once(
    app, client, settings
) -> None:
    teen, guardian = await teen_with_guardian(name="Itzel Ramírez", email="maria@example.org")
    await agree_to_public_name(teen, PublicNameChoice.FULL_NAME, photo_release=True)
    await give_photo(teen)
    event = await speaking(teen, settings)
    photo = f'src="/photos/{(await MemberPhoto.get(user=teen)).public_key}"'
    before = await client.get(f"/events/{event.slug}/lineup")
    assert photo in before.text

    async with guardian_browser(app, "maria@example.org") as phone:
        token = await csrf_of(phone, f"/family/teens/{teen.id}")
        response = await phone.post(
            f"/family/teens/{teen.id}/consent/photo_release",
            data={"decision": "withdraw", "csrf_token": token},
        )
        after_page = await phone.get(response.headers["location"])

    assert response.status_code == 303
    assert response.headers["location"] == f"/family/teens/{teen.id}#photo_release"
    assert spanish("Done. The permission is withdrawn, everywhere, from now on.") in (
        after_page.text
    )
    assert not await standing.has_consent(teen, ConsentPurpose.PHOTO_RELEASE)
    after = await client.get(f"/events/{event.slug}/lineup")
    assert "Itzel Ramírez" in after.text
    assert photo not in after.text
    assert (await client.get(photo[5:-1])).status_code == 404
    record = await ConsentRecord.filter(member=teen, purpose=ConsentPurpose.PHOTO_RELEASE).first()
    assert (record.granted, record.guardian_id) == (False, guardian.id)
    entry = await AuditEntry.filter(action=AuditAction.CONSENT).order_by("-id").first()
    assert entry.subject_id == teen.id
    assert entry.actor_label == "María Ramírez <maria@example.org>"
    assert entry.detail == {
        "via": "family_page",
        "purpose": "photo_release",
        "granted": False,
        "outcome": "applied",
    }


async def test_a_confirmed_guardian_changes_the_public_name(app) -> None:
    teen, _ = await teen_with_guardian(name="Itzel Ramírez", email="maria@example.org")
    assert await public_name(teen) == "Itzel R."

    async with guardian_browser(app, "maria@example.org") as phone:
        token = await csrf_of(phone, f"/family/teens/{teen.id}")
        refused = await phone.post(
            f"/family/teens/{teen.id}/consent/public_name",
            data={"decision": "grant", "public_name_choice": "nickname", "csrf_token": token},
        )
        saved = await phone.post(
            f"/family/teens/{teen.id}/consent/public_name",
            data={
                "decision": "grant",
                "public_name_choice": "full_name",
                "csrf_token": token,
            },
        )

    assert refused.status_code == 422
    assert spanish("Write the nickname to show.") in refused.text
    assert saved.status_code == 303
    assert await public_name(teen) == "Itzel Ramírez"
    assert (await MemberProfile.get(user=teen)).public_name_choice == PublicNameChoice.FULL_NAME


async def test_withdrawing_participation_closes_the_members_activities(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org")

    async with guardian_browser(app, "maria@example.org") as phone:
        token = await csrf_of(phone, f"/family/teens/{teen.id}")
        response = await phone.post(
            f"/family/teens/{teen.id}/consent/participation",
            data={"decision": "withdraw", "csrf_token": token},
        )

    assert response.status_code == 303
    assert (await MemberProfile.get(user=teen)).status == MemberStatus.PENDING_CONSENT


async def test_an_unconfirmed_guardian_sees_consents_but_not_where_the_teen_will_be(
    app, settings
) -> None:
    teen, _ = await teen_with_guardian(name="Itzel Ramírez", email="maria@example.org")
    await speaking(teen, settings)
    await add_guardian(teen, "jorge@example.org", language="en")

    async with guardian_browser(app, "jorge@example.org") as phone:
        page = await phone.get(f"/family/teens/{teen.id}")
        allowed = await phone.post(
            f"/family/teens/{teen.id}/consent/photo_release",
            data={"decision": "grant", "csrf_token": csrf_from(page.text)},
        )
        after = await phone.get(f"/family/teens/{teen.id}")

    assert page.status_code == 200
    assert "has not yet confirmed that you are Itzel Ramírez’s parent or guardian" in page.text
    assert "Agua limpia para Mecca" not in page.text
    assert "Mecca Community Center" not in page.text
    assert allowed.status_code == 303
    # The first guardian's paper form said no to photos: the yes goes to staff.
    assert not await standing.has_consent(teen, ConsentPurpose.PHOTO_RELEASE)
    assert await ConsentConflict.filter(member=teen, resolved_at__isnull=True).count() == 1
    assert "Another parent or guardian said otherwise." in after.text


async def test_an_unconfirmed_guardians_yes_waits_for_staff(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org", consented=False)
    await add_guardian(teen, "jorge@example.org", language="en")

    async with guardian_browser(app, "jorge@example.org") as phone:
        token = await csrf_of(phone, f"/family/teens/{teen.id}")
        response = await phone.post(
            f"/family/teens/{teen.id}/consent/photo_release",
            data={"decision": "grant", "csrf_token": token},
        )
        page = await phone.get(f"/family/teens/{teen.id}")

    assert response.status_code == 303
    assert not await standing.has_consent(teen, ConsentPurpose.PHOTO_RELEASE)
    assert await ConsentRecord.filter(member=teen, awaits_confirmation=True).count() == 1
    assert "applies once the YO-C team has confirmed you" in page.text


async def test_a_form_without_its_csrf_token_is_refused(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org")
    await agree_to_public_name(teen, PublicNameChoice.FULL_NAME, photo_release=True)

    async with guardian_browser(app, "maria@example.org") as phone:
        response = await phone.post(
            f"/family/teens/{teen.id}/consent/photo_release", data={"decision": "withdraw"}
        )

    assert response.status_code == 403
    assert await standing.has_consent(teen, ConsentPurpose.PHOTO_RELEASE)


# A teen of 16 may keep her progress private --------------------------------------------------


async def test_a_teen_of_16_hides_her_progress_but_not_her_schedule(app, settings) -> None:
    teen, _ = await teen_with_guardian(
        age=16, name="Itzel Ramírez", email="maria@example.org", language="en"
    )
    await speaking(teen, settings)
    async with browser(app) as own:
        await log_in(own, teen.email, PASSWORD)
        profile = await own.get("/me/profile")
        assert 'action="/me/guardian-view"' in profile.text
        hidden = await post_form(
            own, "/me/profile", {"hide_progress": "1"}, action="/me/guardian-view"
        )
    assert hidden.status_code == 303
    assert (await MemberProfile.get(user=teen)).hide_progress_from_guardians

    async with guardian_browser(app, "maria@example.org") as phone:
        page = await phone.get(f"/family/teens/{teen.id}")

    assert "Itzel Ramírez chose to keep their learning progress private." in page.text
    assert "Agua limpia para Mecca" in page.text
    # The words agreed to, as they were read (the paper form, in Spanish); the words of
    # what was not agreed to, in the guardian's language now.
    for purpose in (ConsentPurpose.PARTICIPATION, ConsentPurpose.PUBLIC_NAME):
        assert str(escape(consent_texts.text(purpose, "es"))) in page.text
    for purpose in (ConsentPurpose.PHOTO_RELEASE, ConsentPurpose.TEXT_MESSAGES):
        assert str(escape(consent_texts.text(purpose, "en"))) in page.text


async def test_a_teen_of_15_cannot_hide_her_progress(app) -> None:
    teen, _ = await teen_with_guardian(age=15)
    async with browser(app) as own:
        await log_in(own, teen.email, PASSWORD)
        profile = await own.get("/me/profile")
        response = await own.post(
            "/me/guardian-view",
            data={"hide_progress": "1", "csrf_token": csrf_from(profile.text)},
        )

    assert 'action="/me/guardian-view"' not in profile.text
    assert response.status_code == 403
    assert not (await MemberProfile.get(user=teen)).hide_progress_from_guardians


async def test_a_guardians_no_ends_another_guardians_yes_that_waits_for_staff(app) -> None:
    teen, _ = await teen_with_guardian(email="maria@example.org", language="en", consented=False)
    someone = await add_guardian(teen, "someone@example.org", name="Someone")
    await consent.guardian_answers(someone, ConsentPurpose.PHOTO_RELEASE, True, language="en")

    async with guardian_browser(app, "maria@example.org") as phone:
        page = await phone.get(f"/family/teens/{teen.id}")
        card = page.text.split('id="photo_release"', 1)[1].split("</article>", 1)[0]
        assert "I do not agree" in card
        refused = await phone.post(
            f"/family/teens/{teen.id}/consent/photo_release",
            data={"decision": "withdraw", "csrf_token": csrf_from(page.text)},
        )
    await guardianship.confirm_guardian(
        actor=await registrar(),
        member=teen,
        guardian_id=someone.id,
        method=ContactMethod.PHONE,
        note="",
    )

    assert refused.status_code == 303
    waiting = await ConsentRecord.get(member=teen, awaits_confirmation=True)
    assert (waiting.revoked_at is not None, waiting.revoked_by_name) == (True, "María Ramírez")
    assert not await standing.has_consent(teen, ConsentPurpose.PHOTO_RELEASE)
