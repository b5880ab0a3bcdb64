"""A Spanish-speaking staff member works the box office of The Hue 2027 on a 390 px
phone: from the scanner, sells two pay-what-you-can tickets for cash to someone who
walked up and lets them in; types that order's code, in lower case with spaces, and
sees its tickets already in; and reads their shift summary. No page is wider than the
phone. Every text the journey reads is taken from the Spanish catalog."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.pages import path_is, sign_in
from yoc.i18n import format_money, gettext, ngettext, use_language

pytestmark = pytest.mark.e2e

SLUG = "the-hue-2027"
STAFF = "staff@demo.yoc.example"
WIDTH = 390


def spanish(message: str, **variables: object) -> str:
    with use_language("en"):
        english = gettext(message, **variables)
    with use_language("es"):
        translated = gettext(message, **variables)
    assert translated != english, f"no Spanish translation in the catalog for {message!r}"
    return translated


def rows(database: Path, sql: str, *values: object) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
        return db.execute(sql, values).fetchall()


async def fits_the_phone(page: Page) -> None:
    """Nothing on the page is wider than the phone's screen (no sideways scrolling)."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


@pytest.fixture
async def phone(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(
        base_url=live_server,
        viewport={"width": WIDTH, "height": 844},
        locale="es-MX",
        timezone_id="America/Los_Angeles",
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        await ctx.close()


async def test_staff_sell_at_the_door_on_a_phone_in_spanish(
    phone: BrowserContext, e2e_database: Path
) -> None:
    page = await phone.new_page()
    await sign_in(page, STAFF)
    await expect(page).to_have_url(path_is("/dashboard"))

    # From the scanner to the sale form.
    await page.goto(f"/door/{SLUG}?gate=Puerta Norte")
    await page.get_by_role("link", name=spanish("Sell tickets"), exact=True).click()
    await expect(page).to_have_url(path_is(f"/door/{SLUG}/sell"))
    await expect(page.locator("h1")).to_have_text(spanish("Sell tickets at the door"))
    await fits_the_phone(page)

    form = page.locator(f'form[action="/door/{SLUG}/sell"]')
    await form.get_by_label(re.compile("^\\s*Entrada general")).check()
    await form.get_by_label(spanish("How many tickets")).fill("2")
    await form.locator('input[name="price"]').fill("12,50")
    await form.get_by_label(spanish("Cash"), exact=True).check()
    await form.locator('input[name="buyer_name"]').fill("Toño Flores")
    await form.get_by_role("button", name=spanish("Sell"), exact=True).click()

    with use_language("es"):
        sold_title = ngettext("Sold: %(num)d ticket", "Sold: %(num)d tickets", 2, num=2)
        total = format_money(2500)
    await expect(page.locator(".result-title")).to_have_text(sold_title)
    await expect(page.locator(".walk-up-sold")).to_contain_text(total)
    await fits_the_phone(page)
    code = re.search(r"YOC-[A-Z0-9]{8}", await page.locator(".walk-up-sold").inner_text()).group(0)
    assert (
        rows(
            e2e_database,
            "SELECT o.payment, o.status, o.total_cents, t.checked_in_gate FROM orders o"
            " JOIN tickets t ON t.order_id = o.id WHERE o.code = ?",
            code,
        )
        == [("door_cash", "paid", 2500, "Puerta Norte")] * 2
    )

    # The order's code, typed at dusk: lower case, spaces, no dash.
    await page.get_by_role("link", name=spanish("Back to the scanner")).click()
    await expect(page).to_have_url(path_is(f"/door/{SLUG}"))
    await page.locator("#code").fill(code.lower().replace("-", " "))
    await page.locator('#manual button[type="submit"]').click()
    found = page.locator("#order-found")
    await expect(found.locator("h2")).to_have_text(spanish("Order %(code)s", code=code))
    await expect(found.locator(".badge")).to_have_text([spanish("checked in")] * 2)
    await fits_the_phone(page)

    # The shift summary: the cash to count.
    await page.get_by_role("link", name=spanish("My shift")).click()
    table = page.locator("table.shift-summary")
    await expect(table.locator("thead")).to_contain_text(spanish("Cash to count"))
    await expect(table.locator("tbody tr").filter(has_text="Puerta Norte")).to_contain_text(total)
    await fits_the_phone(page)
