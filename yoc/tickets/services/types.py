"""Ticket types, as staff add and edit them on an event."""

from __future__ import annotations

from yoc.errors import NotFound, ValidationFailed
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.tickets.enums import Pricing
from yoc.tickets.forms import TicketTypeForm
from yoc.tickets.models import TicketType


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


async def get_ticket_type(type_id: int) -> TicketType:
    """A ticket type with its event."""
    ticket_type = await TicketType.get_or_none(id=type_id).select_related("event")
    if ticket_type is None:
        raise NotFound(N_("We could not find that ticket type."), "not_found")
    return ticket_type


async def update_ticket_type(ticket_type: TicketType, data: TicketTypeForm) -> TicketType:
    if data.quota is not None and data.quota < ticket_type.sold:
        raise ValidationFailed(
            {"quota": N_("More tickets are already sold or held than this quota.")}
        )
    await ticket_type.update_from_dict(_type_fields(data)).save()
    return ticket_type


async def ids_of(event: Event) -> list[int]:
    """The ids of every ticket type of the event (what a checkout form may name)."""
    return list(await TicketType.filter(event=event).values_list("id", flat=True))


async def on_sale_at(events: list[Event], *, with_hidden: bool) -> dict[int, list[TicketType]]:
    """``on_sale`` for each of several events (by event id), in one query."""
    found: dict[int, list[TicketType]] = {event.id: [] for event in events}
    for t in await TicketType.filter(event_id__in=list(found), active=True):
        if with_hidden or not t.access_code:
            found[t.event_id].append(t)
    return found


async def on_sale(event: Event, *, with_hidden: bool) -> list[TicketType]:
    """The event's active ticket types; hidden ones (behind a partner code) only when
    asked for."""
    found = await TicketType.filter(event=event, active=True)
    return found if with_hidden else [t for t in found if not t.access_code]
