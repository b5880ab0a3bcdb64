"""A Spanish-speaking staff member checks tickets in at the door of The Hue 2027 on a
phone: a valid ticket, the same ticket again, then, with the network gone, an altered
signed code (refused by the browser's own Ed25519 check), a genuine signed code and a
typed code (kept in the offline queue), and the queue synced once the network is back.

The tickets are ordered through the live server's public JSON API. The signed codes are
made here with the event's key, read (read-only) from the live server's database, in
the format of ``yoc.tickets.services.signing``. Every text the journey reads is taken
from the Spanish catalog, which must really translate it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.pages import path_is, sign_in
from yoc.i18n import format_money, gettext, use_language

pytestmark = pytest.mark.e2e

SLUG = "the-hue-2027"
STAFF = "staff@demo.yoc.example"
TIMEZONE = "America/Los_Angeles"


def es(message: str, **variables: object) -> str:
    with use_language("es"):
        return gettext(message, **variables)


def spanish(message: str, **variables: object) -> str:
    """Like ``es``, but refuses a message the catalog leaves in English: proof that the
    door really speaks Spanish."""
    with use_language("en"):
        english = gettext(message, **variables)
    translated = es(message, **variables)
    assert translated != english, f"no Spanish translation in the catalog for {message!r}"
    return translated


class ServerDatabase:
    """The live server's SQLite file, read-only."""

    def __init__(self, path: Path) -> None:
        self._uri = f"{path.as_uri()}?mode=ro"

    def row(self, sql: str, *values: object) -> tuple:
        with contextlib.closing(sqlite3.connect(self._uri, uri=True)) as db:
            found = db.execute(sql, values).fetchone()
        assert found is not None, sql
        return found

    def checked_in(self, secret: str) -> tuple[datetime | None, str]:
        at, gate = self.row(
            "SELECT checked_in_at, checked_in_gate FROM tickets WHERE secret = ?", secret
        )
        return (datetime.fromisoformat(at) if at else None), gate


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_code(db: ServerDatabase, secret: str) -> str:
    """What the ticket's QR code holds: YC1.<event>.<type>.<secret>.<signature>."""
    event_id, key_hex = db.row("SELECT id, signing_key FROM events WHERE slug = ?", SLUG)
    assert key_hex, "the event has no signing key yet (the scanner page makes one)"
    (type_id,) = db.row("SELECT ticket_type_id FROM tickets WHERE secret = ?", secret)
    message = f"YC1.{event_id}.{type_id or 0}.{secret}"
    signature = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key_hex)).sign(message.encode())
    return f"{message}.{b64(signature)}"


def altered(code: str) -> str:
    """One character of the secret part changed."""
    parts = code.split(".")
    parts[3] = ("B" if parts[3][0] != "B" else "C") + parts[3][1:]
    return ".".join(parts)


def scanner_time(value: datetime) -> str:
    """The time as the scanner shows it in Spanish: toLocaleTimeString("es",
    {hour: "numeric", minute: "2-digit"}) in the phone's time zone."""
    local = value.astimezone(ZoneInfo(TIMEZONE))
    return f"{local.hour}:{local.minute:02d}"


async def free_order(base_url: str, quantity: int) -> tuple[str, list[str]]:
    """A free order through the public API: its code and its tickets' secrets."""
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
        event = (await http.get(f"/api/v1/events/{SLUG}")).json()
        youth = next(t for t in event["ticket_types"] if t["name"]["en"].startswith("Youth"))
        assert youth["pricing"] == "free"
        response = await http.post(
            f"/api/v1/events/{SLUG}/orders",
            json={
                "buyer": {
                    "name": "Rosa Puerta",
                    "email": f"rosa.{uuid.uuid4().hex[:8]}@example.org",
                    "language": "es",
                },
                "items": [{"ticket_type": youth["id"], "quantity": quantity}],
            },
        )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "paid"
    return order["code"], [t["secret"] for t in order["tickets"]]


async def order_free_tickets(base_url: str, quantity: int) -> list[str]:
    """A free order through the public API; the secrets of its tickets."""
    _, secrets = await free_order(base_url, quantity)
    return secrets


