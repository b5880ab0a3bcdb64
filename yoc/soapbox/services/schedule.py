"""The scheduling board: stages and slots of an event, and placing speeches in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from yoc.accounts.models import User
from yoc.errors import Conflict, NotFound
from yoc.events.models import Event
from yoc.i18n import N_, format_when
from yoc.members.models import MemberProfile
from yoc.settings import Settings
from yoc.soapbox.enums import PLACED_STATES, SpeechState
from yoc.soapbox.forms import SlotForm, StageForm
from yoc.soapbox.models import Availability, Slot, Speech, Stage
from yoc.soapbox.services import conflicts, transitions
from yoc.timeutil import utcnow


async def add_stage(event: Event, data: StageForm) -> Stage:
    last = await Stage.filter(event=event).order_by("-position").first()
    return await Stage.create(
        event=event, position=(last.position + 1) if last else 0, **data.model_dump()
    )


async def _stage(event: Event, stage_id: int) -> Stage:
    stage = await Stage.get_or_none(id=stage_id, event=event)
    if stage is None:
        raise NotFound(N_("We could not find that stage."), "not_found")
    return stage


async def _slot(event: Event, slot_id: int) -> Slot:
    slot = await Slot.get_or_none(id=slot_id, stage__event=event).prefetch_related("stage")
    if slot is None:
        raise NotFound(N_("We could not find that slot."), "not_found")
    return slot


async def find_slot(slot_id: int) -> Slot:
    """A slot of any event, by its id (a speech is checked against it when placed)."""
    slot = await Slot.get_or_none(id=slot_id)
    if slot is None:
        raise NotFound(N_("We could not find that slot."), "not_found")
    return slot


async def stage_to_remove(event: Event, stage_id: int) -> tuple[Stage, int]:
    """The stage, and how many slots go with it; refused while speeches are on it."""
    stage = await _stage(event, stage_id)
    if await Speech.filter(slot__stage=stage).exists():
        raise Conflict(N_("Move the speeches off this stage first."), "stage_in_use")
    return stage, await Slot.filter(stage=stage).count()


async def remove_stage(event: Event, stage_id: int) -> None:
    stage, _ = await stage_to_remove(event, stage_id)
    await stage.delete()


async def add_slots(event: Event, data: SlotForm) -> list[Slot]:
    """One slot or a run of them; refused whole if any falls outside the event or
    overlaps another slot of the stage (two speeches on one stage at once)."""
    stage = await _stage(event, data.stage_id)
    times = data.times()
    for starts_at, ends_at in times:
        if starts_at < event.starts_at or ends_at > event.ends_at:
            raise Conflict(
                N_("Slots must fit inside the event, from %(start)s to %(end)s."),
                "outside_event",
                start=format_when(event.starts_at),
                end=format_when(event.ends_at),
            )
    async with in_transaction():
        # Slots of one stage are added one batch at a time (PostgreSQL row lock).
        await Stage.filter(id=stage.id).select_for_update().first()
        existing = await Slot.filter(stage=stage)
        for starts_at, ends_at in times:
            for other in existing:
                if starts_at < other.ends_at and other.starts_at < ends_at:
                    raise Conflict(
                        N_("This overlaps the slot at %(time)s on the same stage."),
                        "slot_overlap",
                        time=format_when(other.starts_at),
                    )
        return [
            await Slot.create(stage=stage, starts_at=starts_at, ends_at=ends_at)
            for starts_at, ends_at in times
        ]


async def slot_to_remove(event: Event, slot_id: int) -> Slot:
    """The slot, with its stage; refused while a speech is in it."""
    slot = await _slot(event, slot_id)
    if await Speech.filter(slot=slot).exists():
        raise Conflict(N_("Move the speech out of this slot first."), "slot_in_use")
    return slot


async def remove_slot(event: Event, slot_id: int) -> None:
    await (await slot_to_remove(event, slot_id)).delete()


async def place(
    *, actor: User, event: Event, speech_id: int, slot_id: int, settings: Settings
) -> transitions.Moved:
    """Put an accepted speech into a slot, or move a scheduled one to another slot."""
    slot = await _slot(event, slot_id)
    return await transitions.move(
        speech_id, SpeechState.SCHEDULED, actor=actor, settings=settings, slot=slot
    )


async def unplace(*, actor: User, speech_id: int, settings: Settings) -> transitions.Moved:
    return await transitions.move(speech_id, SpeechState.ACCEPTED, actor=actor, settings=settings)


@dataclass
class Cell:
    slot: Slot
    speech: Speech | None = None
    minor: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class Row:
    starts_at: datetime
    cells: dict[int, Cell]  # stage id -> the slot starting at this time


@dataclass
class Board:
    event: Event
    stages: list[Stage]
    rows: list[Row]
    waiting: list[Speech]
    empty_slots: list[Slot]
    placed: int
    warnings: int

    @property
    def speakers(self) -> list[User]:
        """Everyone whose speech the board shows, placed or waiting."""
        shown = [c.speech for r in self.rows for c in r.cells.values() if c.speech] + self.waiting
        return list({s.speaker_id: s.speaker for s in shown}.values())


async def board(event: Event) -> Board:
    """Stages as columns, start times as rows; a fixed number of queries."""
    now = utcnow()
    stages = await Stage.filter(event=event)
    slots = (
        await Slot.filter(stage__event=event)
        .order_by("starts_at", "stage_id")
        .prefetch_related("stage")
    )
    placed = {
        s.slot_id: s
        for s in await Speech.filter(slot__stage__event=event).prefetch_related("speaker")
    }
    waiting = await Speech.filter(state=SpeechState.ACCEPTED).prefetch_related("speaker")
    windows = await Availability.filter(
        speech_id__in=[s.id for s in waiting],
        starts_at__lt=event.ends_at,
        ends_at__gt=event.starts_at,
    ).values_list("speech_id", flat=True)
    # Only speeches whose speakers can come to this event wait on its board.
    waiting = [s for s in waiting if s.id in set(windows)]
    speaker_ids = {s.speaker_id for s in placed.values()}
    profiles = {p.user_id: p for p in await MemberProfile.filter(user_id__in=list(speaker_ids))}
    rows: dict[datetime, Row] = {}
    warnings = 0
    for slot in slots:
        speech = placed.get(slot.id)
        cell = Cell(slot=slot, speech=speech)
        if speech is not None:
            cell.minor = conflicts.is_minor_on(profiles.get(speech.speaker_id), slot.starts_at)
            if conflicts.needs_confirmation_soon(speech, slot, now):
                cell.warnings.append("unconfirmed_48h")
                warnings += 1
        rows.setdefault(slot.starts_at, Row(slot.starts_at, {})).cells[slot.stage_id] = cell
    return Board(
        event=event,
        stages=stages,
        rows=sorted(rows.values(), key=lambda r: r.starts_at),
        waiting=waiting,
        empty_slots=[s for s in slots if s.id not in placed and s.starts_at > now],
        placed=sum(1 for s in placed.values() if s.state in PLACED_STATES),
        warnings=warnings,
    )
