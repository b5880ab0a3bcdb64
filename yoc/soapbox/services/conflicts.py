"""The scheduler's rules: what makes a slot impossible for a speech, and what only
deserves a warning. Each refusal has its own code and message."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from yoc.accounts.models import User
from yoc.errors import Conflict
from yoc.events.forms import LA
from yoc.events.models import Event
from yoc.i18n import N_, format_clock, format_when
from yoc.members.enums import ConsentPurpose
from yoc.members.models import MemberProfile
from yoc.members.services.standing import ADULT_AGE, age_on, has_consent
from yoc.soapbox.enums import PLACED_STATES, SpeechState
from yoc.soapbox.models import Availability, Slot, Speech

CONFIRM_BEFORE = timedelta(hours=48)

SLOT_TAKEN = N_("This slot already has a speech. Choose an empty slot, or move that speech first.")


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def curfew_of(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        return time(21, 0)


def curfew_limit(starts_at: datetime, curfew: str) -> datetime:
    """When a minor's slot or shift that starts at ``starts_at`` must end, under the
    event's ``curfew`` ("21:00", local time on that day)."""
    return datetime.combine(starts_at.astimezone(LA).date(), curfew_of(curfew), LA)


def is_minor_on(profile: MemberProfile | None, when: datetime) -> bool:
    return (
        profile is not None and age_on(profile.birth_date, when.astimezone(LA).date()) < ADULT_AGE
    )


async def check(speech: Speech, slot: Slot) -> None:
    """Refuse ``slot`` for ``speech`` with a Conflict naming the rule it breaks."""
    speaker: User = await speech.speaker
    event = await Event.get(stages__id=slot.stage_id)
    name = speaker.name

    taken = await Speech.filter(slot=slot).exclude(id=speech.id).exists()
    if taken:
        raise Conflict(SLOT_TAKEN, "slot_taken")

    slot_minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
    if speech.minutes > slot_minutes:
        raise Conflict(
            N_("This speech needs %(minutes)d minutes, and the slot has only %(slot)d."),
            "too_long",
            minutes=speech.minutes,
            slot=slot_minutes,
        )

    others = (
        await Speech.filter(
            speaker_id=speech.speaker_id, state__in=list(PLACED_STATES), slot_id__isnull=False
        )
        .exclude(id=speech.id)
        .prefetch_related("slot")
    )
    for other in others:
        if _overlap(slot.starts_at, slot.ends_at, other.slot.starts_at, other.slot.ends_at):
            raise Conflict(
                N_("%(name)s already speaks at %(time)s, which overlaps this slot."),
                "speaker_busy",
                name=name,
                time=format_when(other.slot.starts_at),
            )

    windows = await Availability.filter(speech=speech)
    if not any(w.starts_at <= slot.starts_at and slot.ends_at <= w.ends_at for w in windows):
        raise Conflict(
            N_("%(name)s is not available at this time. Choose a slot inside their availability."),
            "outside_availability",
            name=name,
        )

    profile = await MemberProfile.get_or_none(user_id=speech.speaker_id)
    minor = is_minor_on(profile, slot.starts_at)
    if minor:
        limit = curfew_limit(slot.starts_at, event.minor_curfew)
        if slot.ends_at > limit:
            raise Conflict(
                N_(
                    "%(name)s is under 18, and this event schedules minors no later than "
                    "%(curfew)s."
                ),
                "past_curfew",
                name=name,
                curfew=format_clock(limit),
            )
    if not await has_consent(speaker, ConsentPurpose.PARTICIPATION):
        raise Conflict(
            N_("%(name)s has no participation consent on file, so cannot be scheduled yet."),
            "no_consent",
            name=name,
        )


async def minor_on_stage_past(event: Event, curfew: str) -> bool:
    """Whether a speaker under 18 holds a slot of ``event`` that ends past ``curfew``."""
    placed = await Speech.filter(
        slot__stage__event_id=event.id, state__in=list(PLACED_STATES)
    ).select_related("slot")
    for speech in placed:
        if speech.slot.ends_at > curfew_limit(speech.slot.starts_at, curfew):
            profile = await MemberProfile.get_or_none(user_id=speech.speaker_id)
            if is_minor_on(profile, speech.slot.starts_at):
                return True
    return False


def needs_confirmation_soon(speech: Speech, slot: Slot, now: datetime) -> bool:
    """Scheduled, not confirmed, and less than 48 hours to go: staff should call."""
    return speech.state == SpeechState.SCHEDULED and now < slot.starts_at < now + CONFIRM_BEFORE


WARNINGS = {
    "unconfirmed_48h": N_(
        "The speaker has not confirmed yet, and the slot is less than 48 hours away."
    ),
}
