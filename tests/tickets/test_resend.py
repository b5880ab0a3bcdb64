""" "Send my tickets again" (tickets/routes.py ``resend``, notify.resend_tickets): every
paid order and every pay-at-the-door order still waiting for payment, of that email and
for an upcoming event, gets its own email again (its tickets, or its reservation); the
page says the same whether or not the email has any."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.conftest import csrf_from
from tests.tickets.conftest import STAFF, translated
from tests.tickets.factories import days_from_now, make_event, make_order, make_ticket_type
from yoc.mail import OutboxMessage
from yoc.payments.providers import Payments
from yoc.tickets.enums import PaymentMethod, Pricing
from yoc.tickets.services import refunds

ANA = "ana@example.org"
SENT = (
    "If %(email)s has tickets for upcoming events, they are on their way. Check your spam "
    "folder too."
)


async def resend(client: httpx.AsyncClient, email: str, language: str) -> httpx.Response:
    headers = {"Accept-Language": language}
    page = await client.get("/tickets/resend", headers=headers)
    return await client.post(
        "/tickets/resend",
        data={"email": email, "csrf_token": csrf_from(page.text)},
        headers=headers,
    )


def message(response: httpx.Response) -> str:
    section = re.search(r'<section class="card narrow">(.*?)</section>', response.text, re.S)
    assert section
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", section.group(1)))).strip()


async def sent_since(first_id: int) -> list[tuple[str, str, str]]:
    found = await OutboxMessage.filter(id__gt=first_id).order_by("id")
    return [(m.to_email, m.template, m.subject) for m in found]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_resend_sends_each_open_or_paid_upcoming_order_its_own_email(
    client, settings, language
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    youth = await make_ticket_type(event)
    past = await make_event(starts_at=days_from_now(-3), ends_at=days_from_now(-2.9))
    past_youth = await make_ticket_type(past)
    # A cancelled reservation first: an email holds one open reservation at a time.
    cancelled = await make_order(event, settings, {adult: 1}, payment=PaymentMethod.BOX_OFFICE)
    await refunds.cancel(
        cancelled,
        actor=STAFF,
        reason="asked to",
        settings=settings,
        payments=Payments.from_settings(settings),
    )
    at_door = await make_order(event, settings, {adult: 2}, payment=PaymentMethod.BOX_OFFICE)
    free = await make_order(event, settings, {youth: 1}, payment=None)
    await make_order(past, settings, {past_youth: 1}, payment=None)
    await make_order(event, settings, {youth: 1}, payment=None, buyer_email="bo@example.org")
    last = await OutboxMessage.all().order_by("-id").first()

    known = await resend(client, ANA, language)
    unknown = await resend(client, "nobody@example.org", language)

    assert (known.status_code, unknown.status_code) == (200, 200)
    assert message(known) == message(unknown).replace("nobody@example.org", ANA)
    assert translated(SENT, language, email=ANA) in message(known)
    # The buyer's emails are in the language of the order (English here).
    assert await sent_since(last.id) == [
        (ANA, "order_received", f"Your tickets are reserved: {event.name_en}"),
        (ANA, "order_confirmed", f"Your tickets: {event.name_en}"),
    ]
    received, confirmed = await OutboxMessage.filter(id__gt=last.id).order_by("id")
    assert f"Order {at_door.code}" in received.body_text
    assert f"Order {free.code}" in confirmed.body_text
