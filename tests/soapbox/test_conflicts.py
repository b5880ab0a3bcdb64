"""The scheduler's rules: each refusal has its own code and writes nothing; a slot less
than 48 hours away is allowed with a warning; slots must fit the event and not overlap on
one stage."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise.exceptions import IntegrityError

from tests.factories import make_user
from tests.members.factories import make_member
from tests.soapbox.factories import (
    LA,
    la_today,
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_speech,
    make_stage,
)
from tests.tickets.factories import make_event
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import Conflict
from yoc.events.models import Event
from yoc.forms import parse
from yoc.mail import OutboxMessage
from yoc.members.enums import ConsentPurpose
from yoc.members.services import consent
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.forms import SlotForm
from yoc.soapbox.models import Slot, Speech, SpeechEvent, Stage
from yoc.soapbox.services import schedule
from yoc.timeutil import utcnow

S = SpeechState


@pytest.fixture
async def staff(app) -> User:
    return await make_user(role=Role.STAFF, name="Sam Staff")


@pytest.fixture
async def event(app) -> Event:
    return await make_evening_event(la_today() + timedelta(days=10))


@pytest.fixture
async def stages(event) -> tuple[Stage, Stage]:
    return await make_stage(event, "Main stage"), await make_stage(event, "Garden")


def at(event: Event, hour: int, minute: int = 0):
    """``hour:minute`` local time on the day of ``event``."""
    return local(event.starts_at.astimezone(LA).date(), hour, minute)


async def accepted(speaker: User, event: Event, **fields) -> Speech:
    """An accepted speech whose speaker can come to the whole event."""
    fields.setdefault("available", [(event.starts_at, event.ends_at)])
    return await make_speech(speaker, state=S.ACCEPTED, **fields)


async def place(staff: User, event: Event, speech: Speech, slot: Slot, settings):
    return await schedule.place(
        actor=staff, event=event, speech_id=speech.id, slot_id=slot.id, settings=settings
    )


async def refused(staff, event, speech, slot, settings) -> str:
    """Try to place ``speech``; check that nothing was written; return the code."""
    mails = await OutboxMessage.all().count()
    history = await SpeechEvent.filter(speech=speech).count()
    with pytest.raises(Conflict) as excinfo:
        await place(staff, event, speech, slot, settings)
    stored = await Speech.get(id=speech.id)
    assert (stored.state, stored.slot_id) == (speech.state, speech.slot_id)
    assert await SpeechEvent.filter(speech=speech).count() == history
    assert await OutboxMessage.all().count() == mails
    return excinfo.value.code


async def test_slot_taken(staff, event, stages, settings) -> None:
    slot = await make_slot(stages[0], at(event, 18))
    first = await make_placed(await make_member(), slot, state=S.SCHEDULED)
    second = await accepted(await make_member(), event)

    assert await refused(staff, event, second, slot, settings) == "slot_taken"
    assert await Speech.filter(slot=slot).values_list("id", flat=True) == [first.id]


async def test_slot_taken_when_two_placements_race(staff, event, stages, settings) -> None:
    slot = await make_slot(stages[0], at(event, 18))
    one = await accepted(await make_member(), event)
    two = await accepted(await make_member(), event)

    results = await asyncio.gather(
        place(staff, event, one, slot, settings),
        place(staff, event, two, slot, settings),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, Exception)]
    assert [type(f) for f in failures] == [Conflict]
    assert failures[0].code == "slot_taken"
    holders = await Speech.filter(slot=slot).values_list("id", "state")
    assert len(holders) == 1 and holders[0][1] == S.SCHEDULED
    loser = two.id if holders[0][0] == one.id else one.id
    assert await Speech.get(id=loser).values_list("state", "slot_id") == (S.ACCEPTED, None)
    assert await SpeechEvent.filter(speech_id=loser).count() == 1  # only the factory's line


async def test_the_database_itself_holds_one_speech_per_slot(event, stages) -> None:
    slot = await make_slot(stages[0], at(event, 18))
    await make_placed(await make_member(), slot, state=S.SCHEDULED)
    second = await accepted(await make_member(), event)

    with pytest.raises(IntegrityError):
        await Speech.filter(id=second.id).update(slot_id=slot.id)


async def test_speaker_busy_on_another_stage_at_the_same_time(
    staff, event, stages, settings
) -> None:
    speaker = await make_member()
    main = await make_slot(stages[0], at(event, 18, 0), minutes=5)
    garden = await make_slot(stages[1], at(event, 18, 3), minutes=5)
    await make_placed(speaker, main, state=S.CONFIRMED)
    second = await accepted(speaker, event, title="Another speech")

    assert await refused(staff, event, second, garden, settings) == "speaker_busy"


async def test_speaker_busy_is_not_raised_for_back_to_back_slots(
    staff, event, stages, settings
) -> None:
    speaker = await make_member()
    main = await make_slot(stages[0], at(event, 18, 0), minutes=5)
    garden = await make_slot(stages[1], at(event, 18, 5), minutes=5)
    await make_placed(speaker, main, state=S.CONFIRMED)
    second = await accepted(speaker, event, title="Another speech")

    await place(staff, event, second, garden, settings)

    assert (await Speech.get(id=second.id)).slot_id == garden.id


async def test_speaker_busy_when_two_placements_of_one_speaker_race(
    staff, event, stages, settings
) -> None:
    speaker = await make_member()
    main = await make_slot(stages[0], at(event, 18, 0))
    garden = await make_slot(stages[1], at(event, 18, 0))
    one = await accepted(speaker, event)
    two = await accepted(speaker, event, title="Another speech")

    results = await asyncio.gather(
        place(staff, event, one, main, settings),
        place(staff, event, two, garden, settings),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, Exception)]
    assert [(type(f), f.code) for f in failures] == [(Conflict, "speaker_busy")]
    assert await Speech.filter(speaker=speaker, slot_id__isnull=False).count() == 1


async def test_too_long(staff, event, stages, settings) -> None:
    slot = await make_slot(stages[0], at(event, 18), minutes=5)
    speech = await accepted(await make_member(), event, minutes=6)

    assert await refused(staff, event, speech, slot, settings) == "too_long"


async def test_a_speech_as_long_as_the_slot_fits(staff, event, stages, settings) -> None:
    slot = await make_slot(stages[0], at(event, 18), minutes=5)
    speech = await accepted(await make_member(), event, minutes=5)

    moved = await place(staff, event, speech, slot, settings)

    assert (moved.speech.state, moved.speech.slot_id, moved.warnings) == (S.SCHEDULED, slot.id, [])


@pytest.mark.parametrize(
    ("window_from", "window_to"),
    [((19, 0), (20, 0)), ((17, 0), (18, 3)), ((18, 2), (20, 0))],
    ids=["another-time", "ends-too-early", "starts-too-late"],
)
async def test_outside_availability(staff, event, stages, settings, window_from, window_to) -> None:
    slot = await make_slot(stages[0], at(event, 18), minutes=5)
    speech = await accepted(
        await make_member(), event, available=[(at(event, *window_from), at(event, *window_to))]
    )

    assert await refused(staff, event, speech, slot, settings) == "outside_availability"


async def test_past_curfew_for_a_minor(staff, event, stages, settings) -> None:
    slot = await make_slot(stages[0], at(event, 20, 57), minutes=5)  # ends 21:02
    speech = await accepted(await make_member(age=15), event)

    assert await refused(staff, event, speech, slot, settings) == "past_curfew"


async def test_a_minor_may_end_exactly_at_the_curfew(staff, event, stages, settings) -> None:
    slot = await make_slot(stages[0], at(event, 20, 55), minutes=5)  # ends 21:00
    speech = await accepted(await make_member(age=15), event)

    moved = await place(staff, event, speech, slot, settings)

    assert moved.speech.slot_id == slot.id


async def test_an_adult_may_speak_after_the_minors_curfew(staff, event, stages, settings) -> None:
    slot = await make_slot(stages[0], at(event, 20, 57), minutes=5)
    speech = await accepted(await make_member(age=19), event)

    moved = await place(staff, event, speech, slot, settings)

    assert moved.speech.slot_id == slot.id


@pytest.mark.parametrize(
    ("starts", "allowed"), [((19, 26), False), ((19, 25), True)], ids=["after", "before"]
)
async def test_the_events_own_curfew_is_honoured(staff, settings, starts, allowed) -> None:
    event = await make_evening_event(la_today() + timedelta(days=10), minor_curfew="19:30")
    slot = await make_slot(await make_stage(event), at(event, *starts), minutes=5)
    speech = await accepted(await make_member(age=16), event)

    if allowed:
        assert (await place(staff, event, speech, slot, settings)).speech.slot_id == slot.id
    else:
        assert await refused(staff, event, speech, slot, settings) == "past_curfew"


@pytest.mark.parametrize("age", [15, 19])
async def test_no_consent(staff, event, stages, settings, age) -> None:
    slot = await make_slot(stages[0], at(event, 18))
    speech = await accepted(await make_member(age=age, consented=False), event)

    assert await refused(staff, event, speech, slot, settings) == "no_consent"


async def test_no_consent_once_participation_is_revoked(staff, event, stages, settings) -> None:
    speaker = await make_member(age=15)
    slot = await make_slot(stages[0], at(event, 18))
    speech = await accepted(speaker, event)
    await consent.revoke(actor=staff, member=speaker, purpose=ConsentPurpose.PARTICIPATION)

    assert await refused(staff, event, speech, slot, settings) == "no_consent"


async def test_placing_less_than_48_hours_ahead_warns(staff, settings) -> None:
    now = utcnow()
    event = await make_event(starts_at=now, ends_at=now + timedelta(days=5))
    stage = await make_stage(event)
    soon = await make_slot(stage, now + timedelta(hours=30))
    later = await make_slot(stage, now + timedelta(hours=50))
    adult = await make_member(age=19)  # no curfew, whatever time of day it is now
    hurried = await accepted(adult, event, available=[(now, now + timedelta(days=5))])
    relaxed = await accepted(
        await make_member(age=19), event, available=[(now, now + timedelta(days=5))]
    )

    warned = await place(staff, event, hurried, soon, settings)
    calm = await place(staff, event, relaxed, later, settings)

    assert (warned.speech.slot_id, warned.warnings) == (soon.id, ["unconfirmed_48h"])
    assert calm.warnings == []
    board = await schedule.board(event)
    cells = {cell.slot.id: cell for row in board.rows for cell in row.cells.values()}
    assert (cells[soon.id].warnings, cells[later.id].warnings, board.warnings) == (
        ["unconfirmed_48h"],
        [],
        1,
    )


async def test_a_confirmed_speech_close_to_its_slot_needs_no_call(staff, settings) -> None:
    now = utcnow()
    event = await make_event(starts_at=now, ends_at=now + timedelta(days=5))
    slot = await make_slot(await make_stage(event), now + timedelta(hours=30))
    await make_placed(await make_member(age=19), slot, state=S.CONFIRMED)

    board = await schedule.board(event)

    assert board.warnings == 0


# Slots ---------------------------------------------------------------------------


def slot_form(stage: Stage, starts_at, **fields) -> SlotForm:
    return parse(SlotForm, {"stage_id": stage.id, "starts_at": starts_at.isoformat(), **fields})


async def test_slot_overlap_on_the_same_stage(event, stages) -> None:
    await make_slot(stages[0], at(event, 18), minutes=5)

    with pytest.raises(Conflict) as excinfo:
        await schedule.add_slots(event, slot_form(stages[0], at(event, 18, 4), minutes=5))

    assert excinfo.value.code == "slot_overlap"
    assert await Slot.all().count() == 1


async def test_a_run_of_slots_is_refused_whole_when_one_overlaps(event, stages) -> None:
    await make_slot(stages[0], at(event, 18, 20), minutes=5)

    with pytest.raises(Conflict) as excinfo:
        await schedule.add_slots(
            event, slot_form(stages[0], at(event, 18), minutes=5, count=5, gap_minutes=1)
        )

    assert excinfo.value.code == "slot_overlap"
    assert await Slot.all().count() == 1


async def test_slots_at_the_same_time_on_two_stages_are_fine(event, stages) -> None:
    await make_slot(stages[0], at(event, 18), minutes=5)

    made = await schedule.add_slots(event, slot_form(stages[1], at(event, 18), minutes=5))

    assert [(s.stage_id, s.starts_at, s.ends_at) for s in made] == [
        (stages[1].id, at(event, 18), at(event, 18, 5))
    ]


@pytest.mark.parametrize(
    ("starts", "count"), [((15, 55), 1), ((22, 50), 3)], ids=["before-start", "after-end"]
)
async def test_slots_outside_the_event(event, stages, starts, count) -> None:
    with pytest.raises(Conflict) as excinfo:
        await schedule.add_slots(
            event, slot_form(stages[0], at(event, *starts), minutes=5, count=count)
        )

    assert excinfo.value.code == "outside_event"
    assert await Slot.all().count() == 0
