"""What the public sees of a schedule, on the lineup page, in the JSON API and in the
calendar feed: only released and confirmed speeches, and speakers only as their consent
allows (name, photo)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

import httpx
import icalendar
import pytest

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
from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.members.enums import ConsentPurpose, ContactMethod, PublicNameChoice
from yoc.members.models import Guardian, MemberPhoto
from yoc.members.services import consent, guardianship
from yoc.settings import Settings
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Slot, Speech, Stage
from yoc.soapbox.services import transitions

S = SpeechState
WITHHELD = "A YO-C member"


@dataclass
class Public:
    """The three public views of one event's schedule."""

    page: str
    api: dict
    feed: icalendar.Calendar

    @property
    def api_titles(self) -> list[str]:
        return [s["title"] for s in self.api["speeches"]]

    @property
    def feed_summaries(self) -> list[str]:
        return [str(e["SUMMARY"]) for e in self.feed.walk("VEVENT")]


async def public_views(client: httpx.AsyncClient, event: Event) -> Public:
    page = await client.get(f"/events/{event.slug}/lineup")
    api = await client.get(f"/api/v1/events/{event.slug}/schedule")
    feed = await client.get(f"/events/{event.slug}/lineup.ics")
    assert (page.status_code, api.status_code, feed.status_code) == (200, 200, 200)
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    return Public(page.text, api.json(), icalendar.Calendar.from_ical(feed.content))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # These tests change the schedule between two looks at the lineup page, which
    # anonymous visitors otherwise share for up to ``public_page_seconds``.
    return replace(settings, public_page_seconds=0)


@pytest.fixture
async def event(app) -> Event:
    return await make_evening_event(la_today() + timedelta(days=10))


@pytest.fixture
async def stage(event) -> Stage:
    return await make_stage(event, "Main stage")


async def slot_at(stage: Stage, event: Event, hour: int, minute: int = 0) -> Slot:
    day = event.starts_at.astimezone(LA).date()
    return await make_slot(stage, local(day, hour, minute))


async def test_nothing_is_public_before_the_first_release(client, event, stage) -> None:
    await make_placed(await make_member(), await slot_at(stage, event, 18), title="Agua limpia")

    seen = await public_views(client, event)

    assert "Agua limpia" not in seen.page
    assert "The lineup is not published yet." in seen.page
    assert (seen.api["release"], seen.api["speeches"]) == (None, [])
    assert seen.feed_summaries == []


async def test_a_speech_placed_after_the_last_release_stays_hidden(
    client, settings, event, stage
) -> None:
    await make_placed(await make_member(), await slot_at(stage, event, 18), title="Agua limpia")
    await publish(event, settings)
    await make_placed(await make_member(), await slot_at(stage, event, 19), title="Aire puro")

    seen = await public_views(client, event)

    assert "Agua limpia" in seen.page and "Aire puro" not in seen.page
    assert (seen.api["release"], seen.api_titles) == (1, ["Agua limpia"])
    assert len(seen.feed_summaries) == 1
    assert seen.feed_summaries[0].startswith("Soapbox: Agua limpia (")


async def test_an_unconfirmed_speech_is_hidden_until_its_speaker_confirms(
    client, settings, event, stage
) -> None:
    speaker = await make_member()
    speech = await make_placed(
        speaker, await slot_at(stage, event, 18), state=S.SCHEDULED, title="Agua limpia"
    )
    await make_placed(await make_member(), await slot_at(stage, event, 19), title="Aire puro")
    await publish(event, settings)

    before = await public_views(client, event)
    await transitions.move(speech.id, S.CONFIRMED, actor=speaker, settings=settings)
    after = await public_views(client, event)

    assert "Agua limpia" not in before.page
    assert before.api_titles == ["Aire puro"]
    assert not any("Agua limpia" in s for s in before.feed_summaries)
    assert "Agua limpia" in after.page
    assert after.api_titles == ["Agua limpia", "Aire puro"]
    assert len(after.feed_summaries) == 2


