"""Every change of state of a speech, for every kind of person: the table of allowed
steps, who may take each, who cannot even see the speech, and the rules of single steps
(notes, a complete proposal, a slot, delivery after the start)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.factories import make_user
from tests.members.factories import make_cohort, make_member
from tests.soapbox.factories import make_placed, make_slot, make_speech, make_stage
from tests.tickets.factories import make_event
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from yoc.mail import OutboxMessage
from yoc.soapbox.enums import PLACED_STATES, SpeechState
from yoc.soapbox.models import Availability, Review, Slot, Speech, SpeechEvent
from yoc.soapbox.services import transitions
from yoc.timeutil import utcnow

S = SpeechState

# The table, written out by hand: (from, to) -> who may take the step.
WITHDRAWABLE = (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED, S.SCHEDULED, S.CONFIRMED)
EXPECTED: dict[tuple[SpeechState, SpeechState], set[str]] = {
    (S.DRAFT, S.SUBMITTED): {"speaker"},
    (S.CHANGES_REQUESTED, S.SUBMITTED): {"speaker"},
    (S.SUBMITTED, S.ACCEPTED): {"reviewer", "staff"},
    (S.SUBMITTED, S.CHANGES_REQUESTED): {"reviewer", "staff"},
    (S.SUBMITTED, S.DECLINED): {"reviewer", "staff"},
    (S.ACCEPTED, S.SCHEDULED): {"staff"},
    (S.SCHEDULED, S.SCHEDULED): {"staff"},
    (S.CONFIRMED, S.SCHEDULED): {"staff"},
    (S.SCHEDULED, S.ACCEPTED): {"staff"},
    (S.CONFIRMED, S.ACCEPTED): {"staff"},
    (S.SCHEDULED, S.CONFIRMED): {"speaker", "staff"},
    (S.CONFIRMED, S.DELIVERED): {"staff"},
    **{(state, S.WITHDRAWN): {"speaker", "staff"} for state in WITHDRAWABLE},
}
# Each kind of person, and the capacity in which they see the speaker's speeches.
ACTORS: dict[str, str | None] = {
    "speaker": "speaker",
    "mentor": "reviewer",  # a mentor of the speaker's group
    "other_mentor": None,  # a mentor of another group
    "staff": "staff",
    "admin": "staff",
    "other_member": None,
}
STATUS = {"not_found": 404, "transition_not_allowed": 409, "role_not_allowed": 403}


def expected_outcome(source: SpeechState, to: SpeechState, actor: str) -> str:
    capacity = ACTORS[actor]
    if capacity is None or (source == S.DRAFT and capacity != "speaker"):
        return "not_found"
    who = EXPECTED.get((source, to))
    if who is None:
        return "transition_not_allowed"
    if capacity not in who:
        return "role_not_allowed"
    return "ok"


def test_the_transition_table_is_the_documented_one() -> None:
    actual = {pair: {c.value for c in who} for pair, who in transitions.ALLOWED.items()}
    assert actual == EXPECTED


@dataclass
class World:
    speaker: User
    people: dict[str, User]
    held: Slot  # the slot a scheduled or confirmed speech holds; it started an hour ago
    target: Slot  # an empty slot in ten days, inside the speaker's availability


@pytest.fixture
async def world(app) -> World:
    speaker = await make_member(name="Ana Torres", age=15)
    mentor = await make_user(role=Role.MENTOR, name="Lucía Mentor")
    other_mentor = await make_user(role=Role.MENTOR, name="Otto Mentor")
    other_member = await make_member(name="Olga Member")
    await make_cohort(members=[speaker], mentors=[mentor])
    await make_cohort(members=[other_member], mentors=[other_mentor])
    now = utcnow()
    event = await make_event(starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=20))
    stage = await make_stage(event)
    soon = (now + timedelta(days=10)).replace(hour=18, minute=0, second=0, microsecond=0)
    return World(
        speaker=speaker,
        people={
            "speaker": speaker,
            "mentor": mentor,
            "other_mentor": other_mentor,
            "staff": await make_user(role=Role.STAFF, name="Sam Staff"),
            "admin": await make_user(role=Role.ADMIN, name="Ada Admin"),
            "other_member": other_member,
        },
        held=await make_slot(stage, now - timedelta(hours=1)),
        # 18:00 UTC is 10:00 or 11:00 in California: well before a minor's curfew.
        target=await make_slot(stage, soon),
    )


async def attempt(
    world: World, source: SpeechState, to: SpeechState, actor_kind: str, settings
) -> str:
    """Try one step on a fresh speech in ``source``; check what it wrote; return "ok"
    or the refusal's code."""
    actor = world.people[actor_kind]
    held = world.held if source in PLACED_STATES else None
    speech = await make_speech(world.speaker, state=source, slot=held)
    history = await SpeechEvent.filter(speech=speech).count()
    mails = await OutboxMessage.all().count()
    before = utcnow()
    where = f"{source} -> {to} by {actor_kind}"
    try:
        moved = await transitions.move(
            speech.id, to, actor=actor, settings=settings, note="Because.", slot=world.target
        )
    except DomainError as error:
        assert STATUS.get(error.code) == error.status_code, where
        await speech.refresh_from_db()
        assert (speech.state, speech.slot_id) == (source, held.id if held else None), where
        assert await SpeechEvent.filter(speech=speech).count() == history, where
        assert await OutboxMessage.all().count() == mails, where
        await speech.delete()
        return error.code

    stored = await Speech.get(id=speech.id)
    assert moved.speech.state == stored.state == to, where
    if to == S.SCHEDULED:
        assert (stored.slot_id, stored.confirmed_at) == (world.target.id, None), where
    elif to in (S.ACCEPTED, S.WITHDRAWN):
        assert (stored.slot_id, stored.confirmed_at) == (None, None), where
    else:
        assert stored.slot_id == (held.id if held else None), where
    if to == S.CONFIRMED:
        assert stored.confirmed_at is not None, where
    if to == S.SUBMITTED:
        assert stored.submitted_at is not None, where
    last = await SpeechEvent.filter(speech=speech).order_by("-id").first()
    assert last is not None
    assert (last.from_state, last.to_state, last.actor_id, last.actor_name, last.note) == (
        source,
        to,
        actor.id,
        actor.name,
        "Because.",
    ), where
    assert before <= last.created_at <= utcnow(), where
    assert await SpeechEvent.filter(speech=speech).count() == history + 1, where
    told = await OutboxMessage.filter(to_email=world.speaker.email, template="speech_update")
    assert len(told) == 1, where
    await OutboxMessage.all().delete()
    await speech.delete()
    return "ok"


