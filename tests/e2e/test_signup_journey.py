"""A 16-year-old visitor on a cheap phone switches to Spanish, applies with a guardian's
email, waits for the guardian's permission, logs out and logs in again."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.e2e.conftest import DemoIds
from yoc import demo
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


def birth_date_for_age(age: int) -> date:
    """A birth date that makes someone ``age`` today, two months past the birthday, so a
    time-zone difference with the server cannot change the age."""
    today = date.today()
    try:
        birthday = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - age, day=28)
    return birthday - timedelta(days=60)


async def test_minor_switches_to_spanish_applies_and_logs_in_again(
    page: Page, context: BrowserContext, artifacts_dir: Path, demo_ids: DemoIds
) -> None:
    name = "Ana María López"
    # The server is shared with the other journeys and holds the demo data
    # (@demo.yoc.example): a fresh address on a domain of its own cannot collide.
    email = f"signup.{uuid.uuid4().hex[:12]}@e2e.example.org"
    assert email not in {person.email for person in demo.PEOPLE}
    password = "nopal tortuga verano 42"
    birth_date = birth_date_for_age(16).isoformat()  # a minor: a guardian must agree
    guardian_name = "María López"
    guardian_email = f"guardian.{uuid.uuid4().hex[:12]}@e2e.example.org"

    # Every Spanish text this journey expects, read from the catalog now; this fails
    # first, and clearly, if a translation is missing.
    home_title = "Put your values into words, and your words into action."
    es = {
        "home_title": spanish(home_title),
        "sign_up": spanish("Sign up"),
        "join": spanish("Join YO-C"),
        "create": spanish("Create my account"),
        "mismatch": spanish("The two passwords do not match."),
        "check_email": spanish("Check your email"),
        "finish": spanish("Finish signing up"),
        "confirm": spanish("Confirm my email"),
        "welcome": spanish("Welcome to YO-C, %(name)s! Your email is confirmed.", name=name),
        "hi": spanish("Hi, %(name)s", name=name),
        "waiting": spanish("Almost there! Here is what your account is waiting for:"),
        "guardian_next": spanish(
            "Your parent or guardian needs to agree: we emailed %(emails)s.",
            emails=guardian_email,
        ),
        "staff_next": spanish(
            "A YO-C staff member will look at your application and approve your account."
        ),
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

    # The header's sign-up link, in Spanish, opens the member application.
    signup_link = header.locator('a[href="/signup"]')
    await expect(signup_link).to_have_text(es["sign_up"])
    await signup_link.click()
    await expect(page).to_have_url(path_is("/signup"))
    await expect(h1).to_have_text(es["join"])
    form = page.locator('main form[action="/signup"]')
    # The account's language defaults to the language the visitor chose.
    await expect(form.locator("#f-language")).to_have_value("es")
    await expect(form.locator("#f-birth_date")).to_have_attribute("type", "date")

    # The whole application, but with a typo in the second password: the error is in
    # Spanish, summed up first on the page and next to that field, and what the visitor
    # typed is still there, the passwords too.
    await form.locator('input[name="name"]').fill(name)
    await form.locator('input[name="birth_date"]').fill(birth_date)
    await form.locator('select[name="community"]').select_option("mecca")
    await form.locator('input[name="email"]').fill(email)
    await form.locator('input[name="password"]').fill(password)
    await form.locator('input[name="password_confirm"]').fill(password + "!")
    await form.locator('input[name="guardian_name"]').fill(guardian_name)
    await form.locator('select[name="guardian_relationship"]').select_option("mother")
    await form.locator('input[name="guardian_email"]').fill(guardian_email)
    await form.locator('select[name="guardian_language"]').select_option("es")
    await form.get_by_role("button", name=es["create"]).click()
    error = form.locator("#f-password_confirm-error")
    await expect(error).to_have_text(es["mismatch"])
    await expect(error).to_be_visible()
    await expect(form.locator(".field-error")).to_have_count(1)
    await expect(html).to_have_attribute("lang", "es")
    await expect(page).to_have_url(path_is("/signup"))
    await expect(form.locator("#f-name")).to_have_value(name)
    await expect(form.locator("#f-email")).to_have_value(email)
    await expect(form.locator("#f-birth_date")).to_have_value(birth_date)
    await expect(form.locator("#f-community")).to_have_value("mecca")
    await expect(form.locator("#f-guardian_name")).to_have_value(guardian_name)
    await expect(form.locator("#f-guardian_email")).to_have_value(guardian_email)
    await expect(form.locator("#f-password")).to_have_value(password)
    await expect(form.locator("#f-password_confirm")).to_have_value(password + "!")
    await expect(form.locator("#f-language")).to_have_value("es")
    await page.screenshot(path=artifacts_dir / "signup-mismatch-es-360.png", full_page=True)

    # Fixed: the account is created, and the page asks to confirm the email (it says the
    # same for an address that already has an account, whose owner gets a note instead).
    await form.locator("#f-password").fill(password)
    await form.locator("#f-password_confirm").fill(password)
    await form.get_by_role("button", name=es["create"]).click()
    await expect(h1).to_have_text(es["check_email"])
    await expect(page.locator("main")).to_contain_text(email)

    # The emailed link opens a page with one button; pressing it lands the member on
    # the dashboard, in Spanish, which says the guardian's permission is what is missing.
    await page.goto(demo_ids.mailed_path(email, "signup_confirm", "/signup/confirm/"))
    await expect(h1).to_have_text(es["finish"])
    await page.get_by_role("button", name=es["confirm"]).click()
    await expect(page).to_have_url(path_is("/dashboard"))
    await expect(html).to_have_attribute("lang", "es")
    await expect(h1).to_have_text(es["hi"])
    await expect(page.locator("main > .flash-success")).to_have_text(es["welcome"])
    status = page.locator("main .flash-info strong")
    await expect(status).to_have_text(es["waiting"])
    await expect(status).to_be_visible()
    # Who acts next: the guardian, emailed at the address given, and the YO-C team; and
    # the menu offers nothing that would refuse her yet.
    steps = page.locator("#waiting li")
    await expect(steps).to_have_count(2)
    await expect(steps.nth(0)).to_contain_text(es["guardian_next"])
    await expect(steps.nth(1)).to_have_text(es["staff_next"])
    await expect(header.locator('a[href="/speeches"]')).to_have_count(0)
    await page.screenshot(path=artifacts_dir / "signup-dashboard-es-360.png", full_page=True)

    # Log out with the header button.
    logout = header.locator('form[action="/logout"] button')
    await expect(logout).to_have_text(es["log_out"])
    await logout.click()
    await expect(page).to_have_url(path_is("/"))
    await expect(page.locator("main > .flash-success")).to_have_text(es["signed_out"])
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
    await expect(page.locator("main .flash-info strong")).to_have_text(es["waiting"])
    await expect(header.locator('form[action="/logout"] button')).to_have_text(es["log_out"])

    await page.screenshot(path=artifacts_dir / "signup-journey-es-360.png", full_page=True)
