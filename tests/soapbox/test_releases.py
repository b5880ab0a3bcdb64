"""Releases of an event's schedule: numbered, refused when nothing changed, with a
preview of the changes, and an email to each speaker whose speech changed, in their
language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_member
from tests.soapbox.factories import (
    LA,
    la_today,
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_speech,
    make_stage,
    publish,
)
from yoc import i18n
from yoc.accounts.enums import Role
from yoc.errors import Conflict
from yoc.mail import OutboxMessage
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Release, Speech
from yoc.soapbox.services import releases, schedule

S = SpeechState


@pytest.fixture
async def staff(app):
    return await make_user(role=Role.STAFF, email="staff@example.org", name="Sam Staff")


@pytest.fixture
async def event(app):
    return await make_evening_event(la_today() + timedelta(days=10))


async def slots(event, count: int):
    stage = await make_stage(event)
    day = event.starts_at.astimezone(LA).date()
    return [await make_slot(stage, local(day, 18, 10 * n)) for n in range(count)]


async def test_the_first_release_is_number_one_with_every_speech_added(
    settings, staff, event
) -> None:
    one, two = await slots(event, 2)
    first = await make_placed(await make_member(), one, title="Agua limpia")
    second = await make_placed(await make_member(), two, state=S.SCHEDULED, title="Aire puro")

    release = await publish(event, settings, staff)

    assert (release.number, release.published_by_name) == (1, "Sam Staff")
    assert [(c["kind"], c["speech"]) for c in release.changes] == [
        ("added", first.id),
        ("added", second.id),
    ]
    assert [(e["speech"], e["slot"]) for e in release.entries] == [
        (first.id, one.id),
        (second.id, two.id),
    ]
    # Nobody is told about a first release: each speaker heard when they were placed.
    assert await OutboxMessage.filter(template="schedule_changed").count() == 0


async def test_an_empty_board_cannot_be_released(settings, staff, event) -> None:
    await slots(event, 1)

    with pytest.raises(Conflict) as excinfo:
        await publish(event, settings, staff)

    assert excinfo.value.code == "nothing_to_release"
    assert await Release.all().count() == 0


async def test_a_second_release_without_changes_is_refused(settings, staff, event) -> None:
    (one,) = await slots(event, 1)
    await make_placed(await make_member(), one)
    await publish(event, settings, staff)

    with pytest.raises(Conflict) as excinfo:
        await publish(event, settings, staff)

    assert excinfo.value.code == "nothing_to_release"
    assert await Release.filter(event=event).values_list("number", flat=True) == [1]


async def test_changes_are_previewed_released_and_told_to_the_speakers_concerned(
    client, settings, staff, event
) -> None:
    one, two, three, four, five, six = await slots(event, 6)
    moved = await make_placed(await make_member(name="Mo Ved"), one, title="Moved")
    removed = await make_placed(
        await make_member(name="Re Moved", language="es"), two, title="Removed"
    )
    kept = await make_placed(await make_member(name="Kee Pt"), three, title="Kept")
    retitled = await make_placed(await make_member(name="Re Titled"), four, title="Old title")
    await publish(event, settings, staff)
    added = await make_speech(
        await make_member(name="Ad Ded", language="es"),
        state=S.ACCEPTED,
        title="Added",
        available=[(event.starts_at, event.ends_at)],
    )
    await schedule.place(
        actor=staff, event=event, speech_id=moved.id, slot_id=five.id, settings=settings
    )
    await schedule.unplace(actor=staff, speech_id=removed.id, settings=settings)
    await schedule.place(
        actor=staff, event=event, speech_id=added.id, slot_id=six.id, settings=settings
    )
    await Speech.filter(id=retitled.id).update(title="New title")
    await OutboxMessage.all().delete()  # the placement emails; not what this test is about

    await log_in(client, "staff@example.org", PASSWORD)
    preview = await client.get(f"/staff/events/{event.slug}/schedule/release")
    response = await post_form(client, f"/staff/events/{event.slug}/schedule/release", {})

    assert preview.status_code == 200
    for kind, title in [
        ("moved", "Moved"),
        ("removed", "Removed"),
        ("added", "Added"),
        ("retitled", "New title"),
    ]:
        assert f'<li class="change-{kind}">' in preview.text
        assert title in preview.text
    assert '<li class="change-' in preview.text and "Kept" not in preview.text
    assert "Publish release 2" in preview.text
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/staff/events/{event.slug}/schedule",
    )
    release = await releases.latest(event)
    assert release is not None and release.number == 2
    assert sorted((c["kind"], c["speech"]) for c in release.changes) == sorted(
        [
            ("moved", moved.id),
            ("removed", removed.id),
            ("added", added.id),
            ("retitled", retitled.id),
        ]
    )
    assert [e["speech"] for e in release.entries] == [kept.id, retitled.id, moved.id, added.id]
    mails = await OutboxMessage.filter(template="schedule_changed").order_by("to_email")
    speakers = {
        s.id: s
        for s in [
            await Speech.get(id=i).prefetch_related("speaker")
            for i in (moved.id, removed.id, added.id, retitled.id)
        ]
    }
    expected = []
    for speech in speakers.values():
        person = speech.speaker
        name = event.name_es if person.language == "es" else event.name_en
        with i18n.use_language(person.language):
            subject = i18n.gettext("The Soapbox schedule of %(event)s has changed", event=name)
        expected.append((person.email, person.language, subject))
    assert [(m.to_email, m.language, m.subject) for m in mails] == sorted(expected)
    assert await OutboxMessage.all().count() == 4  # and nobody else, not the kept speaker
    by_email = {m.to_email: m for m in mails}
    moved_speaker = speakers[moved.id].speaker
    assert "Moved" in by_email[moved_speaker.email].body_text
    assert "Kept" not in by_email[moved_speaker.email].body_text


async def test_the_release_page_refuses_an_unchanged_schedule_with_a_message(
    client, settings, staff, event
) -> None:
    (one,) = await slots(event, 1)
    await make_placed(await make_member(), one)
    await publish(event, settings, staff)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(client, f"/staff/events/{event.slug}/schedule/release", {})
    page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert "Nothing has changed since the last release." in page.text
    assert await Release.filter(event=event).count() == 1


async def test_release_history_lists_the_events_releases_newest_first(
    settings, staff, event
) -> None:
    one, two = await slots(event, 2)
    await make_placed(await make_member(), one)
    first = await publish(event, settings, staff)
    await make_placed(await make_member(), two)
    second = await publish(event, settings, staff)
    other = await make_evening_event(la_today() + timedelta(days=11))
    await make_placed(await make_member(), (await slots(other, 1))[0])
    await publish(other, settings, staff)

    history = await releases.history(event)

    assert [(r.id, r.number) for r in history] == [(second.id, 2), (first.id, 1)]
