"""The gate of The Hue 2027, on 390 px phones, once in English and once in Spanish: a
visitor buys at the door (a volunteer sells from the scanner and sends the ticket by
email), another buys by card on her own phone (the Stripe stand-in; her first try,
hurried, is refused with every problem at once); both get their
tickets by email, really sent over SMTP (the ``inbox`` of tests/e2e/conftest.py); the
volunteer checks both in, one from the QR code in the email and one from the code
printed under it; scanned a second time, the first says it is already checked in.

The volunteer gets in with the door code a staff member makes. The volunteer's and the
visitors' phones speak the run's language, and so does the staff member's account.
Every text asserted comes from the catalog, in Spanish only if translated. axe-core
checks the pages of this journey that tests/e2e/test_accessibility.py does not visit."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e import pages
from tests.e2e.accessibility import REVIEWED, axe_violations, blocking
from tests.e2e.conftest import Inbox, Texts
from tests.e2e.pages import path_is, sign_in
from tests.e2e.test_door_journey import ServerDatabase, signed_code
from tests.payments.stripe_fake import FakeStripe
from yoc import qrcodes
from yoc.i18n import format_money, use_language

pytestmark = pytest.mark.e2e

EVENT = "the-hue-2027"
EVENT_NAME = "The Hue 2027"
GENERAL = {"en": "General admission", "es": "Entrada general"}  # yoc/tickets/demo.py
SUGGESTED_CENTS = 1500  # General admission's suggested price, paid when none is typed
STAFF = {"en": "admin@demo.yoc.example", "es": "staff@demo.yoc.example"}  # yoc/demo.py


@pytest.fixture(params=["en", "es"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def phones(
    browser: Browser, mail_server: str, language: str
) -> AsyncIterator[dict[str, BrowserContext]]:
    """The staff member's, the volunteer's and the two visitors' phones."""
    async with pages.phones(
        browser, mail_server, language, ("staff", "volunteer", "walk_up", "online")
    ) as contexts:
        yield contexts


def money(language: str, cents: int) -> str:
    with use_language(language):
        return format_money(cents)


async def scan(page: Page, code: str) -> None:
    """What the camera does with a code it reads, or the volunteer typing it."""
    await page.locator("#code").fill(code)
    await page.locator('#manual button[type="submit"]').click()


