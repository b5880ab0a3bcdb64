"""A member's proposals: drafts they write and resubmit, and the reviews they get."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from yoc.accounts.models import User
from yoc.curriculum.services import progress
from yoc.errors import Conflict, PermissionDenied, ValidationFailed
from yoc.i18n import N_
from yoc.members.enums import MemberStatus
from yoc.members.models import MemberProfile
from yoc.paging import Keyset, Page, Window
from yoc.settings import Settings
from yoc.soapbox.enums import Decision, SpeechState
from yoc.soapbox.forms import ProposalForm, ReviewForm
from yoc.soapbox.models import Availability, Review, Slot, Speech, SpeechEvent
from yoc.soapbox.services import readiness, transitions
from yoc.soapbox.services.access import Capacity, visible_speech, visible_speeches

EDITABLE = frozenset({SpeechState.DRAFT, SpeechState.CHANGES_REQUESTED})
DECIDED = {
    Decision.ACCEPT: SpeechState.ACCEPTED,
    Decision.CHANGES: SpeechState.CHANGES_REQUESTED,
    Decision.DECLINE: SpeechState.DECLINED,
}


def _fields(data: ProposalForm) -> dict:
    return {
        "title": data.title,
        "topic": data.topic,
        "summary": data.summary,
        "language": data.language,
        "minutes": data.minutes,
        "content_notes": data.content_notes,
        "access_needs": ",".join(n.value for n in data.access_needs),
        "access_notes": data.access_notes,
    }


async def _set_windows(speech: Speech, data: ProposalForm) -> None:
    await Availability.filter(speech=speech).delete()
    await Availability.bulk_create(
        [
            Availability(speech=speech, starts_at=w.starts_at, ends_at=w.ends_at)
            for w in data.windows
        ]
    )


async def _event_id(data: ProposalForm) -> int | None:
    if data.event_id is None:
        return None
    if data.event_id not in {e.id for e in await readiness.open_calls()}:
        raise ValidationFailed(
            {"event_id": N_("Choose one of the events in the list.")}, code="no_such_call"
        )
    return data.event_id


async def create_draft(member: User, data: ProposalForm) -> Speech:
    profile = await MemberProfile.get_or_none(user=member)
    if profile is None or profile.status != MemberStatus.ACTIVE:
        raise PermissionDenied(N_("Your account is not active yet."), "not_active")
    event_id = await _event_id(data)
    reflection_id = None
    if data.reflection_id is not None:
        reflection_id = (await progress.own_reflection(member, data.reflection_id)).id
    async with in_transaction():
        speech = await Speech.create(
            speaker=member, event_id=event_id, reflection_id=reflection_id, **_fields(data)
        )
        await _set_windows(speech, data)
    return speech


async def update_draft(member: User, speech_id: int, data: ProposalForm) -> Speech:
    speech, capacities = await visible_speech(member, speech_id)
    if Capacity.SPEAKER not in capacities:
        raise PermissionDenied(N_("Only the speaker can change a proposal."), "forbidden")
    event_id = await _event_id(data)
    async with in_transaction():
        # Conditional, so an edit cannot land on a proposal that was just submitted.
        changed = await Speech.filter(id=speech.id, state__in=list(EDITABLE)).update(
            event_id=event_id, **_fields(data)
        )
        if not changed:
            raise Conflict(
                N_(
                    "This proposal can no longer be changed. "
                    "Reload the page to see where it stands."
                ),
                "not_editable",
            )
        await _set_windows(speech, data)
    await speech.refresh_from_db()
    return speech


async def save(member: User, speech_id: int | None, data: ProposalForm) -> Speech:
    """A new draft, or the changes to an existing one."""
    if speech_id is None:
        return await create_draft(member, data)
    return await update_draft(member, speech_id, data)


async def review(
    reviewer: User, speech_id: int, data: ReviewForm, *, settings: Settings
) -> transitions.Moved:
    return await transitions.move(
        speech_id,
        DECIDED[data.decision],
        actor=reviewer,
        settings=settings,
        note=data.comments,
        rubric={
            "clarity": data.clarity,
            "voice": data.voice,
            "call_to_action": data.call_to_action,
        },
    )


async def my_speeches(member: User) -> list[Speech]:
    return await Speech.filter(speaker=member).select_related("slot__stage__event")


@dataclass(frozen=True)
class NextSlot:
    speech_id: int
    state: SpeechState
    starts_at: datetime
    event_name_en: str
    event_name_es: str


@dataclass(frozen=True)
class SpeechCard:
    """What a member's dashboard says of their speeches: the next slot, else the speech
    that changed last (``latest_title`` empty when they have none)."""

    next_slot: NextSlot | None
    latest_title: str = ""
    latest_state: SpeechState | None = None


async def speech_card(member: User) -> SpeechCard:
    # Plain rows: the dashboard is opened often, and needs five fields of four tables.
    rows = (
        await Speech.filter(speaker=member)
        .order_by("-updated_at", "-id")
        .values(
            "id",
            "title",
            "state",
            "slot__starts_at",
            "slot__stage__event__name_en",
            "slot__stage__event__name_es",
        )
    )
    if not rows:
        return SpeechCard(None)
    upcoming = sorted(
        (
            r
            for r in rows
            if r["state"] in (SpeechState.SCHEDULED, SpeechState.CONFIRMED)
            and r["slot__starts_at"] is not None
        ),
        key=lambda r: r["slot__starts_at"],
    )
    next_slot = None
    if upcoming:
        r = upcoming[0]
        next_slot = NextSlot(
            r["id"],
            r["state"],
            r["slot__starts_at"],
            r["slot__stage__event__name_en"],
            r["slot__stage__event__name_es"],
        )
    return SpeechCard(next_slot, rows[0]["title"], rows[0]["state"])


@dataclass(frozen=True)
class FirstDraft:
    """A new proposal's first draft, from a reflection the member wrote."""

    reflection_id: int
    title: str
    summary: str


