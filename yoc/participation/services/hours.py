"""Service and volunteer hours: a member logs them, a mentor of theirs verifies or
rejects them (with a reason), and verified hours add up per year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import Conflict, NotFound, PermissionDenied
from yoc.i18n import N_
from yoc.members.services.access import can_see, is_staff
from yoc.participation.enums import HoursState
from yoc.participation.models import ServiceHours
from yoc.timeutil import utcnow
from yoc.volunteers.services.hours import shift_hours_for

NOT_FOUND = N_("We could not find those hours.")


def to_minutes(hours: Decimal) -> int:
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# Other places a member serves hours add theirs to the year's total here, and nowhere
# else: each source gives the hours of a user in a year, and its label (a message id)
# says on the member's page and in the letter where they come from.
HoursSource = Callable[[int, int], Awaitable[Decimal | int | float]]
HOURS_SOURCES: tuple[tuple[str, HoursSource], ...] = (
    (N_("Volunteer shifts at YO-C events"), shift_hours_for),
)


@dataclass
class YearOfHours:
    """A year of a member's hours: what they logged, by state, and other sources."""

    year: int
    entries: list[ServiceHours] = field(default_factory=list)
    # (label, minutes) from HOURS_SOURCES
    other: list[tuple[str, int]] = field(default_factory=list)

    @property
    def verified(self) -> list[ServiceHours]:
        return [e for e in self.entries if e.state == HoursState.VERIFIED]

    @property
    def verified_minutes(self) -> int:
        return sum(e.minutes for e in self.verified) + sum(m for _, m in self.other)

    @property
    def pending_minutes(self) -> int:
        return sum(e.minutes for e in self.entries if e.state == HoursState.PENDING)

    @property
    def verifiers(self) -> list[str]:
        """The names of the mentors who verified the year's hours, most hours first."""
        minutes: dict[str, int] = defaultdict(int)
        for entry in self.verified:
            minutes[entry.reviewer_name] += entry.minutes
        return sorted((n for n in minutes if n), key=lambda n: (-minutes[n], n))


async def log_hours(
    member: User, *, served_on: date, hours: Decimal, organisation: str, description: str
) -> ServiceHours:
    """The member's own record of hours served, waiting for a mentor."""
    if member.role != Role.MEMBER:
        raise PermissionDenied(N_("Only members log service hours."), "forbidden")
    return await ServiceHours.create(
        member=member,
        served_on=served_on,
        minutes=to_minutes(hours),
        organisation=organisation,
        description=description,
    )


async def _other_hours(user_id: int, year: int) -> list[tuple[str, int]]:
    found = []
    for label, source in HOURS_SOURCES:
        minutes = to_minutes(Decimal(str(await source(user_id, year))))
        if minutes:
            found.append((label, minutes))
    return found


async def years_of(member: User) -> list[YearOfHours]:
    """Every year the member logged hours in (and the current one), the latest first."""
    by_year: dict[int, YearOfHours] = {utcnow().year: YearOfHours(utcnow().year)}
    for entry in await ServiceHours.filter(member=member):
        year = entry.served_on.year
        by_year.setdefault(year, YearOfHours(year)).entries.append(entry)
    for year, found in by_year.items():
        found.other = await _other_hours(member.id, year)
    return [by_year[y] for y in sorted(by_year, reverse=True)]


async def year_of(member: User, year: int) -> YearOfHours:
    entries = await ServiceHours.filter(
        member=member, served_on__gte=date(year, 1, 1), served_on__lte=date(year, 12, 31)
    )
    return YearOfHours(year, list(entries), await _other_hours(member.id, year))


async def waiting_for(viewer: User) -> list[ServiceHours]:
    """Hours that wait for the viewer: a mentor's groups' members (staff: everyone's)."""
    if viewer.role == Role.MEMBER:
        raise PermissionDenied(N_("Only mentors and staff can see lists of members."), "forbidden")
    query = ServiceHours.filter(state=HoursState.PENDING, member__role=Role.MEMBER)
    if not is_staff(viewer):
        query = query.filter(member__member_cohorts__mentors=viewer).distinct()
    return await query.order_by("served_on", "id").prefetch_related("member")


async def review(*, actor: User, hours_id: int, verified: bool, reason: str = "") -> ServiceHours:
    """Verify or reject hours; only a mentor of the member's group (or staff), never the
    member who logged them, and only once."""
    entry = await ServiceHours.get_or_none(id=hours_id).prefetch_related("member")
    if entry is None or actor.role == Role.MEMBER or not await can_see(actor, entry.member):
        raise NotFound(NOT_FOUND, "not_found")
    if actor.id == entry.member_id:
        raise PermissionDenied(N_("You cannot verify your own hours."), "own_hours")
    state = HoursState.VERIFIED if verified else HoursState.REJECTED
    changed = await ServiceHours.filter(id=entry.id, state=HoursState.PENDING).update(
        state=state,
        reviewed_by_id=actor.id,
        reviewer_name=actor.name,
        reviewed_at=utcnow(),
        reason="" if verified else reason,
    )
    if not changed:
        raise Conflict(N_("Someone already reviewed these hours."), "already_reviewed")
    await entry.refresh_from_db()
    return entry
