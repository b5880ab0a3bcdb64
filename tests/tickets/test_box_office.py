"""The box office at the door: a volunteer (or staff) sells tickets to people who walk
up, paid there in cash or by card, through a plain form in either language; the sale
takes seats as any order does; the tickets go in at once, show on the screen, or go by
email. Each person's shift summary says what the cash box should hold. The scanner
also takes an order's code and lists its tickets to let in."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.tickets.conftest import field_errors, page_text, translated
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.i18n import format_money, ngettext, use_language
from yoc.mail import OutboxMessage
from yoc.payments.providers import Payments
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing
from yoc.tickets.models import Order, Ticket, TicketType
from yoc.tickets.services import box_office, refunds

DOOR_CODE = "K7M4QX9P"


def door_client(app, language: str = "en") -> httpx.AsyncClient:
    """A phone of its own at the door, in ``language``."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Accept-Language": language},
    )


async def volunteer_at(client: httpx.AsyncClient, event: Event, name: str = "") -> None:
    """The phone is let in with the event's door code (and the volunteer's name)."""
    await Event.filter(id=event.id).update(door_code=DOOR_CODE)
    entered = await post_form(client, "/door", {"door_code": DOOR_CODE, "volunteer_name": name})
    assert entered.headers["location"] == f"/door/{event.slug}"


async def sell(
    client: httpx.AsyncClient, event: Event, fields: dict[str, str], gate: str = "North gate"
) -> httpx.Response:
    """Open the sale form from the scanner, as a volunteer does, and send it."""
    form = await client.get(f"/door/{event.slug}/sell?gate={gate}")
    assert form.status_code == 200, form.text[:500]
    sale_key = re.search(r'name="sale_key" value="([^"]*)"', form.text).group(1)
    data = {"csrf_token": csrf_from(form.text), "gate": gate, "sale_key": sale_key, **fields}
    return await client.post(f"/door/{event.slug}/sell", data=data)


def plural(singular: str, many: str, n: int, language: str) -> str:
    """The app's words for ``n`` of something in ``language`` (Spanish really Spanish)."""
    with use_language(language):
        text = ngettext(singular, many, n, num=n)
    assert language == "en" or text != many % {"num": n}
    return text


def money(cents: int, language: str = "en") -> str:
    with use_language(language):
        return format_money(cents)


async def scale_event(capacity: int = 100) -> tuple[Event, TicketType]:
    event = await make_event(capacity=capacity)
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


# Selling, without JavaScript, in both languages ----------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_volunteer_sells_two_tickets_for_cash_and_lets_them_in(app, language) -> None:
    event, scale = await scale_event()
    async with door_client(app, language) as phone:
        await volunteer_at(phone, event, "Rosa")
        scanner = await phone.get(f"/door/{event.slug}")
        form = await phone.get(f"/door/{event.slug}/sell?gate=North gate")

        sold = await sell(
            phone,
            event,
            {
                "ticket_type": str(scale.id),
                "quantity": "2",
                "price": "12,50" if language == "es" else "12.50",
                "payment": "door_cash",
                "then": "admit",
            },
        )
        done = await phone.get(sold.headers["location"])

    assert f'href="/door/{event.slug}/sell?gate=' in scanner.text
    assert translated("Sell tickets at the door", language) in page_text(form)
    assert translated("Cash", language) in page_text(form)
    assert sold.status_code == 303
    order = await Order.get(event=event)
    assert (order.status, order.payment, order.total_cents) == (
        OrderStatus.PAID,
        PaymentMethod.DOOR_CASH,
        2500,
    )
    assert (order.sold_gate, order.sold_by) == ("North gate", "Rosa")
    tickets = await Ticket.filter(order=order)
    assert [(t.checked_in_gate, t.checked_in_at is not None) for t in tickets] == [
        ("North gate", True),
        ("North gate", True),
    ]
    assert (await Event.get(id=event.id)).sold == 2
    assert done.status_code == 200
    text = page_text(done)
    assert plural("Sold: %(num)d ticket", "Sold: %(num)d tickets", 2, language) in text
    assert money(2500, language) in text
    # No email was given: nothing is sent, and no ticket's secret is shown.
    assert await OutboxMessage.all().count() == 0
    assert not any(t.secret in done.text for t in tickets)


