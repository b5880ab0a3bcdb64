"""Soapbox rows for tests: speeches in any state, stages and slots at an event."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image

from tests.members.factories import registrar
from tests.tickets.factories import make_event
from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.members.enums import PublicNameChoice
from yoc.members.models import Guardian
from yoc.members.services import consent, profiles
from yoc.settings import Settings
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Availability, Release, Slot, Speech, SpeechEvent, Stage
from yoc.soapbox.services import releases


async def make_stage(event: Event, name: str = "Main stage", **fields: Any) -> Stage:
    count = await Stage.filter(event=event).count()
    return await Stage.create(
        event=event,
        name_en=name,
        name_es=fields.pop("name_es", f"{name} (es)"),
        position=count,
        **fields,
    )


async def make_slot(stage: Stage, starts_at: datetime, minutes: int = 5) -> Slot:
    return await Slot.create(
        stage=stage, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes)
    )


async def make_speech(
    speaker: User,
    *,
    state: SpeechState = SpeechState.SUBMITTED,
    available: list[tuple[datetime, datetime]] | None = None,
    slot: Slot | None = None,
    **fields: Any,
) -> Speech:
    """A speech set straight into ``state`` (with a history line), available in the given
    windows (by default: the next 60 days)."""
    values = {
        "title": "Clean air for Mecca",
        "topic": "Environment",
        "summary": "The Salton Sea dust makes my little brother sick. Here is what we can do.",
        "minutes": 4,
        **fields,
    }
    speech = await Speech.create(speaker=speaker, state=state, slot=slot, **values)
    now = datetime.now().astimezone()
    for starts_at, ends_at in available or [(now - timedelta(days=60), now + timedelta(days=60))]:
        await Availability.create(speech=speech, starts_at=starts_at, ends_at=ends_at)
    if state != SpeechState.DRAFT:
        await SpeechEvent.create(
            speech=speech,
            from_state=SpeechState.DRAFT,
            to_state=state,
            actor=speaker,
            actor_name=speaker.name,
        )
    return speech


# Scenes -------------------------------------------------------------------------

LA = ZoneInfo("America/Los_Angeles")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in the Eastern Coachella Valley."""
    return datetime.combine(day, time(hour, minute), LA)


def la_today() -> date:
    return datetime.now(LA).date()


async def make_evening_event(day: date, **overrides: Any) -> Event:
    """A published event from 16:00 to 23:00 local time on ``day``."""
    return await make_event(starts_at=local(day, 16), ends_at=local(day, 23), **overrides)


async def make_placed(
    speaker: User,
    slot: Slot,
    *,
    state: SpeechState = SpeechState.CONFIRMED,
    **fields: Any,
) -> Speech:
    """A speech already holding ``slot`` (scheduled or confirmed), available around it."""
    window = [(slot.starts_at - timedelta(hours=2), slot.ends_at + timedelta(hours=2))]
    return await make_speech(
        speaker, state=state, slot=slot, available=fields.pop("available", window), **fields
    )


async def publish(event: Event, settings: Settings, actor: User | None = None) -> Release:
    """Release the event's schedule as staff would."""
    actor = actor or await registrar()
    return await releases.publish(actor=actor, event=event, settings=settings)


async def agree_to_public_name(
    member: User,
    choice: PublicNameChoice,
    *,
    nickname: str = "",
    photo_release: bool = False,
) -> None:
    """The member's guardian signs a new paper form with these choices (a minor)."""
    guardian = await Guardian.filter(member=member).first()
    assert guardian is not None, "agree_to_public_name is for minors with a guardian"
    await consent.record_paper_consent(
        actor=await registrar(),
        member=member,
        guardian=guardian,
        photo_release=photo_release,
        text_messages=False,
        public_name_choice=choice,
        nickname=nickname,
    )


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


async def give_photo(member: User) -> None:
    await profiles.set_photo(actor=member, member=member, data=png_bytes())
