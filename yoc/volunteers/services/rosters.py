"""Who is coming: each shift with its people, for staff (and the printed roster), and
each member's own shifts. A staff page that names minors on shifts logs the read, as
every adult's read of a minor's record is logged."""

from __future__ import annotations

from dataclasses import dataclass, field

from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.members.services import access
from yoc.members.services.standing import minors_among
from yoc.timeutil import utcnow
from yoc.volunteers.models import Shift, ShiftSignup


@dataclass
class Person:
    signup_id: int
    name: str
    email: str
    phone: str
    language: str
    member: bool  # has an account
    minor: bool
    no_show: bool
    added_by: str


@dataclass
class Line:
    shift: Shift
    people: list[Person] = field(default_factory=list)


async def roster(viewer: User, shifts: list[Shift]) -> list[Line]:
    """``shifts`` with the people on them, as ``viewer`` (staff) reads them."""
    signups = await ShiftSignup.filter(shift_id__in=[s.id for s in shifts]).select_related("user")
    users = {s.user.id: s.user for s in signups if s.user}
    minors = await minors_among(list(users))
    await access.audit_list_read(viewer, users.values(), via="web", minors=minors)
    lines = {s.id: Line(s) for s in shifts}
    for signup in signups:
        lines[signup.shift_id].people.append(_person(signup, minors))
    return list(lines.values())


async def one(viewer: User, signup: ShiftSignup) -> Person:
    """One person on a shift, as ``viewer`` (staff) reads them (a minor's read logged)."""
    await signup.fetch_related("user")
    minors = await minors_among([signup.user.id] if signup.user else [])
    if signup.user:
        await access.audit_list_read(viewer, [signup.user], via="web", minors=minors)
    return _person(signup, minors)


def _person(signup: ShiftSignup, minors: set[int]) -> Person:
    user = signup.user
    return Person(
        signup_id=signup.id,
        name=user.name if user else signup.name,
        email=user.email if user else signup.email or "",
        phone=signup.phone,
        language=user.language if user else signup.language,
        member=user is not None,
        minor=user is not None and user.id in minors,
        no_show=signup.no_show,
        added_by=signup.added_by,
    )


@dataclass
class Mine:
    signup_id: int
    shift: Shift


async def upcoming_for(user: User) -> list[Mine]:
    """The user's shifts that have not ended, soonest first."""
    signups = (
        await ShiftSignup.filter(user_id=user.id, shift__ends_at__gt=utcnow())
        .select_related("shift__event")
        .order_by("shift__starts_at")
    )
    return [Mine(s.id, s.shift) for s in signups]


async def open_for_signup(events: list[Event]) -> list[tuple[Event, list[Shift]]]:
    """Each event's shifts that have not started, with or without places left."""
    found = await Shift.filter(
        event_id__in=[e.id for e in events], starts_at__gt=utcnow()
    ).order_by("starts_at", "id")
    by_event: dict[int, list[Shift]] = {}
    for shift in found:
        by_event.setdefault(shift.event_id, []).append(shift)
    return [(e, by_event[e.id]) for e in events if e.id in by_event]
