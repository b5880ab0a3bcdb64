"""Tickets people manage: the buyer changes the name on a ticket, staff move an order to
another buyer (both in the order's log, shown in the reader's language), receipts that
say what part of a payment was a gift, and the event for a calendar."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import httpx
import icalendar
import pytest

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.conftest import (
    STAFF,
    field_errors,
    mails,
    page_text,
    paid_box_office_order,
    translated,
)
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.payments.providers import Payments
from yoc.tickets.enums import OrderChange, PaymentMethod
from yoc.tickets.models import Order, OrderLog, Ticket
from yoc.tickets.services import manage, placing, receipts, states
from yoc.tickets.services.pricing import Line, OrderRequest


@pytest.fixture
def settings(settings):
    """The suite's settings, with the organisation's tax id that receipts name."""
    return settings.with_(org_tax_id="12-3456789")


async def _order_page(client, order: Order, language: str = "en"):
    return await client.get(
        f"/orders/{order.code}/{order.key}", headers={"Accept-Language": language}
    )


# The name on a ticket ----------------------------------------------------------------


async def test_the_buyer_changes_the_name_on_a_ticket_and_the_ticket_shows_it(
    client, settings
) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 2}, payment=None, buyer_name="Ana Buyer")
    first, second = await Ticket.filter(order_id=order.id).order_by("id")
    page = await _order_page(client, order)
    assert "Name on the ticket: Ana Buyer" in page_text(page)

    response = await client.post(
        f"/orders/{order.code}/{order.key}/tickets/{second.id}/name",
        data={"holder_name": "  Beto Ruiz ", "csrf_token": csrf_from(page.text)},
    )

    assert response.status_code == 303
    text = page_text(await client.get(response.headers["location"]))
    assert "The name on the ticket is changed." in text
    assert "Name on the ticket: Beto Ruiz" in text
    assert "Beto Ruiz" in page_text(await client.get(f"/tickets/{second.secret}"))
    assert "Beto Ruiz" not in page_text(await client.get(f"/tickets/{first.secret}"))
    [entry] = await OrderLog.filter(order_id=order.id, change=OrderChange.TICKET_RENAMED)
    assert entry.actor_label == "buyer"
    assert entry.detail == {"ticket": second.id, "from": "", "to": "Beto Ruiz"}


async def test_an_empty_name_is_refused_in_the_buyers_language_and_nothing_changes(
    client, settings
) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 1}, payment=None)
    [ticket] = await Ticket.filter(order_id=order.id)
    page = await _order_page(client, order, "es")

    response = await client.post(
        f"/orders/{order.code}/{order.key}/tickets/{ticket.id}/name",
        data={"holder_name": "   ", "csrf_token": csrf_from(page.text)},
        headers={"Accept-Language": "es"},
    )

    assert response.status_code == 422
    assert field_errors(response)
    assert field_errors(response)[0] != "This field is required."
    assert (await Ticket.get(id=ticket.id)).holder_name == ""
    assert not await OrderLog.filter(order_id=order.id, change__not="").exists()


async def test_a_ticket_of_another_order_cannot_be_renamed(client, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    mine = await make_order(event, settings, {general: 1}, payment=None)
    theirs = await make_order(event, settings, {general: 1}, payment=None, buyer_email="b@x.org")
    [their_ticket] = await Ticket.filter(order_id=theirs.id)
    page = await _order_page(client, mine)

    response = await client.post(
        f"/orders/{mine.code}/{mine.key}/tickets/{their_ticket.id}/name",
        data={"holder_name": "Someone", "csrf_token": csrf_from(page.text)},
    )

    assert response.status_code == 404
    assert (await Ticket.get(id=their_ticket.id)).holder_name == ""


# Staff move an order -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_staff_move_an_order_to_another_buyer(client, app, settings, language) -> None:
    await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org", language=language)
    staff_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    )
    await log_in(staff_client, "sam@example.org", PASSWORD)
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 2}, payment=None)
    old_secrets = {t.secret for t in await Ticket.filter(order_id=order.id)}
    page = await staff_client.get(f"/staff/orders/{order.code}")

    response = await staff_client.post(
        f"/staff/orders/{order.code}/move",
        data={
            "buyer_name": "Carla Soto",
            "buyer_email": "Carla@Example.org",
            "language": language,
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.status_code == 303
    moved = await Order.get(id=order.id)
    assert (moved.buyer_name, moved.buyer_email, moved.language) == (
        "Carla Soto",
        "carla@example.org",
        language,
    )
    # The former buyer's link and tickets stop working; the new buyer's work.
    assert (await _order_page(client, order)).status_code == 404
    new_tickets = await Ticket.filter(order_id=order.id)
    assert not old_secrets & {t.secret for t in new_tickets}
    assert (await client.get(f"/tickets/{sorted(old_secrets)[0]}")).status_code == 404
    assert (await _order_page(client, moved)).status_code == 200
    [mail] = [m for m in await mails("order_confirmed") if m.to_email == "carla@example.org"]
    assert mail.language == language
    assert moved.key in mail.body_text
    # The log names the change in the staff member's language.
    staff_page = page_text(
        await staff_client.get(f"/staff/orders/{order.code}", headers={"Accept-Language": language})
    )
    assert translated("order moved to another buyer", language) in staff_page
    assert "carla@example.org" in staff_page
    [entry] = await OrderLog.filter(order_id=order.id, change=OrderChange.ORDER_MOVED)
    assert entry.actor_label == STAFF


async def test_a_move_with_a_bad_email_keeps_what_staff_typed(staff_client, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 1}, payment=None)
    page = await staff_client.get(f"/staff/orders/{order.code}")

    response = await staff_client.post(
        f"/staff/orders/{order.code}/move",
        data={
            "buyer_name": "Carla Soto",
            "buyer_email": "carla@",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.status_code == 422
    assert 'value="Carla Soto"' in page_text(response)
    assert (await Order.get(id=order.id)).buyer_email == order.buyer_email


async def test_moving_a_reservation_to_an_email_that_has_one_is_refused(app, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event, pricing="fixed", price_cents=1000)
    first = await make_order(event, settings, {general: 1}, buyer_email="a@example.org")
    await make_order(event, settings, {general: 1}, buyer_email="b@example.org")

    with pytest.raises(Exception, match="already has a reservation"):
        await manage.move_order(
            first,
            buyer_name="B",
            buyer_email="b@example.org",
            language="en",
            actor=STAFF,
            settings=settings,
        )
    assert (await Order.get(id=first.id)).buyer_email == "a@example.org"


# Receipts -----------------------------------------------------------------------------


RECEIPT_EN = [
    "Paid: $55.00",
    "Of this, $45.00 is a gift to Youth Organizing Council (YO-C):",
    "$25.00 above the lowest price of your tickets",
    "$20.00 for 2 donated tickets",
    "No goods or services were given in return for the gift.",
    "Youth Organizing Council (YO-C), tax ID 12-3456789.",
]
RECEIPT_ES = [
    "Pagado: $55.00",
    "De esto, $45.00 es un regalo a Youth Organizing Council (YO-C):",
    "$25.00 por encima del precio más bajo de sus boletos",
    "$20.00 por 2 boletos donados",
    "No se dieron bienes ni servicios a cambio del regalo.",
    "Youth Organizing Council (YO-C), número de identificación fiscal 12-3456789.",
]


@pytest.mark.parametrize(("language", "expected"), [("en", RECEIPT_EN), ("es", RECEIPT_ES)])
async def test_a_receipt_states_what_was_paid_and_what_was_a_gift(
    client, settings, language, expected
) -> None:
    event = await make_event(donation_price_cents=1000)
    scale = await make_ticket_type(
        event,
        name_en="Pay what you can",
        name_es="Paga lo que puedas",
        pricing="sliding",
        min_cents=500,
        suggested_cents=1500,
        max_cents=5000,
    )
    # Two tickets at $17.50 (the lowest price is $5.00): $25.00 above it; two donated
    # tickets at $10.00 each.
    request = OrderRequest(
        buyer_name="Ana",
        buyer_email="ana@example.org",
        language=language,
        lines=[Line(scale.id, 2, 1750)],
        donate=2,
        payment=PaymentMethod.BOX_OFFICE,
    )
    order = await placing.place_order(
        event, request, settings=settings, payments=Payments.from_settings(settings)
    )
    await states.mark_paid_at_door(order, actor=STAFF, settings=settings)

    page = page_text(await _order_page(client, order, language))
    [mail] = await mails("order_confirmed")
    for line in expected:
        assert line in page, line
        assert line in mail.body_text, line
        assert line in html.unescape(mail.body_html), line


async def test_a_receipt_without_a_gift_says_only_what_was_paid(app, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event, pricing="fixed", price_cents=1200)
    order = await paid_box_office_order(settings, event, {general: 2})

    found = await receipts.receipt(order, settings)

    assert (found.paid_cents, found.gift_cents) == (2400, 0)
    [mail] = await mails("order_confirmed")
    assert "Paid: $24.00" in mail.body_text
    assert "gift" not in mail.body_text


# Add to calendar ----------------------------------------------------------------------


def _ics_event(body: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    [item] = [c for c in cal.walk("VEVENT")]
    return cal, item


@pytest.mark.parametrize(
    ("starts", "ends", "local_start", "local_end"),
    [
        # The night the clocks go forward (March 14, 2027, 2 AM): 6 PM PST to 4 AM PDT.
        (
            datetime(2027, 3, 14, 2, 0, tzinfo=UTC),
            datetime(2027, 3, 14, 11, 0, tzinfo=UTC),
            "20270313T180000",
            "20270314T040000",
        ),
        # The night they go back (November 7, 2027, 2 AM): 6 PM PDT to 4 AM PST.
        (
            datetime(2027, 11, 7, 1, 0, tzinfo=UTC),
            datetime(2027, 11, 7, 12, 0, tzinfo=UTC),
            "20271106T180000",
            "20271107T040000",
        ),
    ],
)
async def test_the_calendar_entry_keeps_the_events_local_times_across_daylight_saving(
    client, settings, starts, ends, local_start, local_end
) -> None:
    event = await make_event(starts_at=starts, ends_at=ends)
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 1}, payment=None)
    [ticket] = await Ticket.filter(order_id=order.id)

    response = await client.get(f"/tickets/{ticket.secret}/event.ics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    text = response.content.decode()
    assert f"DTSTART;TZID=America/Los_Angeles:{local_start}" in text
    assert f"DTEND;TZID=America/Los_Angeles:{local_end}" in text
    cal, item = _ics_event(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    # Read back by a calendar, the times are the event's own instants.
    assert item.decoded("dtstart").astimezone(UTC) == starts
    assert item.decoded("dtend").astimezone(UTC) == ends
    assert item["summary"] == event.name_en
    assert item["location"] == "Mecca Community Park"


async def test_the_ticket_page_and_the_email_link_the_calendar_entry(client, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 1}, payment=None, language="es")
    [ticket] = await Ticket.filter(order_id=order.id)

    page = await client.get(f"/tickets/{ticket.secret}", headers={"Accept-Language": "es"})
    assert f'href="/tickets/{ticket.secret}/event.ics"' in page.text
    assert translated("Add to your calendar", "es") in page_text(page)
    [mail] = await mails("order_confirmed")
    assert f"http://testserver/tickets/{ticket.secret}/event.ics" in mail.body_text
    es = await client.get(f"/tickets/{ticket.secret}/event.ics", headers={"Accept-Language": "es"})
    assert _ics_event(es.content)[1]["summary"] == event.name_es


async def test_unknown_ticket_has_no_calendar(client) -> None:
    assert (await client.get("/tickets/NOPE2345678901234567890123/event.ics")).status_code == 404