async def test_a_walk_up_and_a_card_buyer_get_their_tickets_by_email_and_get_in(
    phones: dict[str, BrowserContext],
    inbox: Inbox,
    mail_database: Path,
    stripe_stand_in: FakeStripe,
    language: str,
) -> None:
    t, lang = Texts(language), language
    tag = uuid.uuid4().hex[:8]
    walk_up_name = "Toño Flores" if lang == "es" else "Chris Walker"
    walk_up_email = f"door.{tag}@e2e.example.org"
    online_name = "Rosa Martínez" if lang == "es" else "Sam Rivera"
    online_email = f"card.{tag}@e2e.example.org"
    price = money(lang, SUGGESTED_CENTS)
    problems: list[str] = []

    async def accessible(page: Page, what: str) -> None:
        found = await axe_violations(page)
        for line in blocking(found) + blocking(found, impacts=REVIEWED):
            problems.append(f"{what} ({lang}, 390 px): {line}")

    # 1. Staff make today's door code.
    office = await phones["staff"].new_page()
    await sign_in(office, STAFF[lang])
    await expect(office).to_have_url(path_is("/dashboard"))
    await office.goto(f"/staff/events/{EVENT}")
    await office.get_by_role("button", name=t("Make a new door code")).click()
    flash = office.locator("main .flash-success")
    said = t("New door code: %(code)s. Give it only to today's volunteers.", code="CODE")
    pattern = re.escape(said).replace("CODE", "([A-Z0-9]{8})")
    await expect(flash).to_have_text(re.compile(f"^{pattern}$"))
    found = re.fullmatch(pattern, (await flash.inner_text()).strip())
    assert found is not None
    door_code = found.group(1)

    # 2. The volunteer enters it on her phone and gets the scanner.
    gate = await phones["volunteer"].new_page()
    await gate.goto("/door")
    await expect(gate.locator("html")).to_have_attribute("lang", lang)
    await expect(gate.locator("main h1")).to_have_text(t("Check tickets at the door"))
    await accessible(gate, "the door code page")
    entry = gate.locator('main form[action="/door"]')
    await entry.locator("#f-door_code").fill(door_code.lower())
    await entry.locator("#f-volunteer_name").fill("Lupe")
    await entry.get_by_role("button", name=t("Start checking tickets")).click()
    await expect(gate).to_have_url(path_is(f"/door/{EVENT}"))
    await expect(gate.locator("#scanner")).to_have_attribute("data-lang", lang)

    # 3. A visitor walks up: the volunteer sells from the scanner and emails the ticket.
    await gate.get_by_role("link", name=t("Sell tickets"), exact=True).click()
    await expect(gate).to_have_url(path_is(f"/door/{EVENT}/sell"))
    await expect(gate.locator("main h1")).to_have_text(t("Sell tickets at the door"))
    await accessible(gate, "the walk-up sale form")
    sale = gate.locator(f'main form[action="/door/{EVENT}/sell"]')
    await sale.get_by_label(re.compile(rf"^\s*{GENERAL[lang]}")).check()
    await sale.get_by_label(t("How many tickets")).fill("1")
    await sale.get_by_label(t("Cash"), exact=True).check()
    await sale.locator("#f-buyer_name").fill(walk_up_name)
    await sale.locator("#f-buyer_email").fill(walk_up_email)
    await expect(sale.locator("#f-language")).to_have_value(lang)
    await sale.get_by_label(t("Send the tickets by email")).check()
    await sale.get_by_role("button", name=t("Sell"), exact=True).click()
    sold = gate.locator("main .walk-up-sold")
    await expect(sold.locator(".result-title")).to_have_text(
        t.plural("Sold: %(num)d ticket", "Sold: %(num)d tickets", 1, num=1)
    )
    await expect(sold).to_contain_text(price)
    await expect(sold).to_contain_text(
        t("The tickets are on their way to %(email)s.", email=walk_up_email)
    )
    await accessible(gate, "the sale's page")

    # 4. Another visitor buys by card on her phone.
    shop = await phones["online"].new_page()
    await shop.goto(f"/events/{EVENT}")
    await expect(shop.locator("html")).to_have_attribute("lang", lang)
    general = shop.locator("main li.ticket-type").filter(
        has=shop.locator("h3", has_text=re.compile(rf"^\s*{GENERAL[lang]}\s*$"))
    )
    checkout = shop.locator(f'main form[action="/events/{EVENT}/review"]')
    # First in a hurry: a typo in her email and no ticket chosen. Both are said at once,
    # first on the page, where focus is; what she typed stays.
    typo = online_email.replace("@", "@@")
    await checkout.locator("#f-buyer_name").fill(online_name)
    await checkout.locator("#f-buyer_email").fill(typo)
    await checkout.locator('input[type="radio"][name="payment"][value="stripe"]').check()
    await checkout.locator('button[type="submit"]').click()
    summary = shop.locator("#error-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_be_in_viewport()
    await expect(summary.locator("h2")).to_have_text(t("Choose at least one ticket."))
    await expect(summary.get_by_role("link")).to_have_text(
        [f"{t('Email')}: {t('Enter an email address like name@example.com.')}"]
    )
    await expect(checkout.locator("#f-buyer_name")).to_have_value(online_name)
    await expect(checkout.locator("#f-buyer_email")).to_have_value(typo)
    await expect(checkout.locator('input[name="payment"][value="stripe"]')).to_be_checked()
    await general.locator('select[name^="qty_"]').select_option("1")
    await checkout.locator("#f-buyer_email").fill(online_email)
    await checkout.locator('button[type="submit"]').click()
    await expect(shop.locator("main h1")).to_have_text(t("Review your order"))
    await shop.get_by_role("button", name=t("Confirm and pay %(total)s", total=price)).click()
    await expect(shop).to_have_url(re.compile(rf"^{re.escape(stripe_stand_in.url)}/c/pay/"))
    await shop.get_by_role("button", name="Pay", exact=True).click()
    await expect(shop.locator("main p.order-status")).to_have_text(t("paid"))
    await expect(shop.locator("main")).to_contain_text(
        t("You are all set! Show a ticket at the door, on your phone or printed.")
    )

    # 5. Both get their tickets by email, in their language: the QR code, the code
    # printed under it, and a link to the ticket.
    db = ServerDatabase(mail_database)
    subject = t("Your tickets: %(event)s", event=EVENT_NAME)
    secrets = {}
    for who, email, name in (
        ("walk_up", walk_up_email, walk_up_name),
        ("online", online_email, online_name),
    ):
        mail = await inbox.message(email, subject)
        assert mail["Content-Language"] == lang
        text, html = inbox.text(mail), inbox.html(mail)
        assert t("Hello %(name)s,", name=name) in text
        confirmed = t(
            "Thank you! Your order is confirmed. Show a ticket at the door, on your phone or "
            "printed."
        )
        assert confirmed in text
        link = inbox.link(mail, "/tickets/")
        secret = link.removeprefix("/tickets/")
        assert secret in html
        [(cid, png)] = inbox.images(mail).items()
        assert f'src="cid:{cid}"' in html
        assert png == qrcodes.png(signed_code(db, secret)), "the QR code is not this ticket's"
        secrets[who] = secret
        # The link opens the ticket on the visitor's phone.
        ticket = await phones[who].new_page()
        await ticket.goto(link)
        await expect(ticket.locator("main h1")).to_have_text(EVENT_NAME)
        await expect(ticket.locator("main .ticket-type-name")).to_contain_text(GENERAL[lang])
        await expect(ticket.locator("main .ticket-secret")).to_have_text(secret)
        await ticket.close()

    # 6. At the gate: the walk-up visitor shows the QR code from the email, the card
    # buyer reads out the code under hers; both get in.
    await gate.get_by_role("link", name=t("Back to the scanner")).click()
    await expect(gate).to_have_url(path_is(f"/door/{EVENT}"))
    result = gate.locator("#result")
    await scan(gate, signed_code(db, secrets["walk_up"]))
    await expect(result.locator(".result-title")).to_have_text(t("Welcome! Valid ticket"))
    await scan(gate, secrets["online"])
    await expect(result.locator(".result-title")).to_have_text(t("Welcome! Valid ticket"))
    await expect(result).to_contain_text(f"{GENERAL[lang]} · {online_name}")

    # 7. The walk-up ticket again: already in, in the page's language.
    await scan(gate, signed_code(db, secrets["walk_up"]))
    await expect(result.locator(".result-title")).to_have_text(t("Already checked in"))
    await expect(result).to_have_class(re.compile(r"\bresult-already_checked_in\b"))
    await accessible(gate, "the scanner after a second scan")

    assert problems == [], "\n".join(problems)
