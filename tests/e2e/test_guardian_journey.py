"""A mother withdraws her daughter's photo release from her phone, in Spanish, without
JavaScript, and the photo leaves the public Soapbox lineup.

The live server holds the demo data (``yoc/demo.py``, ``yoc/soapbox/demo.py``): Ana (15,
Spanish) gave "Poems for clean air" at the Soapbox night of fall 2026, whose lineup is
public; her mother María Demo (Spanish) signed a paper form with a photo release, which
also confirmed her as Ana's guardian. Ana uploads a photo first. The sign-in email is read
from the server's outbox (the journeys run without an SMTP server). Every text the journey
checks is read from the Spanish catalog."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DemoIds, es, spanish
from tests.e2e.pages import path_is, sign_in
from yoc import demo
from yoc.i18n import pgettext, use_language
from yoc.members import consent_texts
from yoc.members.enums import ConsentPurpose

pytestmark = pytest.mark.e2e

ANA = "ana@demo.yoc.example"
MARIA = "maria.family@demo.yoc.example"  # yoc/demo.py: the guardian's demo address
NIGHT = "soapbox-night-fall-2026"
PHONE = {"width": 375, "height": 740}
LINK = re.compile(r"https?://[^/\s]+(/family/sign-in/[A-Za-z0-9_\-]+)")


def guardian_words(message: str) -> str:
    """``message`` as the family page says it in Spanish (usted, not a member's tú)."""
    with use_language("es"):
        text = pgettext("guardian", message)
    assert text != message, f"no Spanish translation for the guardian of {message!r}"
    return text


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (120, 60, 160)).save(out, "PNG")
    return out.getvalue()


def sign_in_link(database: Path) -> str:
    """The link in the newest sign-in email to María, from the server's outbox."""
    uri = f"{database.as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        row = db.execute(
            "SELECT body_text, language FROM outbox_messages "
            "WHERE to_email = ? AND template = 'guardian_sign_in' ORDER BY id DESC LIMIT 1",
            (MARIA,),
        ).fetchone()
    assert row is not None, "no sign-in email was queued for María"
    body, language = row
    assert language == "es"
    match = LINK.search(body)
    assert match, "the sign-in email has no link"
    return match.group(1)


async def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scroll)."""
    return await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


async def phone(browser: Browser, base_url: str, *, javascript: bool = True) -> BrowserContext:
    ctx = await browser.new_context(
        base_url=base_url, viewport=PHONE, locale="es-MX", java_script_enabled=javascript
    )
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
async def phones(browser: Browser, live_server: str):
    """Ana's phone, her mother's (JavaScript off: the pages must work without it), and a
    visitor's phone, to measure the page width with, each with its own cookies."""
    contexts = {
        "ana": await phone(browser, live_server),
        "maria": await phone(browser, live_server, javascript=False),
        "visitor": await phone(browser, live_server),
    }
    try:
        yield contexts
    finally:
        for ctx in contexts.values():
            await ctx.close()


