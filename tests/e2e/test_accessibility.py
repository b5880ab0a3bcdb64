"""axe-core on the pages the journeys visit, at 390 px (a phone) and 1280 px (a laptop),
in English and in Spanish: no serious or critical violation of the WCAG 2.x
A/AA rules (and axe's best practices), and no moderate one docs/accessibility.md does
not list.

One browser; one context per language and width, in which every page is visited once:
first as a visitor (home, the event page with its checkout form, the order review, the
order and a ticket, sign-up and its errors, login, the guardians' family page,
privacy, volunteering), then signed in as a member (dashboard, My path, a module, the
volunteer shifts), a mentor (review queue) and staff (events, an event's orders, the door
scanner, the volunteer shifts, a shift and the roster). Demo accounts speak the
language of the run (a signed-in person sees their account's language)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.accessibility import REVIEWED, axe_violations, blocking
from tests.e2e.pages import path_is, sign_in

if TYPE_CHECKING:
    from tests.e2e.conftest import DemoIds

pytestmark = pytest.mark.e2e

EVENT = "the-hue-2027"  # yoc/tickets/demo.py: pay what you can, pay at the door
# A common phone and a laptop. A 360 px phone gets the 390 px layout but for one rule (the
# brand's name hidden from sight below 24 rem), whose link name
# test_form_errors_journey.py::test_the_brand_link_has_a_name_at_every_width checks.
WIDTHS = (390, 1280)
# The demo people (yoc/demo.py) whose account language is the run's language.
PEOPLE = {
    "en": {
        "member": "beto@demo.yoc.example",
        "mentor": "mentor.daniel@demo.yoc.example",
        "staff": "admin@demo.yoc.example",
    },
    "es": {
        "member": "ana@demo.yoc.example",
        "mentor": "mentor.lucia@demo.yoc.example",
        "staff": "staff@demo.yoc.example",
    },
}
LOCALES = {"en": "en-US", "es": "es-MX"}
# A member of each mentor's group, and the group (yoc/demo.py), for the Soapbox path pages.
MENTEES = {
    "en": ("gabi@demo.yoc.example", "Summer 2027 Mecca & Thermal"),
    "es": ("cami@demo.yoc.example", "Summer 2027 North Shore"),
}
NIGHT = "soapbox-night-fall-2026"  # yoc/soapbox/demo.py: speeches given, speaker pages

# Known violations, (rule id, element), that another change is fixing: delete each one
# when its fix lands.
KNOWN: frozenset[tuple[str, str]] = frozenset()

# Moderate violations left as they are, each with its reason in docs/accessibility.md
# (none today): (rule id, element).
LISTED: frozenset[tuple[str, str]] = frozenset()


async def log_in(page: Page, email: str) -> None:
    await sign_in(page, email)
    await expect(page).to_have_url(path_is("/dashboard"))


async def log_out(page: Page) -> None:
    await page.locator('header form[action="/logout"] button').click()
    await expect(page.locator('header a[href="/login"]')).to_have_count(1)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_pages_have_no_serious_accessibility_violations(
    browser: Browser, live_server: str, demo_ids: DemoIds, language: str
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

        async def check(what: str, *, page: Page = page, width: int = width) -> None:
            await expect(page.locator("html")).to_have_attribute("lang", language)
            found = await axe_violations(page)
            for line in blocking(found, KNOWN) + blocking(found, LISTED, REVIEWED):
                problems.append(f"{what} ({language}, {width} px): {line}")

        async def visit(path: str, *, page: Page = page) -> None:
            response = await page.goto(path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
            await check(path)

        try:
            # A visitor.
            for path in ("/", f"/events/{EVENT}"):
                await visit(path)
            # The checkout: two tickets, paid at the door; the review, the order, a ticket.
            form = page.locator(f'main form[action="/events/{EVENT}/review"]')
            await form.locator('select[name^="qty_"]').first.select_option("1")
            await form.locator("#f-buyer_name").fill("Rosa Martínez")
            await form.locator("#f-buyer_email").fill(
                f"a11y.{uuid.uuid4().hex[:12]}@e2e.example.org"
            )
            await form.locator('input[name="payment"][value="box_office"]').check()
            await form.locator('button[type="submit"]').click()
            await expect(page).to_have_url(path_is(f"/events/{EVENT}/review"))
            await check("order review")
            await page.locator(
                f'main form[action="/events/{EVENT}/orders"] button[type="submit"]'
            ).click()
            await expect(page).to_have_url(re.compile(r"/orders/[^/]+/[^/?#]+$"))
            await check("order page")
            await page.locator('main ul.plain-list a[href^="/tickets/"]').first.click()
            await expect(page).to_have_url(re.compile(r"/tickets/[^/?#]+$"))
            await check("ticket page")
            for path in ("/signup", "/login", "/family", "/privacy", f"/events/{EVENT}/volunteer"):
                await visit(path)
            # A speaker's public page, from the lineup of a night whose speeches were given.
            await visit(f"/events/{NIGHT}/lineup")
            await page.locator('main a[href^="/speakers/"]').first.click()
            await expect(page).to_have_url(re.compile(r"/speakers/[^/.]+$"))
            await check("speaker page")
            # The sign-up form sent empty: its errors, next to the fields.
            await page.goto("/signup")
            await page.locator('main form[action="/signup"] button[type="submit"]').click()
            await expect(page.locator("main .field-error").first).to_be_visible()
            await check("sign-up with errors")

            # A member.
            await log_in(page, PEOPLE[language]["member"])
            await check("/dashboard")
            await visit("/learn")
            module = page.locator('main a[href^="/learn/modules/"]').first
            await expect(module).to_have_count(1)
            await module.click()
            await expect(page).to_have_url(re.compile(r"/learn/modules/\d+$"))
            await check("module page")
            await visit("/me/shifts")
            await visit("/speeches/new")
            await log_out(page)

            # A mentor.
            await log_in(page, PEOPLE[language]["mentor"])
            await visit("/mentor/reviews")
            mentee, group = MENTEES[language]
            await visit(f"/speeches/readiness/{demo_ids.user(mentee)}")
            await visit(f"/cohorts/{demo_ids.cohort(group)}/progress")
            night = page.locator('main a[href*="/attendance/"]').filter(has_text="Soapbox")
            await night.first.click()
            await check("practice night")
            await page.locator('main a[href*="/practice/"]').first.click()
            await expect(page).to_have_url(re.compile(r"/practice/\d+/\d+$"))
            await check("practice speech")
            # A meeting to change, and cancelling it asks first (not confirmed here).
            await visit(f"/cohorts/{demo_ids.cohort(group)}/meetings")
            await page.locator('main a[href$="/edit"]').first.click()
            await expect(page).to_have_url(re.compile(r"/meetings/\d+/edit$"))
            await check("a meeting to change")
            await page.locator('main form[action$="/cancel"] button').last.click()
            await expect(page.locator("main .confirm-action")).to_be_visible()
            await check("cancelling meetings, asked first")
            await log_out(page)

            # Staff.
            await log_in(page, PEOPLE[language]["staff"])
            for path in (
                "/staff/events",
                f"/staff/events/{EVENT}/orders",
                f"/door/{EVENT}",
                f"/staff/events/{EVENT}/schedule",
                "/staff/soapbox/waivers",
            ):
                await visit(path)
            for path in (f"/staff/events/{EVENT}/shifts", f"/staff/events/{EVENT}/roster"):
                await visit(path)
            await page.goto(f"/staff/events/{EVENT}/shifts")
            await page.locator('main table a[href^="/staff/shifts/"]').first.click()
            await expect(page).to_have_url(re.compile(r"/staff/shifts/\d+$"))
            await check("a shift's page")
            await log_out(page)
        finally:
            await ctx.close()
    assert not problems, "accessibility violations:\n" + "\n".join(problems)


async def test_axe_finds_what_a_screen_reader_user_would_miss(browser: Browser) -> None:
    """The harness itself: on a page with an unlabelled field, a nameless link and an
    image without text, axe reports them as blocking."""
    page = await browser.new_page()
    await page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main><img src="x.png">'
        '<a href="/"><svg></svg></a><input name="q"></main></html>'
    )
    found = blocking(await axe_violations(page))
    assert {line.split(":")[0].split("] ")[1] for line in found} >= {
        "image-alt",
        "link-name",
        "label",
    }, found
    await page.close()
