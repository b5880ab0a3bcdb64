"""A visitor on a cheap phone switches to Spanish, signs up, logs out and logs in again."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, expect

from yoc.i18n import gettext, use_language

pytestmark = pytest.mark.e2e


def spanish(message: str, **variables: object) -> str:
    """The Spanish text of ``message`` from the catalog, refusing a missing translation."""
    with use_language("en"):
        english = gettext(message, **variables)
    with use_language("es"):
        translated = gettext(message, **variables)
    assert translated != english, f"no Spanish translation in the catalog for {message!r}"
    return translated


def english(message: str, **variables: object) -> str:
    with use_language("en"):
        return gettext(message, **variables)


def path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


async def test_visitor_switches_to_spanish_signs_up_and_logs_in(
    page: Page, context: BrowserContext, artifacts_dir: Path
) -> None:
    name = "Ana María López"
    email = f"ana.{uuid.uuid4().hex[:8]}@example.org"
    password = "nopal tortuga verano 42"

    # Every Spanish text this journey expects, read from the catalog now; this fails
    # first, and clearly, if a translation is missing.
    home_title = "Put your values into words, and your words into action."
    es = {
        "home_title": spanish(home_title),
        "sign_up": spanish("Sign up"),
        "join": spanish("Join YO-C"),
        "create": spanish("Create my account"),
        "mismatch": spanish("The two passwords do not match."),
        "welcome": spanish("Welcome to YO-C, %(name)s! Your account is ready.", name=name),
        "hi": spanish("Hi, %(name)s", name=name),
        "log_out": spanish("Log out"),
        "signed_out": spanish("You are signed out. See you soon!"),
    }
    html = page.locator("html")
    h1 = page.locator("main h1")
    header = page.locator("header.site-header")

    # An English-speaking browser gets the English home page.
    await page.goto("/")
    await expect(html).to_have_attribute("lang", "en")
    await expect(h1).to_have_text(english(home_title))

    # The language switcher in the header (a form POST) turns the site Spanish.
    switcher = header.locator("form.language-switcher")
    spanish_button = switcher.locator('button[name="lang"][value="es"]')
    await expect(spanish_button).to_have_text("Español")
    await spanish_button.click()
    await expect(html).to_have_attribute("lang", "es")
    await expect(page).to_have_url(path_is("/"))
    await expect(h1).to_have_text(es["home_title"])
    await expect(h1).to_be_visible()
    await expect(spanish_button).to_have_attribute("aria-pressed", "true")

    # The header's sign-up link, in Spanish.
    signup_link = header.locator('a[href="/signup"]')
    await expect(signup_link).to_have_text(es["sign_up"])
    await signup_link.click()
    await expect(page).to_have_url(path_is("/signup"))
    await expect(h1).to_have_text(es["join"])
    form = page.locator('main form[action="/signup"]')
    # The account's language defaults to the language the visitor chose.
    await expect(form.locator("#f-language")).to_have_value("es")

    # A typo in the second password: the error is in Spanish, next to that field, and
    # what the visitor typed is still there (but not the passwords).
    await form.locator('input[name="name"]').fill(name)
    await form.locator('input[name="email"]').fill(email)
    await form.locator('input[name="password"]').fill(password)
    await form.locator('input[name="password_confirm"]').fill(password + "!")
    await form.get_by_role("button", name=es["create"]).click()
    error = form.locator("#f-password_confirm-error")
    await expect(error).to_have_text(es["mismatch"])
    await expect(error).to_be_visible()
    await expect(html).to_have_attribute("lang", "es")
    await expect(page).to_have_url(path_is("/signup"))
    await expect(form.locator("#f-name")).to_have_value(name)
    await expect(form.locator("#f-email")).to_have_value(email)
    await expect(form.locator("#f-password")).to_have_value("")
    await expect(form.locator("#f-language")).to_have_value("es")
    await page.screenshot(path=artifacts_dir / "signup-mismatch-es-360.png", full_page=True)

    # Fixed: the account is created and the member lands on the dashboard, in Spanish.
    await form.locator("#f-password").fill(password)
    await form.locator("#f-password_confirm").fill(password)
    await form.get_by_role("button", name=es["create"]).click()
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(html).to_have_attribute("lang", "es")
    await expect(h1).to_have_text(es["hi"])
    await expect(page.locator("main .flash")).to_have_text(es["welcome"])

    # Log out with the header button.
    logout = header.locator('form[action="/logout"] button')
    await expect(logout).to_have_text(es["log_out"])
    await logout.click()
    await expect(page).to_have_url(path_is("/"))
    await expect(page.locator("main .flash")).to_have_text(es["signed_out"])
    await expect(header.locator('a[href="/signup"]')).to_be_visible()

    # Forget the switcher's cookie too: the login page is English again, so Spanish
    # after logging in can only come from the language stored with the account.
    await context.clear_cookies()
    await page.goto("/login")
    await expect(html).to_have_attribute("lang", "en")
    login_form = page.locator('main form[action="/login"]')
    await login_form.locator('input[name="email"]').fill(email)
    await login_form.locator('input[name="password"]').fill(password)
    await login_form.get_by_role("button", name=english("Log in")).click()
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(html).to_have_attribute("lang", "es")
    await expect(h1).to_have_text(es["hi"])
    await expect(header.locator('form[action="/logout"] button')).to_have_text(es["log_out"])

    await page.screenshot(path=artifacts_dir / "signup-journey-es-360.png", full_page=True)
