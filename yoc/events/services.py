"""Events and their ticket types, as staff create and edit them."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from yoc.errors import NotFound, ValidationFailed
from yoc.events.forms import EventForm, TicketTypeForm
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.tickets.enums import Pricing
from yoc.tickets.models import TicketType

SLUG_TAKEN = N_("Another event already has this address.")


async def get_event(slug: str) -> Event:
    event = await Event.get_or_none(slug=slug)
    if event is None:
        raise NotFound(N_("We could not find that event."), "not_found")
    return event


async def public_event(slug: str) -> Event:
    """A published event, as the public finds it by its address."""
    event = await Event.get_or_none(slug=slug, published=True)
    if event is None:
        raise NotFound(N_("We could not find that event."), "not_found")
    return event


async def create_event(data: EventForm) -> Event:
    if await Event.filter(slug=data.slug).exists():
        raise ValidationFailed({"slug": SLUG_TAKEN}, code="slug_taken")
    try:
        return await Event.create(**data.model_dump())
    except IntegrityError:
        raise ValidationFailed({"slug": SLUG_TAKEN}, code="slug_taken") from None


async def update_event(event: Event, data: EventForm) -> Event:
    if data.slug != event.slug and await Event.filter(slug=data.slug).exists():
        raise ValidationFailed({"slug": SLUG_TAKEN}, code="slug_taken")
    if data.capacity < event.sold:
        raise ValidationFailed(
            {"capacity": N_("More tickets are already sold or held than this capacity.")}
        )
    await event.update_from_dict(data.model_dump()).save()
    return event


def _type_fields(data: TicketTypeForm) -> dict:
    fields = data.model_dump()
    if data.pricing == Pricing.FREE:
        fields.update(price_cents=0, min_cents=0, suggested_cents=0, max_cents=0)
    elif data.pricing == Pricing.FIXED:
        fields.update(min_cents=0, suggested_cents=0, max_cents=0)
    else:
        fields["price_cents"] = data.suggested_cents
    return fields


async def create_ticket_type(event: Event, data: TicketTypeForm) -> TicketType:
    last = await TicketType.filter(event=event).order_by("-position").first()
    return await TicketType.create(
        event=event, position=(last.position + 1) if last else 0, **_type_fields(data)
    )


async def update_ticket_type(ticket_type: TicketType, data: TicketTypeForm) -> TicketType:
    if data.quota is not None and data.quota < ticket_type.sold:
        raise ValidationFailed(
            {"quota": N_("More tickets are already sold or held than this quota.")}
        )
    await ticket_type.update_from_dict(_type_fields(data)).save()
    return ticket_type
