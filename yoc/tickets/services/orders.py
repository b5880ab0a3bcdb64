"""Orders: quote on the server in integer cents, hold seats atomically, move through
states in one function, release what expires, refund through the provider."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from yoc import mail
from yoc.errors import Conflict, DomainError, NotFound, ValidationFailed
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.settings import Settings
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing, TicketStatus
from yoc.tickets.models import Order, OrderItem, OrderLog, Refund, Ticket, TicketType
from yoc.tickets.services.secrets import order_code, random_code, ticket_secret
from yoc.timeutil import utcnow

log = logging.getLogger("yoc.tickets")
S = OrderStatus


class SoldOut(Conflict):
    def __init__(self, what: str = "") -> None:
        super().__init__(N_("Sorry, there are not enough tickets left for this order."), "sold_out")
        self.what = what


@dataclass
class Line:
    ticket_type_id: int
    quantity: int
    price_cents: int | None = None  # chosen on a sliding scale


@dataclass
class OrderRequest:
    buyer_name: str
    buyer_email: str
    buyer_phone: str = ""
    language: str = "en"
    lines: list[Line] = field(default_factory=list)
    donate: int = 0  # pay-it-forward tickets added to the pool
    claim: int = 0  # free tickets taken from the pool
    payment: PaymentMethod | None = None
    access_code: str = ""


@dataclass
class QuotedLine:
    ticket_type: TicketType
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass
class Quote:
    event: Event
    lines: list[QuotedLine]
    donate: int
    claim: int
    donation_unit_cents: int
    payment: PaymentMethod

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines) + self.donate * self.donation_unit_cents

    @property
    def seats(self) -> int:
        """Seats taken from the event's capacity (claims use seats donors already took)."""
        return sum(line.quantity for line in self.lines) + self.donate

    @property
    def tickets(self) -> int:
        return sum(line.quantity for line in self.lines) + self.claim


def in_window(start: datetime | None, end: datetime | None, now: datetime) -> bool:
    return (start is None or start <= now) and (end is None or now < end)


def visible_types(types: list[TicketType], access_code: str) -> list[TicketType]:
    code = access_code.strip().upper()
    return [t for t in types if t.active and (not t.access_code or t.access_code.upper() == code)]


async def quote(
    event: Event, request: OrderRequest, *, stripe_enabled: bool, now: datetime | None = None
) -> Quote:
    """Check a request against every rule and price it; raise with a message per field."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    if not in_window(event.sales_start, event.sales_end, now):
        raise DomainError(N_("Ticket sales for this event are closed."), "sales_closed")
    types = {
        t.id: t for t in visible_types(await TicketType.filter(event=event), request.access_code)
    }
    lines: list[QuotedLine] = []
    for line in request.lines:
        if line.quantity == 0:
            continue
        ticket_type = types.get(line.ticket_type_id)
        key = f"qty_{line.ticket_type_id}"
        if ticket_type is None:
            # Shown at the top: a hidden type has no place on the page to show it beside.
            errors["__all__"] = N_("This ticket type is not available.")
            continue
        if line.quantity < 0:
            errors[key] = N_("Choose how many tickets you want.")
            continue
        if not in_window(ticket_type.sales_start, ticket_type.sales_end, now):
            errors[key] = N_("This ticket type is not on sale now.")
            continue
        if line.quantity > ticket_type.max_per_order:
            errors[key] = N_(
                "That is more than one order can have. Make a second order, or ask us for a group."
            )
            continue
        unit = ticket_type.price_cents
        if ticket_type.pricing == Pricing.FREE:
            unit = 0
        elif ticket_type.pricing == Pricing.SLIDING:
            unit = ticket_type.suggested_cents if line.price_cents is None else line.price_cents
            if not ticket_type.min_cents <= unit <= ticket_type.max_cents:
                errors[f"price_{line.ticket_type_id}"] = N_(
                    "Choose a price between the lowest and the highest shown."
                )
                continue
        lines.append(QuotedLine(ticket_type, line.quantity, unit))
    if request.donate < 0 or request.donate > 20:
        errors["donate"] = N_("You can give from 0 to 20 tickets.")
    if request.donate and not event.donation_price_cents:
        errors["__all__"] = N_("This event does not take donated tickets.")
    if request.claim < 0 or request.claim > 4:
        errors["claim"] = N_("You can take up to 4 donated tickets.")
    if errors:
        raise ValidationFailed(errors)
    if not lines and not request.donate and not request.claim:
        raise ValidationFailed({"__all__": N_("Choose at least one ticket.")})
    total = sum(x.total_cents for x in lines) + request.donate * event.donation_price_cents
    payment = request.payment
    if total == 0:
        payment = PaymentMethod.FREE
    elif payment in (None, PaymentMethod.FREE):
        raise ValidationFailed({"payment": N_("Choose how you want to pay.")})
    elif payment == PaymentMethod.STRIPE and not stripe_enabled:
        raise ValidationFailed(
            {"payment": N_("Card payment is not set up yet. Choose to pay at the door.")}
        )
    return Quote(event, lines, request.donate, request.claim, event.donation_price_cents, payment)


async def _take(quote_: Quote, conn=None) -> None:
    """Hold the seats, or raise SoldOut. Call inside a transaction: a failure rolls back.

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
            await TicketType.filter(id=line.ticket_type.id)
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


