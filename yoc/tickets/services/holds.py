"""Capacity: seats held and given back with conditional updates, so that no two buyers
can take the last seat, on SQLite or on PostgreSQL with many workers."""

from __future__ import annotations

from tortoise.expressions import F, Q

from yoc.errors import Conflict
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import Order, OrderItem, Ticket, TicketType
from yoc.tickets.services.pricing import Quote, QuotedLine


class SoldOut(Conflict):
    def __init__(self, what: str = "") -> None:
        super().__init__(N_("Sorry, there are not enough tickets left for this order."), "sold_out")
        self.what = what


class UnpaidLimit(Conflict):
    """The event holds as many seats for pay-at-the-door reservations as it allows."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "Too many tickets are already reserved to pay at the door. Please pay by card "
                "now, or buy your tickets at the box office when you arrive."
            ),
            "unpaid_limit",
        )


async def take(quote_: Quote, conn=None) -> None:
    """Hold the seats, or raise SoldOut. Call inside a transaction: a failure rolls back.
    A type with people on its waiting list sells nothing (its seats are theirs first).

    Pass the transaction's connection (``conn``) to take them in one statement on
    PostgreSQL: the rows taken stay locked until the commit, and every further statement
    in that window is one more turn of a busy worker's event loop that every other buyer
    of the event waits for.
    """
    if conn is not None and conn.capabilities.dialect == "postgres":
        await _take_at_once(conn, quote_)
        return
    # In the same order for every buyer (by type), so two orders of the same types cannot
    # each hold a row the other waits for.
    for line in sorted(quote_.lines, key=lambda line: line.ticket_type.id):
        n = line.quantity
        taken = (
            await TicketType.filter(id=line.ticket_type.id, waiting=0)
            .filter(Q(quota__isnull=True) | Q(sold__lte=F("quota") - n))
            .update(sold=F("sold") + n)
        )
        if not taken:
            raise SoldOut(line.ticket_type.name_en)
    if quote_.seats and not await Event.filter(
        id=quote_.event.id, sold__lte=F("capacity") - quote_.seats
    ).update(sold=F("sold") + quote_.seats):
        raise SoldOut("event")
    if quote_.claim and not await Event.filter(
        id=quote_.event.id, donated_claimed__lte=F("donated") - quote_.claim
    ).update(donated_claimed=F("donated_claimed") + quote_.claim):
        raise SoldOut("donated")
    if quote_.unpaid_seats and not await Event.filter(
        id=quote_.event.id,
        unpaid_held__lte=quote_.event.unpaid_seats_allowed - quote_.unpaid_seats,
    ).update(unpaid_held=F("unpaid_held") + quote_.unpaid_seats):
        raise UnpaidLimit()


async def _take_at_once(conn, quote_: Quote) -> None:
    """PostgreSQL: the same conditional updates as ``take``, as one statement. Each ticket
    type is a data-modifying CTE; the event's update runs only if every one of them took
    its seats (its EXISTS tests are evaluated before the event's row is touched), so rows
    are locked in the same order as ``take``: ticket types by id, then the event.

    The text holds only names of its own and ``$n`` placeholders (hence the noqa: S608
    marks): every value is a bound parameter."""
    params: list = []

    def param(value: int) -> str:
        params.append(value)
        return f"${len(params)}"

    parts, taken = [], []
    for i, line in enumerate(sorted(quote_.lines, key=lambda line: line.ticket_type.id)):
        n = param(line.quantity)
        parts.append(
            f"t{i} AS (UPDATE ticket_types SET sold = sold + {n} "  # noqa: S608
            f"WHERE id = {param(line.ticket_type.id)} AND waiting = 0 "
            f"AND (quota IS NULL OR sold <= quota - {n}) RETURNING 1)"
        )
        taken.append(f"t{i}")
    changes, conditions = [], [f"EXISTS (SELECT 1 FROM {t})" for t in taken]  # noqa: S608
    if quote_.seats:
        n = param(quote_.seats)
        changes.append(f"sold = sold + {n}")
        conditions.append(f"sold <= capacity - {n}")
    if quote_.claim:
        n = param(quote_.claim)
        changes.append(f"donated_claimed = donated_claimed + {n}")
        conditions.append(f"donated_claimed <= donated - {n}")
    if quote_.unpaid_seats:
        n = param(quote_.unpaid_seats)
        changes.append(f"unpaid_held = unpaid_held + {n}")
        room = quote_.event.unpaid_seats_allowed - quote_.unpaid_seats
        conditions.append(f"unpaid_held <= {param(room)}")
    if changes:
        parts.append(
            f"e AS (UPDATE events SET {', '.join(changes)} "  # noqa: S608
            f"WHERE id = {param(quote_.event.id)} AND {' AND '.join(conditions)} RETURNING 1)"
        )
        taken.append("e")
    if not taken:
        return
    counts = ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in taken)  # noqa: S608
    [row] = await conn.execute_query_dict(f"WITH {', '.join(parts)} SELECT {counts}", params)
    if all(row.values()):
        return
    if quote_.unpaid_seats and all(v for k, v in row.items() if k != "e"):
        # Only the event's row refused: say why, when seats are left but not unpaid ones.
        # (The transaction is rolled back either way; this read only picks the message.)
        [event] = await conn.execute_query_dict(
            "SELECT sold, capacity, donated_claimed, donated FROM events WHERE id = $1",
            [quote_.event.id],
        )
        if event["sold"] + quote_.seats <= event["capacity"] and (
            event["donated_claimed"] + quote_.claim <= event["donated"]
        ):
            raise UnpaidLimit()
    raise SoldOut()


async def release(order: Order, tickets: list[Ticket]) -> None:
    """Give back the seats of these tickets (a claimed donated ticket goes back to the pool)."""
    for ticket in tickets:
        if ticket.ticket_type_id:
            await TicketType.filter(id=ticket.ticket_type_id).update(sold=F("sold") - 1)
            await Event.filter(id=order.event_id).update(sold=F("sold") - 1)
        else:
            await Event.filter(id=order.event_id).update(donated_claimed=F("donated_claimed") - 1)


async def release_all(order: Order, *, was_paid: bool) -> None:
    live = await Ticket.filter(order=order, status=TicketStatus.VALID)
    await Ticket.filter(order=order).update(status=TicketStatus.VOID)
    await release(order, live)
    if not order.donated_count:
        return
    if not was_paid:  # donated seats held by an unpaid order
        await Event.filter(id=order.event_id).update(sold=F("sold") - order.donated_count)
        return
    # A refunded donor's seats leave the pool, except those somebody already claimed.
    event = await Event.get(id=order.event_id)
    unclaimed = min(order.donated_count, event.donated - event.donated_claimed)
    if unclaimed > 0:
        await Event.filter(id=order.event_id, donated__gte=F("donated_claimed") + unclaimed).update(
            donated=F("donated") - unclaimed, sold=F("sold") - unclaimed
        )


async def give_back_unpaid(order: Order) -> None:
    """An open pay-at-the-door reservation ended (paid, lapsed or cancelled): its seats
    no longer count against the event's unpaid limit."""
    if order.open_reservation is None:
        return
    if await Order.filter(id=order.id, open_reservation=order.open_reservation).update(
        open_reservation=None
    ):
        await Event.filter(id=order.event_id).update(
            unpaid_held=F("unpaid_held") - order.tickets_count
        )
    order.open_reservation = None


async def lapse_unpaid_at(event: Event) -> None:
    """Open reservations lapse when the event now says (its lapse time was changed)."""
    await Order.filter(
        event_id=event.id, status=OrderStatus.PENDING, open_reservation__isnull=False
    ).update(hold_expires_at=event.unpaid_lapse_at)


async def retake(order: Order) -> None:
    """Hold the seats of an order again (a payment that came after its hold ended)."""
    items = await OrderItem.filter(order=order).prefetch_related("ticket_type")
    event = await Event.get(id=order.event_id)
    lines = [
        QuotedLine(i.ticket_type, i.quantity, i.unit_price_cents)
        for i in items
        if i.kind == "ticket"
    ]
    await take(
        Quote(
            event,
            lines,
            order.donated_count,
            order.claimed_count,
            event.donation_price_cents,
            order.payment,
        )
    )
