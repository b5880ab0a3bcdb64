"""The privacy notice for members and their families: ``docs/privacy.md``, one section
per language, shown at ``/privacy``. The file is the one text; the page renders it, with
the team's email and phone (YOC_CONTACT_EMAIL, YOC_CONTACT_PHONE) where it says
``{contact}``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from yoc.i18n import LANGUAGES

SOURCE = Path(__file__).parent / "data" / "privacy.md"  # a link to docs/privacy.md
_SECTION = re.compile(r"^<!-- lang: (\w+) -->$", re.MULTILINE)


@cache
def sections() -> dict[str, str]:
    """The Markdown of each language's section."""
    parts = _SECTION.split(SOURCE.read_text(encoding="utf-8"))
    found = dict(zip(parts[1::2], parts[2::2], strict=True))
    missing = set(LANGUAGES) - set(found)
    if missing:
        raise ValueError(f"{SOURCE.name} has no section for {sorted(missing)}")
    return found


CONTACT = "{contact}"


def contact_links(email: str, phone: str = "", phone_uri: str = "") -> Markup:
    """The team's email, and phone if any, as links."""
    links = Markup('<a href="mailto:{0}">{0}</a>').format(email)
    if phone and phone_uri:
        links += Markup(' · <a href="{}">{}</a>').format(phone_uri, phone)
    return links


@cache
def notice_html(language: str, contact: str = "") -> str:
    """The notice in ``language``, as HTML, with ``contact`` (HTML: see contact_links)
    where it says to write to the team. Raw HTML in the file is escaped."""
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    return renderer.render(sections()[language]).replace(escape(CONTACT), contact)
