"""What the browser journeys do on many pages: match an address, sign in."""

from __future__ import annotations

import re

from playwright.async_api import Page

from yoc import demo


def path_is(path: str) -> re.Pattern[str]:
    """The page's address is ``path``, whatever its query or fragment."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?[^#]*)?(#.*)?$")


async def sign_in(page: Page, email: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Sign in from the sign-in page's form; the caller waits for where it lands."""
    await page.goto("/login")
    form = page.locator('main form[action="/login"]')
    await form.locator('input[name="email"]').fill(email)
    await form.locator('input[name="password"]').fill(password)
    await form.locator('button[type="submit"]').click()
