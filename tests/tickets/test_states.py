"""The life of an order (tickets/services/states.py): a pay-at-the-door order waits until
staff mark it paid, and is marked paid only once."""

from __future__ import annotations

from tests.tickets.conftest import (
    STAFF,
    page_text,
    paid_box_office_order,
    placed_order,
    staff_action,
    submit,
)
from tests.tickets.factories import make_event, make_ticket_type
from yoc.mail import OutboxMessage
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing
from yoc.tickets.models import Order, OrderLog


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
