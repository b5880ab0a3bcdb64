"""Waiting lists: people who wait for a sold-out ticket type, in the order they came.

When seats come back (a refund, a reservation that lapsed, a card hold that ended), the
jobs worker offers them to the next person: the offer holds the seats, counted in the
type's and the event's ``sold`` exactly as a hold is, for ``waitlist_offer_hours``;
the person orders them through the link in their email, paying as anyone does. An offer
not used in time ends, its seats go back, and the next round offers them to the next
person.

While anyone waits for a type, the type sells nothing to anyone else (``TicketType.waiting``
counts them; the seats' conditional updates refuse a type whose count is not 0): seats
that come back are offered in turn, never bought first by whoever reloads the page.

Fair under concurrency, on SQLite or PostgreSQL with several workers: a place moves from
waiting to offered by one conditional update (of two workers, one wins; the other takes
nothing), and its seats are taken by conditional updates in the same transaction, so a
seat is offered once and a person is offered once. Rows are locked in one order
everywhere: the place, the ticket type, the event (as orders do: type, then event).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from yoc import mail
from yoc.errors import Conflict, NotFound, ValidationFailed
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.settings import Settings
from yoc.tickets.enums import WaitState
from yoc.tickets.models import Order, TicketType, WaitlistEntry
from yoc.tickets.services import availability, pricing
from yoc.tickets.services.secrets import random_code
from yoc.timeutil import utcnow

log = logging.getLogger("yoc.tickets.waitlist")
W = WaitState
ENDED = (W.EXPIRED, W.WITHDRAWN)


TOO_MANY_FOR_OFFER = N_("The offer holds fewer tickets than that.")


class NotSoldOut(Conflict):
    def __init__(self) -> None:
        super().__init__(
            N_("These tickets are on sale: you can buy them on the event's page."), "not_sold_out"
        )


class OfferGone(Conflict):
    """The offer ended (its time ran out, it was used, or the person left the list)."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "This offer has ended: the time to buy these tickets ran out, or they were "
                "already bought. The tickets went to the next person on the waiting list."
            ),
            "offer_gone",
        )


def _links(entry: WaitlistEntry, settings: Settings) -> dict[str, str]:
    return {
        "offer_link": f"{settings.base_url}/waitlist/{entry.key}",
        "leave_link": f"{settings.base_url}/waitlist/{entry.key}/leave",
    }


async def _mail(entry: WaitlistEntry, template: str, settings: Settings) -> None:
    event = await Event.get(id=entry.event_id)
    ticket_type = await TicketType.get(id=entry.ticket_type_id)
    await mail.queue_mail(
        to=entry.email,
        template=template,
        language=entry.language,
        context={
            "entry": entry,
            "event": event,
            "ticket_type": ticket_type,
            **_links(entry, settings),
        },
    )


def sold_out(event: Event, ticket_type: TicketType) -> bool:
    return availability.available(event, ticket_type) == 0


async def open_type(type_id: int, event: Event) -> TicketType:
    """A ticket type of this event that people may wait for (active, not partner-only)."""
    ticket_type = await TicketType.get_or_none(id=type_id, event_id=event.id, active=True)
    if ticket_type is None or ticket_type.access_code:
        raise NotFound(N_("This ticket type is not available."), "not_found")
    return ticket_type


async def join(
    event: Event,
    ticket_type: TicketType,
    *,
    name: str,
    email: str,
    language: str,
    quantity: int,
    settings: Settings,
) -> WaitlistEntry | None:
    """Put this person at the end of the type's waiting list, and write to them (with the
    link to leave it). One place per email and type: for an email already waiting, nothing
    changes and None is returned (the page says the same either way). A place that ended
    (left, or an offer not used) is given up for a new one at the end."""
    if not pricing.in_window(event.sales_start, event.sales_end, utcnow()) or not (
        pricing.in_window(ticket_type.sales_start, ticket_type.sales_end, utcnow())
    ):
        raise Conflict(N_("Ticket sales for this event are closed."), "sales_closed")
    if quantity > ticket_type.max_per_order:
        raise ValidationFailed(
            {
                "quantity": N_(
                    "That is more than one order can have. Make a second order, or ask us "
                    "for a group."
                )
            }
        )
    await event.refresh_from_db(fields=["sold", "capacity"])
    await ticket_type.refresh_from_db(fields=["sold", "quota", "waiting"])
    if not sold_out(event, ticket_type):
        raise NotSoldOut()
    email = email.strip().lower()
    try:
        async with in_transaction():
            await WaitlistEntry.filter(
                ticket_type_id=ticket_type.id, email=email, state__in=ENDED
            ).delete()
            entry = await WaitlistEntry.create(
                event_id=event.id,
                ticket_type_id=ticket_type.id,
                name=name,
                email=email,
                language=language,
                quantity=quantity,
                key=random_code(32),
            )
            await TicketType.filter(id=ticket_type.id).update(waiting=F("waiting") + 1)
            await _mail(entry, "waitlist_joined", settings)
    except IntegrityError:
        return None  # already on the list (or joining twice at once)
    return entry


async def get_entry(key: str) -> WaitlistEntry:
    entry = (
        await WaitlistEntry.get_or_none(key=key).select_related("event", "ticket_type")
        if 16 <= len(key) <= 40
        else None
    )
    if entry is None:
        raise NotFound(N_("We could not find that place on a waiting list."), "not_found")
    return entry


def offer_open(entry: WaitlistEntry, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        entry.state == W.OFFERED
        and entry.offer_expires_at is not None
        and (entry.offer_expires_at > now)
    )


