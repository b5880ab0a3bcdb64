"""Calendar feeds parse as iCalendar and keep wall-clock times in California across the
change to daylight saving time: the event's lineup, a speaker's public feed (released and
confirmed only) and a speaker's private feed (every slot they hold)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import icalendar
import pytest

from tests.members.factories import make_member
from tests.soapbox.factories import (
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_stage,
    publish,
)
from tests.tickets.factories import make_event
from yoc.accounts.models import User
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.services import public

S = SpeechState
# Daylight saving time starts in California on 14 March 2027 at 02:00.
SATURDAY = datetime(2027, 3, 13).date()
SUNDAY = datetime(2027, 3, 14).date()


async def feed(client: httpx.AsyncClient, url: str) -> list[icalendar.Event]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    return sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))


def times(vevent: icalendar.Event) -> tuple[str, str, datetime, datetime]:
    start, end = vevent["DTSTART"], vevent["DTEND"]
    return start.params["TZID"], end.params["TZID"], start.dt, end.dt


def assert_seven_pm_both_days(events: list[icalendar.Event]) -> None:
    saturday, sunday = events
    for vevent, day in ((saturday, SATURDAY), (sunday, SUNDAY)):
        start_tz, end_tz, start, end = times(vevent)
        assert (start_tz, end_tz) == ("America/Los_Angeles", "America/Los_Angeles")
        assert (start.date(), start.hour, start.minute) == (day, 19, 0)
        assert (end - start) == timedelta(minutes=5)
    sat_start, sun_start = saturday.decoded("DTSTART"), sunday.decoded("DTSTART")
    assert sat_start.utcoffset() == timedelta(hours=-8)  # PST
    assert sun_start.utcoffset() == timedelta(hours=-7)  # PDT
    assert sun_start.astimezone(UTC) - sat_start.astimezone(UTC) == timedelta(hours=23)


@pytest.fixture
async def weekend(app):
    """A festival over the weekend the clocks change, one stage."""
    event = await make_event(starts_at=local(SATURDAY, 16), ends_at=local(SUNDAY, 22))
    return event, await make_stage(event, "Main stage")


async def test_event_feed_keeps_seven_pm_across_the_change_to_summer_time(
    client, settings, weekend
) -> None:
    event, stage = weekend
    await make_placed(
        await make_member(), await make_slot(stage, local(SATURDAY, 19)), title="Sábado"
    )
    await make_placed(
        await make_member(), await make_slot(stage, local(SUNDAY, 19)), title="Domingo"
    )
    await publish(event, settings)

    events = await feed(client, f"/events/{event.slug}/lineup.ics")

    assert [str(e["SUMMARY"]).split(" (")[0] for e in events] == [
        "Soapbox: Sábado",
        "Soapbox: Domingo",
    ]
    assert_seven_pm_both_days(events)
    assert [str(e["LOCATION"]) for e in events] == [f"{event.venue} · Main stage"] * 2


async def test_event_feed_in_spanish_names_the_stage_in_spanish(client, settings, weekend) -> None:
    event, stage = weekend
    await make_placed(await make_member(), await make_slot(stage, local(SATURDAY, 19)))
    await publish(event, settings)

    (english,) = await feed(client, f"/events/{event.slug}/lineup.ics")
    response = await client.get(
        f"/events/{event.slug}/lineup.ics", headers={"Accept-Language": "es"}
    )
    (spanish,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")

    assert str(english["LOCATION"]) == f"{event.venue} · Main stage"
    assert str(spanish["LOCATION"]) == f"{event.venue} · Main stage (es)"
    assert str(english["UID"]) == str(spanish["UID"])


async def keys_of(member: User):
    return await public.calendar_keys(member)


async def test_speaker_public_feed_has_only_released_confirmed_speeches(
    client, settings, weekend
) -> None:
    event, stage = weekend
    speaker = await make_member(name="Ana Torres")
    await make_placed(speaker, await make_slot(stage, local(SATURDAY, 19)), title="Sábado")
    await make_placed(speaker, await make_slot(stage, local(SUNDAY, 19)), title="Domingo")
    await make_placed(
        speaker,
        await make_slot(stage, local(SATURDAY, 20)),
        state=S.SCHEDULED,
        title="Not confirmed",
    )
    await make_placed(await make_member(), await make_slot(stage, local(SUNDAY, 20)))
    await publish(event, settings)
    # Placed and confirmed after the release: not public yet.
    await make_placed(speaker, await make_slot(stage, local(SUNDAY, 18)), title="Too late")
    keys = await keys_of(speaker)

    events = await feed(client, f"/speakers/{keys.public_key}.ics")

    assert [str(e["SUMMARY"]) for e in events] == [
        "Soapbox: Sábado (Ana T.)",
        "Soapbox: Domingo (Ana T.)",
    ]
    assert_seven_pm_both_days(events)


async def test_speaker_private_feed_has_every_slot_held_released_or_not(
    client, settings, weekend
) -> None:
    event, stage = weekend
    speaker = await make_member(name="Ana Torres")
    await make_placed(
        speaker, await make_slot(stage, local(SATURDAY, 19)), state=S.SCHEDULED, title="Sábado"
    )
    await publish(event, settings)
    await make_placed(speaker, await make_slot(stage, local(SUNDAY, 19)), title="Domingo")
    await make_placed(await make_member(), await make_slot(stage, local(SUNDAY, 20)))
    other_event = await make_evening_event(SUNDAY + timedelta(days=30))
    await make_placed(
        speaker,
        await make_slot(await make_stage(other_event), local(SUNDAY + timedelta(days=30), 18)),
        state=S.WITHDRAWN,
        title="Withdrawn",
    )
    keys = await keys_of(speaker)

    events = await feed(client, f"/calendar/{keys.private_key}.ics")

    assert [str(e["SUMMARY"]) for e in events] == ["Soapbox: Sábado", "Soapbox: Domingo"]
    assert_seven_pm_both_days(events)


@pytest.mark.parametrize("url", ["/calendar/{}.ics", "/speakers/{}.ics"])
async def test_a_feed_needs_the_right_key(client, app, url) -> None:
    speaker = await make_member()
    keys = await keys_of(speaker)

    wrong = await client.get(url.format("not-the-key"))
    # Each key opens only its own feed: the public key is not the private one.
    swapped = await client.get(
        url.format(keys.public_key if "calendar" in url else keys.private_key)
    )

    assert (wrong.status_code, swapped.status_code) == (404, 404)


async def test_calendar_keys_are_made_once_per_speaker(app) -> None:
    speaker = await make_member()

    first, again = await keys_of(speaker), await keys_of(speaker)

    assert (first.private_key, first.public_key) == (again.private_key, again.public_key)
    assert first.private_key != first.public_key
