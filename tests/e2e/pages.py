"""What the browser journeys do on many pages: match an address, sign in, open phones."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

from playwright.async_api import Browser, BrowserContext, Page

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


PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "es": "es-MX"}


@contextlib.asynccontextmanager
async def phones(
    browser: Browser, base_url: str, language: str, people: tuple[str, ...]
) -> AsyncIterator[dict[str, BrowserContext]]:
    """A 390 px phone in ``language`` for each of ``people``, closed afterwards."""
    contexts = {}
    try:
        for who in people:
            ctx = await browser.new_context(
                base_url=base_url, viewport=PHONE, locale=LOCALES[language]
            )
            ctx.set_default_timeout(10_000)
            contexts[who] = ctx
        yield contexts
    finally:
        for ctx in contexts.values():
            await ctx.close()
