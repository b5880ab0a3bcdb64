"""Wherever a page or a consent text says to write to the YO-C team, it says how: the
address and phone of YOC_CONTACT_EMAIL and YOC_CONTACT_PHONE, in the footer of every
page, on the guardian's consent form and in its email, and in the privacy notice."""

from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.html_page import parse_page
from tests.members.test_consent import application, outbox_consent_link
from yoc.checks.config import read_settings
from yoc.checks.findings import Status
from yoc.i18n import gettext, use_language
from yoc.mail import OutboxMessage
from yoc.settings import ConfigError, Settings

EMAIL = "hola@yoc-ecv.org"
PHONE = "(760) 555-0199"
PRODUCTION = {
    "YOC_ENV": "production",
    "YOC_SECRET_KEY": "k" * 40,
    "YOC_BASE_URL": "https://yoc.example.org",
    "YOC_DATABASE_URL": "postgres://yoc@db:5432/yoc",
    "YOC_MAIL_FROM": "YO-C <no-reply@yoc-ecv.org>",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(contact_email=EMAIL, contact_phone=PHONE)


def contact_links(html: str, within: str) -> list[tuple[str, str]]:
    """(href, text) of the mailto: and tel: links inside the element ``within``."""
    page = parse_page(html)
    element = page.find(within)
    assert element is not None, f"no <{within}> on the page"
    return [
        (a["href"], a.text)
        for a in element.find_all("a")
        if a["href"].startswith(("mailto:", "tel:"))
    ]


def test_the_contact_comes_from_the_environment_with_development_defaults() -> None:
    chosen = Settings.from_env({"YOC_CONTACT_EMAIL": EMAIL, "YOC_CONTACT_PHONE": PHONE})
    default = Settings.from_env({})

    assert (chosen.contact_email, chosen.contact_phone) == (EMAIL, PHONE)
    assert default.contact_email.endswith("@yoc.example.org")
    assert default.contact_phone
    assert {"YOC_CONTACT_EMAIL", "YOC_CONTACT_PHONE"} <= Settings.env_names()


def test_a_contact_email_that_is_no_address_is_refused() -> None:
    settings = Settings.from_env({"YOC_ENV": "development", "YOC_CONTACT_EMAIL": "the team"})

    with pytest.raises(ConfigError, match="YOC_CONTACT_EMAIL"):
        settings.check()


def test_yoc_check_warns_of_the_example_contact_in_production() -> None:
    _, example = read_settings(PRODUCTION)
    _, own = read_settings({**PRODUCTION, "YOC_CONTACT_EMAIL": EMAIL, "YOC_CONTACT_PHONE": PHONE})

    warnings = [f.message for f in example if f.status == Status.WARN]
    assert warnings == [
        "YOC_CONTACT_EMAIL and YOC_CONTACT_PHONE are the examples: set the address and "
        "phone number families write to and call (every page and consent form shows them)."
    ]
    assert [f for f in own if f.status != Status.OK] == []


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", ["/", "/login", "/family/sign-in"])
async def test_every_footer_says_how_to_reach_the_team(client, path, language) -> None:
    page = await client.get(path, headers={"Accept-Language": language})

    assert contact_links(page.text, "footer") == [
        (f"mailto:{EMAIL}", EMAIL),
        ("tel:7605550199", PHONE),
    ]


async def test_the_consent_form_and_its_email_say_how_to_reach_the_team(client) -> None:
    await post_form(client, "/signup", application(15, guardian_language="es"))
    (message,) = await OutboxMessage.filter(template="guardian_consent")

    form = await client.get(await outbox_consent_link())

    main = parse_page(form.text).find("main")
    withdraw = [p for p in main.find_all("p") if EMAIL in p.text]
    with use_language("es"):
        expected = gettext(
            "Version %(version)s of this text. You can withdraw any permission later: tell "
            "the YO-C team (%(contact)s).",
            version="2027-01",
            contact=f"{EMAIL} · {PHONE}",
        )
    assert [p.text for p in withdraw] == [expected]
    assert contact_links(form.text, "main") == [
        (f"mailto:{EMAIL}", EMAIL),
        ("tel:7605550199", PHONE),
    ]
    assert f"{EMAIL} · {PHONE}" in message.body_text
    assert f'<a href="mailto:{EMAIL}">{EMAIL}</a>' in message.body_html
    assert f'<a href="tel:7605550199">{PHONE}</a>' in message.body_html


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_privacy_notice_says_where_to_write(client, language) -> None:
    page = await client.get(f"/privacy?lang={language}")

    notice = parse_page(page.text).find("article")
    questions = [p for p in notice.find_all("p") if EMAIL in p.text]
    assert len(questions) == 1
    assert [(a["href"], a.text) for a in questions[0].find_all("a")] == [
        (f"mailto:{EMAIL}", EMAIL),
        ("tel:7605550199", PHONE),
    ]
