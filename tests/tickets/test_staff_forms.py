"""Staff type prices in dollars: a ticket type (tickets/staff_routes.py) and the event's
donated-ticket price (events/staff_routes.py). Only the fields its pricing uses are
asked for, an empty quota means "no quota", cents stay what the database keeps, and a
bad amount is refused on its own field in the staff member's language."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.conftest import alerts, field_errors, page_text, translated
from tests.tickets.factories import bearer_for, make_event, make_ticket_type
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.tickets.enums import Pricing
from yoc.tickets.models import TicketType

CHECK_FIELDS = "Please check the highlighted fields."
BAD_AMOUNT = "Enter an amount like 15 or 15.50."
REQUIRED = "This field is required."


async def staff_in(app, language: str) -> AsyncIterator[httpx.AsyncClient]:
    user = await make_user(role=Role.STAFF, language=language)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as staff:
        await log_in(staff, user.email, PASSWORD)
        yield staff


@pytest.fixture
async def staff(app) -> AsyncIterator[httpx.AsyncClient]:
    async for client in staff_in(app, "en"):
        yield client


@pytest.fixture
async def staff_es(app) -> AsyncIterator[httpx.AsyncClient]:
    async for client in staff_in(app, "es"):
        yield client


# What the staff form sends when only the name and the pricing are filled in.
EMPTY_TYPE = {
    "name_en": "Youth",
    "name_es": "Juventud",
    "description_en": "",
    "description_es": "",
    "price": "",
    "min_price": "",
    "suggested_price": "",
    "max_price": "",
    "quota": "",
    "max_per_order": "10",
    "sales_start": "",
    "sales_end": "",
    "access_code": "",
}


async def add_type(
    staff: httpx.AsyncClient, event: Event, fields: dict[str, str]
) -> httpx.Response:
    page = await staff.get(f"/staff/events/{event.slug}/types/new")
    assert page.status_code == 200
    data = {**EMPTY_TYPE, **fields, "csrf_token": csrf_from(page.text)}
    return await staff.post(f"/staff/events/{event.slug}/types/new", data=data)


def prices(ticket_type: TicketType) -> tuple[int | None, ...]:
    return (
        ticket_type.price_cents,
        ticket_type.min_cents,
        ticket_type.suggested_cents,
        ticket_type.max_cents,
        ticket_type.quota,
    )


def input_value(response: httpx.Response, name: str) -> str:
    match = re.search(
        rf'<input id="f-{name}" name="{name}" type="[a-z-]+" value="([^"]*)"', page_text(response)
    )
    assert match, f"no input {name}"
    return match.group(1)


# A ticket type ------------------------------------------------------------------------


async def test_staff_add_a_free_type_leaving_quota_and_prices_empty(staff) -> None:
    event = await make_event()

    response = await add_type(staff, event, {"pricing": "free"})

    assert response.status_code == 303, field_errors(response)
    assert response.headers["location"] == f"/staff/events/{event.slug}"
    saved = await TicketType.get(event=event)
    assert (saved.name_en, saved.pricing) == ("Youth", Pricing.FREE)
    assert prices(saved) == (0, 0, 0, 0, None)


@pytest.mark.parametrize(
    ("typed", "cents"), [("10", 1000), ("10.50", 1050), ("10,50", 1050), ("$10", 1000)]
)
async def test_staff_add_a_fixed_price_typed_in_dollars(staff, typed, cents) -> None:
    event = await make_event()

    response = await add_type(staff, event, {"pricing": "fixed", "price": typed, "quota": "40"})

    assert response.status_code == 303, field_errors(response)
    assert prices(await TicketType.get(event=event)) == (cents, 0, 0, 0, 40)


async def test_staff_add_a_sliding_scale_typed_in_dollars(staff) -> None:
    event = await make_event()

    response = await add_type(
        staff,
        event,
        {"pricing": "sliding", "min_price": "5", "suggested_price": "15", "max_price": "50.25"},
    )

    assert response.status_code == 303, field_errors(response)
    # A sliding scale's price is its suggested one, as before.
    assert prices(await TicketType.get(event=event)) == (1500, 500, 1500, 5025, None)


async def test_staff_a_fixed_price_left_empty_is_asked_for_on_its_field(staff) -> None:
    event = await make_event()

    response = await add_type(staff, event, {"pricing": "fixed", "min_price": "oops"})

    assert response.status_code == 422
    assert alerts(response) == [CHECK_FIELDS]
    assert field_errors(response) == [REQUIRED]
    assert 'id="f-price-error"' in response.text
    assert await TicketType.filter(event=event).count() == 0


@pytest.mark.parametrize("language", ["en", "es"])
async def test_staff_a_bad_amount_is_refused_on_its_field_and_keeps_what_was_typed(
    staff, staff_es, language
) -> None:
    client = staff_es if language == "es" else staff
    event = await make_event()

    response = await add_type(
        client,
        event,
        {
            "pricing": "sliding",
            "min_price": "5",
            "suggested_price": "15 dollars",
            "max_price": "50",
        },
    )

    assert response.status_code == 422
    assert alerts(response) == [translated(CHECK_FIELDS, language)]
    assert field_errors(response) == [translated(BAD_AMOUNT, language)]
    assert 'id="f-suggested_price-error"' in response.text
    assert input_value(response, "suggested_price") == "15 dollars"
    assert input_value(response, "min_price") == "5"
    assert input_value(response, "name_es") == "Juventud"
    assert await TicketType.filter(event=event).count() == 0


async def test_staff_a_sliding_scale_out_of_order_is_refused_beside_the_suggested_price(
    staff,
) -> None:
    event = await make_event()

    response = await add_type(
        staff,
        event,
        {"pricing": "sliding", "min_price": "20", "suggested_price": "15", "max_price": "50"},
    )

    assert response.status_code == 422
    assert field_errors(response) == [
        "The lowest price must not be above the suggested one, nor that above the highest."
    ]
    assert 'id="f-suggested_price-error"' in response.text
    assert await TicketType.filter(event=event).count() == 0


async def test_staff_editing_a_type_shows_its_prices_in_dollars(staff) -> None:
    event = await make_event()
    fixed = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1050, quota=30)
    scale = await make_ticket_type(
        event, pricing=Pricing.SLIDING, min_cents=0, suggested_cents=1500, max_cents=5000
    )

    fixed_page = await staff.get(f"/staff/ticket-types/{fixed.id}")
    scale_page = await staff.get(f"/staff/ticket-types/{scale.id}")

    assert [
        input_value(fixed_page, n) for n in ("price", "min_price", "suggested_price", "max_price")
    ] == ["10.50", "", "", ""]
    assert input_value(fixed_page, "quota") == "30"
    assert [
        input_value(scale_page, n) for n in ("price", "min_price", "suggested_price", "max_price")
    ] == ["", "0.00", "15.00", "50.00"]


async def test_staff_saving_an_edited_type_keeps_its_price(staff) -> None:
    event = await make_event()
    fixed = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1050)
    page = await staff.get(f"/staff/ticket-types/{fixed.id}")
    fields = {
        name: input_value(page, name)
        for name in ("name_en", "name_es", "price", "quota", "max_per_order")
    }

    response = await staff.post(
        f"/staff/ticket-types/{fixed.id}",
        data={**fields, "pricing": "fixed", "csrf_token": csrf_from(page.text)},
    )

    assert response.status_code == 303, field_errors(response)
    assert prices(await TicketType.get(id=fixed.id)) == (1050, 0, 0, 0, None)


async def test_the_api_still_takes_prices_in_cents(client) -> None:
    event = await make_event()
    headers = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        f"/api/v1/events/{event.slug}/ticket-types",
        json={"name": {"en": "Adult", "es": "Adulto"}, "pricing": "fixed", "price_cents": 1050},
        headers=headers,
    )

    assert response.status_code == 201, response.text
    assert prices(await TicketType.get(event=event)) == (1050, 0, 0, 0, None)


# The event's donated-ticket price -------------------------------------------------------


async def edit_event(staff: httpx.AsyncClient, event: Event, **fields: str) -> httpx.Response:
    """Open the staff event page and save its form with ``fields`` changed."""
    page = await staff.get(f"/staff/events/{event.slug}")
    assert page.status_code == 200
    names = ("slug", "name_en", "name_es", "venue", "starts_at", "ends_at", "capacity")
    data = {name: input_value(page, name) for name in names}
    data.update(minor_curfew="21:00", published="1", **fields)
    return await staff.post(
        f"/staff/events/{event.slug}", data={**data, "csrf_token": csrf_from(page.text)}
    )


async def test_staff_set_the_donated_ticket_price_in_dollars_and_see_it_in_dollars(staff) -> None:
    event = await make_event()

    saved = await edit_event(staff, event, donation_price="$15,50")
    page = await staff.get(f"/staff/events/{event.slug}")

    assert saved.status_code == 303, field_errors(saved)
    assert (await Event.get(id=event.id)).donation_price_cents == 1550
    assert input_value(page, "donation_price") == "15.50"


async def test_staff_an_empty_donated_ticket_price_means_no_donations(staff) -> None:
    event = await make_event(donation_price_cents=1500)

    saved = await edit_event(staff, event, donation_price="")

    assert saved.status_code == 303, field_errors(saved)
    assert (await Event.get(id=event.id)).donation_price_cents == 0


@pytest.mark.parametrize("language", ["en", "es"])
async def test_staff_a_bad_donated_ticket_price_is_refused_on_its_field(
    staff, staff_es, language
) -> None:
    client = staff_es if language == "es" else staff
    event = await make_event(donation_price_cents=1500)

    response = await edit_event(client, event, donation_price="fifteen")

    assert response.status_code == 422
    assert alerts(response) == [translated(CHECK_FIELDS, language)]
    assert field_errors(response) == [translated(BAD_AMOUNT, language)]
    assert input_value(response, "donation_price") == "fifteen"
    assert (await Event.get(id=event.id)).donation_price_cents == 1500
