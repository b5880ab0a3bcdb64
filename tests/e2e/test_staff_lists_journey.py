"""Staff page through a long list on a phone, without JavaScript, in Spanish: the orders
of The Hue 2027, two at a time, forward with "Siguiente" and back with "Anterior", the
filter kept on every page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests.e2e.conftest import spanish
from tests.e2e.pages import sign_in

STAFF = "staff@demo.yoc.example"
SLUG = "the-hue-2027"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def phone(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    """A Spanish phone with JavaScript switched off."""
    ctx = await browser.new_context(
        base_url=live_server, viewport=PHONE, locale="es-MX", java_script_enabled=False
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        await ctx.close()


async def test_staff_pages_through_the_orders_of_an_event_without_javascript(
    phone: BrowserContext, artifacts_dir: Path
) -> None:
    page = await phone.new_page()
    await sign_in(page, STAFF)
    await expect(page).not_to_have_url(re.compile(r"/login"))

    await page.goto(f"/staff/events/{SLUG}/orders?status=paid&limit=2")
    orders = page.locator('main li.card a[href^="/staff/orders/"]')
    await expect(orders).to_have_count(2)
    first_codes = await orders.all_inner_texts()
    pages_label = spanish("Pages")
    pager = page.locator(f'main nav.pager[aria-label="{pages_label}"]')
    await expect(pager).to_be_visible()
    await expect(pager.locator('a[rel="prev"]')).to_have_count(0)
    # Nothing sticks out of a 390 px screen: the filters and the links fit.
    for part in (page.locator("main form.order-filters"), pager):
        box = await part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    await page.screenshot(path=artifacts_dir / "staff-orders-es-390.png", full_page=True)

    await pager.locator('a[rel="next"]', has_text=spanish("Next")).click()
    await expect(page).to_have_url(re.compile(r"status=paid&limit=2&cursor="))
    await expect(page.locator("#status")).to_have_value("paid")
    second_codes = await orders.all_inner_texts()
    assert second_codes and not set(second_codes) & set(first_codes)
    for badge in await page.locator("main li.card .badge").all_inner_texts():
        assert badge == spanish("paid")

    await pager.locator('a[rel="prev"]', has_text=spanish("Previous")).click()
    await expect(orders).to_have_count(2)
    assert await orders.all_inner_texts() == first_codes
