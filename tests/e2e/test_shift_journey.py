"""On a Spanish phone: a member signs up for a door shift of The Hue from her dashboard;
before the shift the scanner is not hers to open; once the shift is on, the dashboard's
link opens it. Every text the journey reads comes from the Spanish catalog.

The server has a database of its own: the demo data, with one of The Hue's door shifts
(at the "park gate") moved to start an hour from now, then, as time passes, to have
started a few minutes ago."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import serving_app, spanish
from tests.e2e.pages import path_is, sign_in

pytestmark = pytest.mark.e2e

EVENT = "the-hue-2027"
MEMBER = "eli@demo.yoc.example"  # an adult member whose account is in Spanish
PLACE_ES = "Entrada del parque"


def _database(env: dict[str, str]) -> str:
    return env["YOC_DATABASE_URL"].removeprefix("sqlite://")


def _stored(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat(sep=" ")


def _move_shift(env: dict[str, str], *, starts_in: timedelta) -> None:
    """The park gate's door shift starts ``starts_in`` from now and lasts three hours."""
    start = datetime.now(UTC) + starts_in
    with contextlib.closing(sqlite3.connect(_database(env))) as db, db:
        moved = db.execute(
            "UPDATE volunteer_shifts SET starts_at = ?, ends_at = ? WHERE place_es = ?",
            (_stored(start), _stored(start + timedelta(hours=3)), PLACE_ES),
        )
        assert moved.rowcount == 1


def _prepare(env: dict[str, str]) -> None:
    """The Hue's evening door shift becomes the park gate's, an hour from now."""
    with contextlib.closing(sqlite3.connect(_database(env))) as db, db:
        (shift_id,) = db.execute(
            "SELECT s.id FROM volunteer_shifts s JOIN events e ON e.id = s.event_id "
            "WHERE e.slug = ? AND s.role = 'door' ORDER BY s.starts_at DESC LIMIT 1",
            (EVENT,),
        ).fetchone()
        db.execute(
            "UPDATE volunteer_shifts SET place_en = 'Park gate', place_es = ? WHERE id = ?",
            (PLACE_ES, shift_id),
        )
    _move_shift(env, starts_in=timedelta(hours=1))


@pytest.fixture(scope="module")
def shift_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    tmp = tmp_path_factory.mktemp("e2e-shifts")
    seen: dict[str, str] = {}

    def prepare(env: dict[str, str]) -> None:
        seen.update(env)
        _prepare(env)

    with serving_app(tmp / "shifts.sqlite3", log_path=tmp / "server.log", prepare=prepare) as url:
        yield url, seen


@pytest.fixture
async def phone(browser: Browser, shift_server) -> AsyncIterator[Page]:
    url, _ = shift_server
    ctx = await browser.new_context(
        base_url=url,
        viewport={"width": 360, "height": 740},
        locale="es-MX",
        timezone_id="America/Los_Angeles",
    )
    ctx.set_default_timeout(10_000)
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


async def no_sideways_scroll(page: Page) -> None:
    overflow = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


async def test_a_member_signs_up_for_a_door_shift_and_scans_during_it(
    phone: Page, shift_server
) -> None:
    _, env = shift_server
    page = phone

    await sign_in(page, MEMBER)
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    shifts_card = page.locator("#shifts")
    await expect(shifts_card.get_by_role("heading", level=2)).to_have_text(
        spanish("Volunteer shifts")
    )
    await shifts_card.get_by_role("link", name=spanish("Find a shift")).click()
    await expect(page).to_have_url(path_is("/me/shifts"))
    await no_sideways_scroll(page)

    offer = page.locator("li").filter(has_text=PLACE_ES)
    await expect(offer).to_contain_text(spanish("Door and box office"))
    await offer.get_by_role("button", name=spanish("Take this shift")).click()
    await expect(page.locator(".flash")).to_contain_text(
        spanish("You are on the shift. We sent the details to your email.")
    )
    mine = page.locator("#mine li").filter(has_text=PLACE_ES)
    await expect(mine).to_have_count(1)

    # An hour before the shift, the scanner is not hers to open.
    refused = await page.goto(f"/door/{EVENT}")
    assert refused is not None and refused.status == 403

    # The shift has begun.
    _move_shift(env, starts_in=-timedelta(minutes=5))
    await page.goto("/dashboard")
    today = page.locator("#shifts li").filter(has_text=PLACE_ES)
    await today.get_by_role("link", name=spanish("Open the scanner during your shift")).click()
    await expect(page).to_have_url(path_is(f"/door/{EVENT}"))
    await expect(page.locator("#scanner")).to_be_visible()
    await no_sideways_scroll(page)
