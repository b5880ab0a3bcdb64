"""Publishing an event's schedule as numbered releases, and what changed between them."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc import mail
from yoc.accounts.models import User
from yoc.errors import Conflict
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.settings import Settings
from yoc.soapbox.enums import PLACED_STATES, ReleaseChange
from yoc.soapbox.models import Release, Speech


def _entry(speech: Speech) -> dict:
    slot = speech.slot
    stage = slot.stage
    return {
        "speech": speech.id,
        "speaker": speech.speaker_id,
        "title": speech.title,
        "language": speech.language.value,
        "minutes": speech.minutes,
        "stage": stage.id,
        "stage_en": stage.name_en,
        "stage_es": stage.name_es,
        "stage_position": stage.position,
        "slot": slot.id,
        "starts_at": slot.starts_at.isoformat(),
        "ends_at": slot.ends_at.isoformat(),
    }


async def current_entries(event: Event) -> list[dict]:
    """The schedule as it stands on the board: every speech holding a slot."""
    speeches = await Speech.filter(
        slot__stage__event=event, state__in=list(PLACED_STATES)
    ).prefetch_related("slot__stage")
    entries = [_entry(s) for s in speeches]
    return sorted(entries, key=lambda e: (e["starts_at"], e["stage_position"], e["stage"]))


async def latest(event: Event) -> Release | None:
    return await Release.filter(event=event).order_by("-number").first()


async def history(event: Event) -> list[Release]:
    """Every release of the event's schedule, the newest first."""
    return await Release.filter(event=event)


def diff(before: list[dict], after: list[dict]) -> list[dict]:
    old = {e["speech"]: e for e in before}
    new = {e["speech"]: e for e in after}
    changes = []
    for speech_id, entry in new.items():
        was = old.get(speech_id)
        if was is None:
            changes.append({"kind": ReleaseChange.ADDED, "after": entry, **_who(entry)})
        elif (was["slot"], was["starts_at"], was["stage"]) != (
            entry["slot"],
            entry["starts_at"],
            entry["stage"],
        ):
            changes.append(
                {"kind": ReleaseChange.MOVED, "before": was, "after": entry, **_who(entry)}
            )
        elif was["title"] != entry["title"]:
            changes.append(
                {"kind": ReleaseChange.RETITLED, "before": was, "after": entry, **_who(entry)}
            )
    for speech_id, was in old.items():
        if speech_id not in new:
            changes.append({"kind": ReleaseChange.REMOVED, "before": was, **_who(was)})
    return sorted(changes, key=lambda c: (c.get("after") or c["before"])["starts_at"])


def _who(entry: dict) -> dict:
    return {"speech": entry["speech"], "speaker": entry["speaker"], "title": entry["title"]}


async def preview(event: Event) -> tuple[Release | None, list[dict]]:
    """The last release, and what publishing now would change."""
    last = await latest(event)
    return last, diff(last.entries if last else [], await current_entries(event))


async def speakers(changes: list[dict]) -> dict[int, User]:
    """Speech id -> its speaker, for staff reading a preview."""
    speeches = await Speech.filter(id__in=[c["speech"] for c in changes]).select_related("speaker")
    return {s.id: s.speaker for s in speeches}


async def publish(*, actor: User, event: Event, settings: Settings) -> Release:
    last, changes = await preview(event)
    if last is not None and not changes:
        raise Conflict(N_("Nothing has changed since the last release."), "nothing_to_release")
    entries = await current_entries(event)
    if last is None and not entries:
        raise Conflict(N_("Place at least one speech before releasing."), "nothing_to_release")
    try:
        async with in_transaction():
            release = await Release.create(
                event=event,
                number=(last.number + 1) if last else 1,
                entries=entries,
                changes=changes,
                published_by_name=actor.name,
            )
            if last is not None:
                await _notify(event, release, settings)
    except IntegrityError:
        # Someone published the same number a moment ago.
        raise Conflict(
            N_("Someone else just released this schedule. Reload the page."), "release_conflict"
        ) from None
    return release


async def _notify(event: Event, release: Release, settings: Settings) -> None:
    """Tell each speaker whose speech changed, in their language."""
    by_speaker: dict[int, list[dict]] = {}
    for change in release.changes:
        by_speaker.setdefault(change["speaker"], []).append(change)
    for speaker in await User.filter(id__in=list(by_speaker)):
        await mail.queue_mail(
            to=speaker.email,
            template="schedule_changed",
            language=speaker.language,
            context={
                "name": speaker.name,
                "event": event,
                "number": release.number,
                "changes": [_readable(c) for c in by_speaker[speaker.id]],
                "link": f"{settings.base_url}/speeches",
            },
        )


def _readable(change: dict) -> dict:
    """Entries keep times and kinds as text (JSON); templates want datetimes and labels."""
    out = {**change, "kind": ReleaseChange(change["kind"])}
    for key in ("before", "after"):
        if key in change:
            out[key] = {
                **change[key],
                "starts_at": datetime.fromisoformat(change[key]["starts_at"]),
                "ends_at": datetime.fromisoformat(change[key]["ends_at"]),
            }
    return out


def readable(changes: list[dict]) -> list[dict]:
    return [_readable(c) for c in changes]
