"""The door of The Hue 2027 with no signal, on phones in Spanish (390 px wide).

A member signs up for a door shift that is on now and opens the scanner from her
dashboard (other volunteers get in with the day's door code); the network goes; the
page is loaded again and still works (the door's service worker kept it); two tickets go
in, a refunded one is refused by the phone alone (the event's list of refused tickets,
downloaded while online); the network comes back and the scans sync. Two phones let the
same ticket in without signal: once synced, the ticket let in twice stays listed on the
phone (offline too) and on the staff's live counts until somebody acknowledges it. A
browser without the crypto it needs says so and lets nobody in offline.

The network goes with Playwright's ``set_offline``; the server's own log proves that the
reloaded page came from the phone, not the server."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import spanish
from tests.e2e.pages import path_is, sign_in
from tests.e2e.test_door_journey import (
    SLUG,
    STAFF,
    TIMEZONE,
    ServerDatabase,
    free_order,
    signed_code,
    submit,
    wait_for_check_in,
)
from yoc.i18n import ngettext, use_language

pytestmark = pytest.mark.e2e

WIDTH = 390


async def new_phone(browser: Browser, live_server: str, **options) -> BrowserContext:
    ctx = await browser.new_context(
        base_url=live_server,
        viewport={"width": WIDTH, "height": 844},
        locale="es-MX",
        timezone_id=TIMEZONE,
        **options,
    )
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
async def phone(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    ctx = await new_phone(browser, live_server)
    try:
        yield ctx
    finally:
        await ctx.close()


@pytest.fixture
async def staff(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    """A staff member (whose account is in Spanish), signed in, on a laptop."""
    ctx = await browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 900})
    ctx.set_default_timeout(10_000)
    page = await ctx.new_page()
    await sign_in(page, STAFF)
    await expect(page).to_have_url(path_is("/dashboard"))
    try:
        yield page
    finally:
        await ctx.close()


async def refund_whole_order(staff: Page, code: str) -> None:
    """Staff refund an order from its page, and confirm."""
    await staff.goto(f"/staff/orders/{code}")
    await staff.locator("#reason").fill("No puede venir")
    await staff.locator('button[name="scope"][value="all"]').click()
    await staff.locator('main form:has(input[name="confirm"]) button[type="submit"]').click()
    await expect(staff).to_have_url(path_is(f"/staff/orders/{code}"))


async def new_door_code(staff: Page) -> str:
    """Staff make today's door code on the event's page; volunteers enter it."""
    await staff.goto(f"/staff/events/{SLUG}")
    await staff.locator(f'form[action="/staff/events/{SLUG}/door-code"] button').click()
    flash = await staff.locator(".flash-success").text_content()
    found = re.search(r"\b([23456789A-Z]{8})\b", flash or "")
    assert found, flash
    return found.group(1)


async def volunteer_opens_the_scanner(page: Page, door_code: str, gate: str = "") -> None:
    await page.goto("/door")
    await page.locator('input[name="door_code"]').fill(door_code)
    await page.locator('input[name="volunteer_name"]').fill("Lupe")
    await page.locator('main form button[type="submit"]').click()
    await expect(page).to_have_url(path_is(f"/door/{SLUG}"))
    if gate:
        await page.goto(f"/door/{SLUG}?gate={gate}")
    await ready_for_no_signal(page)


async def ready_for_no_signal(page: Page) -> None:
    await expect(page.locator("#scanner")).to_have_attribute("data-lang", "es")
    # Ready for no signal: the page is kept, and so is the list of refused tickets.
    await expect(page.locator("#offline-ready")).to_be_visible()
    await expect(page.locator("#list-status")).to_contain_text(
        spanish("List of refunded tickets: updated at %(time)s", time="")
    )


VOLUNTEER = "eli@demo.yoc.example"  # an adult member whose account is in Spanish


PLACE = "Puerta del huerto"


def move_door_shift(database: Path, *, starts_in: timedelta, shift_id: int = 0) -> int:
    """A door shift of The Hue (``shift_id``, else one she is not on) becomes the orchard
    gate's, with room for one more, starting ``starts_in`` from now for three hours."""
    start = datetime.now(UTC) + starts_in
    at = [(start + timedelta(hours=h)).replace(microsecond=0).isoformat(sep=" ") for h in (0, 3)]
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        if not shift_id:
            (shift_id,) = db.execute(
                "SELECT s.id FROM volunteer_shifts s JOIN events e ON e.id = s.event_id"
                " WHERE e.slug = ? AND s.role = 'door' AND s.id NOT IN (SELECT v.shift_id"
                " FROM volunteer_signups v JOIN users u ON u.id = v.user_id WHERE u.email = ?)"
                " ORDER BY s.id LIMIT 1",
                (SLUG, VOLUNTEER),
            ).fetchone()
        db.execute(
            "UPDATE volunteer_shifts SET starts_at = ?, ends_at = ?, place_es = ?,"
            " needed = MAX(needed, taken + 1) WHERE id = ?",
            (*at, PLACE, shift_id),
        )
    return shift_id


