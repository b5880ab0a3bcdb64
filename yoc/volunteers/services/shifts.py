"""An event's shifts: defined, changed and removed by staff; listed with their gaps."""

from __future__ import annotations

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from yoc.errors import NotFound, ValidationFailed
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.settings import Settings
from yoc.timeutil import utcnow
from yoc.volunteers.forms import ShiftForm
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import rules, signups

NOT_FOUND = N_("We could not find that shift.")


async def get_shift(shift_id: int) -> Shift:
    """A shift, with its event."""
    shift = await Shift.get_or_none(id=shift_id).select_related("event")
    if shift is None:
        raise NotFound(NOT_FOUND, "not_found")
    return shift


async def of_event(event: Event) -> list[Shift]:
    """The event's shifts, soonest first."""
    return list(await Shift.filter(event_id=event.id).order_by("starts_at", "id"))


async def count_open(event: Event) -> int:
    """Shifts of the event that have not started and still need people."""
    return await Shift.filter(
        event_id=event.id, starts_at__gt=utcnow(), taken__lt=F("needed")
    ).count()


async def create(event: Event, data: ShiftForm) -> Shift:
    return await Shift.create(event_id=event.id, **data.model_dump())


async def update(shift: Shift, data: ShiftForm) -> Shift:
    """Change a shift; never below the people already on it, and never so that a minor
    on it would work past the event's curfew."""
    changes = data.model_dump()
    async with in_transaction() as conn:
        # The count of people only moves by conditional updates: so does this.
        moved = (
            await Shift.filter(id=shift.id, taken__lte=data.needed).using_db(conn).update(**changes)
        )
        if not moved:
            raise ValidationFailed(
                {"needed": N_("More people are already on this shift. Remove some first.")},
                code="below_taken",
            )
        changed = await Shift.get(id=shift.id).using_db(conn).select_related("event")
        for user_id in (
            await ShiftSignup.filter(shift_id=shift.id, user_id__isnull=False)
            .using_db(conn)
            .values_list("user_id", flat=True)
        ):
            # Raised inside the transaction, the change is undone.
            await rules.check_curfew(changed, user_id)
    return changed


async def delete(shift: Shift, *, settings: Settings) -> int:
    """Remove a shift (``shift.event`` loaded) and take everyone off it, telling them in
    the same transaction; how many people were on it."""
    async with in_transaction() as conn:
        # Locked first: a sign-up at the same moment waits for the removal, and of two
        # removals at once (a double tap) the second finds nothing and tells nobody.
        if await Shift.filter(id=shift.id).select_for_update().using_db(conn).first() is None:
            return 0
        people = list(await ShiftSignup.filter(shift_id=shift.id).using_db(conn))
        await Shift.filter(id=shift.id).using_db(conn).delete()
        for signup in people:
            await signups.tell_taken_off(signup, shift, settings=settings, shift_removed=True)
    return len(people)