async def draft_from_reflection(member: User, progress_id: int, *, language: str) -> FirstDraft:
    """The member's reflection as a first draft: its activity names it, its text is the
    summary to rework."""
    row = await progress.own_reflection(member, progress_id)
    activity = row.activity
    title = activity.title_es if language == "es" else activity.title_en
    return FirstDraft(row.id, title[:120], row.body[:4000])


async def reflections_to_start_from(member: User) -> list:
    return await progress.reflections_of(member)


@dataclass(frozen=True)
class GrewFrom:
    """The reflection a speech grew from: its id, activity and module (for a link)."""

    progress_id: int
    title_en: str
    title_es: str
    module_id: int
    activity_id: int


async def _grew_from(speech: Speech) -> GrewFrom | None:
    if not speech.reflection_id:
        return None
    activity = (await progress.reflection_titles([speech.reflection_id])).get(speech.reflection_id)
    if activity is None:
        return None
    return GrewFrom(
        speech.reflection_id,
        activity.title_en,
        activity.title_es,
        activity.module_id,
        activity.id,
    )


async def speeches_from_reflections(progress_ids: list[int]) -> dict[int, list[Speech]]:
    """The proposals that grew from each of these reflections (drafts left out)."""
    found: dict[int, list[Speech]] = {}
    if not progress_ids:
        return found
    for speech in await Speech.filter(reflection_id__in=progress_ids).exclude(
        state=SpeechState.DRAFT
    ):
        found.setdefault(speech.reflection_id, []).append(speech)
    return found


@dataclass
class SpeechPage:
    speech: Speech
    capacities: frozenset[Capacity]
    slot: Slot | None
    reviews: list[Review]
    history: list[SpeechEvent]
    windows: list[Availability]
    grew_from: GrewFrom | None = None


async def speech_page(user: User, speech_id: int) -> SpeechPage:
    """A speech with what its page shows, as ``user`` may see it."""
    speech, capacities = await visible_speech(user, speech_id)
    slot = (
        await Slot.get(id=speech.slot_id).prefetch_related("stage__event")
        if speech.slot_id
        else None
    )
    return SpeechPage(
        speech=speech,
        capacities=capacities,
        slot=slot,
        reviews=await Review.filter(speech=speech),
        history=await SpeechEvent.filter(speech=speech),
        windows=await Availability.filter(speech=speech),
        grew_from=await _grew_from(speech),
    )


async def windows_of(speech: Speech) -> list[Availability]:
    return await Availability.filter(speech=speech)


# The API's order: by id, oldest first.
BY_ID = Keyset("speeches", (("id", int),))
# The staff list's: the latest changed first.
BY_CHANGE = Keyset("speeches_changed", (("updated_at", datetime), ("id", int)), descending=True)


async def listed_page(
    user: User, window: Window, *, state: SpeechState | None = None
) -> Page[Speech]:
    """A page of the speeches ``user`` may list, in one state or all, with speaker and
    slot, by id."""
    query = visible_speeches(user)
    if state is not None:
        query = query.filter(state=state)
    return await BY_ID.page(query.select_related("speaker", "slot__stage__event"), window)


async def with_speaker_and_slot(speech: Speech) -> Speech:
    """The speech with what a listing shows: its speaker, and its slot's stage and event."""
    await speech.fetch_related("speaker", "slot__stage__event")
    return speech


async def submitted_page(window: Window, state: SpeechState | None = None) -> Page[Speech]:
    """Staff: a page of every speech but drafts, or of those in one state, the latest
    changed first."""
    query = Speech.exclude(state=SpeechState.DRAFT)
    if state is not None:
        query = query.filter(state=state)
    return await BY_CHANGE.page(query.select_related("speaker", "slot__stage__event"), window)


async def review_queue(reviewer: User) -> list[Speech]:
    """Proposals waiting for a decision that this mentor (their groups) or staff may make."""
    return (
        await visible_speeches(reviewer)
        .filter(state=SpeechState.SUBMITTED)
        .exclude(speaker_id=reviewer.id)
        .order_by("submitted_at", "id")
        .prefetch_related("speaker")
    )