async def test_the_qr_codes_show_on_the_sellers_screen_and_only_there(app) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    async with door_client(app) as phone, door_client(app) as other_phone:
        await volunteer_at(phone, event, "Rosa")
        await volunteer_at(other_phone, event, "Beto")
        sold = await sell(
            phone,
            event,
            {"ticket_type": str(adult.id), "quantity": "1", "payment": "door_card", "then": "show"},
        )
        shown = await phone.get(sold.headers["location"])
        peeked = await other_phone.get(sold.headers["location"])

    order = await Order.get(event=event)
    assert order.payment == PaymentMethod.DOOR_CARD
    (ticket,) = await Ticket.filter(order=order)
    assert ticket.checked_in_at is None
    assert shown.status_code == 200
    assert shown.text.count('<div class="qr"') == 1
    assert "<svg" in shown.text
    # Another volunteer cannot open the sale: the QR code is the ticket.
    assert peeked.status_code == 404
    assert "<svg" not in peeked.text


async def test_the_tickets_go_by_email_when_an_address_is_given(app) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    async with door_client(app, "es") as phone:
        await volunteer_at(phone, event)
        sold = await sell(
            phone,
            event,
            {
                "ticket_type": str(adult.id),
                "quantity": "3",
                "payment": "door_cash",
                "buyer_name": "Lupe Ramírez",
                "buyer_email": "Lupe@Example.org",
                "language": "es",
                "then": "email",
            },
        )
        done = await phone.get(sold.headers["location"])

    (mail,) = await OutboxMessage.filter(template="order_confirmed")
    assert (mail.to_email, mail.language) == ("lupe@example.org", "es")
    assert translated(
        "The tickets are on their way to %(email)s.", "es", email="lupe@example.org"
    ) in page_text(done)
    assert await Ticket.filter(order__event=event, checked_in_at__isnull=False).count() == 0


@pytest.mark.parametrize("language", ["en", "es"])
async def test_email_without_an_address_is_asked_for_and_the_form_keeps_what_was_typed(
    app, language
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    async with door_client(app, language) as phone:
        await volunteer_at(phone, event)
        refused = await sell(
            phone,
            event,
            {
                "ticket_type": str(adult.id),
                "quantity": "2",
                "payment": "door_cash",
                "buyer_name": "Lupe",
                "then": "email",
            },
        )

    assert refused.status_code == 422
    assert field_errors(refused) == [
        translated("Type the email address to send the tickets to.", language)
    ]
    assert 'name="buyer_name" type="text" value="Lupe"' in refused.text
    assert 'name="quantity" type="number" value="2"' in refused.text
    assert 'value="door_cash" checked' in refused.text
    assert await Order.all().count() == 0


async def test_a_sale_sent_twice_by_a_double_tap_is_one_sale(app) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    async with door_client(app) as phone:
        await volunteer_at(phone, event)
        form = await phone.get(f"/door/{event.slug}/sell")
        data = {
            "csrf_token": csrf_from(form.text),
            "sale_key": re.search(r'name="sale_key" value="([^"]*)"', form.text).group(1),
            "ticket_type": str(adult.id),
            "quantity": "1",
            "payment": "door_cash",
        }
        first = await phone.post(f"/door/{event.slug}/sell", data=data)
        second = await phone.post(f"/door/{event.slug}/sell", data=data)

    assert first.headers["location"] == second.headers["location"]
    assert await Order.filter(event=event).count() == 1
    assert (await Event.get(id=event.id)).sold == 1


# The sliding scale's bounds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "sold"),
    [("4.99", False), ("5", True), ("50", True), ("50.01", False), ("", True)],
)
async def test_the_sliding_price_stays_within_the_types_bounds(app, price, sold) -> None:
    event, scale = await scale_event()
    async with door_client(app) as phone:
        await volunteer_at(phone, event)
        answer = await sell(
            phone,
            event,
            {"ticket_type": str(scale.id), "quantity": "1", "price": price, "payment": "door_cash"},
        )

    if sold:
        assert answer.status_code == 303
        expected = int(round(float(price or "15") * 100))
        assert (await Order.get(event=event)).total_cents == expected
    else:
        assert answer.status_code == 422
        assert field_errors(answer) == [
            translated("Choose a price between the lowest and the highest shown.", "en")
        ]
        assert f'name="price" type="text" value="{price}"' in answer.text
        assert await Order.all().count() == 0