async def wait_for_check_in(db: ServerDatabase, secret: str) -> tuple[datetime, str]:
    deadline = time.monotonic() + 10
    while True:
        at, gate = db.checked_in(secret)
        if at is not None:
            return at, gate
        assert time.monotonic() < deadline, f"{secret} was never checked in"
        await asyncio.sleep(0.2)


@pytest.fixture
async def phone(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    """A Spanish phone at the festival, 360×740."""
    ctx = await browser.new_context(
        base_url=live_server,
        viewport={"width": 360, "height": 740},
        locale="es-MX",
        timezone_id=TIMEZONE,
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        await ctx.close()


BROWSER_VERIFY = """async ([codes, publicKey]) => {
  const unb64 = (text) => {
    let s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  };
  const key = await crypto.subtle.importKey(
    "raw", unb64(publicKey), { name: "Ed25519" }, false, ["verify"]);
  const out = [];
  for (const code of codes) {
    const parts = code.split(".");
    const message = new TextEncoder().encode(parts.slice(0, 4).join("."));
    out.push(await crypto.subtle.verify({ name: "Ed25519" }, key, unb64(parts[4]), message));
  }
  return out;
}"""


async def submit(page: Page, code: str) -> None:
    await page.locator("#code").fill(code)
    await page.locator('#manual button[type="submit"]').click()


async def test_staff_checks_tickets_in_online_and_offline(
    phone: BrowserContext, live_server: str, e2e_database: Path, artifacts_dir: Path
) -> None:
    valid_ticket, signed_ticket, typed_ticket = await order_free_tickets(live_server, 3)
    db = ServerDatabase(e2e_database)
    texts = {
        "ok": spanish("Welcome! Valid ticket"),
        "already": spanish("Already checked in"),
        "offline": spanish("Saved offline: will sync when the network is back"),
        "offline_bad": spanish("Not valid (checked offline)"),
        "pending": spanish("waiting to sync"),
        "online": spanish("online"),
        "offline_state": spanish("offline"),
        "gate": spanish("Main gate"),
    }
    page = await phone.new_page()
    result = page.locator("#result")
    title = result.locator(".result-title")

    # Log in: the staff member's account is in Spanish.
    await sign_in(page, STAFF)
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(page.locator("html")).to_have_attribute("lang", "es")

    # The scanner.
    await page.goto(f"/door/{SLUG}")
    scanner = page.locator("#scanner")
    await expect(scanner).to_have_attribute("data-lang", "es")
    await expect(page.locator("#net-status")).to_have_text(texts["online"])
    # The main gate is stored in no language ("") and shown in the volunteer's.
    gate = await scanner.get_attribute("data-gate")
    public_key = await scanner.get_attribute("data-public-key")
    assert gate == ""
    assert public_key
    await expect(scanner).to_contain_text(spanish("Gate: %(gate)s", gate=texts["gate"]))

    # A valid ticket, typed in.
    await submit(page, valid_ticket)
    await expect(title).to_have_text(texts["ok"])
    await expect(result).to_have_class(re.compile(r"\bresult-ok\b"))
    first_at, first_gate = db.checked_in(valid_ticket)
    assert first_at is not None
    assert first_gate == gate
    await page.screenshot(path=artifacts_dir / "door-valid-es-360.png", full_page=True)

    # The same ticket again: already in, with the first scan's time and gate.
    await submit(page, valid_ticket)
    await expect(title).to_have_text(texts["already"])
    await expect(result).to_have_class(re.compile(r"\bresult-already_checked_in\b"))
    await expect(result).to_contain_text(
        spanish("First scan: %(time)s at %(gate)s", time=scanner_time(first_at), gate=texts["gate"])
    )
    await page.screenshot(path=artifacts_dir / "door-again-es-360.png", full_page=True)

    # The browser's own WebCrypto agrees: a genuine code verifies, an altered one not.
    genuine = signed_code(db, signed_ticket)
    forged = altered(genuine)
    assert await page.evaluate(BROWSER_VERIFY, [[genuine, forged], public_key]) == [True, False]

    # The network goes away.
    await phone.set_offline(True)
    await expect(page.locator("#net-status")).to_have_text(texts["offline_state"])

    # An altered signed code is refused by the phone alone, and not queued.
    await submit(page, forged)
    await expect(title).to_have_text(texts["offline_bad"])
    await expect(page.locator("#queue-count")).to_have_text("")
    await page.screenshot(path=artifacts_dir / "door-offline-forged-es-360.png", full_page=True)

    # A genuine signed code, and a code typed by hand, wait in the queue.
    await submit(page, genuine)
    await expect(title).to_have_text(texts["offline"])
    await expect(page.locator("#queue-count")).to_have_text(f"1 {texts['pending']}")
    await submit(page, typed_ticket.lower())
    await expect(title).to_have_text(texts["offline"])
    await expect(page.locator("#queue-count")).to_have_text(f"2 {texts['pending']}")
    await page.screenshot(path=artifacts_dir / "door-offline-queue-es-360.png", full_page=True)
    assert db.checked_in(signed_ticket) == (None, "")
    assert db.checked_in(typed_ticket) == (None, "")

    # The network is back: the queue syncs and both tickets are in, at this gate.
    await phone.set_offline(False)
    await expect(page.locator("#net-status")).to_have_text(texts["online"])
    await expect(page.locator("#queue-count")).to_have_text("")
    for secret in (signed_ticket, typed_ticket):
        at, synced_gate = await wait_for_check_in(db, secret)
        assert synced_gate == gate
        assert at <= datetime.now(tz=ZoneInfo("UTC"))
    await page.screenshot(path=artifacts_dir / "door-synced-es-360.png", full_page=True)


async def order_at_the_door(base_url: str, quantity: int, price_cents: int) -> list[str]:
    """A pay-at-the-door order of General admission through the public API, at a price
    the buyer chose on its sliding scale; the secrets of its tickets."""
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
        event = (await http.get(f"/api/v1/events/{SLUG}")).json()
        general = next(t for t in event["ticket_types"] if t["pricing"] == "sliding")
        response = await http.post(
            f"/api/v1/events/{SLUG}/orders",
            json={
                "buyer": {
                    "name": "Rosa Puerta",
                    "email": f"rosa.{uuid.uuid4().hex[:8]}@example.org",
                    "language": "es",
                },
                "items": [
                    {"ticket_type": general["id"], "quantity": quantity, "price_cents": price_cents}
                ],
                "payment": "box_office",
            },
        )
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["status"], order["total_cents"]) == ("pending", quantity * price_cents)
    return [t["secret"] for t in order["tickets"]]


async def test_the_scanner_says_what_to_collect_for_a_pay_at_the_door_order(
    phone: BrowserContext, live_server: str, artifacts_dir: Path
) -> None:
    first, _second = await order_at_the_door(live_server, 2, 1550)
    page = await phone.new_page()
    result = page.locator("#result")
    await sign_in(page, STAFF)
    await expect(page).to_have_url(path_is("/dashboard"))
    await page.goto(f"/door/{SLUG}")

    # The script shows the answer: the whole order's amount, big, in Spanish money.
    await submit(page, first)
    await expect(result.locator(".result-title")).to_have_text(spanish("Collect payment first"))
    await expect(result).to_contain_text(spanish("To collect, for the whole order"))
    with use_language("es"):
        amount = format_money(3100)
    await expect(result.locator(".amount-due")).to_have_text(amount)
    font_size = await result.locator(".amount-due").evaluate("e => getComputedStyle(e).fontSize")
    title_size = await result.locator(".result-title").evaluate("e => getComputedStyle(e).fontSize")
    assert float(font_size.removesuffix("px")) > float(title_size.removesuffix("px"))
    await page.screenshot(path=artifacts_dir / "door-collect-es-360.png", full_page=True)

    # The volunteer takes the money and presses the button: the page says it is paid.
    button = result.locator('button[type="submit"]')
    await expect(button).to_have_text(spanish("Payment collected"))
    await button.click()
    await expect(page).to_have_url(path_is(f"/door/{SLUG}"))
    await expect(page.locator(".flash-success")).to_have_text(
        spanish("Paid. Now scan the tickets again to let them in.")
    )
    await submit(page, first)
    await expect(result.locator(".result-title")).to_have_text(spanish("Welcome! Valid ticket"))
