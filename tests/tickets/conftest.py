"""What the tickets tests share: a buyer going through the pages, a second browser
signed in as staff, readers of what the database holds afterwards, and the Stripe
fixtures of tests/payments.

Buyers go through the pages as a browser does: open the event page for its CSRF token,
post to /events/{slug}/review, then post the review page's own form to
/events/{slug}/orders. Messages are checked in English and in Spanish.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import confirm, csrf_from, log_in
from tests.factories import PASSWORD, make_user

# The Stripe fixtures live with the payments tests; imported here, they serve these too.
from tests.payments.conftest import (  # noqa: F401
    fake_stripe,
    stripe_app,
    stripe_client,
    stripe_settings,
)
from tests.tickets.factories import make_order
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.i18n import gettext, use_language
from yoc.mail import OutboxMessage
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import Order, OrderLog, Ticket, TicketType
from yoc.tickets.services import states

BUYER = {"buyer_name": "Ana Pérez", "buyer_email": "ana@example.org"}
STAFF = "Sam Staff <sam@example.org>"
SOLD_OUT = "Sorry, there are not enough tickets left for this order."


# Buying through the pages -------------------------------------------------------------


def translated(message: str, language: str, **variables: object) -> str:
    """``message`` as the app says it in ``language``; Spanish must really be Spanish."""
    with use_language("en"):
        english = gettext(message, **variables)
    with use_language(language):
        text = gettext(message, **variables)
    if language != "en":
        assert text != english, f"no {language} translation for {message!r}"
    return text


def page_text(response: httpx.Response) -> str:
    return html.unescape(response.text)


def field_errors(response: httpx.Response) -> list[str]:
    found = re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', response.text, re.S)
    return [html.unescape(text.strip()) for text in found]


def alerts(response: httpx.Response) -> list[str]:
    """The heading of the error summary and any error message flashed, as the page starts."""
    found = re.findall(r'<h2 id="error-summary-title">(.*?)</h2>', response.text)
    found += re.findall(r'<div class="flash flash-error"[^>]*>(.*?)</div>', response.text)
    return [html.unescape(text.strip()) for text in found]


async def submit(
    client: httpx.AsyncClient,
    event: Event,
    fields: dict[str, str],
    *,
    step: str = "orders",
    language: str = "en",
    buyer: dict[str, str] | None = None,
) -> httpx.Response:
    """Open the event page, then post the checkout form to its review or order step."""
    headers = {"Accept-Language": language}
    page = await client.get(f"/events/{event.slug}", headers=headers)
    data = {**(BUYER if buyer is None else buyer), **fields, "csrf_token": csrf_from(page.text)}
    return await client.post(f"/events/{event.slug}/{step}", data=data, headers=headers)


async def placed_order(response: httpx.Response) -> Order:
    """The order that a successful checkout redirected to."""
    assert response.status_code == 303, page_text(response)[:2000]
    match = re.fullmatch(r"/orders/([A-Z0-9-]+)/([A-Z0-9]+)", response.headers["location"])
    assert match, response.headers["location"]
    return await Order.get(code=match.group(1), key=match.group(2))


# Staff --------------------------------------------------------------------------------


@pytest.fixture
async def staff_client(app) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser, signed in as Sam from the staff."""
    await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as staff:
        await log_in(staff, "sam@example.org", PASSWORD)
        yield staff


async def staff_action(
    staff: httpx.AsyncClient, order: Order, action: str, data: dict | None = None
) -> httpx.Response:
    """Press a button on the staff order page (paid, refund or cancel); a refund or a
    cancellation asks first on a page of its own, whose button is pressed too."""
    page = await staff.get(f"/staff/orders/{order.code}")
    assert page.status_code == 200
    response = await staff.post(
        f"/staff/orders/{order.code}/{action}",
        data={**(data or {}), "csrf_token": csrf_from(page.text)},
    )
    if action in ("refund", "cancel") and response.status_code == 200:
        return await confirm(staff, response)
    return response


async def refund_tickets(
    staff: httpx.AsyncClient, order: Order, tickets: list[Ticket], reason: str
) -> httpx.Response:
    """Tick some tickets on the staff order page and press "Refund the chosen tickets"."""
    ids = [str(t.id) for t in tickets]
    return await staff_action(
        staff, order, "refund", {"ticket_ids": ids, "reason": reason, "scope": "chosen"}
    )


async def refund_whole(staff: httpx.AsyncClient, order: Order, reason: str) -> httpx.Response:
    """Press "Refund the whole order" on the staff order page."""
    return await staff_action(staff, order, "refund", {"reason": reason, "scope": "all"})


async def paid_box_office_order(settings, event: Event, items: dict) -> Order:
    """A pay-at-the-door order that the door has marked paid."""
    order = await make_order(event, settings, items)
    await states.mark_paid_at_door(order, actor=STAFF, settings=settings)
    return await Order.get(id=order.id)


# What the database holds now ----------------------------------------------------------


async def counters(event: Event, ticket_type: TicketType | None = None) -> tuple[int, ...]:
    await event.refresh_from_db()
    if ticket_type is None:
        return event.sold, event.donated, event.donated_claimed
    await ticket_type.refresh_from_db()
    return event.sold, ticket_type.sold


async def seats(event: Event, *types: TicketType) -> tuple[int, ...]:
    """Event.sold, then each type's sold, as the database has them now."""
    found = [(await Event.get(id=event.id)).sold]
    found += [(await TicketType.get(id=t.id)).sold for t in types]
    return tuple(found)


async def ticket_statuses(order: Order) -> list[TicketStatus]:
    return [t.status for t in await Ticket.filter(order_id=order.id).order_by("id")]


async def status_of(order: Order) -> OrderStatus:
    return (await Order.get(id=order.id)).status


async def paid_lines(order: Order) -> int:
    return await OrderLog.filter(order_id=order.id, to_status="paid").count()


async def mails(template: str) -> list[OutboxMessage]:
    return await OutboxMessage.filter(template=template).order_by("id")
