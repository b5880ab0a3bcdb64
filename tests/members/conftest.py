"""Small helpers the member tests share: the Spanish text of a message, a second browser,
a small picture to upload, and what a page shows (a field's error, the members it links
to)."""

from __future__ import annotations

import io
import re

import httpx
from PIL import Image

from yoc.i18n import gettext, use_language


def spanish(message: str, **variables: object) -> str:
    """The Spanish catalog's translation, which must exist and differ from the English."""
    with use_language("es"):
        text = gettext(message, **variables)
    with use_language("en"):
        english = gettext(message, **variables)
    assert text != english, f"no Spanish translation for {message!r}"
    return text


def browser(app, **headers: str) -> httpx.AsyncClient:
    """Another person's browser on the same app (its own cookies)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
    )


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def field_error(html: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="f-{name}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def member_ids(html: str) -> set[int]:
    """The members linked from a list page."""
    return {int(i) for i in re.findall(r'href="/members/(\d+)"', html)}
