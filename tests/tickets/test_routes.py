"""The buyer's pages (tickets/routes.py): a refused checkout says why in the buyer's
language and keeps what was typed; the order page needs its key; a ticket page says when
its ticket is no longer valid."""

from __future__ import annotations

import re

import pytest

from tests.tickets.conftest import (
    alerts,
    counters,
    field_errors,
    page_text,
    paid_box_office_order,
    refund_tickets,
    submit,
    translated,
)
from tests.tickets.factories import make_event, make_order, make_ticket_type, sliding_event
from yoc.tickets.enums import Pricing
from yoc.tickets.models import Order, Ticket

CHECK_FIELDS = "Please check the highlighted fields."


# Refused checkouts --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_summary_above_a_refused_checkout_is_in_the_buyers_language(
    client, language
) -> None:
    event, scale = await sliding_event()

    response = await submit(
        client,
        event,
        {f"qty_{scale.id}": "1", f"price_{scale.id}": "1", "payment": "box_office"},
        step="review",
        language=language,
    )

    assert response.status_code == 422
    assert alerts(response) == [translated(CHECK_FIELDS, language)]


async def test_bad_input_keeps_what_was_typed_and_stores_nothing(client) -> None:
    event = await make_event(capacity=10)
    general = await make_ticket_type(event)

    response = await submit(
        client,
        event,
        {f"qty_{general.id}": "3"},
        buyer={"buyer_name": "Ana Pérez", "buyer_email": "ana@@example"},
    )

    assert response.status_code == 422
    assert field_errors(response) == ["Enter an email address like name@example.com."]
    assert 'name="buyer_name" type="text" value="Ana Pérez"' in page_text(response)
    assert 'name="buyer_email" type="email" value="ana@@example"' in page_text(response)
    assert '<option value="3" selected>3</option>' in response.text
    assert await Order.all().count() == 0
    assert await Ticket.all().count() == 0
    assert await counters(event, general) == (0, 0)


@pytest.mark.parametrize("quantity", ["²", "٣", "9" * 5000, "-1", "1.5"])
async def test_a_quantity_that_is_not_a_plain_number_is_refused_beside_it(
    client, quantity: str
) -> None:
    event = await make_event(capacity=10)
    general = await make_ticket_type(event)

    for step in ("review", "orders"):
        response = await submit(client, event, {f"qty_{general.id}": quantity}, step=step)

        assert response.status_code == 422, step
        assert field_errors(response) == ["Enter a whole number."], step
    assert await Order.all().count() == 0


# The order page and the ticket pages ---------------------------------------------------


async def test_the_order_page_needs_its_key(app, client, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 1}, payment=None)

    right = await client.get(f"/orders/{order.code}/{order.key}")
    wrong = await client.get(f"/orders/{order.code}/{'A' * len(order.key)}")

    assert right.status_code == 200
    assert f"Order {order.code}" in right.text
    assert wrong.status_code == 404
    assert "We could not find that page" in wrong.text
    assert f"Order {order.code}" not in wrong.text


async def test_a_ticket_page_shows_the_ticket_and_a_void_one_says_so(
    app, client, settings, staff_client
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})
    first, second = await Ticket.filter(order=order).order_by("id")
    await refund_tickets(staff_client, order, [first], "one is sick")

    void = await client.get(f"/tickets/{first.secret}")
    valid = await client.get(f"/tickets/{second.secret}")
    unknown = await client.get(f"/tickets/{'X' * 26}")

    no_longer = "This ticket is no longer valid."
    assert (void.status_code, valid.status_code, unknown.status_code) == (200, 200, 404)
    assert no_longer in void.text
    assert no_longer not in valid.text
    assert event.name_en in valid.text
    assert second.secret in valid.text


# The buyer is addressed as usted ----------------------------------------------------------

# Words that address the reader as "tú" (youth pages); the public ticket form says "usted".
TU = re.compile(
    r"\b(tu|tus|ti|te|puedes|quieres|tienes|eres|elige|escribe|revisa|regala|paga)\b", re.I
)


async def test_the_spanish_ticket_form_addresses_the_buyer_as_usted(client) -> None:
    event = await make_event()
    await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)

    page = await client.get(f"/events/{event.slug}", headers={"Accept-Language": "es"})

    tickets = page_text(page).split('id="tickets"', 1)[1].split("</section>", 1)[0]
    words = re.sub(r"<[^>]+>", " ", tickets)
    assert '<label for="f-buyer_name">Su nombre</label>' in tickets
    assert TU.findall(words) == []
