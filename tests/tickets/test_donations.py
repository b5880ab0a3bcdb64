"""A donation-only order (pay-it-forward tickets, none for the buyer): its page and its
emails thank the donor for what they gave and say there is nothing to show at the gate,
in the buyer's language; the staff order page shows the donation as its own line."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.conftest import STAFF, mails, page_text, translated
from tests.tickets.factories import make_event, make_order
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.i18n import format_money, ngettext, use_language
from yoc.tickets.enums import PaymentMethod
from yoc.tickets.models import Order
from yoc.tickets.services import states

GAVE_PENDING = (
    "Thank you for giving %(num)d ticket to someone who cannot pay. Pay %(total)s at the "
    "door, in cash or by card, and say your name.",
    "Thank you for giving %(num)d tickets to people who cannot pay. Pay %(total)s at the "
    "door, in cash or by card, and say your name.",
)
GAVE_PAID = (
    "Thank you! You gave %(num)d ticket to someone who cannot pay.",
    "Thank you! You gave %(num)d tickets to people who cannot pay.",
)
NOTHING_TO_SHOW = "This order holds no ticket for you, so there is nothing to show at the gate."
CONFIRMED = (
    "Thank you! Your order is confirmed. Show a ticket at the door, on your phone or printed."
)
SUBJECT = "Thank you for your donated tickets: %(event)s"
RESERVED = (
    "Your tickets are reserved. Pay %(total)s at the door: cash or card. Say your name or "
    "show this page."
)


def plural(message: tuple[str, str], n: int, language: str, **variables: object) -> str:
    """``message`` as the app says it in ``language`` for ``n``; Spanish must differ."""
    with use_language("en"):
        english = ngettext(*message, n, num=n, **variables)
    with use_language(language):
        text = ngettext(*message, n, num=n, **variables)
    if language != "en":
        assert text != english, f"no {language} translation for {message[1]!r}"
    return text


def money(cents: int, language: str) -> str:
    with use_language(language):
        return format_money(cents)


def paragraphs(response: httpx.Response) -> list[str]:
    found = re.findall(r"<p[^>]*>(.*?)</p>", response.text, re.S)
    return [html.unescape(re.sub(r"<[^>]+>|\s+", " ", p)).strip() for p in found]


async def donor_order(settings, language: str, donate: int = 3) -> tuple[Event, Order]:
    """A pay-at-the-door order of ``donate`` pay-it-forward tickets at $15 each."""
    event = await make_event(donation_price_cents=1500)
    order = await make_order(
        event, settings, {}, donate=donate, payment=PaymentMethod.BOX_OFFICE, language=language
    )
    return event, order


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_donation_only_order_page_thanks_the_donor_and_asks_for_nothing_at_the_gate(
    client, settings, language
) -> None:
    _, order = await donor_order(settings, language)
    page = f"/orders/{order.code}/{order.key}"
    headers = {"Accept-Language": language}

    pending = await client.get(page, headers=headers)
    await states.mark_paid_at_door(order, actor=STAFF, settings=settings)
    paid = await client.get(page, headers=headers)

    total = money(4500, language)
    assert paragraphs(pending)[2:4] == [
        plural(GAVE_PENDING, 3, language, total=total),
        translated(NOTHING_TO_SHOW, language),
    ]
    assert paragraphs(paid)[2:4] == [
        plural(GAVE_PAID, 3, language),
        translated(NOTHING_TO_SHOW, language),
    ]
    for response in (pending, paid):
        assert translated(RESERVED, language, total=total) not in page_text(response)
        assert translated("Print my tickets", language) not in page_text(response)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_donation_only_orders_emails_thank_the_donor_and_ask_for_nothing_at_the_gate(
    app, settings, language
) -> None:
    event, order = await donor_order(settings, language, donate=1)
    await states.mark_paid_at_door(order, actor=STAFF, settings=settings)

    received, confirmed = (await mails("order_received"))[0], (await mails("order_confirmed"))[0]

    name = event.name_es if language == "es" else event.name_en
    nothing = translated(NOTHING_TO_SHOW, language)
    gave_pending = plural(GAVE_PENDING, 1, language, total=money(1500, language))
    gave_paid = plural(GAVE_PAID, 1, language)
    assert received.subject == confirmed.subject == translated(SUBJECT, language, event=name)
    assert f"{gave_pending}\n\n{nothing}" in received.body_text
    assert f"{gave_paid}\n\n{nothing}" in confirmed.body_text
    for message in (received, confirmed):
        assert "reserv" not in message.body_text.lower()
        assert translated(CONFIRMED, language) not in message.body_text
    body = html.unescape(confirmed.body_html)
    assert f"<p>{gave_paid}</p>" in body
    assert f"<p>{nothing}</p>" in body


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_staff_order_page_shows_the_donation_as_its_own_line(
    app, settings, language
) -> None:
    _, order = await donor_order(settings, "en")
    staff = await make_user(role=Role.STAFF, language=language)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        await log_in(client, staff.email, PASSWORD)
        response = await client.get(f"/staff/orders/{order.code}")

    line = plural(
        (
            "%(num)d donated ticket × %(price)s = %(amount)s",
            "%(num)d donated tickets × %(price)s = %(amount)s",
        ),
        3,
        language,
        price=money(1500, language),
        amount=money(4500, language),
    )
    assert response.status_code == 200
    items = re.findall(r'<li class="order-line">(.*?)</li>', page_text(response), re.S)
    assert [re.sub(r"\s+", " ", item).strip() for item in items] == [line]
