"""A visitor on a phone buys fixed-price tickets for The Hue 2027 with a card: the app
sends the browser to Stripe's checkout page (the local stand-in, tests/payments/
stripe_fake.py), the visitor pays there and comes back to the order page, which asks
Stripe and shows the order paid with its tickets. Stripe's webhook, delivered afterwards,
finds the order already paid. Once in English, once in Spanish.

This journey needs a server with Stripe keys, so it serves the app itself (on its own
database with the demo data) rather than use the shared ``live_server``. The demo
festival sells no fixed-price ticket, so one is added to that database only."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import stripe
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import run_python, serving_app, spanish
from tests.e2e.pages import path_is
from tests.payments.conftest import SECRET_KEY, WEBHOOK, WEBHOOK_SECRET
from tests.payments.stripe_fake import FakeStripe
from yoc.i18n import format_money, gettext, ngettext, use_language

pytestmark = pytest.mark.e2e

EVENT = "the-hue-2027"
EVENT_NAME = "The Hue 2027"
PASS = {"en": "Festival pass", "es": "Pase del festival"}
PRICE_CENTS = 2000
QUANTITY = 2
TOTAL_CENTS = QUANTITY * PRICE_CENTS

ADD_FIXED_PRICE_TYPE = f"""
import asyncio
from yoc.cli import _with_db
from yoc.events.models import Event
from yoc.settings import Settings
from yoc.tickets.forms import TicketTypeForm
from yoc.tickets.services.types import create_ticket_type

async def work():
    event = await Event.get(slug={EVENT!r})
    await create_ticket_type(event, TicketTypeForm(
        name_en={PASS["en"]!r}, name_es={PASS["es"]!r}, pricing="fixed",
        price_cents={PRICE_CENTS}, max_per_order=8,
    ))

asyncio.run(_with_db(Settings.from_env(), work))
"""


def _add_fixed_price_type(env: dict[str, str]) -> None:
    run_python(["-c", ADD_FIXED_PRICE_TYPE], env, "adding a fixed-price ticket type")


@pytest.fixture(scope="module")
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe(api_key=SECRET_KEY)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def card_server(fake_stripe: FakeStripe, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with Stripe keys, talking to the stand-in."""
    tmp = tmp_path_factory.mktemp("e2e-card")
    with serving_app(
        tmp / "card.sqlite3",
        log_path=tmp / "server.log",
        prepare=_add_fixed_price_type,
        YOC_STRIPE_SECRET_KEY=SECRET_KEY,
        YOC_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        YOC_STRIPE_API_BASE=fake_stripe.url,
    ) as base_url:
        yield base_url


def money_in(language: str, cents: int) -> str:
    with use_language(language):
        return format_money(cents)


