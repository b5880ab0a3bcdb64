"""Placing an order: its seats held, its tickets and log written and its email queued,
all in one transaction. A free order is paid at once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc.errors import Conflict, ValidationFailed
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.payments.providers import Payments
from yoc.settings import Settings
from yoc.tickets.enums import OrderChange, OrderNote, OrderStatus, PaymentMethod
from yoc.tickets.models import Order, OrderItem, OrderLog, OrderRetryKey, Ticket, WaitlistEntry
from yoc.tickets.services import holds, pricing, signing, states, waitlist
from yoc.tickets.services.notify import order_mail
from yoc.tickets.services.pricing import OrderRequest, Quote
from yoc.tickets.services.secrets import order_code, random_code, ticket_secret
from yoc.timeutil import utcnow

S = OrderStatus


@dataclass(frozen=True)
class WalkUp:
    """A sale at the door, paid there and then: where, and by whom (``seller`` is the key
    of one person's shift, ``sold_by`` the name shown)."""

    gate: str
    seller: str
    sold_by: str


@dataclass(frozen=True)
class RetryKey:
    """A client's Idempotency-Key, and a fingerprint of the request it came with."""

    key: str
    fingerprint: str

    @classmethod
    def of(cls, key: str, event: Event, body: dict[str, Any]) -> RetryKey:
        asked = json.dumps([event.id, body], sort_keys=True, separators=(",", ":"))
        return cls(key=key, fingerprint=hashlib.sha256(asked.encode()).hexdigest())


async def place_order(
    event: Event,
    request: OrderRequest,
    *,
    settings: Settings,
    payments: Payments,
    retry_key: RetryKey | None = None,
    walk_up: WalkUp | None = None,
    offer: WaitlistEntry | None = None,
) -> Order:
    """Create the order and hold its seats in one transaction; free orders, and walk-up
    sales at the door (``walk_up``), are paid. With ``offer`` (a waiting list's offer),
    the order takes the seats the offer held.

    The order's tickets come with it, already fetched (``async for t in order.tickets``).
    """
    priced = await pricing.quote(
        event, request, stripe_enabled=settings.stripe_enabled, at_door=walk_up is not None
    )
    # The ticket signing key is stored on the event's row: make it before the transaction,
    # or its update would lock that row ahead of the seats and deadlock with other buyers.
    await signing.private_key(event)
    try:
        return await _create(event, request, priced, settings, retry_key, walk_up, offer)
    except (holds.SoldOut, holds.UnpaidLimit):
        # Seats of holds that ended count as sold until they are released (by the jobs
        # worker every few seconds). Release this event's now, and try once more, rather
        # than look for them on every order: they matter only when they stand in the way.
        if not await states.sweep_expired(event_id=event.id, payments=payments, settings=settings):
            raise
    return await _create(event, request, priced, settings, retry_key, walk_up, offer)


class ReservationExists(Conflict):
    """This email has an open pay-at-the-door reservation at the event already. The
    message names no order: whoever typed the email may not be its owner."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "This email already has a reservation to pay at the door for this event. "
                "Look for it in your email, or pay by card."
            ),
            "reservation_exists",
        )


async def place_once(
    event: Event,
    request: OrderRequest,
    retry_key: RetryKey,
    *,
    settings: Settings,
    payments: Payments,
    walk_up: WalkUp | None = None,
) -> tuple[Order, bool]:
    """Place the order unless this key already placed one; return the order and whether
    it is new. Raises ``ValidationFailed`` when the key came with another request."""
    placed = await placed_with(retry_key)
    if placed is not None:
        return placed, False
    try:
        order = await place_order(
            event,
            request,
            settings=settings,
            payments=payments,
            retry_key=retry_key,
            walk_up=walk_up,
        )
    except (IntegrityError, ReservationExists):
        # A retry racing this one placed it first (the key is unique; a pay-at-the-door
        # order's reservation may be what collides first): answer its order.
        placed = await placed_with(retry_key)
        if placed is None:
            raise
        return placed, False
    return order, True


async def placed_with(retry_key: RetryKey) -> Order | None:
    """The order this key placed, with its tickets; None when it placed none yet."""
    found = await OrderRetryKey.get_or_none(key=retry_key.key)
    if found is None:
        return None
    if found.fingerprint != retry_key.fingerprint:
        raise ValidationFailed(
            {"__all__": N_("This Idempotency-Key was already used for another order.")},
            "idempotency_key_reused",
        )
    return await Order.filter(id=found.order_id).prefetch_related("tickets").get()


async def _create(
    event: Event,
    request: OrderRequest,
    priced: Quote,
    settings: Settings,
    retry_key: RetryKey | None = None,
    walk_up: WalkUp | None = None,
    offer: WaitlistEntry | None = None,
) -> Order:
    reservation = None
    if priced.payment == PaymentMethod.BOX_OFFICE:
        reservation = f"{event.id}:{request.buyer_email.strip().lower()}"
    try:
        return await _write(
            event, request, priced, settings, reservation, retry_key, walk_up, offer
        )
    except IntegrityError:
        # The unique open_reservation: a second reservation for the email, however close
        # behind the first (on PostgreSQL the insert waits for the first to commit).
        if reservation and await Order.filter(open_reservation=reservation).exists():
            raise ReservationExists() from None
        raise


async def _write(
    event: Event,
    request: OrderRequest,
    priced: Quote,
    settings: Settings,
    reservation: str | None,
    retry_key: RetryKey | None,
    walk_up: WalkUp | None = None,
    offer: WaitlistEntry | None = None,
) -> Order:
    now = utcnow()
    # A free order is paid the moment it is placed: written as paid at once, with the
    # same two log rows a move from pending would write. So is a sale at the door, where
    # the money changes hands as the tickets do.
    free = priced.payment == PaymentMethod.FREE or walk_up is not None
    door = {}
    if walk_up is not None:
        door = {"sold_gate": walk_up.gate, "sold_by": walk_up.sold_by, "seller": walk_up.seller}
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
            hold_expires_at=_hold_ends(event, priced, settings, now),
            open_reservation=reservation,
            **door,
        )
        if retry_key is not None:
            await OrderRetryKey.create(
                key=retry_key.key, fingerprint=retry_key.fingerprint, order=order
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
                actor_label=walk_up.sold_by if walk_up else order.buyer_email,
                code=OrderNote.PLACED,
                details={"payment": priced.payment.value, "amount_cents": priced.total_cents},
            )
        ]
        if free:
            # Nothing to add to the donated pool: donated tickets have a price, so a free
            # order never donates (see move() for paid orders that do), and the door
            # sells no donated tickets.
            entries.append(
                OrderLog(
                    order=order,
                    from_status=S.PENDING.value,
                    to_status=S.PAID.value,
                    actor_label=walk_up.sold_by if walk_up else "system",
                    code=OrderNote.WALK_UP if walk_up else OrderNote.FREE,
                    details={"gate": walk_up.gate} if walk_up else None,
                )
            )
        if offer is not None:
            entries.append(
                OrderLog(
                    order=order,
                    from_status=S.PENDING.value,
                    to_status=S.PENDING.value,
                    actor_label="system",
                    change=OrderChange.FROM_WAITING_LIST.value,
                    detail={"entry": offer.id},
                )
            )
        await OrderLog.bulk_create(entries)
        if free and order.buyer_email:  # a walk-up buyer may give none: shown at the door
            await order_mail(order, "order_confirmed", settings, event=event, tickets=tickets)
        elif priced.payment == PaymentMethod.BOX_OFFICE:
            await order_mail(order, "order_received", settings, event=event, tickets=tickets)
        # The seats come last: every buyer of the event updates the same rows, and a row
        # stays locked from its update to the commit, so nothing slow may sit between.
        # SoldOut here rolls back the whole order, its log and its mail.
        if offer is not None:
            # The offer's seats are let go for this order to take (OfferGone if it ended).
            await waitlist.consume(offer, order)
        await holds.take(priced, conn)
    # The caller shows the tickets: hand them over as if fetched, saving a query.
    order.tickets._set_result_for_query(tickets)
    return order


def _hold_ends(event: Event, priced: Quote, settings: Settings, now: datetime) -> datetime | None:
    """A card checkout holds its seats a few minutes; a reservation to pay at the door,
    until the event's lapse time (by default an hour after doors open)."""
    if priced.payment == PaymentMethod.STRIPE:
        return now + timedelta(minutes=settings.hold_minutes)
    if priced.payment == PaymentMethod.BOX_OFFICE:
        return event.unpaid_lapse_at
    return None


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