async def test_a_price_needs_a_way_to_pay_and_a_free_ticket_does_not(app) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    youth = await make_ticket_type(event, name_en="Youth", name_es="Jóvenes")
    async with door_client(app) as phone:
        await volunteer_at(phone, event)
        unpaid = await sell(phone, event, {"ticket_type": str(adult.id), "quantity": "1"})
        free = await sell(phone, event, {"ticket_type": str(youth.id), "quantity": "1"})

    assert unpaid.status_code == 422
    assert field_errors(unpaid) == [translated("Choose how you want to pay.", "en")]
    assert free.status_code == 303
    assert (await Order.get(event=event)).payment == PaymentMethod.FREE


async def test_buyers_online_cannot_claim_to_have_paid_at_the_door(client) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)

    answers = [
        await client.post(
            f"/api/v1/events/{event.slug}/orders",
            json={
                "buyer": {"name": "Ana", "email": "ana@example.org"},
                "items": [{"ticket_type": adult.id, "quantity": 1}],
                "payment": payment,
            },
        )
        for payment in ("door_cash", "door_card")
    ]

    assert [a.status_code for a in answers] == [422, 422]
    assert await Order.all().count() == 0


# Capacity ----------------------------------------------------------------------------------


async def test_the_door_cannot_sell_past_the_capacity(app, settings) -> None:
    event = await make_event(capacity=3)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    sale = {"ticket_type": str(adult.id), "quantity": "2", "payment": "door_cash"}
    async with door_client(app, "es") as phone:
        await volunteer_at(phone, event)
        first = await sell(phone, event, sale)
        refused = await sell(
            phone,
            event,
            {"ticket_type": str(adult.id), "quantity": "2", "payment": "door_cash"},
        )

    assert first.status_code == 303
    assert refused.status_code == 409
    assert translated(
        "Sorry, there are not enough tickets left for this order.", "es"
    ) in page_text(refused)
    assert 'name="quantity" type="number" value="2"' in refused.text
    assert (await Event.get(id=event.id)).sold == 2
    assert await Order.filter(event=event).count() == 1


# Who may sell ------------------------------------------------------------------------------


async def test_without_a_door_grant_nobody_sells(app) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    other = await make_event()
    await make_user(email="member@example.org", role=Role.MEMBER)
    sale = {"ticket_type": str(adult.id), "quantity": "1", "payment": "door_cash"}
    async with door_client(app) as stranger, door_client(app) as member:
        await log_in(member, "member@example.org", PASSWORD)
        events_page = await stranger.get("/events")
        token = csrf_from(events_page.text)
        stranger_get = await stranger.get(f"/door/{event.slug}/sell")
        stranger_post = await stranger.post(
            f"/door/{event.slug}/sell", data={**sale, "csrf_token": token}
        )
        member_page = await member.get("/events")
        member_post = await member.post(
            f"/door/{event.slug}/sell", data={**sale, "csrf_token": csrf_from(member_page.text)}
        )
    async with door_client(app) as elsewhere:
        await volunteer_at(elsewhere, other)  # a grant for another event
        scanner = await elsewhere.get(f"/door/{other.slug}")
        elsewhere_post = await elsewhere.post(
            f"/door/{event.slug}/sell", data={**sale, "csrf_token": csrf_from(scanner.text)}
        )

    assert (stranger_get.status_code, stranger_get.headers["location"]) == (303, "/door")
    assert (stranger_post.status_code, stranger_post.headers["location"]) == (303, "/door")
    assert member_post.status_code == 403
    assert elsewhere_post.status_code == 404
    assert await Order.all().count() == 0
    assert (await Event.get(id=event.id)).sold == 0


# The shift summary ---------------------------------------------------------------------------