async def _take_at_once(conn, quote_: Quote) -> None:
    """PostgreSQL: the same conditional updates as ``_take``, as one statement. Each ticket
    type is a data-modifying CTE; the event's update runs only if every one of them took
    its seats (its EXISTS tests are evaluated before the event's row is touched), so rows
    are locked in the same order as ``_take``: ticket types by id, then the event.

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
            f"WHERE id = {param(line.ticket_type.id)} "
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
    if not all(row.values()):
        raise SoldOut()


async def _release(order: Order, tickets: list[Ticket]) -> None:
    """Give back the seats of these tickets (a claimed donated ticket goes back to the pool)."""
    for ticket in tickets:
        if ticket.ticket_type_id:
            await TicketType.filter(id=ticket.ticket_type_id).update(sold=F("sold") - 1)
            await Event.filter(id=order.event_id).update(sold=F("sold") - 1)
        else:
            await Event.filter(id=order.event_id).update(donated_claimed=F("donated_claimed") - 1)


async def sweep_expired(
    *, event_id: int | None = None, now: datetime | None = None, payments=None
) -> int:
    """Expire pending orders whose hold has ended; return how many."""
    now = now or utcnow()
    query = Order.filter(status=S.PENDING, hold_expires_at__lt=now)
    if event_id is not None:
        query = query.filter(event_id=event_id)
    expired = 0
    for order in await query:
        if await move(order, S.EXPIRED, actor="system", note="hold ended", payments=payments):
            expired += 1
    return expired


async def place_order(
    event: Event, request: OrderRequest, *, settings: Settings, payments
) -> Order:
    """Create the order and hold its seats in one transaction; free orders are paid.

    The order's tickets come with it, already fetched (``async for t in order.tickets``).
    """
    from yoc.tickets.services import signing

    priced = await quote(event, request, stripe_enabled=settings.stripe_enabled)
    # The ticket signing key is stored on the event's row: make it before the transaction,
    # or its update would lock that row ahead of the seats and deadlock with other buyers.
    await signing.private_key(event)
    try:
        return await _create(event, request, priced, settings)
    except SoldOut:
        # Seats of holds that ended count as sold until they are released (by the jobs
        # worker every few seconds). Release this event's now, and try once more, rather
        # than look for them on every order: they matter only when they stand in the way.
        if not await sweep_expired(event_id=event.id, payments=payments):
            raise
    return await _create(event, request, priced, settings)


async def _create(event: Event, request: OrderRequest, priced: Quote, settings: Settings) -> Order:
    now = utcnow()
    # A free order is paid the moment it is placed: written as paid at once, with the
    # same two log rows a move from pending would write.
    free = priced.payment == PaymentMethod.FREE
    async with in_transaction() as conn:
        order = await Order.create(
            code=order_code(),
            key=random_code(24),
            event=event,
            status=S.PAID if free else S.PENDING,
            paid_at=now if free else None,
            payment=priced.payment,
            buyer_name=request.buyer_name,
            buyer_email=request.buyer_email,
            buyer_phone=request.buyer_phone,
            language=request.language,
            total_cents=priced.total_cents,
            tickets_count=priced.seats,
            donated_count=priced.donate,
            claimed_count=priced.claim,
            hold_expires_at=now + timedelta(minutes=settings.hold_minutes)
            if priced.payment == PaymentMethod.STRIPE
            else None,
        )
        items: list[OrderItem] = []
        tickets: list[Ticket] = []
        for line in priced.lines:
            items.append(
                OrderItem(
                    order=order,
                    ticket_type=line.ticket_type,
                    kind="ticket",
                    quantity=line.quantity,
                    unit_price_cents=line.unit_cents,
                )
            )
            tickets.extend(
                Ticket(
                    order=order,
                    ticket_type=line.ticket_type,
                    label_en=line.ticket_type.name_en,
                    label_es=line.ticket_type.name_es,
                    secret=ticket_secret(),
                    price_cents=line.unit_cents,
                )
                for _ in range(line.quantity)
            )
        if priced.donate:
            items.append(
                OrderItem(
                    order=order,
                    kind="donation",
                    quantity=priced.donate,
                    unit_price_cents=priced.donation_unit_cents,
                )
            )
        if priced.claim:
            items.append(
                OrderItem(order=order, kind="claim", quantity=priced.claim, unit_price_cents=0)
            )
            tickets.extend(
                Ticket(
                    order=order,
                    label_en="Donated ticket",
                    label_es="Boleto donado",
                    secret=ticket_secret(),
                )
                for _ in range(priced.claim)
            )
        await OrderItem.bulk_create(items)
        await _insert_tickets(conn, tickets)
        entries = [
            OrderLog(
                order=order,
                to_status=S.PENDING,
                actor_label=order.buyer_email,
                note=f"{priced.payment.value}, {priced.total_cents} cents",
            )
        ]
        if free:
            # Nothing to add to the donated pool: donated tickets have a price, so a free
            # order never donates (see move() for paid orders that do).
            entries.append(
                OrderLog(
                    order=order,
                    from_status=S.PENDING.value,
                    to_status=S.PAID.value,
                    actor_label="system",
                    note="free order",
                )
            )
        await OrderLog.bulk_create(entries)
        if free:
            await _mail(order, "order_confirmed", settings, event=event, tickets=tickets)
        elif priced.payment == PaymentMethod.BOX_OFFICE:
            await _mail(order, "order_received", settings, event=event, tickets=tickets)
        # The seats come last: every buyer of the event updates the same rows, and a row
        # stays locked from its update to the commit, so nothing slow may sit between.
        # SoldOut here rolls back the whole order, its log and its mail.
        await _take(priced, conn)
    # The caller shows the tickets: hand them over as if fetched, saving a query.
    order.tickets._set_result_for_query(tickets)
    return order


# The INSERT of n tickets, per kind of database: built once per size of order.
_TICKET_INSERTS: dict[tuple[type, int], str] = {}


async def _insert_tickets(conn, tickets: list[Ticket]) -> None:
    """Write the tickets with one INSERT and learn their ids, which bulk_create does not
    return (the email names each ticket's QR image by its id)."""
    if not tickets:
        return
    executor = conn.executor_class(model=Ticket, db=conn)
    names = executor.regular_columns
    key = (type(conn), len(tickets))
    sql = _TICKET_INSERTS.get(key)
    if sql is None:
        query = conn.query_class.into(Ticket._meta.basetable).columns(
            *(Ticket._meta.fields_db_projection[n] for n in names)
        )
        for row in range(len(tickets)):
            query = query.insert(
                *(executor.parameter(row * len(names) + i) for i in range(len(names)))
            )
        # PostgreSQL and SQLite (3.35+) both return the new rows; in an order of their
        # choosing, so each id is matched to its ticket by the (unique) secret.
        sql = _TICKET_INSERTS[key] = f'{query.get_sql()} RETURNING "id","secret"'
    fields = Ticket._meta.fields_map
    values = [fields[n].to_db_value(getattr(t, n), t) for t in tickets for n in names]
    rows = await conn.execute_query_dict(sql, values)
    ids = {row["secret"]: row["id"] for row in rows}
    for ticket in tickets:
        ticket.id = ids[ticket.secret]
        ticket._saved_in_db = True


ALLOWED = {
    S.PENDING: {S.PAID, S.EXPIRED, S.CANCELLED},
    S.PAID: {S.REFUNDED, S.CANCELLED},
    # A card payment that arrives after the hold ended (see fulfil_late_payment).
    S.EXPIRED: {S.PAID},
    S.REFUNDED: set(),
    S.CANCELLED: set(),
}


async def move(
    order: Order,
    to: OrderStatus,
    *,
    actor: str,
    note: str = "",
    settings: Settings | None = None,
    payments=None,
) -> bool:
    """The one way an order changes state: checked, logged, with its side effects.

    Returns False (and changes nothing) when another request moved the order first.
    """
    if to not in ALLOWED[order.status]:
        raise Conflict(N_("This order cannot change that way."), "bad_transition")
    before = order.status
    async with in_transaction():
        changes: dict = {"status": to}
        if to == S.PAID:
            changes["paid_at"] = utcnow()
        if not await Order.filter(id=order.id, status=before).update(**changes):
            return False
        order.status = to
        if to == S.PAID:
            order.paid_at = changes["paid_at"]
            if order.donated_count:
                await Event.filter(id=order.event_id).update(
                    donated=F("donated") + order.donated_count
                )
        elif to in (S.EXPIRED, S.CANCELLED, S.REFUNDED):
            await _release_all(order, was_paid=before == S.PAID)
        await OrderLog.create(
            order=order, from_status=before.value, to_status=to.value, actor_label=actor, note=note
        )
    # The buyer must not be able to pay for an order that ended: close its checkout.
    if (
        to in (S.EXPIRED, S.CANCELLED)
        and before == S.PENDING
        and payments is not None
        and order.payment in payments.providers
    ):
        await payments.for_order(order).cancel(order)
    if settings is not None:
        template = {
            S.PAID: "order_confirmed",
            S.REFUNDED: "order_refunded",
            S.CANCELLED: "order_cancelled",
        }.get(to)
        if template and not (to == S.CANCELLED and before == S.PENDING and actor == "buyer"):
            await _mail(order, template, settings)
    return True


async def _release_all(order: Order, *, was_paid: bool) -> None:
    live = await Ticket.filter(order=order, status=TicketStatus.VALID)
    await Ticket.filter(order=order).update(status=TicketStatus.VOID)
    await _release(order, live)
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


async def _mail(
    order: Order,
    template: str,
    settings: Settings,
    *,
    event: Event | None = None,
    tickets: list[Ticket] | None = None,
) -> None:
    """Queue one of the order's emails; pass the event and the valid tickets when the
    caller has them at hand, to save fetching them again."""
    from yoc.tickets.services import signing

    if event is None:
        event = await Event.get(id=order.event_id)
    if tickets is None:
        tickets = await Ticket.filter(order=order, status=TicketStatus.VALID)
    codes = {}
    if template == "order_confirmed":
        for ticket in tickets:
            codes[f"ticket-{ticket.id}"] = await signing.code_for(ticket, event)
    await mail.queue_mail(
        to=order.buyer_email,
        template=template,
        language=order.language,
        qr_codes=codes,
        context={
            "order": order,
            "event": event,
            "tickets": tickets,
            "order_link": f"{settings.base_url}/orders/{order.code}/{order.key}",
            "ticket_links": [f"{settings.base_url}/tickets/{t.secret}" for t in tickets],
        },
    )


async def resend_tickets(email: str, *, settings: Settings) -> int:
    """Email again every paid order of this address with upcoming tickets; say nothing
    about whether there were any. Return how many were sent."""
    found = await Order.filter(
        buyer_email=email.strip().lower(), status=S.PAID, event__ends_at__gte=utcnow()
    )
    for order in found:
        await _mail(order, "order_confirmed", settings)
    return len(found)


async def get_order(code: str, key: str | None = None) -> Order:
    query = Order.filter(code=code)
    if key is not None:
        query = query.filter(key=key)
    order = await query.prefetch_related(
        "event", "items", "items__ticket_type", "tickets", "log", "refunds"
    ).first()
    if order is None:
        raise NotFound(N_("We could not find that order."), "not_found")
    return order


async def mark_paid_at_door(order: Order, *, actor: str, settings: Settings) -> None:
    if order.payment != PaymentMethod.BOX_OFFICE or order.status != S.PENDING:
        raise Conflict(
            N_("Only a pay-at-the-door order that waits for payment can be marked paid."),
            "bad_transition",
        )
    await move(order, S.PAID, actor=actor, note="paid at the door", settings=settings)


async def refund(
    order: Order,
    *,
    actor: str,
    reason: str,
    settings: Settings,
    payments,
    ticket_ids: list[int] | None = None,
) -> Refund:
    """Refund the whole order, or some of its tickets, through its payment provider."""
    if order.status != S.PAID:
        raise Conflict(N_("Only a paid order can be refunded."), "not_paid")
    valid = await Ticket.filter(order=order, status=TicketStatus.VALID)
    if ticket_ids:
        chosen = [t for t in valid if t.id in set(ticket_ids)]
        if len(chosen) != len(set(ticket_ids)):
            raise ValidationFailed(
                {"tickets": N_("Choose tickets of this order that are still valid.")}
            )
    else:
        chosen = valid
    whole = len(chosen) == len(valid)
    amount = (
        order.total_cents - sum(r.amount_cents for r in await Refund.filter(order=order))
        if whole
        else sum(t.price_cents for t in chosen)
    )
    already = Conflict(N_("This was refunded a moment ago."), "already_refunded")
    # The state change comes first, as a conditional update: of several staff refunding at
    # once, one wins and the others are refused. The provider's refund runs inside the
    # same transaction, so if it fails, nothing here is kept.
    async with in_transaction():
        if whole:
            if not await move(order, S.REFUNDED, actor=actor, note=reason, settings=settings):
                raise already
        else:
            ids = [t.id for t in chosen]
            voided = await Ticket.filter(id__in=ids, status=TicketStatus.VALID).update(
                status=TicketStatus.VOID
            )
            if voided != len(ids):
                raise already
            await _release(order, chosen)
            await OrderLog.create(
                order=order,
                from_status=S.PAID,
                to_status=S.PAID,
                actor_label=actor,
                note=f"refunded {len(chosen)} ticket(s), {amount} cents: {reason}",
            )
            await _mail(order, "order_refunded", settings)
        provider_ref = await payments.for_order(order).refund(order, amount) if amount else ""
        record = await Refund.create(
            order=order,
            amount_cents=amount,
            reason=reason,
            tickets=[t.id for t in chosen],
            actor_label=actor,
            provider_ref=provider_ref,
        )
    return record


async def fulfil_payment(order: Order, *, settings: Settings, payments, note: str) -> str:
    """A confirmed card payment: pay the order; after its hold ended, pay it if seats are
    still there; otherwise (sold out, or the order was cancelled) give the money back."""
    if order.status == S.PAID:
        return "already_paid"
    if order.status == S.PENDING:
        if await move(order, S.PAID, actor="stripe", note=note, settings=settings):
            return "paid"
        order = await Order.get(id=order.id)
        if order.status == S.PAID:
            return "already_paid"
    if order.status == S.EXPIRED:
        try:
            async with in_transaction():
                await _retake(order)
                await Ticket.filter(order=order).update(status=TicketStatus.VALID)
                if not await move(
                    order, S.PAID, actor="stripe", note=f"late payment: {note}", settings=settings
                ):
                    raise SoldOut("raced")
            return "paid_late"
        except SoldOut:
            pass
    return await _give_back(order, settings=settings, payments=payments)


async def _give_back(order: Order, *, settings: Settings, payments) -> str:
    """Refund a payment we cannot honour, exactly once however often it is reported."""
    from yoc.tickets.models import StripeEvent

    try:
        # The unique marker lets only one of several racing requests make the refund.
        await StripeEvent.create(event_id=f"give-back:{order.code}", type="give_back")
    except IntegrityError:
        return "already_refunded"
    ref = await payments.for_order(order).refund(order, order.total_cents)
    why = (
        "sold out after the hold ended"
        if order.status == S.EXPIRED
        else f"order was {order.status.value}"
    )
    await Refund.create(
        order=order,
        amount_cents=order.total_cents,
        actor_label="system",
        reason=f"payment could not be honoured: {why}",
        provider_ref=ref,
    )
    await OrderLog.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor_label="stripe",
        note=f"late payment refunded: {why}",
    )
    await _mail(order, "order_late_refunded", settings)
    return "refunded_late"


async def _retake(order: Order) -> None:
    items = await OrderItem.filter(order=order).prefetch_related("ticket_type")
    event = await Event.get(id=order.event_id)
    lines = [
        QuotedLine(i.ticket_type, i.quantity, i.unit_price_cents)
        for i in items
        if i.kind == "ticket"
    ]
    await _take(
        Quote(
            event,
            lines,
            order.donated_count,
            order.claimed_count,
            event.donation_price_cents,
            order.payment,
        )
    )


async def cancel(order: Order, *, actor: str, reason: str, settings: Settings, payments) -> None:
    """Staff cancel an order: a pending one is released; a paid one is refunded first."""
    if order.status == S.PAID and order.total_cents:
        await refund(order, actor=actor, reason=reason, settings=settings, payments=payments)
        return
    await move(order, S.CANCELLED, actor=actor, note=reason, settings=settings, payments=payments)
