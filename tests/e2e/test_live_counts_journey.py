"""A staff member (whose account is in Spanish) keeps the live counts of The Hue 2027 open
on a phone while a ticket is checked in at the door in another tab: the number changes
where it is, in a polite live region, and the page is never loaded again (a screen
reader would start it over)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, expect

from tests.e2e.conftest import spanish
from tests.e2e.pages import sign_in
from tests.e2e.test_door_journey import SLUG, STAFF, order_free_tickets, path_is, submit
from yoc.i18n import ngettext, use_language

pytestmark = pytest.mark.e2e


def total_text(checked_in: int, sold: int) -> str:
    return f"{checked_in} {spanish('of %(sold)s checked in', sold=sold)}"


async def test_a_check_in_shows_in_the_counts_without_a_reload(
    context: BrowserContext, live_server: str
) -> None:
    counts = await context.new_page()
    await counts.set_viewport_size({"width": 390, "height": 844})
    await sign_in(counts, STAFF)
    await expect(counts).to_have_url(path_is("/dashboard"))

    await counts.goto(f"/door/{SLUG}/counts")
    region = counts.locator("#live-counts")
    await expect(region).to_have_attribute("aria-live", "polite")
    await expect(counts.locator("#live-note")).to_be_visible()
    with use_language("es"):
        every = ngettext(
            "The numbers update by themselves every %(num)d seconds.",
            "The numbers update by themselves every %(num)d seconds.",
            15,
        )
    await expect(counts.locator("#live-note")).to_have_text(every)
    total = region.locator(".stats li")
    words = " ".join((await total.text_content() or "").split())
    shown = re.fullmatch(r"(\d+) \D*(\d+)\D*", words)
    assert shown, words
    checked_in, sold = int(shown.group(1)), int(shown.group(2))
    await expect(total).to_have_text(total_text(checked_in, sold))
    loads: list[str] = []
    counts.on("load", lambda page: loads.append(page.url))
    await counts.evaluate("window.stillTheSamePage = true")

    # A ticket is sold and checked in at the door, in another tab.
    (secret,) = await order_free_tickets(live_server, 1)
    door = await context.new_page()
    await door.goto(f"/door/{SLUG}")
    await submit(door, secret)
    await expect(door.locator("#result .result-title")).to_have_text(
        spanish("Welcome! Valid ticket")
    )

    # Within the page's 15 seconds, the numbers change where they are.
    await expect(total).to_have_text(total_text(checked_in + 1, sold + 1), timeout=25_000)
    await expect(total).to_have_attribute("aria-atomic", "true")
    assert await counts.evaluate("window.stillTheSamePage") is True
    assert loads == []
    await expect(counts).to_have_url(path_is(f"/door/{SLUG}/counts"))
