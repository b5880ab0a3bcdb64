"""Who may work a shift: a minor needs participation consent on file, and is never on a
shift that ends past the event's minor curfew (the same curfew the Soapbox scheduler
keeps for speakers under 18)."""

from __future__ import annotations

from datetime import datetime

from yoc.accounts.models import User
from yoc.errors import Conflict
from yoc.events.forms import LA
from yoc.events.models import Event
from yoc.i18n import N_, format_clock
from yoc.members.enums import ConsentPurpose
from yoc.members.services.standing import has_consent, minor_on
from yoc.soapbox.services.conflicts import curfew_limit as limit_at
from yoc.volunteers.models import Shift, ShiftSignup

PAST_CURFEW = N_(
    "Volunteers under 18 finish by %(curfew)s at this event, and this shift ends later."
)
NO_CONSENT = N_(
    "Volunteers under 18 need a participation consent from a parent or guardian on file "
    "before they sign up for a shift."
)


def curfew_limit(shift: Shift) -> datetime:
    """When a minor's work must end on the shift's day (local time)."""
    return limit_at(shift.starts_at, shift.event.minor_curfew)


async def minor_for(shift: Shift, user_id: int) -> bool:
    return await minor_on(user_id, shift.starts_at.astimezone(LA).date())


async def check_curfew(shift: Shift, user_id: int) -> None:
    """Refuse ``shift`` for a minor if it ends past the event's curfew (``shift.event``
    must be loaded)."""
    if not await minor_for(shift, user_id):
        return
    limit = curfew_limit(shift)
    if shift.ends_at > limit:
        raise Conflict(PAST_CURFEW, "past_curfew", curfew=format_clock(limit))


async def minor_on_shift_past(event: Event, curfew: str) -> bool:
    """Whether someone under 18 is on a shift of ``event`` that ends past ``curfew``."""
    taken = await ShiftSignup.filter(
        shift__event_id=event.id, user_id__isnull=False
    ).select_related("shift")
    for signup in taken:
        shift = signup.shift
        if shift.ends_at > limit_at(shift.starts_at, curfew) and await minor_for(
            shift, signup.user_id
        ):
            return True
    return False


async def check_person(shift: Shift, user: User) -> None:
    """Refuse ``shift`` for ``user`` when a rule for minors forbids it."""
    if not await minor_for(shift, user.id):
        return
    if not await has_consent(user, ConsentPurpose.PARTICIPATION):
        raise Conflict(NO_CONSENT, "no_consent")
    await check_curfew(shift, user.id)
