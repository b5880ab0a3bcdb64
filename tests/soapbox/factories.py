"""Soapbox rows for tests: speeches in any state, stages and slots at an event."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Availability, Slot, Speech, SpeechEvent, Stage


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