async def member_works_a_door_shift(page: Page, database: Path) -> None:
    """She takes a door shift an hour ahead from her dashboard; once it has begun, the
    dashboard's link opens the scanner."""
    shift_id = move_door_shift(database, starts_in=timedelta(hours=1))
    await sign_in(page, VOLUNTEER)
    await expect(page).to_have_url(path_is("/dashboard"))
    await page.locator("#shifts").get_by_role("link", name=spanish("Find a shift")).click()
    offer = page.locator("li").filter(has_text=PLACE)
    await offer.get_by_role("button", name=spanish("Take this shift")).click()
    await expect(page.locator(".flash")).to_contain_text(
        spanish("You are on the shift. We sent the details to your email.")
    )
    move_door_shift(database, starts_in=-timedelta(minutes=5), shift_id=shift_id)
    await page.goto("/dashboard")
    mine = page.locator("#shifts li").filter(has_text=PLACE)
    await mine.get_by_role("link", name=spanish("Open the scanner during your shift")).click()
    await expect(page).to_have_url(path_is(f"/door/{SLUG}"))
    await ready_for_no_signal(page)


# Every address the door's service worker keeps.
KEPT = """caches.open("yoc-door-v1")
  .then((cache) => cache.keys())
  .then((keys) => keys.map((r) => new URL(r.url).pathname + new URL(r.url).search).sort())"""


def scanner_loads(log: Path) -> int:
    """How many times the server drew the scanner page (its request log)."""
    return len(
        re.findall(rf"request GET /door/{SLUG}(\?\S*)? 200", log.read_text(errors="replace"))
    )


