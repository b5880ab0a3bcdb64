"""The Soapbox part of a member's journey ("My path"): each proposal, its acceptance, its
slot, its confirmation and its delivery, with dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yoc.accounts.models import User
from yoc.i18n import N_
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Speech, SpeechEvent

S = SpeechState
# What each step of a speech says on the journey (translated where it is shown).
STEP_WORDS = {
    S.SUBMITTED: N_("Proposal sent"),
    S.ACCEPTED: N_("Proposal accepted"),
    S.SCHEDULED: N_("Slot given"),
    S.CONFIRMED: N_("Slot confirmed"),
    S.DELIVERED: N_("Speech delivered"),
}


@dataclass(frozen=True)
class SpeechStep:
    at: datetime
    words: str  # one of STEP_WORDS, untranslated
    title: str
    link: str
    slot_at: datetime | None = None  # scheduled steps: when the slot is
    event_en: str = ""
    event_es: str = ""


async def speech_steps(member: User) -> list[SpeechStep]:
    """Every step the member's speeches took, oldest first (the first sending only once)."""
    speeches = {
        s.id: s for s in await Speech.filter(speaker=member).select_related("slot__stage__event")
    }
    if not speeches:
        return []
    steps: list[SpeechStep] = []
    seen: set[tuple[int, SpeechState]] = set()
    for event in await SpeechEvent.filter(
        speech_id__in=list(speeches), to_state__in=list(STEP_WORDS)
    ).order_by("created_at", "id"):
        speech = speeches[event.speech_id]
        key = (speech.id, event.to_state)
        if event.to_state in (S.SUBMITTED, S.ACCEPTED) and key in seen:
            continue
        seen.add(key)
        slot = speech.slot if event.to_state == S.SCHEDULED and speech.slot_id else None
        steps.append(
            SpeechStep(
                at=event.created_at,
                words=STEP_WORDS[event.to_state],
                title=speech.title,
                link=f"/speeches/{speech.id}",
                slot_at=slot.starts_at if slot else None,
                event_en=slot.stage.event.name_en if slot else "",
                event_es=slot.stage.event.name_es if slot else "",
            )
        )
    return steps
