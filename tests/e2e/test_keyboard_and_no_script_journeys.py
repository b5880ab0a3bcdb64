"""Sign-up and a ticket purchase (pay at the door) done two more ways: with the keyboard
alone (Tab and Shift+Tab to move, typing into fields, Enter and Space to press buttons;
no mouse, no clicks), and in a browser with JavaScript turned off. Each ends on the page
that says it worked.

The e2e server has no card payment set up, so "pay at the door" is already chosen on
the event page (``yoc/tickets/demo.py``: "the-hue-2027", pay what you can)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DemoIds, spanish
from tests.e2e.pages import path_is
from yoc.i18n import format_money, gettext, use_language

pytestmark = pytest.mark.e2e

EVENT = "the-hue-2027"
MAX_TABS = 80  # more stops than any of these pages has


def english(message: str, **variables: object) -> str:
    with use_language("en"):
        return gettext(message, **variables)


ORDER_PAGE = re.compile(r"^https?://[^/]+/orders/[A-Za-z0-9_-]+/[^/?#]+$")


async def context_for(
    browser: Browser, base_url: str, *, locale: str, javascript: bool = True
) -> BrowserContext:
    ctx = await browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 800},
        locale=locale,
        java_script_enabled=javascript,
    )
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
async def keyboard_page(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    ctx = await context_for(browser, live_server, locale="en-US")
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


@pytest.fixture
async def no_script_page(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    ctx = await context_for(browser, live_server, locale="es-MX", javascript=False)
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


async def focused(page: Page, selector: str) -> bool:
    return await page.evaluate(
        "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
    )


async def tab_to(page: Page, selector: str, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab when ``back``) until the element matching ``selector`` has
    the focus, as someone without a mouse does; fail if it never gets it."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MAX_TABS):
        if await focused(page, selector):
            await expect(page.locator(f"{selector}:focus")).to_be_visible()
            return
        await page.keyboard.press(key)
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached {selector}")


async def type_into(page: Page, selector: str, text: str, *, back: bool = False) -> None:
    await tab_to(page, selector, back=back)
    await page.keyboard.type(text)


def adult_birth_date() -> date:
    today = date.today()
    return date(today.year - 20, 3, 15)


async def test_sign_up_and_buy_a_ticket_with_the_keyboard_alone(
    keyboard_page: Page, demo_ids: DemoIds
) -> None:
    page = keyboard_page
    h1 = page.locator("main h1")
    email = f"keys.{uuid.uuid4().hex[:12]}@e2e.example.org"
    password = "teclado sin raton 2027"
    birth = adult_birth_date()

    # Sign up: from the home page, Tab to the header's sign-up link and press Enter.
    await page.goto("/")
    await tab_to(page, 'header a[href="/signup"]')
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(path_is("/signup"))
    await expect(h1).to_have_text(english("Join YO-C"))
    await type_into(page, "#f-name", "Jordan Keys")
    # A date field takes the digits in the order the browser shows it (mm/dd/yyyy).
    await type_into(page, "#f-birth_date", birth.strftime("%m%d%Y"))
    await expect(page.locator("#f-birth_date")).to_have_value(birth.isoformat())
    await type_into(page, "#f-email", email)
    # The second password first, then back with Shift+Tab to the first.
    await type_into(page, "#f-password_confirm", password)
    await type_into(page, "#f-password", password, back=True)
    await tab_to(page, 'main form[action="/signup"] button[type="submit"]')
    await page.keyboard.press("Enter")
    await expect(h1).to_have_text(english("Check your email"))
    await expect(page.locator("main")).to_contain_text(email)
    # The emailed link: its one button, pressed with Space.
    await page.goto(demo_ids.mailed_path(email, "signup_confirm", "/signup/confirm/"))
    await expect(h1).to_have_text(english("Finish signing up"))
    await tab_to(page, 'main form button[type="submit"]')
    await page.keyboard.press("Space")
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(h1).to_have_text(english("Hi, %(name)s", name="Jordan Keys"))
    await tab_to(page, 'header form[action="/logout"] button')
    await page.keyboard.press("Enter")
    await expect(page.locator('header a[href="/signup"]')).to_be_visible()

    # Buy a ticket, paid at the door.
    await page.goto(f"/events/{EVENT}")
    form = f'main form[action="/events/{EVENT}/review"]'
    # A focused list box takes the typed number.
    await tab_to(page, f'{form} select[name^="qty_"]')
    await page.keyboard.type("1")
    await expect(page.locator(f'{form} select[name^="qty_"]').first).to_have_value("1")
    await type_into(page, f"{form} #f-buyer_name", "Jordan Keys")
    await type_into(page, f"{form} #f-buyer_email", email)
    await expect(page.locator(f'{form} input[name="payment"][value="box_office"]')).to_be_checked()
    await tab_to(page, f'{form} button[type="submit"]')
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(path_is(f"/events/{EVENT}/review"))
    await expect(h1).to_have_text(english("Review your order"))
    await tab_to(page, f'main form[action="/events/{EVENT}/orders"] button[type="submit"]')
    await page.keyboard.press("Space")
    await expect(page).to_have_url(ORDER_PAGE)
    await expect(page.locator("main p.order-status")).to_have_text(english("waiting for payment"))
    await expect(page.locator("main")).to_contain_text(
        english(
            "Your tickets are reserved. Pay %(total)s at the door: cash or card. "
            "Say your name or show this page.",
            total=format_money(1500),  # one ticket at the suggested price
        )
    )
    await expect(page.locator('main ul.plain-list a[href^="/tickets/"]')).to_have_count(1)


async def test_sign_up_and_buy_a_ticket_with_javascript_off(
    no_script_page: Page, demo_ids: DemoIds
) -> None:
    page = no_script_page
    h1 = page.locator("main h1")
    email = f"noscript.{uuid.uuid4().hex[:12]}@e2e.example.org"
    password = "sin guion ni script 27"
    name = "Inés Sin Script"

    await page.goto("/signup")
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    await expect(h1).to_have_text(spanish("Join YO-C"))
    form = page.locator('main form[action="/signup"]')
    await form.locator("#f-name").fill(name)
    await form.locator("#f-birth_date").fill(adult_birth_date().isoformat())
    await form.locator("#f-email").fill(email)
    await form.locator("#f-password").fill(password)
    await form.locator("#f-password_confirm").fill(password)
    await form.locator('button[type="submit"]').click()
    await expect(h1).to_have_text(spanish("Check your email"))
    await expect(page.locator("main")).to_contain_text(email)
    await page.goto(demo_ids.mailed_path(email, "signup_confirm", "/signup/confirm/"))
    await expect(h1).to_have_text(spanish("Finish signing up"))
    await page.get_by_role("button", name=spanish("Confirm my email")).click()
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(h1).to_have_text(spanish("Hi, %(name)s", name=name))
    await page.locator('header form[action="/logout"] button').click()
    await expect(page.locator('header a[href="/signup"]')).to_be_visible()

    await page.goto(f"/events/{EVENT}")
    order = page.locator(f'main form[action="/events/{EVENT}/review"]')
    await order.locator('select[name^="qty_"]').first.select_option("2")
    await order.locator("#f-buyer_name").fill(name)
    await order.locator("#f-buyer_email").fill(email)
    await expect(order.locator('input[name="payment"][value="box_office"]')).to_be_checked()
    await order.locator('button[type="submit"]').click()
    await expect(h1).to_have_text(spanish("Review your order"))
    await page.locator(f'main form[action="/events/{EVENT}/orders"] button[type="submit"]').click()
    await expect(page).to_have_url(ORDER_PAGE)
    await expect(page.locator("main p.order-status")).to_have_text(spanish("waiting for payment"))
    await expect(page.locator('main ul.plain-list a[href^="/tickets/"]')).to_have_count(2)