async def test_a_speech_withdrawn_after_the_release_disappears(
    client, settings, event, stage
) -> None:
    speaker = await make_member()
    speech = await make_placed(speaker, await slot_at(stage, event, 18), title="Agua limpia")
    await make_placed(await make_member(), await slot_at(stage, event, 19), title="Aire puro")
    await publish(event, settings)

    await transitions.move(speech.id, S.WITHDRAWN, actor=speaker, settings=settings)
    seen = await public_views(client, event)

    assert "Agua limpia" not in seen.page
    assert seen.api_titles == ["Aire puro"]
    assert not any("Agua limpia" in s for s in seen.feed_summaries)


# Names ----------------------------------------------------------------------------


async def no_public_name(member: User) -> None:
    await consent.revoke(actor=await registrar(), member=member, purpose=ConsentPurpose.PUBLIC_NAME)


NAME_CASES = {
    # how consent stands -> what the public sees (None: withheld)
    "first-initial": (None, "Ana T."),
    "full-name": (PublicNameChoice.FULL_NAME, "Ana Torres"),
    "nickname": (PublicNameChoice.NICKNAME, "La Güera"),
    "revoked": ("revoke", None),
}


@pytest.mark.parametrize("case", list(NAME_CASES))
async def test_speakers_are_named_only_as_their_consent_says(
    client, settings, event, stage, case
) -> None:
    how, shown = NAME_CASES[case]
    speaker = await make_member(name="Ana Torres", age=15)  # paper form: "first_initial"
    if how == "revoke":
        await no_public_name(speaker)
    elif how is not None:
        await agree_to_public_name(speaker, how, nickname="La Güera")
    await make_placed(speaker, await slot_at(stage, event, 18), title="Agua limpia")
    await publish(event, settings)

    seen = await public_views(client, event)

    assert seen.api["speeches"][0]["speaker"] == shown
    assert [str(e["SUMMARY"]) for e in seen.feed.walk("VEVENT")] == [
        f"Soapbox: Agua limpia ({shown or WITHHELD})"
    ]
    assert f"<p>{shown or WITHHELD} <span" in seen.page
    for hidden in {"Ana Torres", "Ana T.", "La Güera"} - {shown}:
        assert hidden not in seen.page
        assert hidden not in seen.feed.to_ical().decode()


async def test_an_adult_without_a_public_name_consent_is_not_named(
    client, settings, event, stage
) -> None:
    # An adult's own participation consent says nothing about their name in public.
    speaker = await make_member(name="Beto Ruiz", age=19)
    await make_placed(speaker, await slot_at(stage, event, 18), title="Agua limpia")
    await publish(event, settings)

    seen = await public_views(client, event)

    assert seen.api["speeches"][0]["speaker"] is None
    assert "Beto" not in seen.page and WITHHELD in seen.page
    assert [str(e["SUMMARY"]) for e in seen.feed.walk("VEVENT")] == [
        f"Soapbox: Agua limpia ({WITHHELD})"
    ]


# Photos ---------------------------------------------------------------------------

PHOTO_CASES = {
    "release-and-photo": (True, True, False, True),
    "release-without-photo": (True, False, False, False),
    "photo-without-release": (False, True, False, False),
    "photo-release-revoked": (True, True, True, False),
}


@pytest.mark.parametrize("case", list(PHOTO_CASES))
async def test_a_photo_appears_only_with_a_photo_release_and_a_photo(
    client, settings, event, stage, case
) -> None:
    release, photo, revoked, shown = PHOTO_CASES[case]
    speaker = await make_member(name="Ana Torres", age=15)
    await agree_to_public_name(
        speaker, PublicNameChoice.FIRST_NAME_LAST_INITIAL, photo_release=release
    )
    if photo:
        await give_photo(speaker)
    if revoked:
        await consent.revoke(
            actor=await registrar(), member=speaker, purpose=ConsentPurpose.PHOTO_RELEASE
        )
    await make_placed(speaker, await slot_at(stage, event, 18), title="Agua limpia")
    await publish(event, settings)

    seen = await public_views(client, event)

    assert "Agua limpia" in seen.page
    links = re.findall(r'src="(/photos/[^"]+)"', seen.page)
    assert bool(links) is shown
    # The member's id serves the public nothing, whatever the consent.
    assert (await client.get(f"/members/{speaker.id}/photo")).status_code == 404
    if photo:
        key = (await MemberPhoto.get(user=speaker)).public_key
        picture = await client.get(f"/photos/{key}")
        assert picture.status_code == (200 if shown else 404)
        assert links == ([f"/photos/{key}"] if shown else [])


