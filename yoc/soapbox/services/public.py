"""What the public sees: the released lineup of an event, with speakers named only as
their consent allows, and calendar feeds (iCalendar)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from yoc.accounts.models import User
from yoc.db import fits
from yoc.errors import NotFound
from yoc.events.models import Event
from yoc.i18n import N_, gettext
from yoc.members.services.profiles import WITHHELD, public_identities
from yoc.security import new_token
from yoc.soapbox.enums import (
    PLACED_STATES,
    PUBLIC_STATES,
    ReleaseChange,
    SpeechLanguage,
    SpeechState,
)
from yoc.soapbox.models import Release, SpeakerCalendar, Speech
from yoc.soapbox.services import releases
from yoc.timeutil import utcnow

LA = ZoneInfo("America/Los_Angeles")


@dataclass
class StageName:
    name_en: str
    name_es: str


@dataclass
class Item:
    speech_id: int
    title: str
    language: SpeechLanguage
    minutes: int
    starts_at: datetime
    ends_at: datetime
    stage: StageName
    speaker_id: int
    speaker_name: str | None  # None: the name is withheld
    photo: str | None  # the key of the photo's public link; None: no photo
    page: str | None = None  # the key of the speaker's public page; None: no page


@dataclass
class StageColumn:
    stage: StageName
    items: list[Item] = field(default_factory=list)


@dataclass
class Lineup:
    event: Event
    release: Release | None
    items: list[Item]
    stages: list[StageColumn]
    changes: list[dict]


def _items(entries: list[dict], identities: dict) -> list[Item]:
    items = []
    for e in entries:
        who = identities.get(e["speaker"])
        items.append(
            Item(
                speech_id=e["speech"],
                title=e["title"],
                language=SpeechLanguage(e["language"]),
                minutes=e["minutes"],
                starts_at=datetime.fromisoformat(e["starts_at"]),
                ends_at=datetime.fromisoformat(e["ends_at"]),
                stage=StageName(e["stage_en"], e["stage_es"]),
                speaker_id=e["speaker"],
                speaker_name=who.name if who else None,
                photo=who.photo if who else None,
            )
        )
    return items


async def _public_speech_ids(entries: list[dict]) -> set[int]:
    """Of the released entries, the speeches that are confirmed (or given) right now:
    a withdrawal after a release hides the speech at once."""
    return set(
        await Speech.filter(
            id__in=[e["speech"] for e in entries], state__in=list(PUBLIC_STATES)
        ).values_list("id", flat=True)
    )


async def lineup(event: Event) -> Lineup:
    """The latest release, as the public may see it; a fixed number of queries."""
    release = await releases.latest(event)
    entries = release.entries if release else []
    public_ids = await _public_speech_ids(entries)
    shown = [e for e in entries if e["speech"] in public_ids]
    identities = await public_identities([e["speaker"] for e in shown]) if shown else {}
    items = _items(shown, identities)
    named = [i.speaker_id for i in items if i.speaker_name]
    pages = (
        dict(await SpeakerCalendar.filter(user_id__in=named).values_list("user_id", "public_key"))
        if named
        else {}
    )
    for item in items:
        item.page = pages.get(item.speaker_id) if item.speaker_name else None
    columns: dict[int, StageColumn] = {}
    for entry, item in zip(shown, items, strict=True):
        columns.setdefault(entry["stage"], StageColumn(item.stage)).items.append(item)
    order = sorted(
        columns, key=lambda k: next(e["stage_position"] for e in shown if e["stage"] == k)
    )
    changes = []
    if release is not None:
        for change in releases.readable(release.changes):
            if change["kind"] == ReleaseChange.REMOVED:
                changes.append({"kind": change["kind"], "before": change["before"]})
            elif change["speech"] in public_ids:
                changes.append(change)
    return Lineup(event, release, items, [columns[k] for k in order], changes)


async def teaser(event: Event, count: int = 4) -> list[Item]:
    """A few released speeches for the festival page."""
    return (await lineup(event)).items[:count]


# Calendars -----------------------------------------------------------------------


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//YO-C//Soapbox//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "America/Los_Angeles")
    return cal


def _vevent(
    *, uid: str, title: str, starts_at: datetime, ends_at: datetime, where: str, text: str
) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", uid)
    item.add("summary", title)
    item.add("dtstart", starts_at.astimezone(LA))
    item.add("dtend", ends_at.astimezone(LA))
    item.add("dtstamp", starts_at.astimezone(ZoneInfo("UTC")))
    item.add("location", where)
    if text:
        item.add("description", text)
    return item


def _finish(cal: icalendar.Calendar) -> bytes:
    cal.add_missing_timezones()
    return cal.to_ical()


def _stage_name(stage: StageName, language: str) -> str:
    return stage.name_es if language == "es" else stage.name_en


def _describe(item: Item, language: str) -> tuple[str, str]:
    speaker = item.speaker_name or gettext(WITHHELD)
    stage = _stage_name(item.stage, language)
    return (
        f"Soapbox: {item.title} ({speaker})",
        f"{stage} · {item.language.label}",
    )


async def event_feed(event: Event, language: str) -> bytes:
    found = await lineup(event)
    name = event.name_es if language == "es" else event.name_en
    cal = _calendar(f"{name} · Soapbox")
    for item in found.items:
        summary, text = _describe(item, language)
        cal.add_component(
            _vevent(
                uid=f"speech-{item.speech_id}@yoc",
                title=summary,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                where=f"{event.venue} · {_stage_name(item.stage, language)}",
                text=text,
            )
        )
    return _finish(cal)


async def calendar_keys(member: User) -> SpeakerCalendar:
    keys, _ = await SpeakerCalendar.get_or_create(
        user=member, defaults={"private_key": new_token(24), "public_key": new_token(24)}
    )
    return keys


async def speaker_public_feed(public_key: str, language: str) -> bytes:
    """The released, confirmed speeches of one speaker, across events."""
    found = fits(SpeakerCalendar, public_key=public_key)
    keys = await SpeakerCalendar.get_or_none(public_key=public_key) if found else None
    if keys is None:
        raise NotFound(N_("We could not find that calendar."), "not_found")
    events = await Event.filter(
        published=True, stages__slots__speech__speaker_id=keys.user_id
    ).distinct()
    identities = await public_identities([keys.user_id])
    who = identities.get(keys.user_id)
    cal = _calendar(who.name if who and who.name else gettext(WITHHELD))
    for event in events:
        for item in (await lineup(event)).items:
            if item.speaker_id != keys.user_id:
                continue
            summary, text = _describe(item, language)
            cal.add_component(
                _vevent(
                    uid=f"speech-{item.speech_id}@yoc",
                    title=summary,
                    starts_at=item.starts_at,
                    ends_at=item.ends_at,
                    where=event.venue,
                    text=text,
                )
            )
    return _finish(cal)


async def my_slots(member: User) -> list[Speech]:
    """The speaker's own slots, released or not, soonest first."""
    speeches = await Speech.filter(
        speaker=member, state__in=[*PLACED_STATES, *PUBLIC_STATES]
    ).select_related("slot__stage__event")
    return sorted((s for s in speeches if s.slot_id), key=lambda s: s.slot.starts_at)