async def test_a_mother_withdraws_the_photo_release_and_the_photo_leaves_the_lineup(
    phones: dict[str, BrowserContext], demo_ids: DemoIds, e2e_database: Path, artifacts_dir: Path
) -> None:
    ana_person = next(p for p in demo.PEOPLE if p.email == ANA)
    assert ana_person.guardian is not None and ana_person.guardian[2] == "es"
    ana_id = demo_ids.user(ANA)
    with use_language("es"):
        photo_label = ConsentPurpose.PHOTO_RELEASE.label
    text = {
        "family_link": spanish("Sign in to the family page"),
        "family": spanish("Family page"),
        "send_link": spanish("Send me a sign-in link"),
        # The family page says "usted": the guardian's own words, not the member's "tú".
        "check": guardian_words("Check your email"),
        "hello": spanish("Hello %(name)s", name=ana_person.guardian[0]),
        "sign_in": spanish("Sign in"),
        "withdraw": spanish("Withdraw"),
        "withdrawn": spanish("Done. The permission is withdrawn, everywhere, from now on."),
        "yes": spanish("yes"),
        "no": es("no"),  # the same word in both languages
        "agree": spanish("I agree"),
        "photo_saved": spanish("Your photo is saved."),
        "lineup": spanish("Soapbox lineup"),
    }
    overflow: dict[str, int] = {}

    # 1. Ana puts a photo on her profile.
    ana = await phones["ana"].new_page()
    await sign_in(ana, ANA)
    await expect(ana).to_have_url(path_is("/dashboard"))
    await ana.goto("/me/profile/edit")
    upload = ana.locator('main form[action="/me/photo"]')
    await upload.locator("#f-photo").set_input_files(
        files=[{"name": "ana.png", "mimeType": "image/png", "buffer": png()}]
    )
    await upload.locator('button[type="submit"]').click()
    await expect(ana).to_have_url(path_is("/me/profile"))
    await expect(ana.locator("main .flash-success")).to_have_text(text["photo_saved"])

    # Public pages link the photo by its random key, never by her id.
    with sqlite3.connect(e2e_database) as db:
        [(key,)] = db.execute("SELECT public_key FROM member_photos WHERE user_id = ?", (ana_id,))
    photo_src = f"/photos/{key}"

    # 2. The public lineup of the Soapbox night shows it: her mother allowed photos.
    visitor = await phones["visitor"].new_page()
    await visitor.goto(f"/events/{NIGHT}/lineup")
    await expect(visitor.locator("main h1")).to_have_text(text["lineup"])
    await expect(visitor.locator(f'main img[src="{photo_src}"]')).to_have_count(1)
    shown = await visitor.request.get(photo_src)
    assert (shown.status, shown.headers["content-type"]) == (200, "image/jpeg")

    # 3. María, on her phone, goes from the log-in page to the family page's sign-in.
    maria = await phones["maria"].new_page()
    await maria.goto("/login")
    await maria.locator('main a[href="/family/sign-in"]').click()
    await expect(maria).to_have_url(path_is("/family/sign-in"))
    await expect(maria.locator("html")).to_have_attribute("lang", "es")
    await expect(maria.locator("main h1")).to_have_text(text["family"])
    form = maria.locator('main form[action="/family/sign-in"]')
    await form.locator("#f-email").fill(MARIA)
    overflow["sign-in"] = await horizontal_overflow(maria)
    await form.locator('button[type="submit"]').click()
    await expect(maria.locator("main h1")).to_have_text(text["check"])
    await maria.screenshot(path=artifacts_dir / "guardian-link-sent-es-375.png", full_page=True)

    # 4. She opens the emailed link, and signs in with its button.
    await maria.goto(sign_in_link(e2e_database))
    await expect(maria.locator("main h1")).to_have_text(text["hello"])
    button = maria.locator("main form button[type=submit]")
    await expect(button).to_have_text(text["sign_in"])
    await button.click()
    # One teen: straight to Ana's page.
    await expect(maria).to_have_url(path_is(f"/family/teens/{ana_id}"))
    await expect(maria.locator("main h1")).to_have_text(ana_person.name)
    await expect(maria.locator('header a[href="/family"]')).to_have_text(text["family"])
    overflow["teen page"] = await horizontal_overflow(maria)
    await maria.screenshot(path=artifacts_dir / "guardian-teen-es-375.png", full_page=True)

    # 5. The photo release is in force, with the words she signed; she withdraws it.
    card = maria.locator("main article#photo_release")
    await expect(card.locator("h3")).to_have_text(photo_label)
    await expect(card.locator(".badge")).to_have_text(text["yes"])
    await expect(card.locator(".consent-text")).to_have_text(
        consent_texts.text(ConsentPurpose.PHOTO_RELEASE, "es")
    )
    withdraw = card.locator('button[name="decision"][value="withdraw"]')
    await expect(withdraw).to_have_text(text["withdraw"])
    await withdraw.click()
    await expect(maria).to_have_url(path_is(f"/family/teens/{ana_id}"))
    await expect(maria.locator("main .flash-success")).to_have_text(text["withdrawn"])
    await expect(card.locator(".badge")).to_have_text(text["no"])
    await expect(card.locator('button[name="decision"][value="grant"]')).to_have_text(text["agree"])
    overflow["after withdrawing"] = await horizontal_overflow(maria)
    await maria.screenshot(path=artifacts_dir / "guardian-withdrawn-es-375.png", full_page=True)

    # 6. The lineup no longer shows Ana's photo, and the picture itself is gone from public.
    await visitor.goto(f"/events/{NIGHT}/lineup")
    await expect(visitor.locator("main h1")).to_have_text(text["lineup"])
    await expect(visitor.locator("main .lineup")).to_be_visible()
    await expect(visitor.locator(f'main img[src="{photo_src}"]')).to_have_count(0)
    gone = await visitor.request.get(photo_src)
    assert gone.status == 404
    await visitor.screenshot(path=artifacts_dir / "guardian-lineup-after-es-375.png")

    # 7. She changes her mind: with her yes again, the photo is back on the lineup.
    await card.locator('button[name="decision"][value="grant"]').click()
    await expect(maria).to_have_url(path_is(f"/family/teens/{ana_id}"))
    await expect(card.locator(".badge")).to_have_text(text["yes"])
    await visitor.goto(f"/events/{NIGHT}/lineup")
    await expect(visitor.locator(f'main img[src="{photo_src}"]')).to_have_count(1)

    # Phone-sized: nothing scrolls sideways.
    assert overflow == dict.fromkeys(overflow, 0), overflow
