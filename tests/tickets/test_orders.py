"""Buying tickets: the festival page, the review step and the order (no JavaScript needed),
the donated pool, staff payments, refunds and cancellations, and the JSON API.

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

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import (
    bearer_for,
    days_from_now,
    make_event,
    make_order,
    make_ticket_type,
)
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.i18n import gettext, ngettext, use_language
from yoc.mail import OutboxMessage
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing, TicketStatus
from yoc.tickets.models import Order, OrderLog, Refund, Ticket, TicketType
from yoc.tickets.services import states

BUYER = {"buyer_name": "Ana Pérez", "buyer_email": "ana@example.org"}
STAFF = "Sam Staff <sam@example.org>"
SOLD_OUT = "Sorry, there are not enough tickets left for this order."
CHECK_FIELDS = "Please check the highlighted fields."


# Helpers -------------------------------------------------------------------------


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
    found = re.findall(r'<div class="flash flash-error" role="alert">(.*?)</div>', response.text)
    return [html.unescape(text.strip()) for text in found]


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
    """Press a button on the staff order page (paid, refund or cancel)."""
    page = await staff.get(f"/staff/orders/{order.code}")
    assert page.status_code == 200
    return await staff.post(
        f"/staff/orders/{order.code}/{action}",
        data={**(data or {}), "csrf_token": csrf_from(page.text)},
    )


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


async def counters(event: Event, ticket_type: TicketType | None = None) -> tuple[int, ...]:
    await event.refresh_from_db()
    if ticket_type is None:
        return event.sold, event.donated, event.donated_claimed
    await ticket_type.refresh_from_db()
    return event.sold, ticket_type.sold


async def sliding_event() -> tuple[Event, TicketType]:
    event = await make_event()
    scale = await make_ticket_type(
        event,
        name_en="Pay what you can",
        name_es="Paga lo que puedas",
        pricing=Pricing.SLIDING,
        min_cents=500,
        suggested_cents=1500,
        max_cents=5000,
    )
    return event, scale


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


async def test_an_order_without_any_ticket_is_refused(client) -> None:
    event = await make_event()
    general = await make_ticket_type(event)

    response = await submit(client, event, {f"qty_{general.id}": "0"}, step="review")

    assert response.status_code == 422
    assert alerts(response) == ["Choose at least one ticket."]
    assert await Order.all().count() == 0


# Free and pay-at-the-door orders, mail -----------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_free_order_is_paid_at_once_and_confirmed_by_mail_in_the_buyers_language(
    client, language
) -> None:
    event = await make_event()
    general = await make_ticket_type(event)

    response = await submit(client, event, {f"qty_{general.id}": "2"}, language=language)

    order = await placed_order(response)
    assert (order.status, order.payment, order.total_cents, order.language) == (
        OrderStatus.PAID,
        PaymentMethod.FREE,
        0,
        language,
    )
    tickets = await Ticket.filter(order=order, status=TicketStatus.VALID)
    assert len(tickets) == 2
    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.language, mail.to_email) == (
        "order_confirmed",
        language,
        "ana@example.org",
    )
    name = event.name_es if language == "es" else event.name_en
    assert mail.subject == translated("Your tickets: %(event)s", language, event=name)
    for ticket in tickets:
        assert f"http://testserver/tickets/{ticket.secret}" in mail.body_text
    order_page = await client.get(response.headers["location"])
    assert order_page.status_code == 200
    for ticket in tickets:
        assert f'href="/tickets/{ticket.secret}"' in order_page.text


async def test_a_free_order_logs_its_payment_and_names_each_qr_code_by_its_ticket(
    app, settings
) -> None:
    event = await make_event()
    general = await make_ticket_type(event)

    order = await make_order(event, settings, {general: 3}, payment=None)

    assert order.paid_at is not None
    log = await OrderLog.filter(order=order).order_by("id")
    assert [(e.from_status, e.to_status, e.actor_label, e.note) for e in log] == [
        ("", "pending", "ana@example.org", "free, 0 cents"),
        ("pending", "paid", "system", "free order"),
    ]
    tickets = await Ticket.filter(order=order).order_by("id")
    assert [(t.id, t.secret) for t in order.tickets] == [(t.id, t.secret) for t in tickets]
    [mail] = await OutboxMessage.all()
    assert [a["cid"] for a in mail.attachments] == [f"ticket-{t.id}" for t in tickets]
    for ticket in tickets:
        assert f'src="cid:ticket-{ticket.id}"' in mail.body_html
        code = next(a["qr"] for a in mail.attachments if a["cid"] == f"ticket-{ticket.id}")
        assert code.split(".")[3] == ticket.secret


async def test_a_box_office_order_waits_until_staff_mark_it_paid(client, staff_client) -> None:
    event = await make_event()
    adult = await make_ticket_type(
        event, name_en="Adult", name_es="Adulto", pricing=Pricing.FIXED, price_cents=1500
    )

    response = await submit(client, event, {f"qty_{adult.id}": "2", "payment": "box_office"})
    order = await placed_order(response)
    assert (order.status, order.payment, order.total_cents) == (
        OrderStatus.PENDING,
        PaymentMethod.BOX_OFFICE,
        3000,
    )
    assert await OutboxMessage.all().values_list("template", flat=True) == ["order_received"]
    order_page = await client.get(response.headers["location"])
    assert "Pay $30.00 at the door" in page_text(order_page)

    marked = await staff_action(staff_client, order, "paid")

    assert marked.status_code == 303
    assert marked.headers["location"] == f"/staff/orders/{order.code}"
    order = await Order.get(id=order.id)
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    last = await OrderLog.filter(order=order).order_by("-id").first()
    assert (last.from_status, last.to_status, last.actor_label, last.note) == (
        "pending",
        "paid",
        STAFF,
        "paid at the door",
    )
    assert await OutboxMessage.all().order_by("id").values_list("template", flat=True) == [
        "order_received",
        "order_confirmed",
    ]


async def test_a_paid_order_cannot_be_marked_paid_again(app, settings, staff_client) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 1})

    response = await staff_action(staff_client, order, "paid")

    assert response.status_code == 303
    page = await staff_client.get(response.headers["location"])
    assert "Only a pay-at-the-door order that waits for payment can be marked paid." in page_text(
        page
    )
    assert await OrderLog.filter(order=order).count() == 2


@pytest.mark.parametrize("language", ["en", "es"])
async def test_more_tickets_than_are_left_is_sold_out_in_the_buyers_language(
    client, language
) -> None:
    event = await make_event(capacity=3)
    general = await make_ticket_type(event)

    response = await submit(client, event, {f"qty_{general.id}": "4"}, language=language)

    assert response.status_code == 409
    assert alerts(response) == [translated(SOLD_OUT, language)]
    assert '<option value="4" selected>4</option>' not in response.text  # only 3 are offered
    assert await Order.all().count() == 0
    assert await counters(event, general) == (0, 0)


# The donated pool ------------------------------------------------------------------


async def test_donated_tickets_join_the_pool_when_paid_and_anyone_can_take_one_free(
    client, staff_client
) -> None:
    event = await make_event(capacity=10, donation_price_cents=1000)
    await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)

    donor = await placed_order(
        await submit(client, event, {"donate": "2", "payment": "box_office"})
    )
    assert (donor.status, donor.total_cents, donor.donated_count) == (
        OrderStatus.PENDING,
        2000,
        2,
    )
    assert await counters(event) == (2, 0, 0)  # seats held, not yet in the pool
    assert (await staff_action(staff_client, donor, "paid")).status_code == 303
    assert await counters(event) == (2, 2, 0)
    page = await client.get(f"/events/{event.slug}")
    assert ngettext(
        "%(num)d donated ticket is waiting for someone. Take one if you need it: it is free.",
        "%(num)d donated tickets are waiting for someone. Take one if you need it: they are free.",
        2,
    ) in page_text(page)

    taker = await placed_order(
        await submit(
            client,
            event,
            {"claim": "1"},
            buyer={"buyer_name": "Beto Ruiz", "buyer_email": "beto@example.org"},
        )
    )

    assert (taker.status, taker.payment, taker.total_cents, taker.claimed_count) == (
        OrderStatus.PAID,
        PaymentMethod.FREE,
        0,
        1,
    )
    [ticket] = await Ticket.filter(order=taker)
    assert (ticket.label_en, ticket.status, ticket.price_cents) == (
        "Donated ticket",
        TicketStatus.VALID,
        0,
    )
    assert await counters(event) == (2, 2, 1)  # the seat was the donor's


async def test_taking_more_donated_tickets_than_the_pool_has_is_sold_out(
    app, client, settings
) -> None:
    event = await make_event(donation_price_cents=1000)
    donor = await make_order(event, settings, donate=1)
    await states.mark_paid_at_door(donor, actor=STAFF, settings=settings)

    response = await submit(client, event, {"claim": "2"})

    assert response.status_code == 409
    assert alerts(response) == [SOLD_OUT]
    assert await Order.all().count() == 1
    assert await counters(event) == (1, 1, 0)


async def test_refunding_a_donor_takes_only_the_unclaimed_donations_out_of_the_pool(
    app, client, settings, staff_client
) -> None:
    event = await make_event(capacity=3, donation_price_cents=1000)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    donor = await make_order(event, settings, donate=2)
    await states.mark_paid_at_door(donor, actor=STAFF, settings=settings)
    taker = await make_order(event, settings, claim=1, payment=None, buyer_email="beto@example.org")

    response = await refund_whole(staff_client, donor, "changed plans")

    assert response.status_code == 303
    assert (await Order.get(id=donor.id)).status == OrderStatus.REFUNDED
    # One donated seat is Beto's now: it stays taken, and the pool is empty.
    assert await counters(event) == (1, 1, 1)
    [ticket] = await Ticket.filter(order=taker)
    assert ticket.status == TicketStatus.VALID
    page = await client.get(f"/events/{event.slug}")
    assert 'name="claim"' not in page.text
    too_many = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Cata", "email": "cata@example.org"},
            "items": [{"ticket_type": adult.id, "quantity": 3}],
            "payment": "box_office",
        },
    )
    assert too_many.status_code == 409


# Refunds and cancellations by staff ----------------------------------------------------


async def test_a_full_refund_releases_the_seats_and_logs_who_and_why(
    app, settings, staff_client
) -> None:
    event = await make_event(capacity=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500, quota=5)
    order = await paid_box_office_order(settings, event, {adult: 2})
    assert await counters(event, adult) == (2, 2)

    response = await refund_whole(staff_client, order, "Family emergency")

    assert response.status_code == 303
    order = await Order.get(id=order.id)
    assert order.status == OrderStatus.REFUNDED
    assert await counters(event, adult) == (0, 0)
    assert await Ticket.filter(order=order, status=TicketStatus.VALID).count() == 0
    [refund] = await Refund.filter(order=order)
    assert (refund.amount_cents, refund.actor_label, refund.reason) == (
        3000,
        STAFF,
        "Family emergency",
    )
    last = await OrderLog.filter(order=order).order_by("-id").first()
    assert (last.from_status, last.to_status, last.actor_label, last.note) == (
        "paid",
        "refunded",
        STAFF,
        "Family emergency",
    )
    assert (await OutboxMessage.all().order_by("-id").first()).template == "order_refunded"


async def test_refunding_one_ticket_voids_only_that_ticket(app, settings, staff_client) -> None:
    event = await make_event(capacity=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500, quota=5)
    order = await paid_box_office_order(settings, event, {adult: 2})
    first, second = await Ticket.filter(order=order).order_by("id")

    response = await refund_tickets(staff_client, order, [first], "one is sick")

    assert response.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    await first.refresh_from_db()
    await second.refresh_from_db()
    assert (first.status, second.status) == (TicketStatus.VOID, TicketStatus.VALID)
    assert await counters(event, adult) == (1, 1)
    [refund] = await Refund.filter(order=order)
    assert (refund.amount_cents, refund.tickets) == (1500, [first.id])


async def test_refunding_the_rest_after_one_ticket_releases_each_seat_once(
    app, settings, staff_client
) -> None:
    event = await make_event(capacity=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500, quota=5)
    order = await paid_box_office_order(settings, event, {adult: 2})
    first, second = await Ticket.filter(order=order).order_by("id")
    await refund_tickets(staff_client, order, [first], "one is sick")

    response = await refund_whole(staff_client, order, "both sick")

    assert response.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.REFUNDED
    assert await counters(event, adult) == (0, 0)
    assert await Refund.filter(order=order).values_list("amount_cents", flat=True) == [1500, 1500]


async def test_cancelling_a_pending_order_puts_its_seats_back_on_sale(
    app, settings, staff_client
) -> None:
    event = await make_event(capacity=2)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 2})
    assert await counters(event, adult) == (2, 2)

    response = await staff_action(staff_client, order, "cancel", {"reason": "no show"})

    assert response.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.CANCELLED
    assert await counters(event, adult) == (0, 0)
    assert await Ticket.filter(order=order, status=TicketStatus.VALID).count() == 0
    last = await OrderLog.filter(order=order).order_by("-id").first()
    assert (last.to_status, last.actor_label, last.note) == ("cancelled", STAFF, "no show")
    again = await make_order(event, settings, {adult: 2}, buyer_email="beto@example.org")
    assert again.status == OrderStatus.PENDING


@pytest.mark.parametrize("action", ["refund", "cancel"])
async def test_refunding_or_cancelling_needs_a_reason(app, settings, staff_client, action) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 1})

    response = await staff_action(staff_client, order, action, {"reason": "  ", "scope": "all"})

    assert response.status_code == 303
    page = await staff_client.get(response.headers["location"])
    assert "Write a reason first: it is kept in the order log." in page_text(page)
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await Refund.all().count() == 0
    assert await counters(event, adult) == (1, 1)


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


# JSON API ------------------------------------------------------------------------------


@pytest.fixture
async def staff_headers(app) -> dict[str, str]:
    staff = await make_user(role=Role.STAFF, name="Sam Staff", email="tablet@example.org")
    return await bearer_for(staff)


async def test_api_lists_published_events_with_what_is_left_and_no_partner_types(
    client, settings
) -> None:
    event = await make_event(capacity=50)
    general = await make_ticket_type(event, quota=20)
    await make_ticket_type(event, name_en="Partners", access_code="pride")
    await make_event(published=False)
    await make_order(event, settings, {general: 3}, payment=None)

    listing = await client.get("/api/v1/events")
    detail = await client.get(f"/api/v1/events/{event.slug}")

    assert listing.status_code == 200
    assert [e["slug"] for e in listing.json()["events"]] == [event.slug]
    assert detail.status_code == 200
    body = detail.json()
    assert body == listing.json()["events"][0]
    assert (body["capacity"], body["available"], body["published"]) == (50, 47, True)
    assert body["ticket_types"] == [
        {
            "id": general.id,
            "name": {"en": "General admission", "es": "Entrada general"},
            "description": {"en": "", "es": ""},
            "pricing": "free",
            "price_cents": 0,
            "min_cents": 0,
            "suggested_cents": 0,
            "max_cents": 0,
            "quota": 20,
            "max_per_order": 10,
            "available": 17,
            "requires_access_code": False,
        }
    ]


async def test_api_hides_an_unpublished_event(client) -> None:
    draft = await make_event(published=False)

    response = await client.get(f"/api/v1/events/{draft.slug}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


EVENT_IN = {
    "slug": "pride-2027",
    "name": {"en": "Pride 2027", "es": "Orgullo 2027"},
    "venue": "Coachella Library",
    "starts_at": "2027-06-12T16:00:00-07:00",
    "ends_at": "2027-06-12T22:00:00-07:00",
    "capacity": 300,
    "published": True,
}


async def test_staff_create_an_event_and_its_ticket_type_through_the_api(
    client, staff_headers
) -> None:
    created = await client.post("/api/v1/events", json=EVENT_IN, headers=staff_headers)
    typed = await client.post(
        "/api/v1/events/pride-2027/ticket-types",
        json={
            "name": {"en": "Sliding scale", "es": "Escala"},
            "pricing": "sliding",
            "min_cents": 0,
            "suggested_cents": 1000,
            "max_cents": 3000,
            "quota": 100,
        },
        headers=staff_headers,
    )

    assert created.status_code == 201, created.text
    assert (created.json()["slug"], created.json()["available"]) == ("pride-2027", 300)
    event = await Event.get(slug="pride-2027")
    assert (event.name_es, event.capacity, event.published) == ("Orgullo 2027", 300, True)
    assert event.starts_at.isoformat() == "2027-06-12T23:00:00+00:00"
    assert typed.status_code == 201, typed.text
    ticket_type = await TicketType.get(event=event)
    assert typed.json()["id"] == ticket_type.id
    assert (ticket_type.pricing, ticket_type.price_cents, ticket_type.quota) == (
        Pricing.SLIDING,
        1000,
        100,
    )
    assert typed.json()["available"] == 100


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        pytest.param(
            {"ends_at": "2027-06-12T15:00:00-07:00"},
            {"ends_at": "The end must be after the start."},
            id="ends-before-start",
        ),
        pytest.param(
            {"slug": "Pride 2027!"},
            {"slug": "Use lowercase letters, numbers and dashes, like the-hue-2027."},
            id="bad-slug",
        ),
        pytest.param({"capacity": 0}, {"capacity": "This number is too small."}, id="no-seats"),
        pytest.param(
            {"name": {"en": "Pride", "es": ""}},
            {"name_es": "This field is required."},
            id="no-spanish-name",
        ),
    ],
)
async def test_api_event_input_follows_the_form_rules(
    client, staff_headers, change, fields
) -> None:
    response = await client.post(
        "/api/v1/events", json={**EVENT_IN, **change}, headers=staff_headers
    )

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    assert response.json()["fields"] == fields
    assert await Event.all().count() == 0


async def test_api_refuses_a_slug_that_is_taken(client, staff_headers) -> None:
    await make_event(slug="pride-2027")

    response = await client.post("/api/v1/events", json=EVENT_IN, headers=staff_headers)

    assert response.status_code == 422
    assert response.json()["fields"] == {"slug": "Another event already has this address."}
    assert await Event.all().count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param(
            {"pricing": "sliding", "min_cents": 2000, "suggested_cents": 1000, "max_cents": 3000},
            {
                "suggested_cents": "The lowest price must not be above the suggested one, "
                "nor that above the highest."
            },
            id="sliding-out-of-order",
        ),
        pytest.param(
            {"pricing": "fixed", "price_cents": 0},
            {"price_cents": "A fixed price must be more than zero."},
            id="fixed-at-zero",
        ),
        pytest.param(
            {"pricing": "barter"}, {"pricing": "Choose one of the options."}, id="bad-pricing"
        ),
    ],
)
async def test_api_ticket_type_input_follows_the_form_rules(
    client, staff_headers, body, fields
) -> None:
    event = await make_event()

    response = await client.post(
        f"/api/v1/events/{event.slug}/ticket-types",
        json={"name": {"en": "Adult", "es": "Adulto"}, **body},
        headers=staff_headers,
    )

    assert response.status_code == 422
    assert response.json()["fields"] == fields
    assert await TicketType.all().count() == 0


async def test_api_order_answers_with_its_code_status_total_and_tickets(client) -> None:
    event, scale = await sliding_event()

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana Pérez", "email": "Ana@Example.org", "language": "es"},
            "items": [{"ticket_type": scale.id, "quantity": 2, "price_cents": 1250}],
            "payment": "box_office",
        },
    )

    assert response.status_code == 201, response.text
    body = response.json()
    order = await Order.get(code=body["code"])
    tickets = await Ticket.filter(order=order).order_by("id")
    assert body == {
        "code": order.code,
        "status": "pending",
        "payment": "box_office",
        "total_cents": 2500,
        "buyer": {"name": "Ana Pérez", "email": "ana@example.org"},
        "tickets": [
            {"id": t.id, "secret": t.secret, "label": "Pay what you can", "status": "valid"}
            for t in tickets
        ],
    }
    assert (order.total_cents, order.language) == (2500, "es")


async def test_api_order_for_more_than_is_left_is_409_sold_out(client) -> None:
    event = await make_event(capacity=1)
    general = await make_ticket_type(event)

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana", "email": "ana@example.org"},
            "items": [{"ticket_type": general.id, "quantity": 2}],
        },
    )

    assert response.status_code == 409
    assert response.json() == {"error": "sold_out", "message": SOLD_OUT}
    assert await Order.all().count() == 0
    assert await counters(event, general) == (0, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"buyer": {"name": "Ana", "email": "ana@"}}, "buyer", id="bad-email"),
        pytest.param({"items": [{"ticket_type": 0, "quantity": -1}]}, "items", id="negative"),
        # No field on the page shows these two: the message comes as the general one.
        pytest.param({"items": [{"ticket_type": 0, "quantity": 1}]}, "__all__", id="unknown-type"),
        pytest.param({"items": []}, "__all__", id="nothing"),
        pytest.param({"donate": 3}, "__all__", id="event-takes-no-donations"),
    ],
)
async def test_api_bad_order_input_is_422_and_stores_nothing(client, change, field) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    body = {
        "buyer": {"name": "Ana", "email": "ana@example.org"},
        "items": [{"ticket_type": general.id, "quantity": 1}],
        **change,
    }

    response = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid"
    assert set(response.json()["fields"]) == {field}
    assert await Order.all().count() == 0


async def test_api_sliding_price_outside_the_scale_is_422(client) -> None:
    event, scale = await sliding_event()

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana", "email": "ana@example.org"},
            "items": [{"ticket_type": scale.id, "quantity": 1, "price_cents": 100}],
            "payment": "box_office",
        },
        headers={"Accept-Language": "es"},
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        f"price_{scale.id}": translated(
            "Choose a price between the lowest and the highest shown.", "es"
        )
    }


async def test_staff_list_read_and_refund_orders_through_the_api(
    app, client, settings, staff_headers
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})
    other = await make_order(event, settings, {adult: 1}, buyer_email="beto@example.org")

    listing = await client.get(f"/api/v1/events/{event.slug}/orders", headers=staff_headers)
    found = await client.get(
        f"/api/v1/events/{event.slug}/orders", params={"q": "beto"}, headers=staff_headers
    )
    detail = await client.get(f"/api/v1/orders/{order.code}", headers=staff_headers)
    refunded = await client.post(
        f"/api/v1/orders/{order.code}/refund", json={"reason": "rain"}, headers=staff_headers
    )

    assert listing.status_code == 200
    assert {o["code"] for o in listing.json()["orders"]} == {order.code, other.code}
    assert [o["code"] for o in found.json()["orders"]] == [other.code]
    assert detail.status_code == 200
    assert (detail.json()["status"], detail.json()["total_cents"]) == ("paid", 3000)
    assert [(e["from"], e["to"]) for e in detail.json()["log"]] == [
        ("", "pending"),
        ("pending", "paid"),
    ]
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["status"] == "refunded"
    assert refunded.json()["refund"]["amount_cents"] == 3000
    assert {t["status"] for t in refunded.json()["tickets"]} == {"void"}
    assert await counters(event, adult) == (1, 1)
    last = await OrderLog.filter(order=order).order_by("-id").first()
    assert (last.to_status, last.actor_label, last.note) == (
        "refunded",
        "Sam Staff <tablet@example.org> (API)",
        "rain",
    )


async def test_api_refund_of_an_unpaid_order_is_409(app, client, settings, staff_headers) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 1})

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund", json={"reason": "rain"}, headers=staff_headers
    )

    assert response.status_code == 409
    assert response.json()["error"] == "not_paid"
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING
    assert await Refund.all().count() == 0


async def test_api_refund_of_chosen_tickets_voids_only_those(
    app, client, settings, staff_headers
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})
    first, second = await Ticket.filter(order=order).order_by("id")

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund",
        json={"tickets": [first.id], "reason": "one is sick"},
        headers=staff_headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "paid"
    assert response.json()["refund"] == {"amount_cents": 1500, "tickets": [first.id]}
    assert {t["id"]: t["status"] for t in response.json()["tickets"]} == {
        first.id: "void",
        second.id: "valid",
    }
    assert await counters(event, adult) == (1, 1)


async def test_api_refund_without_a_reason_is_422_like_the_staff_form(
    app, client, settings, staff_headers
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund", json={"reason": "  "}, headers=staff_headers
    )

    assert response.status_code == 422, response.text
    assert set(response.json()["fields"]) == {"reason"}
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await Refund.all().count() == 0


@pytest.mark.parametrize(
    "tickets", [["first"], "all of them", [None], [True]], ids=["word", "string", "null", "bool"]
)
async def test_api_refund_with_unreadable_ticket_ids_refunds_nothing(
    app, client, settings, staff_headers, tickets
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund",
        json={"tickets": tickets, "reason": "typo"},
        headers=staff_headers,
    )

    assert response.status_code == 422, response.text
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await Refund.all().count() == 0
    assert await counters(event, adult) == (2, 2)
