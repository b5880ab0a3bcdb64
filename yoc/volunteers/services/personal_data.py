"""A member's volunteer shifts: what their download shows, and what deleting their data
takes away (every shift they are on, under their account or their address; the places
go back to the shifts)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from yoc.accounts.models import User
from yoc.volunteers.models import Shift, ShiftSignup

# Each section of the download, and the tables it is read from.
SECTIONS: dict[str, tuple[type, ...]] = {"volunteer_shifts": (ShiftSignup,)}


def _theirs(member: User):
    return ShiftSignup.filter(Q(user_id=member.id) | Q(email=member.email.lower()))


async def export(member: User) -> dict[str, Any]:
    signups = await _theirs(member).select_related("shift__event").order_by("shift__starts_at")
    return {
        "volunteer_shifts": [
            {
                "event": {"en": s.shift.event.name_en, "es": s.shift.event.name_es},
                "role": s.shift.role,
                "place": {"en": s.shift.place_en, "es": s.shift.place_es},
                "starts_at": s.shift.starts_at,
                "ends_at": s.shift.ends_at,
                "name": s.name,
                "email": s.email or "",
                "phone": s.phone,
                "did_not_come": s.no_show,
                "signed_up_at": s.created_at,
            }
            for s in signups
        ]
    }


async def erase(member: User) -> None:
    """Take the member off every shift (their hours go with it)."""
    async with in_transaction():
        for signup in await _theirs(member):
            if await ShiftSignup.filter(id=signup.id).delete():
                await Shift.filter(id=signup.shift_id, taken__gt=0).update(taken=F("taken") - 1)