@pytest.mark.parametrize(
    ("source", "to"),
    list(itertools.product(SpeechState, SpeechState)),
    ids=lambda s: s.value,
)
async def test_transition_for_every_kind_of_person(world, settings, source, to) -> None:
    outcomes = {kind: await attempt(world, source, to, kind, settings) for kind in ACTORS}

    assert outcomes == {kind: expected_outcome(source, to, kind) for kind in ACTORS}


# The rules of single steps ---------------------------------------------------------


@pytest.fixture
async def people(app) -> dict[str, User]:
    speaker = await make_member(name="Ana Torres", age=15)
    mentor = await make_user(role=Role.MENTOR, name="Lucía Mentor")
    await make_cohort(members=[speaker], mentors=[mentor])
    return {
        "speaker": speaker,
        "mentor": mentor,
        "staff": await make_user(role=Role.STAFF, name="Sam Staff"),
    }


async def assert_untouched(speech: Speech) -> None:
    stored = await Speech.get(id=speech.id)
    assert (stored.state, stored.slot_id) == (speech.state, speech.slot_id)
    assert await SpeechEvent.filter(speech=speech).count() == (speech.state != S.DRAFT)
    assert await Review.all().count() == 0
    assert await OutboxMessage.all().count() == 0


@pytest.mark.parametrize("to", [S.CHANGES_REQUESTED, S.DECLINED])
@pytest.mark.parametrize("note", ["", "   "])
async def test_asking_for_changes_or_declining_needs_a_note(people, settings, to, note) -> None:
    speech = await make_speech(people["speaker"], state=S.SUBMITTED)

    with pytest.raises(ValidationFailed) as excinfo:
        await transitions.move(speech.id, to, actor=people["mentor"], settings=settings, note=note)

    assert list(excinfo.value.fields) == ["comments"]
    await assert_untouched(speech)


async def test_accepting_needs_no_note_and_keeps_the_rubric(people, settings) -> None:
    speech = await make_speech(people["speaker"], state=S.SUBMITTED)

    await transitions.move(
        speech.id,
        S.ACCEPTED,
        actor=people["mentor"],
        settings=settings,
        rubric={"clarity": 3, "voice": 4, "call_to_action": 2},
    )

    review = await Review.get(speech=speech)
    assert (review.decision, review.reviewer_id, review.clarity, review.voice) == (
        "accepted",
        people["mentor"].id,
        3,
        4,
    )
    assert review.call_to_action == 2


