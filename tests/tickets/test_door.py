"""The door's scanner page with a pay-at-the-door order: it says, in the volunteer's
language, how much to collect for the whole order, offers the "paid" button, and says
it is paid afterwards; the JSON the scanner script shows carries the same amount."""

from __future__ import annotations

import html
import json
import re

import httpx
import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.tickets.conftest import translated
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.i18n import format_money, use_language
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing
from yoc.tickets.models import Order, Ticket
from yoc.tickets.services import checkin

DOOR_CODE = "K7M4QX9P"


async def volunteer_at(client: httpx.AsyncClient, event: Event, language: str) -> None:
    """A volunteer's phone, in ``language``, let in with the event's door code."""
    await Event.filter(id=event.id).update(door_code=DOOR_CODE)
    client.headers["Accept-Language"] = language
    entered = await post_form(client, "/door", {"door_code": DOOR_CODE})
    assert entered.headers["location"] == f"/door/{event.slug}"


def result_box(response: httpx.Response) -> str:
    """The scan's answer as the volunteer reads it: its paragraphs' text and buttons."""
    box = re.search(r'<div id="result"[^>]*>(.*?)</div>', response.text, re.S)
    assert box, "no result on the page"
    lines = re.findall(r"<(?:p|button)[^>]*>(.*?)</(?:p|button)>", box.group(1), re.S)
    return " | ".join(html.unescape(re.sub(r"\s+", " ", line).strip()) for line in lines)


def money(cents: int, language: str) -> str:
    with use_language(language):
        return format_money(cents)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_scanner_page_says_what_to_collect_for_the_whole_order_then_that_it_is_paid(
    client, settings, language
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1550)
    order = await make_order(event, settings, {adult: 2}, payment=PaymentMethod.BOX_OFFICE)
    first = (await Ticket.filter(order=order).order_by("id"))[0]
    await volunteer_at(client, event, language)
    scanner = await client.get(f"/door/{event.slug}")

    scanned = await client.post(
        f"/door/{event.slug}/scan",
        data={"csrf_token": csrf_from(scanner.text), "gate": "North gate", "code": first.secret},
    )

    assert scanned.status_code == 200
    assert result_box(scanned) == " | ".join(
        [
            translated("Collect payment first", language),
            f"{adult.name_es if language == 'es' else adult.name_en} · Ana Buyer",
            translated("To collect, for the whole order", language),
            money(3100, language),
            translated("Payment collected", language),
        ]
    )
    # The amount stands out: it is what the volunteer asks for.
    assert f'<p class="amount-due">{money(3100, language)}</p>' in scanned.text

    collect = re.search(r'<form method="post" action="(/door/[^"]+/collect/[^"]+)">', scanned.text)
    assert collect
    paid = await client.post(collect.group(1), data={"csrf_token": csrf_from(scanned.text)})
    back = await client.get(paid.headers["location"])

    assert paid.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert re.findall(r'<div class="flash flash-success"[^>]*>(.*?)</div>', back.text) == [
        translated("Paid. Now scan the tickets again to let them in.", language)
    ]


async def test_scanner_json_carries_the_whole_orders_amount_to_collect(client, settings) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1550)
    order = await make_order(event, settings, {adult: 2}, payment=PaymentMethod.BOX_OFFICE)
    first = (await Ticket.filter(order=order).order_by("id"))[0]
    await volunteer_at(client, event, "es")
    scanner = await client.get(f"/door/{event.slug}")
    token = re.search(r'data-csrf="([^"]+)"', scanner.text).group(1)

    scripted = await client.post(
        f"/door/{event.slug}/scan",
        json={"code": first.secret, "gate": "North gate", "scan_id": "phone-2-1"},
        headers={"Accept": "application/json", "X-CSRF-Token": token},
    )

    assert scripted.json() == {
        "result": "not_paid",
        "collect_cents": 3100,
        "box_office": True,
        "ticket_type": adult.name_en,
        "ticket_type_es": adult.name_es,
        "name": "Ana Buyer",
        "order": order.code,
    }
    # What the script needs to show it as the page does (tests/e2e/test_door_journey.py
    # watches it do so): the words, and the locale to format money in.
    texts = json.loads(html.unescape(re.search(r'data-texts="([^"]+)"', scanner.text).group(1)))
    assert (texts["to_collect"], texts["collected"]) == (
        translated("To collect, for the whole order", "es"),
        translated("Payment collected", "es"),
    )
    assert re.search(r'data-money-locale="([^"]+)"', scanner.text).group(1) == "es-US"


# One gate, whatever the volunteer's language -------------------------------------------


def counts_table(response: httpx.Response, heading: str) -> list[list[str]]:
    """The rows of the live counts' table under ``heading``, as the reader sees them."""
    section = re.search(
        rf"<h2>{re.escape(heading)}</h2>(.*?)</section>", html.unescape(response.text), re.S
    )
    assert section, f"no table {heading!r}"
    rows = re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows if "<td" in row]


async def test_volunteers_in_two_languages_at_the_default_gate_count_at_one_gate(
    app, client, settings
) -> None:
    event = await make_event()
    general = await make_ticket_type(event, name_en="General admission", name_es="Entrada general")
    order = await make_order(event, settings, {general: 2}, payment=None)
    first, second = await Ticket.filter(order=order).order_by("id")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other_phone:
        for phone, language, ticket in ((client, "en", first), (other_phone, "es", second)):
            await volunteer_at(phone, event, language)
            scanner = await phone.get(f"/door/{event.slug}")
            assert translated(
                "Gate: %(gate)s", language, gate=translated("Main gate", language)
            ) in (html.unescape(scanner.text))
            scanned = await phone.post(
                f"/door/{event.slug}/scan",
                data={
                    "csrf_token": csrf_from(scanner.text),
                    "gate": re.search(r'name="gate" value="([^"]*)"', scanner.text).group(1),
                    "code": ticket.secret,
                },
            )
            assert scanned.status_code == 200
    staff = await make_user(role=Role.STAFF, email="sam@example.org", language="es")
    await log_in(client, staff.email, PASSWORD)

    counts = await client.get(f"/door/{event.slug}/counts")

    assert counts_table(counts, translated("By gate", "es")) == [
        [translated("Main gate", "es"), "2"]
    ]
    assert counts_table(counts, translated("By ticket type", "es")) == [
        ["Entrada general", "2", "2"]
    ]
    assert [t.checked_in_gate for t in await Ticket.filter(order=order)] == ["", ""]


@pytest.mark.parametrize("typed", ["Main gate", "entrada principal", "  Main   gate "])
async def test_a_gate_named_like_the_default_in_any_language_is_the_default_gate(typed) -> None:
    assert checkin.gate_key(typed) == ""
    assert checkin.gate_key("North gate") == "North gate"
