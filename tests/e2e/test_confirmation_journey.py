"""A staff member cancels an order from a phone with JavaScript off: the first tap opens a
page that says what will happen and changes nothing, "cancel" goes back, and only that
page's button cancels the order. Tomás (demo staff) reads the site in Spanish."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests.e2e.conftest import spanish
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e

SLUG = "the-hue-2027"
STAFF = "staff@demo.yoc.example"


async def free_order(base_url: str) -> str:
    """A free order of two youth tickets through the public API; its code."""
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
        event = (await http.get(f"/api/v1/events/{SLUG}")).json()
        youth = next(t for t in event["ticket_types"] if t["name"]["en"].startswith("Youth"))
        response = await http.post(
            f"/api/v1/events/{SLUG}/orders",
            json={
                "buyer": {
                    "name": "Lupe Campos",
                    "email": f"lupe.{uuid.uuid4().hex[:8]}@example.org",
                    "language": "es",
                },
                "items": [{"ticket_type": youth["id"], "quantity": 2}],
            },
        )
    assert response.status_code == 201, response.text
    return response.json()["code"]


@pytest.fixture
async def phone_without_js(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        locale="es-MX",
        java_script_enabled=False,
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        await ctx.close()


async def test_cancelling_an_order_asks_first_and_cancel_changes_nothing(
    phone_without_js: BrowserContext, live_server: str, artifacts_dir: Path
) -> None:
    code = await free_order(live_server)
    text = {
        "open": spanish("Cancel the order"),
        "reason": spanish("Reason (kept in the order log)"),
        "first_tap": spanish("Yes, cancel this order"),
        "question": spanish("Cancel order %(code)s?", code=code),
        "back": spanish("Go back, change nothing"),
        "paid": spanish("paid"),
        "cancelled": spanish("cancelled"),
        "done": spanish("The order is cancelled. Its tickets are back on sale."),
        "undone": spanish("This cannot be undone."),
    }
    page = await phone_without_js.new_page()
    await sign_in(page, STAFF)
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    status = page.locator("main .badge.status-paid, main .badge.status-cancelled").first

    async def first_tap() -> None:
        await page.goto(f"/staff/orders/{code}")
        await expect(status).to_have_text(text["paid"])
        await page.locator("details.danger-zone summary").click()
        await page.get_by_label(text["reason"]).last.fill("duplicada")
        await page.get_by_role("button", name=text["first_tap"]).click()

    # The first tap: a page of its own, that says what will happen.
    await first_tap()
    await expect(page.locator("main h1")).to_have_text(text["question"])
    await expect(page.locator("main .consequences")).to_contain_text(text["undone"])
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways at 390 px: {widths}"
    await page.screenshot(path=artifacts_dir / "confirm-cancel-es-390.png", full_page=True)

    # Cancel: back to the order, still paid.
    await page.get_by_role("link", name=text["back"]).click()
    await expect(page).to_have_url(f"{live_server}/staff/orders/{code}")
    await expect(status).to_have_text(text["paid"])

    # Again, and this time its button: the order is cancelled.
    await first_tap()
    await page.get_by_role("button", name=text["open"]).click()
    await expect(page.locator("main .flash-success")).to_have_text(text["done"])
    await expect(status).to_have_text(text["cancelled"])