async def _give_back(entry: WaitlistEntry) -> None:
    """The seats an offer held go back on sale (or to the next offer)."""
    await TicketType.filter(id=entry.ticket_type_id).update(sold=F("sold") - entry.quantity)
    await Event.filter(id=entry.event_id).update(sold=F("sold") - entry.quantity)


async def leave(entry: WaitlistEntry, *, actor: str) -> bool:
    """Take this place off the list (the person, or staff); an offer's seats go back.
    Whether it was on the list (waiting or offered)."""
    now = utcnow()
    for state in (W.WAITING, W.OFFERED):
        async with in_transaction():
            if await WaitlistEntry.filter(id=entry.id, state=state).update(
                state=W.WITHDRAWN, ended_at=now, ended_by=actor
            ):
                if state == W.OFFERED:
                    await _give_back(entry)
                else:
                    await TicketType.filter(id=entry.ticket_type_id).update(
                        waiting=F("waiting") - 1
                    )
                entry.state = W.WITHDRAWN
                return True
    return False


async def consume(entry: WaitlistEntry, order: Order) -> None:
    """Inside the transaction that places ``order`` from this offer, before its seats
    are taken: the offer ends as bought, and the seats it held are let go, to be taken
    at once by the order (the type's and the event's rows stay locked until the commit,
    so nobody else can take them in between)."""
    now = utcnow()
    if not await WaitlistEntry.filter(
        id=entry.id, state=W.OFFERED, offer_expires_at__gt=now
    ).update(state=W.BOUGHT, order_id=order.id, ended_at=now):
        raise OfferGone()
    await _give_back(entry)


class _NoSeats(Exception):
    """Not enough seats for the next person: undo their offer."""


async def expire_offers(now: datetime | None = None) -> int:
    """End the offers whose time ran out; their seats go back. How many ended."""
    now = now or utcnow()
    ended = 0
    for entry in await WaitlistEntry.filter(state=W.OFFERED, offer_expires_at__lte=now):
        async with in_transaction():
            if await WaitlistEntry.filter(id=entry.id, state=W.OFFERED).update(
                state=W.EXPIRED, ended_at=now, ended_by="system"
            ):
                await _give_back(entry)
                ended += 1
    return ended


# What came of trying to offer seats to the next person waiting for a type.
OFFERED, NO_SEATS, NOBODY, RACED = "offered", "no seats", "nobody", "raced"


async def _offer_next(ticket_type_id: int, settings: Settings, now: datetime) -> str:
    """Offer seats to the first person waiting for this type."""
    entry = await WaitlistEntry.filter(ticket_type_id=ticket_type_id, state=W.WAITING).first()
    if entry is None:
        return NOBODY
    n = entry.quantity
    try:
        async with in_transaction():
            if not await WaitlistEntry.filter(id=entry.id, state=W.WAITING).update(
                state=W.OFFERED,
                offered_at=now,
                offer_expires_at=now + timedelta(hours=settings.waitlist_offer_hours),
            ):
                return RACED  # another worker offered to this person a moment ago
            taken = (
                await TicketType.filter(id=ticket_type_id, active=True)
                .filter(Q(quota__isnull=True) | Q(sold__lte=F("quota") - n))
                .update(sold=F("sold") + n, waiting=F("waiting") - 1)
            )
            if not taken or not await Event.filter(
                id=entry.event_id, sold__lte=F("capacity") - n
            ).update(sold=F("sold") + n):
                raise _NoSeats()
            entry = await WaitlistEntry.get(id=entry.id)
            # In the same transaction: the email goes if and only if the offer stands.
            await _mail(entry, "waitlist_offer", settings)
    except _NoSeats:
        return NO_SEATS
    log.info("offered %d seat(s) of ticket type %d from its waiting list", n, ticket_type_id)
    return OFFERED


async def offer_round(settings: Settings, now: datetime | None = None) -> int:
    """End lapsed offers, then offer what seats are free to the people waiting, first
    come first served per ticket type (the first person waits for enough seats: nobody
    behind them is served first). How many offers were made."""
    now = now or utcnow()
    await expire_offers(now)
    type_ids = await (
        WaitlistEntry.filter(
            state=W.WAITING,
            event__ends_at__gt=now,
        )
        .order_by("ticket_type_id")
        .distinct()
        .values_list("ticket_type_id", flat=True)
    )
    made = 0
    for type_id in sorted(set(type_ids)):
        while (done := await _offer_next(type_id, settings, now)) in (OFFERED, RACED):
            made += done == OFFERED
    return made


async def ahead_of(entry: WaitlistEntry) -> int:
    """How many people wait before this one (0 unless it waits)."""
    if entry.state != W.WAITING:
        return 0
    return await WaitlistEntry.filter(
        ticket_type_id=entry.ticket_type_id, state=W.WAITING, id__lt=entry.id
    ).count()


async def get_by_id(entry_id: int) -> WaitlistEntry:
    entry = await WaitlistEntry.get_or_none(id=entry_id).select_related("event")
    if entry is None:
        raise NotFound(N_("We could not find that place on a waiting list."), "not_found")
    return entry


async def lists(event: Event) -> list[dict]:
    """The event's waiting lists, for staff: per ticket type, everyone in the order they
    joined, with the place in line of those still waiting."""
    found = await (
        WaitlistEntry.filter(event_id=event.id)
        .select_related("ticket_type", "order")
        .order_by("ticket_type_id", "id")
    )
    groups: dict[int, dict] = {}
    for entry in found:
        group = groups.setdefault(
            entry.ticket_type_id, {"ticket_type": entry.ticket_type, "entries": [], "waiting": 0}
        )
        place = None
        if entry.state == W.WAITING:
            group["waiting"] += 1
            place = group["waiting"]
        group["entries"].append((place, entry))
    return list(groups.values())
