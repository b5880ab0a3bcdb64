"""Every change of state of a speech goes through ``move``: it checks that the step is
allowed and that this person may take it, records who did it and when, and sends the
email the step implies, in the speaker's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc import mail
from yoc.accounts.models import User
from yoc.curriculum.services import badges
from yoc.errors import Conflict, PermissionDenied, ValidationFailed
from yoc.i18n import N_
from yoc.members.models import MemberProfile
from yoc.members.services import guardianship
from yoc.settings import Settings
from yoc.soapbox.enums import PLACED_STATES, PUBLIC_STATES, Decision, SpeechState
from yoc.soapbox.models import Availability, Review, Slot, Speech, SpeechEvent
from yoc.soapbox.services import conflicts, public, readiness
from yoc.soapbox.services.access import Capacity, visible_speech
from yoc.timeutil import utcnow

S = SpeechState
C = Capacity
REVIEW = frozenset({C.REVIEWER, C.STAFF})
SPEAKER_OR_STAFF = frozenset({C.SPEAKER, C.STAFF})
STAFF = frozenset({C.STAFF})

# (from, to) -> who may take the step.
ALLOWED: dict[tuple[SpeechState, SpeechState], frozenset[Capacity]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({C.SPEAKER}),
    (S.CHANGES_REQUESTED, S.SUBMITTED): frozenset({C.SPEAKER}),
    (S.SUBMITTED, S.ACCEPTED): REVIEW,
    (S.SUBMITTED, S.CHANGES_REQUESTED): REVIEW,
    (S.SUBMITTED, S.DECLINED): REVIEW,
    (S.ACCEPTED, S.SCHEDULED): STAFF,
    (S.SCHEDULED, S.SCHEDULED): STAFF,  # moved to another slot
    (S.CONFIRMED, S.SCHEDULED): STAFF,  # moved: the speaker confirms the new time
    (S.SCHEDULED, S.ACCEPTED): STAFF,  # taken off the schedule
    (S.CONFIRMED, S.ACCEPTED): STAFF,
    (S.SCHEDULED, S.CONFIRMED): SPEAKER_OR_STAFF,
    (S.CONFIRMED, S.DELIVERED): STAFF,
    **{
        (state, S.WITHDRAWN): SPEAKER_OR_STAFF
        for state in (
            S.DRAFT,
            S.SUBMITTED,
            S.CHANGES_REQUESTED,
            S.ACCEPTED,
            S.SCHEDULED,
            S.CONFIRMED,
        )
    },
}
DECISIONS = {
    S.ACCEPTED: Decision.ACCEPT,
    S.CHANGES_REQUESTED: Decision.CHANGES,
    S.DECLINED: Decision.DECLINE,
}
NOT_NOW = N_(
    "This step is not possible for this speech now. Reload the page to see where it stands."
)


@dataclass
class Moved:
    speech: Speech
    warnings: list[str] = field(default_factory=list)


def allowed_moves(state: SpeechState, capacities: frozenset[Capacity]) -> list[SpeechState]:
    """The steps this person could take from ``state`` (for buttons and the API)."""
    return [to for (src, to), who in ALLOWED.items() if src == state and who & capacities]


async def missing_for_submission(speech: Speech) -> dict[str, str]:
    missing = {}
    if not speech.topic:
        missing["topic"] = N_("Give your speech a topic.")
    if not speech.summary:
        missing["summary"] = N_("Tell the reviewers in a few sentences what you will say.")
    if not await Availability.filter(speech=speech).exists():
        missing["avail_date_0"] = N_("Tell us at least one time when you can speak.")
    return missing


async def move(
    speech_id: int,
    to: SpeechState,
    *,
    actor: User,
    settings: Settings,
    note: str = "",
    slot: Slot | None = None,
    rubric: dict[str, int] | None = None,
) -> Moved:
    speech, capacities = await visible_speech(actor, speech_id)
    source = speech.state
    who = ALLOWED.get((source, to))
    if who is None:
        raise Conflict(NOT_NOW, "transition_not_allowed")
    if not who & capacities:
        raise PermissionDenied(N_("This step is not yours to take."), "role_not_allowed")
    note = note.strip()
    changes: dict = {"state": to}
    warnings: list[str] = []

    if to == S.SUBMITTED:
        missing = await missing_for_submission(speech)
        if missing:
            raise ValidationFailed(missing, code="incomplete")
        await readiness.check(speech)
        changes["submitted_at"] = utcnow()
    if to in (S.CHANGES_REQUESTED, S.DECLINED) and not note:
        raise ValidationFailed(
            {"comments": N_("Tell the speaker what to change, or why, in a few words.")}
        )
    if to == S.SCHEDULED:
        if slot is None:
            raise ValidationFailed({"slot_id": N_("Choose a slot.")}, code="slot_required")
        if slot.id == speech.slot_id:
            raise Conflict(N_("The speech is already in this slot."), "same_slot")
        changes.update(slot_id=slot.id, confirmed_at=None)
    if to in (S.ACCEPTED, S.WITHDRAWN) and source in (S.SCHEDULED, S.CONFIRMED):
        changes.update(slot_id=None, confirmed_at=None)
    if to == S.CONFIRMED:
        changes["confirmed_at"] = utcnow()
    previous_slot = await Slot.get_or_none(id=speech.slot_id) if speech.slot_id else None
    if to == S.DELIVERED and previous_slot and previous_slot.starts_at > utcnow():
        raise Conflict(
            N_("A speech can be marked as delivered once its slot has started."), "not_started"
        )

    async with in_transaction():
        if to == S.SCHEDULED:
            # One speaker, one place at a time: concurrent placements of the same
            # speaker wait here (PostgreSQL), so the overlap check sees the other.
            await User.filter(id=speech.speaker_id).select_for_update().first()
            await conflicts.check(speech, slot)
            if slot.starts_at - utcnow() < conflicts.CONFIRM_BEFORE:
                warnings.append("unconfirmed_48h")
        try:
            updated = await Speech.filter(id=speech.id, state=source).update(**changes)
        except IntegrityError:
            raise Conflict(conflicts.SLOT_TAKEN, "slot_taken") from None
        if not updated:
            raise Conflict(NOT_NOW, "transition_not_allowed")
        await SpeechEvent.create(
            speech_id=speech.id,
            from_state=source,
            to_state=to,
            actor=actor,
            actor_name=actor.name,
            note=note,
        )
        review = None
        if to in DECISIONS:
            scores = rubric or {}
            review = await Review.create(
                speech_id=speech.id,
                reviewer=actor,
                reviewer_name=actor.name,
                decision=DECISIONS[to],
                clarity=scores.get("clarity"),
                voice=scores.get("voice"),
                call_to_action=scores.get("call_to_action"),
                comments=note,
            )
        if to in PUBLIC_STATES:
            # The public speaker page's address, ready before the speech is on a lineup.
            await public.calendar_keys(speech.speaker)
        if to == S.DELIVERED:
            await badges.award_for_speech(speech.speaker_id, speech.id)
        await speech.refresh_from_db()
        await _tell(speech, source, actor, note, review, previous_slot, settings)
    return Moved(speech, warnings)


async def _tell(
    speech: Speech,
    source: SpeechState,
    actor: User,
    note: str,
    review: Review | None,
    previous_slot: Slot | None,
    settings: Settings,
) -> None:
    """The email a step implies: always to the speaker; to the confirmed guardians of a
    minor when a slot is given, moved, confirmed or taken away."""
    to = speech.state
    if to == S.DRAFT:
        return
    speaker: User = await speech.speaker
    slot = (
        await Slot.get(id=speech.slot_id).prefetch_related("stage__event")
        if speech.slot_id
        else None
    )
    if previous_slot is not None:
        await previous_slot.fetch_related("stage__event")
    link = f"{settings.base_url}/speeches/{speech.id}"
    context = {
        "name": speaker.name,
        "title": speech.title,
        "state": to.value,
        "source": source.value,
        "by_speaker": actor.id == speaker.id,
        "actor": actor.name,
        "note": note,
        "review": review,
        "slot": slot,
        "previous_slot": previous_slot,
        "link": link,
    }
    await mail.queue_mail(
        to=speaker.email, template="speech_update", language=speaker.language, context=context
    )
    removed = source in PLACED_STATES and to in (S.ACCEPTED, S.WITHDRAWN)
    if to not in (S.SCHEDULED, S.CONFIRMED) and not removed:
        return
    when = slot or previous_slot
    profile = await MemberProfile.get_or_none(user=speaker)
    if when is None or not conflicts.is_minor_on(profile, when.starts_at):
        return
    for guardian in await guardianship.guardians_to_tell(speaker):
        await mail.queue_mail(
            to=guardian.email,
            template="speech_guardian",
            language=guardian.language,
            context={
                **context,
                "moved": to == S.SCHEDULED and previous_slot is not None,
                "removed": removed,
                "guardian": guardian.name,
                "member": speaker.name,
                "family_link": f"{settings.base_url}/family/sign-in",
            },
        )