async def test_a_public_photo_link_is_unguessable_and_ends_with_the_release(
    client, settings, event, stage
) -> None:
    speaker = await make_member(name="Ana Torres", age=15)
    await agree_to_public_name(
        speaker, PublicNameChoice.FIRST_NAME_LAST_INITIAL, photo_release=True
    )
    await give_photo(speaker)
    await make_placed(speaker, await slot_at(stage, event, 18), title="Agua limpia")
    await publish(event, settings)
    [link] = re.findall(r'src="(/photos/[^"]+)"', (await public_views(client, event)).page)
    key = link.removeprefix("/photos/")

    assert len(key) >= 20 and str(speaker.id) not in key.split("-")
    assert (await client.get(link)).status_code == 200
    assert (await client.get(f"/photos/{key[:-1]}x")).status_code == 404
    # A new photo gets a new link; the old one serves nothing.
    await give_photo(speaker)
    assert (await client.get(link)).status_code == 404
    [link] = re.findall(r'src="(/photos/[^"]+)"', (await public_views(client, event)).page)
    assert (await client.get(link)).status_code == 200
    await consent.revoke(
        actor=await registrar(), member=speaker, purpose=ConsentPurpose.PHOTO_RELEASE
    )
    assert (await client.get(link)).status_code == 404


async def test_an_unconfirmed_guardians_yes_shows_nothing_until_staff_confirm_them(
    client, settings, event, stage
) -> None:
    # A 15-year-old whose only "guardian" answered by email: nobody has checked who that is.
    speaker = await make_member(name="Ana Torres", age=15, consented=False)
    guardian = await Guardian.get(member=speaker)
    for purpose, more in (
        (ConsentPurpose.PARTICIPATION, {}),
        (ConsentPurpose.PHOTO_RELEASE, {}),
        (ConsentPurpose.PUBLIC_NAME, {"public_name_choice": PublicNameChoice.FULL_NAME}),
    ):
        await consent.guardian_answers(guardian, purpose, True, language="es", **more)
    await give_photo(speaker)
    await make_placed(speaker, await slot_at(stage, event, 18), title="Agua limpia")
    await publish(event, settings)

    before = await public_views(client, event)
    await guardianship.confirm_guardian(
        actor=await registrar(),
        member=speaker,
        guardian_id=guardian.id,
        method=ContactMethod.PHONE,
        note="",
    )
    after = await public_views(client, event)

    photo = f'src="/photos/{(await MemberPhoto.get(user=speaker)).public_key}"'
    assert photo not in before.page and "Ana Torres" not in before.page
    assert before.api["speeches"][0]["speaker"] is None
    assert before.feed_summaries == [f"Soapbox: Agua limpia ({WITHHELD})"]
    assert photo in after.page and "Ana Torres" in after.page
    assert after.api["speeches"][0]["speaker"] == "Ana Torres"
    assert after.feed_summaries == ["Soapbox: Agua limpia (Ana Torres)"]


async def test_an_unpublished_event_has_no_public_lineup(client, settings) -> None:
    event = await make_evening_event(la_today() + timedelta(days=10), published=False)
    await make_placed(
        await make_member(), await make_slot(await make_stage(event), event.starts_at)
    )
    await publish(event, settings)

    page = await client.get(f"/events/{event.slug}/lineup")
    api = await client.get(f"/api/v1/events/{event.slug}/schedule")
    feed = await client.get(f"/events/{event.slug}/lineup.ics")

    assert (page.status_code, api.status_code, feed.status_code) == (404, 404, 404)
    assert await Speech.all().count() == 1
