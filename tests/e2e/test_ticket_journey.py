"""A visitor on a Spanish phone orders two pay-what-you-can tickets for The Hue 2027 and
chooses to pay at the door; a staff member marks the order paid at the door; the
visitor's order page then says it is paid.

The live server holds the demo festivals (``yoc/tickets/demo.py``): "the-hue-2027" sells
"General admission" / "Entrada general" on a sliding scale from $5 to $40 (suggested
$15). Card payment is not set up in the e2e server, so "pay at the door" is the only way
to pay. The pages are in Spanish, so elements are found by id, name, href or form
action, and every text the journey asserts is read from the Spanish catalog."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import spanish
from tests.e2e.pages import path_is, sign_in
from yoc import demo
from yoc.i18n import format_money, ngettext, use_language

pytestmark = pytest.mark.e2e

EVENT = "the-hue-2027"
EVENT_NAME = "The Hue 2027"
GENERAL_ES = "Entrada general"  # yoc/tickets/demo.py: name_es of the sliding-scale type
PARTNER_ES = "Grupo aliado"  # the hidden type, shown only with its access code
STAFF = "staff@demo.yoc.example"
QUANTITY = 2
TOO_LOW = "2"  # below the $5 minimum
PRICE = "12,50"  # a decimal comma, as many Spanish speakers type it
TOTAL_CENTS = QUANTITY * 1250


def spanish_plural(singular: str, plural: str, n: int, **variables: object) -> str:
    with use_language("en"):
        english = ngettext(singular, plural, n, **variables)
    with use_language("es"):
        translated = ngettext(singular, plural, n, **variables)
    assert translated != english, f"no Spanish translation in the catalog for {plural!r}"
    return translated


def es_money(cents: int) -> str:
    with use_language("es"):
        return format_money(cents)


async def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scroll)."""
    return await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