async def fits_the_phone(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


async def test_a_volunteer_works_the_door_with_no_signal(
    phone: BrowserContext,
    staff: Page,
    live_server: str,
    e2e_database: Path,
    artifacts_dir: Path,
) -> None:
    db = ServerDatabase(e2e_database)
    log = e2e_database.parent / "server.log"
    _, (first, second) = await free_order(live_server, 2)
    refunded_code, (refunded,) = await free_order(live_server, 1)
    await refund_whole_order(staff, refunded_code)

    page = await phone.new_page()
    title = page.locator("#result .result-title")
    await member_works_a_door_shift(page, e2e_database)
    await fits_the_phone(page)
    codes = [signed_code(db, secret) for secret in (first, second, refunded)]

    # A search by name, online: its results name people, so the phone does not keep them.
    await page.goto(f"/door/{SLUG}?q=Rosa")
    await expect(page.locator("#scanner .found").first).to_contain_text("Rosa Puerta")

    # The signal goes: the page says so.
    await phone.set_offline(True)
    await expect(page.locator("#net-status")).to_have_text(spanish("offline"))
    banner = page.locator("#offline-banner")
    await expect(banner).to_have_text(
        spanish(
            "No signal: the scanner is working offline. Scans stay on this phone and sync "
            "when the network is back."
        )
    )

    # Loaded again with no signal: the phone's copy opens, and still works.
    drawn = scanner_loads(log)
    await page.reload()
    await expect(page.locator("#scanner")).to_have_attribute("data-lang", "es")
    await expect(banner).to_be_visible()
    assert scanner_loads(log) == drawn, "the reloaded scanner came from the server"
    # What opened is the plain scanner the phone kept, without the search's results; the
    # door's worker keeps that page and its files, nothing else, and only for /door/.
    await expect(page.locator("#scanner")).not_to_contain_text("Rosa Puerta")
    assert await page.evaluate(KEPT) == sorted(
        [
            f"/door/{SLUG}",
            "/static/css/site.css",
            "/static/img/favicon.svg",
            "/static/js/scanner.js",
            "/static/vendor/jsqr-1.4.0.js",
        ]
    )
    scope = await page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert scope.endswith("/door/sw.js")
    assert (
        await page.evaluate(
            "navigator.serviceWorker.getRegistration().then((r) => new URL(r.scope).pathname)"
        )
        == "/door/"
    )
    await page.screenshot(path=artifacts_dir / "door-offline-reloaded-es-390.png", full_page=True)

    # Two tickets go in, and wait to sync.
    for n, code in enumerate(codes[:2], start=1):
        await submit(page, code)
        await expect(title).to_have_text(
            spanish("Saved offline: will sync when the network is back")
        )
        await expect(page.locator("#queue-count")).to_have_text(f"{n} {spanish('waiting to sync')}")

    # The refunded one is refused by the phone alone, saying why.
    await submit(page, codes[2])
    await expect(title).to_have_text(spanish("Not valid: do not let in"))
    await expect(page.locator("#result")).to_contain_text(spanish("This ticket was refunded."))
    await expect(page.locator("#queue-count")).to_have_text(f"2 {spanish('waiting to sync')}")
    await fits_the_phone(page)
    await page.screenshot(path=artifacts_dir / "door-offline-refunded-es-390.png", full_page=True)
    assert db.checked_in(first) == (None, "")

    # The signal comes back: the scans sync, and the page says so.
    await phone.set_offline(False)
    await expect(page.locator("#net-status")).to_have_text(spanish("online"))
    await expect(banner).to_be_hidden()
    await expect(page.locator("#queue-count")).to_have_text("")
    await expect(page.locator("#sync-status")).to_contain_text(
        spanish("Everything synced at %(time)s", time="")
    )
    for secret in (first, second):
        _, gate = await wait_for_check_in(db, secret)
        assert gate == ""
    assert db.checked_in(refunded) == (None, "")
    await page.screenshot(path=artifacts_dir / "door-offline-synced-es-390.png", full_page=True)


async def test_a_ticket_let_in_at_two_gates_with_no_signal_stays_listed_until_acknowledged(
    browser: Browser,
    staff: Page,
    live_server: str,
    e2e_database: Path,
    artifacts_dir: Path,
) -> None:
    db = ServerDatabase(e2e_database)
    _, (secret,) = await free_order(live_server, 1)
    door_code = await new_door_code(staff)
    north_phone = await new_phone(browser, live_server)
    south_phone = await new_phone(browser, live_server)
    try:
        north, south = await north_phone.new_page(), await south_phone.new_page()
        await volunteer_opens_the_scanner(north, door_code, gate="Norte")
        await volunteer_opens_the_scanner(south, door_code, gate="Sur")
        code = signed_code(db, secret)

        # No signal at either gate; the same ticket goes in at both.
        for context, page in ((north_phone, north), (south_phone, south)):
            await context.set_offline(True)
            await submit(page, code)
            await expect(page.locator("#result .result-title")).to_have_text(
                spanish("Saved offline: will sync when the network is back")
            )

        # North syncs first, then South: the ticket was let in twice.
        await north_phone.set_offline(False)
        await wait_for_check_in(db, secret)
        await south_phone.set_offline(False)
        listed = south.locator("#conflict-list li")
        await expect(south.locator("#conflicts h2")).to_have_text(spanish("Tickets let in twice"))
        await expect(listed).to_have_count(1)
        await expect(listed).to_contain_text("Norte")
        await expect(listed).to_contain_text("Sur")
        await fits_the_phone(south)

        # It stays, with no signal and after loading the page again.
        await south_phone.set_offline(True)
        await south.reload()
        await expect(listed).to_have_count(1)
        await expect(listed).to_contain_text("Norte")
        await south.screenshot(
            path=artifacts_dir / "door-conflict-offline-es-390.png", full_page=True
        )
        # Acknowledging needs the network: it says so, and the ticket stays listed.
        await listed.locator("button").click()
        await expect(south.locator("#conflict-note")).to_have_text(
            spanish("Acknowledging needs the network. It stays on the list until then.")
        )
        await expect(listed).to_have_count(1)

        # The staff's live counts list it too.
        await staff.goto(f"/door/{SLUG}/counts")
        staff_list = staff.locator("#door-conflicts")
        count = await staff_list.locator("tbody tr").count()
        with use_language("es"):
            heading = ngettext("%(num)d ticket let in twice", "%(num)d tickets let in twice", count)
        await expect(staff_list.locator("h2")).to_have_text(heading)
        row = staff_list.locator("tbody tr", has_text="Norte").filter(has_text="Sur")
        await expect(row).to_have_count(1)

        # Back online, the volunteer at the south gate acknowledges it: gone everywhere.
        await south_phone.set_offline(False)
        await listed.locator("button").click()
        await expect(listed).to_have_count(0)
        await expect(south.locator("#conflicts")).to_be_hidden()
        await staff.reload()
        await expect(staff.locator("#door-conflicts tbody tr", has_text="Norte")).to_have_count(0)
        await north.reload()
        await expect(north.locator("#conflict-list li", has_text="Sur")).to_have_count(0)
    finally:
        await north_phone.close()
        await south_phone.close()


NO_SUBTLE = """Object.defineProperty(Crypto.prototype, "subtle", {
  get() { return undefined; }, configurable: true
});"""


async def test_a_browser_without_the_crypto_it_needs_lets_nobody_in_offline(
    browser: Browser, staff: Page, live_server: str, e2e_database: Path
) -> None:
    db = ServerDatabase(e2e_database)
    _, (secret,) = await free_order(live_server, 1)
    door_code = await new_door_code(staff)
    context = await new_phone(browser, live_server)
    await context.add_init_script(NO_SUBTLE)
    try:
        page = await context.new_page()
        await page.goto("/door")
        await page.locator('input[name="door_code"]').fill(door_code)
        await page.locator('main form button[type="submit"]').click()
        await expect(page).to_have_url(path_is(f"/door/{SLUG}"))
        assert await page.evaluate("window.crypto.subtle === undefined")

        # It says so at once, in Spanish.
        warning = page.locator("#crypto-warning")
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text(
            spanish("This browser cannot check tickets without the network")
        )

        # With no signal, a genuine ticket is not let in, nor queued.
        await context.set_offline(True)
        await submit(page, signed_code(db, secret))
        await expect(page.locator("#result .result-title")).to_have_text(
            spanish("This browser cannot check tickets without the network")
        )
        await expect(page.locator("#result")).to_have_class(re.compile(r"\bresult-invalid\b"))
        await expect(page.locator("#queue-count")).to_have_text("")
        assert await page.evaluate(f"localStorage.getItem('yoc-door-queue-{SLUG}')") in (
            None,
            "[]",
        )

        # Online, the server checks it: in.
        await context.set_offline(False)
        await submit(page, signed_code(db, secret))
        await expect(page.locator("#result .result-title")).to_have_text(
            spanish("Welcome! Valid ticket")
        )
    finally:
        await context.close()
