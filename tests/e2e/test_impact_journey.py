"""The Impact page and "Our year in numbers" in a browser, on a phone (390 px) and a
laptop (1280 px), in English and Spanish: axe finds no serious or critical violation of
the WCAG 2.x A/AA rules, the charts are drawn at the width of the page, and the browser
refuses nothing under the Content-Security-Policy (no script, no inline style)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, expect

from tests.e2e.accessibility import REVIEWED, axe_violations, blocking
from tests.e2e.pages import path_is, sign_in
from tests.e2e.test_accessibility import LISTED, LOCALES, PEOPLE
from yoc.impact.services.figures import FIGURES

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_impact_pages_are_accessible_and_allowed_by_the_policy(
    browser: Browser, live_server: str, language: str
) -> None:
    problems: list[str] = []
    for width in WIDTHS:
        ctx = await browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": 800},
            locale=LOCALES[language],
        )
        ctx.set_default_timeout(10_000)
        page = await ctx.new_page()
        refused: list[str] = []

        def note(message: ConsoleMessage, refused: list[str] = refused) -> None:
            if "Content Security Policy" in message.text:
                refused.append(message.text)

        page.on("console", note)

        async def check(
            path: str, *, status: int = 200, page: Page = page, width: int = width
        ) -> None:
            response = await page.goto(path)
            assert response is not None and response.status == status, path
            await expect(page.locator("html")).to_have_attribute("lang", language)
            found = await axe_violations(page)
            for line in blocking(found) + blocking(found, LISTED, REVIEWED):
                problems.append(f"{path} ({language}, {width} px): {line}")

        try:
            await check("/our-year")
            await expect(page.locator("main section.impact-figure").first).to_be_visible()
            await sign_in(page, PEOPLE[language]["staff"])
            await expect(page).to_have_url(path_is("/dashboard"))
            await check("/staff/impact")
            charts = page.locator("main .chart svg[role=img]")
            await expect(charts).to_have_count(len(FIGURES))
            box = await charts.first.bounding_box()
            table = await page.locator("main table.figure-table").first.bounding_box()
            assert box is not None and table is not None
            assert box["width"] > 280
            assert box["x"] + box["width"] <= width
            beside = table["x"] > box["x"] + box["width"] - 1
            assert beside == (width >= 1280), (width, box, table)
            await check("/staff/impact?from=2027-03-01&to=2027-02-01", status=422)
            await expect(page.locator("#range-to-error")).to_be_visible()
            await check("/staff/impact/publish")
            assert refused == [], refused
        finally:
            await ctx.close()
    assert not problems, "accessibility violations:\n" + "\n".join(problems)
