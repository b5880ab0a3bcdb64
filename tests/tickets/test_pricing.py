"""Prices and what may be bought (tickets/services/pricing.py): the sliding scale,
partner codes, limits per order and sales windows, checked through the checkout pages in
the buyer's language."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.tickets.conftest import (
    alerts,
    counters,
    field_errors,
    page_text,
    placed_order,
    submit,
    translated,
)
from tests.tickets.factories import days_from_now, make_event, make_ticket_type, sliding_event
from yoc.events.models import Event
from yoc.tickets.enums import OrderStatus, PaymentMethod
from yoc.tickets.models import Order, Ticket, TicketType

# Helpers -------------------------------------------------------------------------


def form_inputs(response: httpx.Response, action: str) -> dict[str, str]:
    """The hidden fields of the form that posts to ``action``, as a browser sends them."""
    form = re.search(
        rf'<form method="post" action="{re.escape(action)}">(.*?)</form>', response.text, re.S
    )
    assert form, f"no form posts to {action}"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))
    return {name: html.unescape(value) for name, value in fields}


def order_total_shown(response: httpx.Response) -> str:
    match = re.search(r"<tfoot>.*?<strong>(.*?)</strong>", response.text, re.S)
    assert match, "the page shows no total"
    return html.unescape(match.group(1))


# Sliding scale ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("price", ["4.99", "50.01"], ids=["below-minimum", "above-maximum"])
async def test_sliding_price_outside_the_scale_is_refused_in_the_buyers_language(
    client, language, price
) -> None:
    event, scale = await sliding_event()

    response = await submit(
        client,
        event,
        {f"qty_{scale.id}": "1", f"price_{scale.id}": price, "payment": "box_office"},
        step="review",
        language=language,
    )

    assert response.status_code == 422
    assert field_errors(response) == [
        translated("Choose a price between the lowest and the highest shown.", language)
    ]
    assert f'name="price_{scale.id}" type="text" inputmode="decimal" value="{price}"' in (
        response.text
    )
    assert await Order.all().count() == 0


async def test_a_decimal_comma_is_read_and_the_review_shows_what_the_order_charges(
    client,
) -> None:
    event, scale = await sliding_event()

    review = await submit(
        client,
        event,
        {f"qty_{scale.id}": "2", f"price_{scale.id}": "12,50", "payment": "box_office"},
        step="review",
    )
    assert review.status_code == 200, page_text(review)[:2000]
    assert order_total_shown(review) == "$25.00"
    assert "2 × Pay what you can" in page_text(review)
    confirm = form_inputs(review, f"/events/{event.slug}/orders")
    response = await client.post(f"/events/{event.slug}/orders", data=confirm)

    order = await placed_order(response)
    assert (order.total_cents, order.status, order.payment) == (
        2500,
        OrderStatus.PENDING,
        PaymentMethod.BOX_OFFICE,
    )
    assert await Ticket.filter(order=order).values_list("price_cents", flat=True) == [1250, 1250]
    order_page = await client.get(response.headers["location"])
    assert order_total_shown(order_page) == "$25.00"


# Partner (access) codes ------------------------------------------------------------


async def partner_event() -> tuple[Event, TicketType, TicketType]:
    event = await make_event()
    general = await make_ticket_type(event)
    partner = await make_ticket_type(
        event, name_en="Farmworker families", name_es="Familias campesinas", access_code="mecca-26"
    )
    return event, general, partner


async def test_a_partner_type_is_shown_only_with_its_code_in_any_case(client) -> None:
    event, general, partner = await partner_event()

    without = await client.get(f"/events/{event.slug}")
    with_code = await client.get(f"/events/{event.slug}", params={"code": "Mecca-26"})
    wrong = await client.get(f"/events/{event.slug}", params={"code": "pride-26"})

    assert partner.access_code == "MECCA-26"
    assert "General admission" in without.text
    assert "Farmworker families" not in without.text
    assert f'name="qty_{partner.id}"' not in without.text
    assert "Farmworker families" in with_code.text
    assert f'name="qty_{partner.id}"' in with_code.text
    assert "Farmworker families" not in wrong.text
    assert "That code does not open any tickets. Check it with your group." in page_text(wrong)


async def test_a_partner_type_cannot_be_ordered_without_its_code(client) -> None:
    event, general, partner = await partner_event()

    refused = await submit(client, event, {f"qty_{partner.id}": "1"})
    accepted = await submit(client, event, {f"qty_{partner.id}": "1", "access_code": "mecca-26 "})

    assert refused.status_code == 422
    # The partner type has no field on the page without the code, so the reason must be
    # shown where the buyer sees it.
    assert "This ticket type is not available." in page_text(refused)
    order = await placed_order(accepted)
    assert await Ticket.filter(order=order).values_list("ticket_type_id", flat=True) == [partner.id]


# Limits and sales windows -----------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_more_than_the_per_order_limit_is_refused(client, language) -> None:
    event = await make_event()
    general = await make_ticket_type(event, max_per_order=4)

    response = await submit(client, event, {f"qty_{general.id}": "5"}, language=language)

    assert response.status_code == 422
    assert field_errors(response) == [
        translated(
            "That is more than one order can have. Make a second order, or ask us for a group.",
            language,
        )
    ]
    assert await Order.all().count() == 0
    assert await counters(event, general) == (0, 0)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_closed_event_says_so_and_takes_no_order(client, language) -> None:
    event = await make_event(sales_start=days_from_now(-10), sales_end=days_from_now(-1))
    general = await make_ticket_type(event)
    closed = translated("Ticket sales for this event are closed.", language)

    page = await client.get(f"/events/{event.slug}", headers={"Accept-Language": language})
    response = await submit(client, event, {f"qty_{general.id}": "1"}, language=language)

    assert page.status_code == 200
    assert closed in page_text(page)
    assert f'action="/events/{event.slug}/review"' not in page.text
    assert response.status_code == 400
    assert alerts(response) == [closed]
    assert await Order.all().count() == 0


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_type_not_yet_on_sale_is_refused_on_its_field(client, language) -> None:
    event = await make_event()
    early = await make_ticket_type(event, name_en="Early bird", name_es="Madrugador")
    later = await make_ticket_type(
        event, name_en="Door", name_es="Taquilla", sales_start=days_from_now(3)
    )

    response = await submit(
        client, event, {f"qty_{early.id}": "1", f"qty_{later.id}": "1"}, language=language
    )

    assert response.status_code == 422
    assert field_errors(response) == [translated("This ticket type is not on sale now.", language)]
    assert await Order.all().count() == 0


async def test_an_order_without_any_ticket_is_refused(client) -> None:
    event = await make_event()
    general = await make_ticket_type(event)

    response = await submit(client, event, {f"qty_{general.id}": "0"}, step="review")

    assert response.status_code == 422
    assert alerts(response) == ["Choose at least one ticket."]
    assert await Order.all().count() == 0
