"""Festival tickets and revenue for the organisation's figures, counted over paid orders
by the time they were paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Coalesce, Count, Sum
from tortoise.queryset import QuerySet

from yoc.tally import Period, between, count_per_month, sums_per_month
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import Order, OrderItem, Ticket, TicketType


@dataclass(frozen=True)
class TicketMonths:
    sold: list[int]
    donated: list[int]
    claimed: list[int]


@dataclass(frozen=True)
class TypeRevenue:
    """A ticket type (None: tickets given to the donated pool), its event's and its own
    names in both languages, tickets and revenue."""

    ticket_type_id: int | None
    event_en: str
    event_es: str
    name_en: str
    name_es: str
    tickets: int
    cents: int


def _paid_between(starts_at: datetime, ends_at: datetime) -> Q:
    """Rows of an order paid in a span of time, by a subquery: a filter through a join
    would make the ORM group the rows one by one."""
    paid = Order.filter(status=OrderStatus.PAID, paid_at__gte=starts_at, paid_at__lt=ends_at)
    return Q(order_id__in=Subquery(paid.order_by("id").values("id")))


def _tickets_of_a_type() -> QuerySet[Ticket]:
    return Ticket.filter(status=TicketStatus.VALID, ticket_type_id__isnull=False)


async def tickets_per_month(period: Period) -> TicketMonths:
    """Tickets of a type sold (refunded ones left out), tickets given to the donated pool
    and tickets taken from it."""
    sold = await count_per_month(_tickets_of_a_type(), _paid_between, period)
    pool = await sums_per_month(
        Order.filter(status=OrderStatus.PAID),
        between("paid_at"),
        period,
        {"donated": "donated_count", "claimed": "claimed_count"},
    )
    return TicketMonths(sold=sold, donated=pool["donated"], claimed=pool["claimed"])


async def revenue_by_type(period: Period) -> list[TypeRevenue]:
    """Revenue of the tickets still valid, per ticket type, then the donated tickets."""
    paid = _paid_between(period.starts_at, period.ends_at)
    rows = (
        await _tickets_of_a_type()
        .filter(paid)
        .annotate(n=Count("id"), cents=Coalesce(Sum("price_cents"), 0))
        .group_by("ticket_type_id")
        .values("ticket_type_id", "n", "cents")
    )
    names = {
        t["id"]: t
        for t in await TicketType.filter(id__in=[r["ticket_type_id"] for r in rows]).values(
            "id", "name_en", "name_es", "event__name_en", "event__name_es"
        )
    }
    lines = [
        TypeRevenue(
            r["ticket_type_id"],
            names[r["ticket_type_id"]]["event__name_en"],
            names[r["ticket_type_id"]]["event__name_es"],
            names[r["ticket_type_id"]]["name_en"],
            names[r["ticket_type_id"]]["name_es"],
            r["n"],
            int(r["cents"]),
        )
        for r in rows
    ]
    lines.sort(key=lambda line: (line.event_en, line.name_en, line.ticket_type_id or 0))
    donated = await (
        OrderItem.filter(paid, kind="donation")
        .annotate(
            n=Coalesce(Sum("quantity"), 0),
            cents=Coalesce(Sum(F("quantity") * F("unit_price_cents")), 0),
        )
        .values("n", "cents")
    )
    if donated and donated[0]["n"]:
        lines.append(TypeRevenue(None, "", "", "", "", donated[0]["n"], int(donated[0]["cents"])))
    return lines