async def test_the_shift_summary_sums_each_persons_sales_per_gate(app, settings) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    youth = await make_ticket_type(
        event, name_en="Youth", name_es="Jóvenes", pricing=Pricing.FIXED, price_cents=500
    )
    await make_user(email="sam@example.org", role=Role.STAFF, name="Sam Staff")
    await make_order(event, settings, {adult: 1}, payment=PaymentMethod.BOX_OFFICE)  # online
    async with (
        door_client(app) as rosa,
        door_client(app, "es") as beto,
        door_client(app) as sam,
    ):
        await volunteer_at(rosa, event, "Rosa")
        await volunteer_at(beto, event, "Beto")
        await log_in(sam, "sam@example.org", PASSWORD)

        def line(t: TicketType, n: int, pay: str) -> dict[str, str]:
            return {"ticket_type": str(t.id), "quantity": str(n), "payment": pay}

        await sell(rosa, event, line(adult, 2, "door_cash"), gate="North")  # 40 cash
        await sell(rosa, event, line(youth, 1, "door_cash"), gate="North")  # 5 cash
        await sell(rosa, event, line(adult, 1, "door_card"), gate="North")  # 20 card
        await sell(rosa, event, line(youth, 2, "door_cash"), gate="South")  # 10 cash
        await sell(beto, event, line(adult, 3, "door_cash"), gate="North")  # 60 cash
        refunded = await sell(beto, event, line(adult, 1, "door_cash"), gate="North")
        await sell(sam, event, line(youth, 4, "door_card"), gate="South")  # 20 card
        code = refunded.headers["location"].split("/sold/")[1].split("?")[0]
        order = await Order.get(code=code)
        await refunds.refund(
            order,
            actor="Sam",
            reason="changed their mind",
            settings=settings,
            payments=Payments.from_settings(settings),
        )

        rosas = await rosa.get(f"/door/{event.slug}/summary")
        rosas_scanner = await rosa.get(f"/door/{event.slug}")
        betos = await beto.get(f"/door/{event.slug}/summary")
        staff_page = await sam.get(f"/staff/events/{event.slug}/box-office")

    lines = await box_office.shift_summary(event)
    assert [
        (x.gate, x.sold_by, x.tickets, x.cash_cents, x.card_cents, x.orders) for x in lines
    ] == [
        ("North", "Beto", 3, 6000, 0, 1),
        ("North", "Rosa", 4, 4500, 2000, 3),
        ("South", "Rosa", 2, 1000, 0, 1),
        ("South", "Sam Staff <sam@example.org>", 4, 0, 2000, 1),
    ]

    def rows(page: httpx.Response) -> list[list[str]]:
        body = re.search(r"<tbody>(.*?)</tbody>", page.text, re.S).group(1)
        return [
            [
                html.unescape(re.sub(r"<[^>]+>|\s+", " ", c).strip())
                for c in re.findall(r"<td>(.*?)</td>", row, re.S)
            ]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]

    assert rows(rosas) == [
        ["North", "4", money(4500), money(2000)],
        ["South", "2", money(1000), money(0)],
    ]
    # The scanner says it too, for the whole shift: every gate of this volunteer's.
    mine = re.search(r'<p class="card my-shift">(.*?)</p>', rosas_scanner.text, re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", mine)) == (
        f"My shift: 6 tickets sold · Cash to count {money(5500)} · Card at the door {money(2000)}"
    )
    assert rows(betos) == [["North", "3", money(6000, "es"), money(0, "es")]]
    assert translated("Cash to count", "es") in page_text(betos)
    assert staff_page.status_code == 200
    assert rows(staff_page) == [
        ["North", "Beto", "3", money(6000), money(0)],
        ["North", "Rosa", "4", money(4500), money(2000)],
        ["South", "Rosa", "2", money(1000), money(0)],
        ["South", "Sam Staff <sam@example.org>", "4", money(0), money(2000)],
    ]
    assert f"{money(11500)}" in staff_page.text  # the cash of every gate