async def upcoming_slots(member: User) -> list[Speech]:
    """The speaker's slots still to come (scheduled or confirmed), soonest first, with
    their stage and event: where and when to be."""
    now = utcnow()
    return [s for s in await my_slots(member) if s.state in PLACED_STATES and s.slot.ends_at > now]


async def awaiting_confirmation(within: timedelta) -> list[Speech]:
    """Speeches still waiting for their speaker's confirmation whose slot starts within
    ``within`` from now, with their stage and event (for reminders)."""
    now = utcnow()
    return await Speech.filter(
        state=SpeechState.SCHEDULED,
        slot__starts_at__gt=now,
        slot__starts_at__lte=now + within,
        speaker__is_active=True,
    ).select_related("slot__stage__event", "speaker")


async def speaker_private_feed(private_key: str, language: str) -> bytes:
    found = fits(SpeakerCalendar, private_key=private_key)
    keys = (
        await SpeakerCalendar.get_or_none(private_key=private_key).prefetch_related("user")
        if found
        else None
    )
    if keys is None:
        raise NotFound(N_("We could not find that calendar."), "not_found")
    cal = _calendar("Soapbox")
    for speech in await my_slots(keys.user):
        stage = speech.slot.stage
        event = stage.event
        cal.add_component(
            _vevent(
                uid=f"speech-{speech.id}@yoc",
                title=f"Soapbox: {speech.title}",
                starts_at=speech.slot.starts_at,
                ends_at=speech.slot.ends_at,
                where=f"{event.venue} · {stage.name_es if language == 'es' else stage.name_en}",
                text=event.name_es if language == "es" else event.name_en,
            )
        )
    return _finish(cal)