class Texts:
    """The page's text in one language; in Spanish, only what the catalog translates
    (proof that the page really is in Spanish)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, message: str, **variables: object) -> str:
        if self.language == "es":
            return spanish(message, **variables)
        with use_language("en"):
            return gettext(message, **variables)

    def plural(self, singular: str, plural: str, n: int) -> str:
        with use_language("en"):
            english = ngettext(singular, plural, n)
        if self.language == "en":
            return english
        with use_language("es"):
            translated = ngettext(singular, plural, n)
        assert translated != english, f"no Spanish translation in the catalog for {plural!r}"
        return translated


@pytest.fixture(params=["en", "es"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def visitor(browser: Browser, card_server: str, language: str) -> AsyncIterator[Page]:
    """A phone-sized browser (390 px wide) speaking the journey's language, nobody
    signed in."""
    ctx = await browser.new_context(
        base_url=card_server,
        viewport={"width": 390, "height": 844},
        locale="es-MX" if language == "es" else "en-US",
    )
    ctx.set_default_timeout(10_000)
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


async def test_visitor_buys_fixed_price_tickets_by_card_and_comes_back_paid(
    visitor: Page, language: str, card_server: str, fake_stripe: FakeStripe, artifacts_dir: Path
) -> None:
    page, lang, t = visitor, language, Texts(language)
    buyer_name = "Rosa Martínez Ochoa" if lang == "es" else "Sam Rivera"
    # An address of this run's own (one open reservation per email; the session says it).
    buyer_email = f"card.{uuid.uuid4().hex[:12]}@e2e.example.org"
    total = money_in(lang, TOTAL_CENTS)
    assert total == "$40.00"
    # Every text the journey expects, read from the catalog first.
    text = {
        "review": t("Review your order"),
        "card_note": t(
            "Next, you pay by card on Stripe's secure page. We hold your tickets for a few "
            "minutes while you pay."
        ),
        "confirm": t("Confirm and pay %(total)s", total=total),
        "paid": t("paid"),
        "all_set": t("You are all set! Show a ticket at the door, on your phone or printed."),
        "your_tickets": t.plural("Your ticket", "Your tickets", QUANTITY),
    }

    html = page.locator("html")
    main = page.locator("main")
    h1 = page.locator("main h1")

    # 1. The festival page, in the visitor's language.
    response = await page.goto(f"/events/{EVENT}")
    assert response is not None and response.status == 200
    if await html.get_attribute("lang") != lang:
        switcher = page.locator('header form.language-switcher[action="/language"]')
        await switcher.locator(f'button[name="lang"][value="{lang}"]').click()
        await expect(page).to_have_url(path_is(f"/events/{EVENT}"))
    await expect(html).to_have_attribute("lang", lang)
    await expect(h1).to_have_text(EVENT_NAME)

    fixed = main.locator("li.ticket-type").filter(
        has=page.locator("h3", has_text=re.compile(rf"^\s*{re.escape(PASS[lang])}\s*$"))
    )
    await expect(fixed).to_have_count(1)
    await expect(fixed.locator("p.price")).to_have_text(money_in(lang, PRICE_CENTS))
    await expect(fixed.locator('input[name^="price_"]')).to_have_count(0)  # nothing to type

    form = main.locator(f'form[action="/events/{EVENT}/review"]')
    await fixed.locator('select[name^="qty_"]').select_option(str(QUANTITY))
    await form.locator("#f-buyer_name").fill(buyer_name)
    await form.locator("#f-buyer_email").fill(buyer_email)
    await form.locator('input[type="radio"][name="payment"][value="stripe"]').check()
    await form.locator('button[type="submit"]').click()

    # 2. The review: the total, and that the card is paid on Stripe's page.
    await expect(page).to_have_url(path_is(f"/events/{EVENT}/review"))
    await expect(h1).to_have_text(text["review"])
    lines = main.locator("table.order-lines tbody tr")
    await expect(lines).to_have_count(1)
    await expect(lines.first.locator("td").first).to_have_text(f"{QUANTITY} × {PASS[lang]}")
    await expect(main.locator("table.order-lines tfoot td.num")).to_have_text(total)
    await expect(main).to_contain_text(text["card_note"])
    await page.screenshot(path=artifacts_dir / f"card-review-{lang}-390.png", full_page=True)

    confirm = main.locator(f'form[action="/events/{EVENT}/orders"] button[type="submit"]')
    await expect(confirm).to_have_text(text["confirm"])
    await confirm.click()

    # 3. Stripe's checkout page, for this order's session and its total.
    await expect(page).to_have_url(re.compile(rf"^{re.escape(fake_stripe.url)}/c/pay/cs_test_\w+$"))
    session_id = page.url.rsplit("/", 1)[1]
    session = fake_stripe.session(session_id)
    assert session["url"] == page.url
    assert session["customer_email"] == buyer_email
    assert session["status"] == "open"
    assert (session["amount_total"], session["currency"]) == (TOTAL_CENTS, "usd")
    assert session["locale"] == lang
    pay = page.get_by_role("button", name="Pay", exact=True)
    await expect(pay).to_be_visible()
    await pay.click()

    # 4. Back on the order page: paid, with the tickets.
    await expect(page).to_have_url(
        re.compile(rf"^{re.escape(card_server)}/orders/[A-Za-z0-9_-]+/[^/?#]+\?checkout=done$")
    )
    assert page.url == session["success_url"]
    order_path = page.url.removeprefix(card_server).split("?", 1)[0]
    _, _, code, _key = order_path.split("/")
    await expect(html).to_have_attribute("lang", lang)
    await expect(h1).to_have_text(t("Order %(code)s", code=code.replace("-", "\u2011")))
    status = main.locator("p.order-status")
    await expect(status).to_have_text(text["paid"])
    await expect(status).to_have_class(re.compile(r"\bstatus-paid\b"))
    await expect(main).to_contain_text(text["all_set"])
    await expect(main.locator("table.order-lines tfoot td.num")).to_have_text(total)
    await expect(main.get_by_role("heading", name=text["your_tickets"])).to_be_visible()
    ticket_links = main.locator('ul.plain-list a[href^="/tickets/"]')
    await expect(ticket_links).to_have_count(QUANTITY)
    for link in await ticket_links.all():
        await expect(link).to_contain_text(PASS[lang])
    hrefs = {await link.get_attribute("href") for link in await ticket_links.all()}
    assert len(hrefs) == QUANTITY, hrefs
    await expect(main.locator(f'form[action="{order_path}/pay"]')).to_have_count(0)
    await page.screenshot(path=artifacts_dir / f"card-order-paid-{lang}-390.png", full_page=True)

    # 5. Stripe's webhook, signed, arrives after the success page paid the order.
    [event] = [e for e in fake_stripe.events if e["data"]["object"]["id"] == session_id]
    assert event["type"] == "checkout.session.completed"
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
    async with httpx.AsyncClient(base_url=card_server) as client:
        answer = await client.post(
            WEBHOOK,
            content=payload,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": True, "outcome": "already_paid"}

    # And the order page still says paid.
    await page.goto(order_path)
    await expect(status).to_have_text(text["paid"])
    await expect(ticket_links).to_have_count(QUANTITY)
