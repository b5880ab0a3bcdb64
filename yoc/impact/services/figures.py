"""The organisation's figures: each one a small function from a period to a table of
counts, and one line in FIGURES. The Impact page, its CSV files, the publishing form
and the public "Our year in numbers" page all read FIGURES."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from yoc.curriculum.services import figures as curriculum
from yoc.i18n import N_, format_month, gettext, tr
from yoc.members.services import figures as members
from yoc.participation.services import figures as participation
from yoc.soapbox.services import figures as soapbox
from yoc.tally import Period
from yoc.tickets.services import figures as tickets
from yoc.volunteers.services import figures as volunteers

# A community with fewer members than this is shown as "fewer than 5": in a town of a
# few thousand, a count of one or two teens in a youth group can point at a child.
SMALL_GROUP = 5


@dataclass(frozen=True)
class Money:
    cents: int


@dataclass(frozen=True)
class Percent:
    """A share, from 0 to 1."""

    share: float


@dataclass(frozen=True)
class Hours:
    """Time given, in minutes; read as hours."""

    minutes: int


@dataclass(frozen=True)
class Few:
    """A count below ``below``, withheld."""

    below: int


Cell = int | Money | Percent | Hours | Few


@dataclass(frozen=True)
class Table:
    """Translated column headings (the first names the rows) and rows: a label and a
    value per further column."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]


class Chart(StrEnum):
    MONTHS = "months"
    BARS = "bars"


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    chart: Chart
    table: Callable[[Period], Awaitable[Table]]

    @property
    def translated_title(self) -> str:
        return gettext(self.title)


def _per_month(period: Period, series: dict[str, list[int]]) -> Table:
    months = period.months()
    return Table(
        (gettext("Month"), *series),
        tuple(
            (format_month(month.first_day), tuple(values[i] for values in series.values()))
            for i, month in enumerate(months)
        ),
    )


def _withheld(count: int) -> Cell:
    return Few(SMALL_GROUP) if 0 < count < SMALL_GROUP else count


async def active_members(period: Period) -> Table:
    counts = await members.active_members_per_month(period)
    return _per_month(period, {gettext("Active members"): counts})


async def members_by_community(period: Period) -> Table:
    counts = await members.active_members_by_community(period.ends_at)
    return Table(
        (gettext("Community"), gettext("Active members")),
        tuple(
            (community.label, (_withheld(n),))
            for community, n in counts.items()
            if n or community.value != "other"
        ),
    )


async def modules_completed(period: Period) -> Table:
    counts = await curriculum.modules_completed_per_month(period)
    return _per_month(period, {gettext("Modules completed"): counts})


async def speeches(period: Period) -> Table:
    proposed = await soapbox.speeches_proposed_per_month(period)
    delivered = await soapbox.speeches_delivered_per_month(period)
    return _per_month(
        period, {gettext("Speeches proposed"): proposed, gettext("Speeches delivered"): delivered}
    )


async def festival_tickets(period: Period) -> Table:
    counts = await tickets.tickets_per_month(period)
    return _per_month(
        period,
        {
            gettext("Tickets sold"): counts.sold,
            gettext("Tickets donated"): counts.donated,
            gettext("Donated tickets claimed"): counts.claimed,
        },
    )


async def revenue_by_ticket_type(period: Period) -> Table:
    lines = await tickets.revenue_by_type(period)
    return Table(
        (gettext("Ticket type"), gettext("Tickets"), gettext("Revenue")),
        tuple(
            (
                f"{tr(line, 'event')} · {tr(line, 'name')}"
                if line.ticket_type_id
                else gettext("Donated tickets"),
                (line.tickets, Money(line.cents)),
            )
            for line in lines
        ),
    )


async def hours_served(period: Period) -> Table:
    verified = await participation.verified_minutes_per_month(period)
    shifts = await volunteers.shift_minutes_per_month(period)
    return _per_month(
        period,
        {
            gettext("Verified service hours"): [Hours(m) for m in verified],
            gettext("Hours on volunteer shifts"): [Hours(m) for m in shifts],
        },
    )


async def attendance_by_group(period: Period) -> Table:
    groups = await participation.attendance_by_group(period)
    return Table(
        (gettext("Group"), gettext("Meetings with attendance taken"), gettext("Attendance rate")),
        tuple((g.group, (g.meetings, Percent(g.rate))) for g in groups),
    )


FIGURES: tuple[Figure, ...] = (
    Figure("active_members", N_("Active members over time"), Chart.MONTHS, active_members),
    Figure(
        "members_by_community", N_("Active members by community"), Chart.BARS, members_by_community
    ),
    Figure("modules_completed", N_("Modules completed"), Chart.MONTHS, modules_completed),
    Figure("speeches", N_("Soapbox Speeches proposed and delivered"), Chart.MONTHS, speeches),
    Figure("hours_served", N_("Hours served"), Chart.MONTHS, hours_served),
    Figure("attendance_by_group", N_("Attendance rate per group"), Chart.BARS, attendance_by_group),
    Figure(
        "festival_tickets",
        N_("Festival tickets sold, donated and claimed"),
        Chart.MONTHS,
        festival_tickets,
    ),
    Figure(
        "revenue_by_ticket_type",
        N_("Festival revenue by ticket type"),
        Chart.BARS,
        revenue_by_ticket_type,
    ),
)
BY_KEY = {figure.key: figure for figure in FIGURES}