# An order's code at the scanner ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", " {spaced} ", "{bare}", "{bare_lower}", "yoc {bare}"]
)
async def test_an_order_code_typed_in_any_case_lists_its_tickets_to_let_in(
    app, settings, typed
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1550)
    order = await make_order(event, settings, {adult: 2}, payment=PaymentMethod.BOX_OFFICE)
    bare = order.code.removeprefix("YOC-")
    text = typed.format(
        code=order.code,
        lower=order.code.lower(),
        spaced=f"YOC {bare[:4]} {bare[4:]}",
        bare=bare,
        bare_lower=bare.lower(),
    )
    tickets = await Ticket.filter(order=order).order_by("id")
    async with door_client(app, "es") as phone:
        await volunteer_at(phone, event)
        scanner = await phone.get(f"/door/{event.slug}")
        typed_in = await phone.post(
            f"/door/{event.slug}/scan",
            data={"csrf_token": csrf_from(scanner.text), "gate": "North", "code": text},
        )
        listing = await phone.get(typed_in.headers["location"])
        admitted = await phone.post(
            f"/door/{event.slug}/scan",
            data={
                "csrf_token": csrf_from(listing.text),
                "gate": "North",
                "ticket_id": str(tickets[0].id),
            },
        )

    assert typed_in.status_code == 303
    assert listing.status_code == 200
    found = re.search(r'<section class="card order-at-door".*?</section>', listing.text, re.S)
    assert found
    box = found.group(0)
    assert re.findall(r'name="ticket_id" value="(\d+)"', box) == [str(t.id) for t in tickets]
    assert not any(t.secret in listing.text for t in tickets)
    assert f'<p class="amount-due">{money(3100, "es")}</p>' in box
    assert f'action="/door/{event.slug}/collect/{order.code}"' in box
    # The order waits for payment: collect first, as for a scanned ticket.
    assert admitted.status_code == 200
    assert translated("Collect payment first", "es") in page_text(admitted)


async def test_an_order_code_of_another_event_or_none_lists_nothing(app, settings) -> None:
    event = await make_event()
    other = await make_event()
    adult = await make_ticket_type(other, pricing=Pricing.FIXED, price_cents=1550)
    elsewhere = await make_order(other, settings, {adult: 1}, payment=PaymentMethod.BOX_OFFICE)
    async with door_client(app) as phone:
        await volunteer_at(phone, event)
        answers = []
        for code in (elsewhere.code, "YOC-22222222"):
            scanner = await phone.get(f"/door/{event.slug}")
            typed_in = await phone.post(
                f"/door/{event.slug}/scan",
                data={"csrf_token": csrf_from(scanner.text), "code": code},
            )
            answers.append(await phone.get(typed_in.headers["location"]))

    for page in answers:
        assert translated(
            "No order of this event has that code. Check it with the buyer.", "en"
        ) in page_text(page)
        assert 'name="ticket_id"' not in page.text
        assert "Ana Buyer" not in page.text


async def test_the_scanner_script_is_told_where_an_order_code_leads(app, settings) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1550)
    order = await make_order(event, settings, {adult: 1}, payment=PaymentMethod.BOX_OFFICE)
    async with door_client(app) as phone:
        await volunteer_at(phone, event)
        scanner = await phone.get(f"/door/{event.slug}")
        token = re.search(r'data-csrf="([^"]+)"', scanner.text).group(1)
        scripted = await phone.post(
            f"/door/{event.slug}/scan",
            json={"code": order.code.lower(), "gate": "North"},
            headers={"Accept": "application/json", "X-CSRF-Token": token},
        )

    assert scripted.json() == {
        "result": "order",
        "order": order.code,
        "location": f"/door/{event.slug}?order={order.code}&gate=North",
    }


def test_order_codes_are_read_in_any_case_with_or_without_the_prefix() -> None:
    read = box_office.order_code_in
    assert read("YOC-5CTR9V22") == "YOC-5CTR9V22"
    assert read("yoc-5ctr9v22") == "YOC-5CTR9V22"
    assert read("  5CTR 9V22 ") == "YOC-5CTR9V22"
    assert read("YOC\u20115CTR9V22") == "YOC-5CTR9V22"
    assert read("yoc5ctr9v22") == "YOC-5CTR9V22"
    # No code starts with "YOC" itself (O is not in the alphabet): never ambiguous.
    assert read("YOCABCDE") is None
    assert read("5CTR9V2") is None
    assert read("5CTR9V220") is None
    assert read("5CTR9V2O") is None  # O is not in the codes' alphabet
    assert read("ABCDEFGHJKMNPQRSTUVWXYZ234") is None  # a ticket's code
