"""A mentor takes attendance on a phone at a meeting without signal: Lucía (who reads
Spanish) opens the next meeting of her group, the network goes away, she marks her three
members with one tap each, the taps wait on the phone (and are still there when she
opens the page again), and once the network is back they reach the server.

The attendance rows are read (read-only) from the live server's database."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests.e2e.conftest import es
from tests.e2e.pages import path_is, sign_in

pytestmark = pytest.mark.e2e

LUCIA = "mentor.lucia@demo.yoc.example"
GROUP = "Summer 2027 North Shore"
MARKS = {
    "ana@demo.yoc.example": "present",
    "beto@demo.yoc.example": "absent",
    "cami@demo.yoc.example": "excused",
}


def _rows(database: Path, sql: str, *values: object) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
        return db.execute(sql, values).fetchall()


async def _attendance(database: Path, meeting_id: int, *, count: int) -> dict[int, str]:
    """The meeting's attendance once it has ``count`` rows (the phone syncs on its own)."""
    deadline = time.monotonic() + 10
    while True:
        rows = _rows(
            database,
            "SELECT member_id, presence FROM meeting_attendance WHERE meeting_id = ?",
            meeting_id,
        )
        if len(rows) >= count or time.monotonic() > deadline:
            return dict(rows)
        await asyncio.sleep(0.1)


@pytest.fixture
async def phone(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 740}, locale="es-US"
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        await ctx.close()


async def test_mentor_marks_attendance_offline_and_it_syncs(
    phone: BrowserContext, demo_ids, e2e_database: Path, artifacts_dir: Path
) -> None:
    page = await phone.new_page()
    await sign_in(page, LUCIA)
    await expect(page).to_have_url(path_is("/dashboard"))

    # Her group's meetings: the next one's roll.
    await page.goto(f"/cohorts/{demo_ids.cohort(GROUP)}/meetings")
    await page.get_by_role("link", name=es("Take attendance")).first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(es("Attendance"))
    meeting_id = int(page.url.rstrip("/").split("/")[-2])
    members = {email: demo_ids.user(email) for email in MARKS}
    assert (
        _rows(e2e_database, "SELECT * FROM meeting_attendance WHERE meeting_id = ?", meeting_id)
        == []
    )
    status = page.locator("#net-status")
    queue = page.locator("#queue-count")
    await expect(status).to_have_text(es("online"))
    # The phone keeps the page for a visit without signal.
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await page.reload()
    await expect(status).to_have_text(es("online"))

    # The network goes away; three taps wait on the phone.
    await phone.set_offline(True)
    await expect(status).to_have_text(
        es("offline: taps are kept on this phone and sent when the network is back")
    )
    for email, presence in MARKS.items():
        await page.locator(f'li[data-member="{members[email]}"] label.tap-{presence}').click()
    waiting = f"· 3 {es('waiting to sync')}"
    await expect(queue).to_have_text(waiting)
    await page.screenshot(path=artifacts_dir / "attendance-offline-es-360.png", full_page=True)
    assert await _attendance(e2e_database, meeting_id, count=0) == {}

    # Opened again without signal, the page still shows the taps and the queue.
    await page.reload()
    await expect(queue).to_have_text(waiting)
    for email, presence in MARKS.items():
        await expect(
            page.locator(f'li[data-member="{members[email]}"] input[value="{presence}"]')
        ).to_be_checked()

    # The network is back: the taps reach the server, and the queue empties.
    await phone.set_offline(False)
    await expect(status).to_have_text(es("All taps are saved."))
    await expect(queue).to_have_text("")
    stored = await _attendance(e2e_database, meeting_id, count=3)
    assert stored == {members[email]: presence for email, presence in MARKS.items()}
    await page.screenshot(path=artifacts_dir / "attendance-synced-es-360.png", full_page=True)
