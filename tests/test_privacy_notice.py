"""The privacy notice: docs/privacy.md, shown at /privacy in the reader's language and
linked from every page's footer and from a guardian's consent form."""

from __future__ import annotations

import re

import pytest

from tests.conftest import post_form
from tests.members.test_consent import application, outbox_consent_link
from yoc import privacy_notice
from yoc.i18n import LANGUAGES

HEADINGS = {
    "en": ["Your data at YO-C", "What we keep, and why", "Who sees it", "Deleting everything"],
    "es": ["Sus datos en YO-C", "Qué guardamos y para qué", "Quién lo ve", "Eliminarlo todo"],
}


def headings(html: str) -> list[str]:
    return re.findall(r"<h[12]>([^<]+)</h[12]>", html)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_notice_is_shown_in_the_readers_language(client, language) -> None:
    page = await client.get("/privacy", headers={"Accept-Language": language})

    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    shown = headings(page.text)
    for heading in HEADINGS[language]:
        assert heading in shown
    other = "es" if language == "en" else "en"
    assert not set(HEADINGS[other]) & set(shown)
    # What is kept is a table a parent can read, row by row.
    assert page.text.count("<tr>") >= 10


async def test_a_link_opens_the_notice_in_the_language_it_names(client) -> None:
    page = await client.get("/privacy?lang=es", headers={"Accept-Language": "en"})

    assert "Qué guardamos y para qué" in headings(page.text)
    assert '<a href="/privacy?lang=en" lang="en">Read this in English</a>' in page.text


def test_both_languages_say_the_same_things() -> None:
    """The Spanish section is a translation of the English one: the same sections, the
    same rows in its tables, the same points in its lists."""
    shapes = {}
    for language, text in privacy_notice.sections().items():
        shapes[language] = (
            len(re.findall(r"^#+ ", text, re.M)),
            len(re.findall(r"^\| ", text, re.M)),
            len(re.findall(r"^- ", text, re.M)),
        )
    assert shapes["en"] == shapes["es"]


@pytest.mark.parametrize(("language", "label"), [("en", "Privacy and your data"), ("es", None)])
async def test_every_page_links_to_the_notice(client, language, label) -> None:
    page = await client.get("/", headers={"Accept-Language": language})

    link = re.search(r'<a href="/privacy">([^<]+)</a>', page.text)
    assert link is not None
    if label:
        assert link.group(1) == label
    else:
        assert link.group(1) != "Privacy and your data"


async def test_the_consent_form_links_to_the_notice_in_the_guardians_language(client) -> None:
    await post_form(client, "/signup", application(15))

    form = await client.get(await outbox_consent_link())

    assert form.status_code == 200
    assert 'href="/privacy?lang=es"' in form.text
