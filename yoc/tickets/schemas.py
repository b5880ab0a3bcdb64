"""What the ticket API answers, as pydantic models (they also make its OpenAPI document)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from yoc import paging
from yoc.events.models import Event
from yoc.tickets.models import Order, Ticket, TicketType
from yoc.tickets.services import availability


class Bilingual(BaseModel):
    en: str
    es: str


class TicketTypeOut(BaseModel):
    id: int
    name: Bilingual
    description: Bilingual
    pricing: str
    price_cents: int
    min_cents: int
    suggested_cents: int
    max_cents: int
    quota: int | None = None  # left out: only the event's capacity limits the type
    max_per_order: int
    available: int
    requires_access_code: bool

    @classmethod
    def of(cls, event: Event, t: TicketType) -> TicketTypeOut:
        return cls(
            id=t.id,
            name=Bilingual(en=t.name_en, es=t.name_es),
            description=Bilingual(en=t.description_en, es=t.description_es),
            pricing=t.pricing.value,
            price_cents=t.price_cents,
            min_cents=t.min_cents,
            suggested_cents=t.suggested_cents,
            max_cents=t.max_cents,
            quota=t.quota,
            max_per_order=t.max_per_order,
            available=availability.available(event, t),
            requires_access_code=bool(t.access_code),
        )


class EventOut(BaseModel):
    slug: str
    name: Bilingual
    description: Bilingual
    venue: str
    address: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    available: int
    published: bool
    donated_available: int
    ticket_types: list[TicketTypeOut]

    @classmethod
    def of(cls, event: Event, types: list[TicketType]) -> EventOut:
        return cls(
            slug=event.slug,
            name=Bilingual(en=event.name_en, es=event.name_es),
            description=Bilingual(en=event.description_en, es=event.description_es),
            venue=event.venue,
            address=event.address,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            capacity=event.capacity,
            available=max(0, event.capacity - event.sold),
            published=event.published,
            donated_available=availability.donated_available(event),
            ticket_types=[TicketTypeOut.of(event, t) for t in types],
        )


class EventList(BaseModel):
    events: list[EventOut]
    next: str | None = Field(description=paging.NEXT)


class BuyerOut(BaseModel):
    name: str
    email: str


class TicketOut(BaseModel):
    id: int
    secret: str
    label: str
    status: str


class RefundOut(BaseModel):
    amount_cents: int
    tickets: list[int]


class OrderOut(BaseModel):
    code: str
    status: str
    payment: str
    total_cents: int
    buyer: BuyerOut
    tickets: list[TicketOut]
    # Card orders, when placed: where to send the buyer to pay.
    checkout_url: str | None = None
    log: list[dict] | None = None
    refund: RefundOut | None = None

    @classmethod
    def of(cls, order: Order, tickets: list[Ticket] | None = None, **extra: object) -> OrderOut:
        return cls(
            code=order.code,
            status=order.status.value,
            payment=order.payment.value,
            total_cents=order.total_cents,
            buyer=BuyerOut(name=order.buyer_name, email=order.buyer_email),
            tickets=[
                TicketOut(id=t.id, secret=t.secret, label=t.label_en, status=t.status.value)
                for t in tickets or []
            ],
            **extra,
        )


class OrderList(BaseModel):
    orders: list[OrderOut]
    next: str | None = Field(description=paging.NEXT)


class CheckinOut(BaseModel):
    """``result`` is ok, already_checked_in, invalid, wrong_event or not_paid; the other
    fields say what the volunteer needs (ticket, type, first scan's time and gate …).
    An invalid one says why in ``reason``: forged, unknown, a state of its order, or
    scan_id_reused (the scan id named a scan of another ticket; nothing was marked)."""

    result: str
    model_config = {"extra": "allow"}


class SyncOut(BaseModel):
    results: list[CheckinOut]
