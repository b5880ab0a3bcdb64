"""On a 390 px phone, in English and in Spanish: every page's brand link has a name a
screen reader says, whatever the width; a refused form puts focus on its error summary,
first in the page, whose links lead to the fields; and with JavaScript off the summary
is still first, and focused.

Texts come from the catalog (the Spanish ones must really be translated)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests.e2e.conftest import spanish
from yoc.i18n import gettext, use_language

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def text(message: str, language: str) -> str:
    if language == "es":
        return spanish(message)
    with use_language("en"):
        return gettext(message)


async def new_context(
    browser: Browser, live_server: str, language: str, *, width: int = 390, js: bool = True
) -> BrowserContext:
    ctx = await browser.new_context(
        base_url=live_server,
        viewport={"width": width, "height": 844},
        locale="es-MX" if language == "es" else "en-US",
        java_script_enabled=js,
    )
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
async def contexts(browser: Browser) -> AsyncIterator[list[BrowserContext]]:
    """Contexts a test opens, closed at its end."""
    opened: list[BrowserContext] = []
    try:
        yield opened
    finally:
        for ctx in opened:
            await ctx.close()


async def test_the_brand_link_has_a_name_at_every_width(
    browser: Browser, live_server: str, contexts: list[BrowserContext]
) -> None:
    for language in ("en", "es"):
        name = text("Youth Organizing Council", language)
        for width in (320, 360, 390, 1280):
            ctx = await new_context(browser, live_server, language, width=width)
            contexts.append(ctx)
            page = await ctx.new_page()
            await page.goto("/")

            brand = page.locator("header a.brand")
            await expect(brand).to_have_accessible_name(name)
            await expect(page.get_by_role("link", name=name, exact=True)).to_have_count(1)
            # The name takes no room where the phone has none: the header stays one row.
            box = await brand.bounding_box()
            assert box is not None and box["width"] <= width


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_refused_sign_up_starts_at_its_error_summary(
    browser: Browser, live_server: str, contexts: list[BrowserContext], artifacts_dir, language
) -> None:
    ctx = await new_context(browser, live_server, language)
    contexts.append(ctx)
    page = await ctx.new_page()
    await page.goto("/signup")
    form = page.locator('main form[action="/signup"]')
    await form.locator("#f-name").fill("Itzel Ramírez")
    await form.locator("#f-email").fill("itzel@")
    await form.locator("#f-password").fill("abc")
    await form.locator("#f-password_confirm").fill("abc")
    await form.locator("#f-birth_date").fill("2011-05-04")

    # The submit button is far down the page: the answer must not be out of sight.
    await form.get_by_role("button", name=text("Create my account", language)).click()

    summary = page.locator("#error-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_be_in_viewport()
    await expect(page.locator("main > *").first).to_have_id("error-summary")
    await expect(summary.locator("h2")).to_have_text(
        text("Please check the highlighted fields.", language)
    )
    links = summary.get_by_role("link")
    await expect(links).to_have_text(
        [
            f"{text('Email', language)}: "
            f"{text('Enter an email address like name@example.com.', language)}",
            f"{text('Password', language)}: {text('Use at least 8 characters.', language)}",
            f"{text('Your parent or guardian’s name', language)}: "
            f"{text('Tell us who your parent or guardian is.', language)}",
            f"{text('Your parent or guardian’s email', language)}: "
            f"{text('Give your guardian’s email or phone number.', language)}",
        ]
    )
    await expect(form.locator("#f-password")).to_have_value("abc")
    await page.screenshot(
        path=artifacts_dir / f"signup-error-summary-{language}-390.png", full_page=False
    )

    # A link of the summary takes the person to its field, ready to type.
    await links.nth(1).click()
    await expect(form.locator("#f-password")).to_be_focused()
    await expect(form.locator("#f-password")).to_be_in_viewport()
    await expect(form.locator("#f-password")).to_have_attribute("aria-invalid", "true")


async def test_without_javascript_the_summary_is_still_first_and_focused(
    browser: Browser, live_server: str, contexts: list[BrowserContext]
) -> None:
    ctx = await new_context(browser, live_server, "es", js=False)
    contexts.append(ctx)
    page = await ctx.new_page()
    await page.goto("/login")
    form = page.locator('main form[action="/login"]')
    await form.locator("#f-email").fill("nadie@example.org")
    await form.locator("#f-password").fill("no es la clave")

    await form.get_by_role("button", name=spanish("Log in")).click()

    summary = page.locator("#error-summary")
    await expect(page.locator("main > *").first).to_have_id("error-summary")
    await expect(summary.locator("h2")).to_have_text(
        spanish("That email and password do not match an account.")
    )
    await expect(summary).to_be_focused()
    await expect(form.locator("#f-email")).to_have_value("nadie@example.org")