async def _spanish_context(browser: Browser, base_url: str) -> BrowserContext:
    ctx = await browser.new_context(
        base_url=base_url,
        viewport={"width": 360, "height": 740},
        locale="es-MX",
    )
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
async def visitor(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    """A phone-sized browser set to Mexican Spanish, nobody signed in."""
    ctx = await _spanish_context(browser, live_server)
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


@pytest.fixture
async def staff_page(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    """Another browser (its own cookies) for the staff member at the door."""
    ctx = await _spanish_context(browser, live_server)
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


async def test_visitor_reserves_sliding_scale_tickets_and_pays_at_the_door(
    visitor: Page, staff_page: Page, artifacts_dir: Path
) -> None:
    page = visitor
    buyer_name = "Rosa Martínez Ochoa"
    # The server is shared with the other journeys: an address of this run's own.
    buyer_email = f"hue.{uuid.uuid4().hex[:12]}@e2e.example.org"
    total = es_money(TOTAL_CENTS)
    assert total == "$25.00"  # the format people read in California, in Spanish too

    # Every Spanish text the journey expects, read from the catalog first: a missing
    # translation fails here, clearly.
    text = {
        "tickets": spanish("Tickets"),
        "review": spanish("Review your order"),
        "too_low": spanish("Choose a price between the lowest and the highest shown."),
        "pay_at_door_note": spanish("You pay at the door. We hold your tickets under your name."),
        "confirm": spanish("Confirm my order"),
        "pending": spanish("waiting for payment"),
        "pay_at_door": spanish(
            "Your tickets are reserved. Pay %(total)s at the door: cash or card. "
            "Say your name or show this page.",
            total=total,
        ),
        "your_tickets": spanish_plural("Your ticket", "Your tickets", QUANTITY),
        "mark_paid": spanish("Mark as paid at the door"),
        "marked_paid": spanish("Marked as paid."),
        "paid": spanish("paid"),
        "all_set": spanish("You are all set! Show a ticket at the door, on your phone or printed."),
    }

    html = page.locator("html")
    main = page.locator("main")
    h1 = page.locator("main h1")

    # 1. The festival page, in Spanish (the browser asks for es-MX; the header's switcher
    # is there for anyone whose browser does not).
    response = await page.goto(f"/events/{EVENT}")
    assert response is not None and response.status == 200
    if await html.get_attribute("lang") != "es":
        switcher = page.locator('header form.language-switcher[action="/language"]')
        await switcher.locator('button[name="lang"][value="es"]').click()
        await expect(page).to_have_url(path_is(f"/events/{EVENT}"))
    await expect(html).to_have_attribute("lang", "es")
    await expect(page.locator('header button[name="lang"][value="es"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(h1).to_have_text(EVENT_NAME)
    await expect(page.locator("#tickets > h2")).to_have_text(text["tickets"])

    # The "Entrada general" ticket type: its quantity select and its price input carry
    # the type's id.
    general = main.locator("li.ticket-type").filter(
        has=page.locator("h3", has_text=re.compile(rf"^\s*{re.escape(GENERAL_ES)}\s*$"))
    )
    await expect(general).to_have_count(1)
    # The partner type stays hidden without its access code (CAMPESINO27).
    await expect(main.locator("li.ticket-type")).to_have_count(2)
    await expect(main.locator("li.ticket-type", has_text=PARTNER_ES)).to_have_count(0)
    quantity = general.locator('select[name^="qty_"]')
    await expect(quantity).to_have_count(1)
    qty_name = await quantity.get_attribute("name")
    assert qty_name is not None and re.fullmatch(r"qty_\d+", qty_name), qty_name
    type_id = qty_name.removeprefix("qty_")
    await expect(general.locator(f'label[for="qty_{type_id}"]')).to_have_count(1)
    price = general.locator(f'input[name="price_{type_id}"]')
    await expect(price).to_have_value("15.00")  # the suggested price
    await expect(general.locator(f'label[for="price_{type_id}"]')).to_have_text(
        spanish("Your price per ticket (USD)")
    )
    await expect(general.locator("p.price")).to_have_text(
        spanish(
            "Pay what you can: %(min)s to %(max)s (suggested %(suggested)s)",
            min=es_money(500),
            max=es_money(4000),
            suggested=es_money(1500),
        )
    )
    overflow_event = await horizontal_overflow(page)
    await page.screenshot(path=artifacts_dir / "tickets-event-es-360.png", full_page=True)

    form = main.locator(f'form[action="/events/{EVENT}/review"]')
    name_input, email_input = form.locator("#f-buyer_name"), form.locator("#f-buyer_email")
    door = form.locator('input[type="radio"][name="payment"][value="box_office"]')
    submit = form.locator('button[type="submit"]')

    # 2. First, a price below the lowest one: the Spanish field error, and nothing typed
    # is lost.
    await quantity.select_option(str(QUANTITY))
    await price.fill(TOO_LOW)
    await name_input.fill(buyer_name)
    await email_input.fill(buyer_email)
    await door.check()
    await submit.click()
    await expect(page).to_have_url(path_is(f"/events/{EVENT}/review"))
    await expect(html).to_have_attribute("lang", "es")
    await expect(general).to_have_class(re.compile(r"\bhas-error\b"))
    await expect(general.locator("p.field-error")).to_have_text(text["too_low"])
    await expect(main.locator("p.field-error")).to_have_count(1)
    await expect(price).to_have_value(TOO_LOW)
    await expect(quantity).to_have_value(str(QUANTITY))
    await expect(name_input).to_have_value(buyer_name)
    await expect(email_input).to_have_value(buyer_email)
    await expect(door).to_be_checked()
    await page.screenshot(
        path=artifacts_dir / "tickets-event-price-error-es-360.png", full_page=True
    )

    # Then a price within the range, with a decimal comma.
    await price.fill(PRICE)
    await submit.click()
    await expect(page).to_have_url(path_is(f"/events/{EVENT}/review"))
    await expect(h1).to_have_text(text["review"])
    lines = main.locator("table.order-lines tbody tr")
    await expect(lines).to_have_count(1)
    await expect(lines.first.locator("td").first).to_have_text(f"{QUANTITY} × {GENERAL_ES}")
    await expect(lines.first.locator("td.num")).to_have_text(total)
    await expect(main.locator("table.order-lines tfoot td.num")).to_have_text(total)
    await expect(main.locator("table.order-lines tfoot td.num")).to_have_text("$25.00")
    await expect(main).to_contain_text(
        spanish("Tickets for %(name)s, sent to %(email)s.", name=buyer_name, email=buyer_email)
    )
    await expect(main).to_contain_text(text["pay_at_door_note"])
    overflow_review = await horizontal_overflow(page)
    await page.screenshot(path=artifacts_dir / "tickets-review-es-360.png", full_page=True)

    confirm = main.locator(f'form[action="/events/{EVENT}/orders"] button[type="submit"]')
    await expect(confirm).to_have_text(text["confirm"])
    await confirm.click()

    # The order page: its address is the key to the order.
    await expect(page).to_have_url(re.compile(r"^https?://[^/]+/orders/[A-Za-z0-9_-]+/[^/?#]+$"))
    order_path = re.sub(r"^https?://[^/]+", "", page.url)
    _, _, code, _key = order_path.split("/")
    await expect(html).to_have_attribute("lang", "es")
    # The code is shown with a non-breaking hyphen, so it never wraps in two.
    await expect(h1).to_have_text(spanish("Order %(code)s", code=code.replace("-", "\u2011")))
    status = main.locator("p.order-status")
    await expect(status).to_have_text(text["pending"])
    await expect(status).to_have_class(re.compile(r"\bstatus-pending\b"))
    await expect(main).to_contain_text(text["pay_at_door"])
    await expect(main.locator("table.order-lines tfoot td.num")).to_have_text(total)
    await expect(main.locator("h2")).to_have_text(text["your_tickets"])
    ticket_links = main.locator('ul.plain-list a[href^="/tickets/"]')
    await expect(ticket_links).to_have_count(QUANTITY)
    hrefs = {await link.get_attribute("href") for link in await ticket_links.all()}
    assert len(hrefs) == QUANTITY, hrefs  # one secret per ticket
    await expect(main.locator(f'a[href="{order_path}/print"]')).to_have_count(1)
    overflow_order = await horizontal_overflow(page)
    await page.screenshot(path=artifacts_dir / "tickets-order-pending-es-360.png", full_page=True)

    # 3. At the door: staff, in another browser, marks the order paid.
    staff = staff_page
    assert next(p for p in demo.PEOPLE if p.email == STAFF).language == "es"
    await sign_in(staff, STAFF)
    await expect(staff).to_have_url(path_is("/dashboard"))
    await expect(staff.locator("html")).to_have_attribute("lang", "es")

    response = await staff.goto(f"/staff/orders/{code}")
    assert response is not None and response.status == 200
    staff_main = staff.locator("main")
    await expect(staff.locator("main h1")).to_have_text(
        spanish("Order %(code)s", code=code.replace("-", "\u2011"))
    )
    facts = staff_main.locator("dl.facts")
    badge = facts.locator("dd span.badge")
    await expect(badge).to_have_text(text["pending"])
    await expect(facts).to_contain_text(buyer_name)
    await expect(facts).to_contain_text(buyer_email)
    await expect(facts).to_contain_text(spanish("Pay at the door"))
    await expect(facts).to_contain_text(total)
    overflow_staff = await horizontal_overflow(staff)
    await staff.screenshot(
        path=artifacts_dir / "tickets-staff-order-pending-es-360.png", full_page=True
    )

    paid_form = staff_main.locator(f'form[action="/staff/orders/{code}/paid"]')
    await expect(paid_form).to_have_count(1)
    await expect(paid_form.locator('button[type="submit"]')).to_have_text(text["mark_paid"])
    await paid_form.locator('button[type="submit"]').click()
    await expect(staff).to_have_url(path_is(f"/staff/orders/{code}"))
    await expect(staff_main.locator(".flash-success")).to_have_text(text["marked_paid"])
    await expect(badge).to_have_text(text["paid"])
    await expect(badge).to_have_class(re.compile(r"\bstatus-paid\b"))
    await expect(paid_form).to_have_count(0)  # nothing left to collect
    overflow_staff = max(overflow_staff, await horizontal_overflow(staff))
    await staff.screenshot(
        path=artifacts_dir / "tickets-staff-order-paid-es-360.png", full_page=True
    )

    # The visitor reloads her order page: paid.
    await page.reload()
    await expect(html).to_have_attribute("lang", "es")
    await expect(status).to_have_text(text["paid"])
    await expect(status).to_have_class(re.compile(r"\bstatus-paid\b"))
    await expect(main).to_contain_text(text["all_set"])
    await expect(main).not_to_contain_text(text["pay_at_door"])
    await expect(ticket_links).to_have_count(QUANTITY)
    overflow_order = max(overflow_order, await horizontal_overflow(page))
    await page.screenshot(path=artifacts_dir / "tickets-order-paid-es-360.png", full_page=True)

    # Nothing scrolls sideways on a 360 px phone.
    assert {
        "event": overflow_event,
        "review": overflow_review,
        "order": overflow_order,
        "staff order": overflow_staff,
    } == {"event": 0, "review": 0, "order": 0, "staff order": 0}
