"""On a Spanish phone with JavaScript off: the Pride festival's youth tickets are sold
out; a visitor joins their waiting list; a seat comes back and the jobs worker offers it
by email; the visitor opens the offer, orders the ticket, puts a friend's name on it and
finds "add to your calendar" on the ticket. No page scrolls sideways.

The server has a database of its own (the demo data, with the youth type of
"ecv-pride-2027" sold out before it starts), so no other journey sees the sold-out type.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import DemoIds, serving_app, spanish
from yoc.settings import PROJECT_DIR

pytestmark = pytest.mark.e2e

EVENT = "ecv-pride-2027"
YOUTH_ES = "Jóvenes (17 años o menos)"
EMAIL = "lupe.espera@example.org"
FRIEND = "Rosa Méndez"


def _database(env: dict[str, str]) -> str:
    return env["YOC_DATABASE_URL"].removeprefix("sqlite://")


def _sell_out(env: dict[str, str]) -> None:
    """The youth type's quota is what it has sold: sold out."""
    with contextlib.closing(sqlite3.connect(_database(env))) as db, db:
        db.execute(
            "UPDATE ticket_types SET quota = sold WHERE name_es = ? AND event_id = "
            "(SELECT id FROM events WHERE slug = ?)",
            (YOUTH_ES, EVENT),
        )


@pytest.fixture(scope="module")
def waitlist_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    tmp = tmp_path_factory.mktemp("e2e-waitlist")
    seen: dict[str, str] = {}

    def prepare(env: dict[str, str]) -> None:
        seen.update(env)
        _sell_out(env)

    with serving_app(tmp / "waitlist.sqlite3", log_path=tmp / "server.log", prepare=prepare) as url:
        yield url, seen


def _seat_comes_back_and_the_worker_runs(env: dict[str, str]) -> None:
    with contextlib.closing(sqlite3.connect(_database(env))) as db, db:
        db.execute(
            "UPDATE ticket_types SET quota = quota + 1 WHERE name_es = ? AND event_id = "
            "(SELECT id FROM events WHERE slug = ?)",
            (YOUTH_ES, EVENT),
        )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "yoc.cli", "worker", "--once"],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


async def no_sideways_scroll(page: Page) -> None:
    overflow = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


@pytest.fixture
async def phone(browser: Browser, waitlist_server) -> AsyncIterator[Page]:
    url, _ = waitlist_server
    ctx = await browser.new_context(
        base_url=url,
        viewport={"width": 390, "height": 844},
        locale="es-MX",
        java_script_enabled=False,
    )
    ctx.set_default_timeout(10_000)
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


async def test_a_visitor_waits_is_offered_a_seat_and_orders_it(
    phone: Page, waitlist_server
) -> None:
    _, env = waitlist_server
    page = phone

    await page.goto(f"/events/{EVENT}")
    join = page.get_by_role("link", name=spanish("Join the waiting list"))
    await expect(join).to_have_count(1)  # only the sold-out type offers it
    await join.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        spanish("Waiting list: %(type)s", type=YOUTH_ES)
    )
    await no_sideways_scroll(page)
    await page.fill("#f-name", "Lupe Ortiz")
    await page.fill("#f-email", EMAIL)
    await page.select_option("#f-quantity", "1")
    await page.get_by_role("button", name=spanish("Join the waiting list")).click()
    await expect(page.locator(".flash-success")).to_contain_text(EMAIL)
    await no_sideways_scroll(page)

    _seat_comes_back_and_the_worker_runs(env)
    offer = DemoIds(Path(_database(env))).mailed_path(EMAIL, "waitlist_offer", "/waitlist/")
    await page.goto(offer)
    await expect(page.locator(".flash-info")).to_contain_text(YOUTH_ES)
    await expect(page.locator("#f-buyer_email")).to_have_value(EMAIL)
    await no_sideways_scroll(page)
    await page.get_by_role("button", name=spanish("Order my tickets")).click()

    await expect(page).to_have_url(re.compile(r"/orders/YOC-[A-Z0-9]+/[A-Z0-9]+$"))
    await expect(page.locator("section.card")).to_contain_text(
        spanish("Name on the ticket: %(name)s", name="Lupe Ortiz")
    )
    await no_sideways_scroll(page)
    await page.get_by_text(spanish("Change the name")).click()  # <details>, no script
    await page.get_by_label(spanish("Who will use this ticket")).fill(FRIEND)
    await page.get_by_role("button", name=spanish("Save the name")).click()
    await expect(page.locator(".flash")).to_contain_text(
        spanish("The name on the ticket is changed.")
    )
    await expect(page.locator("section.card")).to_contain_text(
        spanish("Name on the ticket: %(name)s", name=FRIEND)
    )
    await no_sideways_scroll(page)

    await page.locator("ul.ticket-names a.button").first.click()
    await expect(page.locator(".ticket-card")).to_contain_text(FRIEND)
    calendar = page.get_by_role("link", name=spanish("Add to your calendar"))
    href = await calendar.get_attribute("href")
    assert href and href.endswith("/event.ics")
    ics = await page.request.get(href)
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "DTSTART;TZID=America/Los_Angeles:20271016T140000" in await ics.text()
    await no_sideways_scroll(page)
