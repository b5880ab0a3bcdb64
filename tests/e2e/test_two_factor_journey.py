"""A staff member, on a phone, sets up two-factor sign-in from the account page by typing
the setup key into an authenticator app (here pyotp reads the key off the page), saves
the recovery codes, signs out, and signs in again with a code from the app.

The journey makes a staff account of its own (``yoc create-user``): the demo staff
member is shared with the other journeys, which sign in without a second step."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pyotp
import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import E2E_SECRET, spanish
from tests.e2e.pages import path_is
from yoc.settings import PROJECT_DIR

pytestmark = pytest.mark.e2e

PASSWORD = "desert bloom after rain"


def create_staff(database: Path, base_url: str, email: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "yoc.cli", "create-user", "--email", email]
        + ["--password", PASSWORD, "--role", "staff", "--name", "Lupe Staff"],
        env={
            **os.environ,
            "YOC_DATABASE_URL": f"sqlite://{database}",
            "YOC_SECRET_KEY": E2E_SECRET,
            "YOC_BASE_URL": base_url,
            "YOC_ENV": "test",
        },
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


async def fits_the_screen(page: Page) -> None:
    """Nothing sticks out sideways on the phone's screen."""
    wider = await page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width + 0.5)
                .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent}`);
        }"""
    )
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert (overflow, wider) == (0, []), f"{page.url} is wider than the screen: {wider}"


async def sign_in_with_password(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


async def test_staff_sets_up_two_factor_and_signs_in_with_a_code(
    page: Page, live_server: str, e2e_database: Path, artifacts_dir: Path
) -> None:
    email = f"staff.{uuid.uuid4().hex[:12]}@e2e.example.org"
    create_staff(e2e_database, live_server, email)
    set_up_es = spanish("Set up two-factor sign-in")

    # Signed in with the password only, the staff member sets it up from the account page.
    await sign_in_with_password(page, email)
    await expect(page).to_have_url(path_is("/dashboard"))
    await page.goto("/account")
    await page.get_by_role("link", name="Set up two-factor sign-in").click()
    await expect(page).to_have_url(path_is("/account/two-factor"))
    await expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    await fits_the_screen(page)
    key = (await page.locator("#two-factor-secret").inner_text()).replace(" ", "")
    app = pyotp.TOTP(key)
    await page.get_by_label("6-digit code").fill(app.at(time.time()))
    await page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # The recovery codes, once.
    await expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    await expect(page.locator("#recovery-codes li")).to_have_count(10)
    await fits_the_screen(page)
    await page.screenshot(path=str(artifacts_dir / "two-factor-recovery-codes.png"))
    await page.get_by_role("link", name="I saved them").click()
    await expect(page).to_have_url(path_is("/account"))
    await expect(page.locator("#two-factor")).to_contain_text("Signing in takes your password")

    # Signing out, and in again: the password, then a code from the app.
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_text("You are signed out. See you soon!")).to_be_visible()
    await sign_in_with_password(page, email)
    await expect(page).to_have_url(path_is("/login/two-factor"))
    await expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    await fits_the_screen(page)
    # The code of the next 30 seconds: the one just used to set it up cannot serve twice.
    await page.get_by_label("Code", exact=True).fill(app.at(time.time() + app.interval))
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(path_is("/dashboard"))

    # The account page, in Spanish, on the same phone: the session list and the status.
    await page.goto("/account")
    await page.get_by_role("button", name="Español").first.click()
    await expect(page.locator("#sessions")).to_contain_text(spanish("This device"))
    await expect(page.locator("#two-factor")).not_to_contain_text(set_up_es)
    await page.screenshot(path=str(artifacts_dir / "two-factor-sessions-es.png"), full_page=True)
    await fits_the_screen(page)
    await page.goto("/account/two-factor")
    await expect(
        page.get_by_role("heading", name=spanish("Two-factor sign-in"), exact=True)
    ).to_be_visible()
    await fits_the_screen(page)
    await page.screenshot(path=str(artifacts_dir / "two-factor-account-es.png"), full_page=True)
