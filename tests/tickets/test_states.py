"""The life of an order (tickets/services/states.py): a pay-at-the-door order waits until
staff mark it paid, and is marked paid only once."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.conftest import (
    STAFF,
    page_text,
    paid_box_office_order,
    placed_order,
    staff_action,
    submit,
    translated,
)
from tests.tickets.factories import make_event, make_ticket_type
from yoc.accounts.enums import Role
from yoc.i18n import ngettext, use_language
from yoc.mail import OutboxMessage
from yoc.payments.providers import Payments
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing
from yoc.tickets.models import Order, OrderLog, Ticket
from yoc.tickets.services import refunds


def ngettext_in(language: str, singular: str, n: int, **variables: object) -> str:
    with use_language(language):
        return ngettext(singular, singular.replace("ticket", "tickets"), n, **variables)


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
    assert (last.from_status, last.to_status, last.actor_label, last.code) == (
        "pending",
        "paid",
        STAFF,
        "paid_at_door",
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


def order_log(response) -> list[str]:
    """The lines of the order log as staff read them, without the time and who."""
    section = re.search(r'<ol class="history">(.*?)</ol>', page_text(response), re.S)
    assert section, "no order log on the page"
    lines = re.findall(r"<li>(.*?)</li>", section.group(1), re.S)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line.split("<br>", 1)[1])).strip()
        for line in lines
    ]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_order_log_is_in_the_staff_members_language_with_money_as_money(
    app, settings, language
) -> None:
    event = await make_event()
    adult = await make_ticket_type(
        event, name_en="Adult", name_es="Adulto", pricing=Pricing.FIXED, price_cents=4000
    )
    order = await paid_box_office_order(settings, event, {adult: 2})
    await refunds.refund(
        order,
        actor=STAFF,
        reason="rain",
        settings=settings,
        payments=Payments.from_settings(settings),
        ticket_ids=[(await Ticket.filter(order=order).first()).id],
    )
    staff = await make_user(role=Role.STAFF, email="rosa@example.org", language=language)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as browser:
        await log_in(browser, staff.email, PASSWORD)
        page = await browser.get(f"/staff/orders/{order.code}")

    def status(name: str) -> str:
        return translated(name, language)

    assert order_log(page) == [
        "— → "
        + status("waiting for payment")
        + " · "
        + translated(
            "Order placed: %(payment)s, %(amount)s",
            language,
            payment=translated("Pay at the door", language),
            amount="$80.00",
        ),
        f"{status('waiting for payment')} → {status('paid')} · "
        + translated("Paid at the door", language),
        f"{status('paid')} → {status('paid')} · "
        + ngettext_in(language, "%(num)d ticket refunded: %(amount)s", 1, amount="$40.00")
        + " · rain",
    ]
    assert "cents" not in page.text and "box_office" not in page.text
