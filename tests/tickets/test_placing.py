"""Placing an order (tickets/services/placing.py): a free order is paid at once, logged,
and confirmed by mail in the buyer's language, with a QR code named by each ticket."""

from __future__ import annotations

import pytest

from tests.tickets.conftest import placed_order, submit, translated
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.mail import OutboxMessage
from yoc.tickets.enums import OrderStatus, PaymentMethod, TicketStatus
from yoc.tickets.models import OrderLog, Ticket


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
    assert [(e.from_status, e.to_status, e.actor_label, e.code, e.details) for e in log] == [
        ("", "pending", "ana@example.org", "placed", {"payment": "free", "amount_cents": 0}),
        ("pending", "paid", "system", "free", None),
    ]
    tickets = await Ticket.filter(order=order).order_by("id")
    assert [(t.id, t.secret) for t in order.tickets] == [(t.id, t.secret) for t in tickets]
    [mail] = await OutboxMessage.all()
    assert [a["cid"] for a in mail.attachments] == [f"ticket-{t.id}" for t in tickets]
    for ticket in tickets:
        assert f'src="cid:ticket-{ticket.id}"' in mail.body_html
        code = next(a["qr"] for a in mail.attachments if a["cid"] == f"ticket-{ticket.id}")
        assert code.split(".")[3] == ticket.secret