@pytest.mark.parametrize(
    ("blank", "field"),
    [("topic", "topic"), ("summary", "summary"), ("availability", "avail_date_0")],
)
async def test_submitting_needs_topic_summary_and_availability(
    people, settings, blank, field
) -> None:
    speech = await make_speech(people["speaker"], state=S.DRAFT)
    if blank == "availability":
        await Availability.filter(speech=speech).delete()
    else:
        await Speech.filter(id=speech.id).update(**{blank: ""})

    with pytest.raises(ValidationFailed) as excinfo:
        await transitions.move(speech.id, S.SUBMITTED, actor=people["speaker"], settings=settings)

    assert excinfo.value.code == "incomplete"
    assert list(excinfo.value.fields) == [field]
    stored = await Speech.get(id=speech.id)
    assert (stored.state, stored.submitted_at) == (S.DRAFT, None)
    assert await SpeechEvent.filter(speech=speech).count() == 0


async def test_resubmitting_after_changes_is_checked_the_same_way(people, settings) -> None:
    speech = await make_speech(people["speaker"], state=S.CHANGES_REQUESTED, summary="")

    with pytest.raises(ValidationFailed) as excinfo:
        await transitions.move(speech.id, S.SUBMITTED, actor=people["speaker"], settings=settings)

    assert (excinfo.value.code, list(excinfo.value.fields)) == ("incomplete", ["summary"])
    await assert_untouched(speech)


async def test_delivered_only_once_the_slot_has_started(people, settings) -> None:
    event = await make_event()
    slot = await make_slot(await make_stage(event), event.starts_at + timedelta(hours=1))
    speech = await make_placed(people["speaker"], slot, state=S.CONFIRMED)

    with pytest.raises(Conflict) as excinfo:
        await transitions.move(speech.id, S.DELIVERED, actor=people["staff"], settings=settings)

    assert excinfo.value.code == "not_started"
    await assert_untouched(speech)


async def test_scheduling_through_a_transition_needs_a_slot(people, settings) -> None:
    speech = await make_speech(people["speaker"], state=S.ACCEPTED)

    with pytest.raises(ValidationFailed) as excinfo:
        await transitions.move(speech.id, S.SCHEDULED, actor=people["staff"], settings=settings)

    assert (excinfo.value.code, list(excinfo.value.fields)) == ("slot_required", ["slot_id"])
    await assert_untouched(speech)


async def test_moving_a_speech_into_its_own_slot_is_refused(people, settings) -> None:
    event = await make_event()
    slot = await make_slot(await make_stage(event), event.starts_at + timedelta(hours=1))
    speech = await make_placed(people["speaker"], slot, state=S.SCHEDULED)

    with pytest.raises(Conflict) as excinfo:
        await transitions.move(
            speech.id, S.SCHEDULED, actor=people["staff"], settings=settings, slot=slot
        )

    assert excinfo.value.code == "same_slot"
    await assert_untouched(speech)


@pytest.mark.parametrize(
    ("to", "actor"), [(S.WITHDRAWN, "speaker"), (S.WITHDRAWN, "staff"), (S.ACCEPTED, "staff")]
)
async def test_withdrawing_or_unscheduling_frees_the_slot(people, settings, to, actor) -> None:
    event = await make_event()
    slot = await make_slot(await make_stage(event), event.starts_at + timedelta(hours=1))
    speech = await make_placed(people["speaker"], slot, state=S.CONFIRMED)
    other = await make_speech(
        await make_member(), state=S.ACCEPTED, available=[(event.starts_at, event.ends_at)]
    )

    await transitions.move(speech.id, to, actor=people[actor], settings=settings)
    await transitions.move(
        other.id, S.SCHEDULED, actor=people["staff"], settings=settings, slot=slot
    )

    stored = await Speech.get(id=speech.id)
    assert (stored.state, stored.slot_id, stored.confirmed_at) == (to, None, None)
    assert await Speech.filter(slot=slot).values_list("id", flat=True) == [other.id]


async def test_a_mentor_who_also_speaks_reviews_only_as_a_speaker(people, settings) -> None:
    # A mentor's own speech: they see it as its speaker and cannot accept it.
    mentor = people["mentor"]
    speech = await make_speech(mentor, state=S.SUBMITTED)

    with pytest.raises(PermissionDenied) as excinfo:
        await transitions.move(speech.id, S.ACCEPTED, actor=mentor, settings=settings)

    assert excinfo.value.code == "role_not_allowed"


async def test_an_unknown_speech_is_not_found(people, settings) -> None:
    with pytest.raises(NotFound) as excinfo:
        await transitions.move(99999, S.WITHDRAWN, actor=people["staff"], settings=settings)

    assert excinfo.value.code == "not_found"
