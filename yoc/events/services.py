"""Events: found by their address, created and edited by staff, and shown to the public
with what each domain offers on them (tickets, the Soapbox lineup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

from yoc.db import fits
from yoc.errors import NotFound, ValidationFailed
from yoc.events.forms import EventForm
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.paging import Keyset, Page, Window
from yoc.soapbox.services import conflicts as soapbox_conflicts
from yoc.soapbox.services import public as soapbox_public
from yoc.tickets.services import availability, holds, pricing
from yoc.timeutil import utcnow
from yoc.volunteers.services import rules as volunteer_rules
from yoc.volunteers.services import shifts as volunteer_shifts

SLUG_TAKEN = N_("Another event already has this address.")
CURFEW_STRANDS_MINORS = N_(
    "People under 18 are on a shift or a stage slot of this event that ends after this "
    "time. Move them to an earlier one first, or keep the later curfew."
)


async def get_event(slug: str) -> Event:
    event = await Event.get_or_none(slug=slug) if fits(Event, slug=slug) else None
    if event is None:
        raise NotFound(N_("We could not find that event."), "not_found")
    return event


async def public_event(slug: str) -> Event:
    """A published event, as the public finds it by its address."""
    event = await Event.get_or_none(slug=slug, published=True) if fits(Event, slug=slug) else None
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
    # The scheduler and the shifts never place a minor past the curfew; an earlier
    # curfew must not do it behind their back.
    if data.minor_curfew != event.minor_curfew and (
        await volunteer_rules.minor_on_shift_past(event, data.minor_curfew)
        or await soapbox_conflicts.minor_on_stage_past(event, data.minor_curfew)
    ):
        raise ValidationFailed({"minor_curfew": CURFEW_STRANDS_MINORS}, code="past_curfew")
    changes = data.model_dump()
    # Only the form's own fields: a full save would write back the seat counters as read
    # above, undoing every order placed in between.
    await event.update_from_dict(changes).save(update_fields=list(changes))
    await holds.lapse_unpaid_at(event)
    return event


# Soonest first; the past ones too, unless a filter says otherwise.
EVENTS = Keyset("events", (("starts_at", datetime), ("id", int)))


async def published_page(window: Window, *, when: str = "") -> Page[Event]:
    """A page of the published events: all, ``upcoming`` (not ended) or ``past``."""
    query = Event.filter(published=True)
    if when == "upcoming":
        query = query.filter(ends_at__gte=utcnow())
    elif when == "past":
        query = query.filter(ends_at__lt=utcnow())
    return await EVENTS.page(query, window)


async def upcoming() -> list[Event]:
    """Published events that have not ended, soonest first."""
    return await Event.filter(published=True, ends_at__gte=utcnow()).order_by("starts_at")


async def all_events(*, newest_first: bool = False) -> list[Event]:
    return await Event.all().order_by("-starts_at" if newest_first else "starts_at")


@dataclass
class Showcase:
    """What an event's public page shows besides the event: the tickets on offer (with
    the types a partner code opens), a few speeches of its Soapbox lineup, and whether
    it needs volunteers."""

    offers: list[availability.Offer]
    donated_left: int
    sales_open: bool
    lineup: list[soapbox_public.Item]
    # A partner code was given and it opened no hidden ticket type.
    code_error: bool
    # Volunteer shifts that still need people.
    open_shifts: int


async def showcase(event: Event, access_code: str = "") -> Showcase:
    offers = await availability.offers(event, access_code)
    return Showcase(
        offers=offers,
        donated_left=availability.donated_available(event),
        sales_open=pricing.in_window(event.sales_start, event.sales_end, utcnow()),
        lineup=await soapbox_public.teaser(event),
        code_error=bool(access_code) and not any(o.ticket_type.access_code for o in offers),
        open_shifts=await volunteer_shifts.count_open(event),
    )
