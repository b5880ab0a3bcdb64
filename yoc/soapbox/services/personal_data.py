"""A speaker's Soapbox record: what their download shows, and what deleting their data
takes away (their speeches with reviews and history, their lines in released schedules,
their calendar feeds, the readiness waivers given to them)."""

from __future__ import annotations

from typing import Any

from yoc.accounts.models import User
from yoc.soapbox.models import (
    Availability,
    ReadinessWaiver,
    Release,
    Review,
    SpeakerCalendar,
    Speech,
    SpeechEvent,
)

# Each section of the download, and the tables it is read from.
SECTIONS: dict[str, tuple[type, ...]] = {
    "speeches": (Speech, Availability, SpeechEvent, Review),
    "soapbox_waivers": (ReadinessWaiver,),
}


def _slot(speech: Speech) -> dict[str, Any] | None:
    slot = speech.slot
    if slot is None:
        return None
    stage, event = slot.stage, slot.stage.event
    return {
        "event": {"en": event.name_en, "es": event.name_es},
        "stage": {"en": stage.name_en, "es": stage.name_es},
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
    }


async def export(member: User) -> dict[str, Any]:
    """The member's speeches, each with its reviews, history and place on a stage."""
    speeches = (
        await Speech.filter(speaker=member)
        .order_by("created_at", "id")
        .prefetch_related("reviews", "availability", "history", "slot__stage__event")
    )
    return {
        "speeches": [
            {
                "title": s.title,
                "topic": s.topic,
                "summary": s.summary,
                "language": s.language,
                "minutes": s.minutes,
                "content_notes": s.content_notes,
                "access_needs": s.access_needs,
                "access_notes": s.access_notes,
                "state": s.state,
                "created_at": s.created_at,
                "submitted_at": s.submitted_at,
                "confirmed_at": s.confirmed_at,
                "slot": _slot(s),
                "availability": [
                    {"from": a.starts_at, "until": a.ends_at}
                    for a in sorted(s.availability, key=lambda a: (a.starts_at, a.id))
                ],
                "reviews": [
                    {
                        "by": r.reviewer_name,
                        "decision": r.decision,
                        "clarity": r.clarity,
                        "voice": r.voice,
                        "call_to_action": r.call_to_action,
                        "comments": r.comments,
                        "at": r.created_at,
                    }
                    for r in sorted(s.reviews, key=lambda r: (r.created_at, r.id))
                ],
                "history": [
                    {
                        "from": e.from_state,
                        "to": e.to_state,
                        "by": e.actor_name,
                        "note": e.note,
                        "at": e.created_at,
                    }
                    for e in sorted(s.history, key=lambda e: (e.created_at, e.id))
                ],
            }
            for s in speeches
        ],
        # A mentor let the member propose before finishing the modules a call asks for.
        "soapbox_waivers": [
            {"by": w.granted_by_name, "reason": w.reason, "at": w.created_at}
            for w in await ReadinessWaiver.filter(member=member).order_by("created_at", "id")
        ],
    }


async def erase(member: User, *, label: str) -> None:
    """Delete the member's speeches (personal stories), with their reviews and their
    lines in released schedules, and their calendar feeds; where they reviewed or moved
    someone else's speech, ``label`` stands for their name."""
    speeches = await Speech.filter(speaker=member).values_list("id", flat=True)
    for model in (Review, SpeechEvent, Availability):
        await model.filter(speech_id__in=speeches).delete()
    await Speech.filter(id__in=speeches).delete()
    await SpeakerCalendar.filter(user=member).delete()
    await ReadinessWaiver.filter(member=member).delete()
    await ReadinessWaiver.filter(granted_by=member).update(granted_by_name=label)
    await Review.filter(reviewer=member).update(reviewer_name=label)
    await SpeechEvent.filter(actor=member).update(actor_name=label)
    for release in await Release.all():
        kept = [e for e in release.entries if e.get("speaker") != member.id]
        changes = [c for c in release.changes if c.get("speaker") != member.id]
        if kept != release.entries or changes != release.changes:
            release.entries, release.changes = kept, changes
            await release.save(update_fields=["entries", "changes"])
