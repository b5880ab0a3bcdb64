"""A member opens all their data on a phone, from "My data", and prints it.

Ana (demo data, ``yoc/demo.py``) uses the site in Spanish; every text the journey asserts
is read from the Spanish catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import spanish
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e

ANA = "ana@demo.yoc.example"


async def test_member_reads_all_their_data_on_a_phone_and_prints_it(
    page: Page, live_server: str, artifacts_dir: Path
) -> None:
    await sign_in(page, ANA)
    await expect(page.locator("html")).to_have_attribute("lang", "es")

    await page.goto("/me/data")
    await page.locator('main a[href="/me/data/all"]').click()

    await expect(page.locator("main h1")).to_have_text(spanish("Everything YO-C keeps about you"))
    await expect(page.locator("main h2").first).to_have_text(spanish("Account"))
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways at 360 px: {widths}"
    await page.screenshot(path=str(artifacts_dir / "my-data-phone.png"), full_page=True)

    # On paper: the record only, without the site's navigation or the buttons.
    await page.emulate_media(media="print")
    await expect(page.locator(".site-header")).to_be_hidden()
    await expect(page.locator("main [data-print]")).to_be_hidden()
    await expect(page.locator("main h1")).to_be_visible()
    pdf = await page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF")
