"""A new member waits for their guardian's consent and for staff approval: after signing
up and on the dashboard they are told what is pending and who acts next, and the menu
offers only what they can use (Soapbox once they may propose a speech)."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.conftest import confirm_signup, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import birth_date_for, make_member
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.i18n import gettext, use_language
from yoc.members.enums import ApplicationDecision
from yoc.members.services import profiles

MEMBER_PASSWORD = "a long enough password"


def application(age: int, language: str, **overrides: str) -> dict[str, str]:
    return {
        "name": "Itzel Ramírez",
        "email": "itzel@example.org",
        "password": MEMBER_PASSWORD,
        "password_confirm": MEMBER_PASSWORD,
        "language": language,
        "birth_date": birth_date_for(age).isoformat(),
        "community": "mecca",
        "guardian_name": "Rosa Ramírez",
        "guardian_relationship": "mother",
        "guardian_email": "rosa@example.org",
        "guardian_language": "es",
        **overrides,
    }


def say(language: str, message: str, **variables: object) -> str:
    with use_language("en"):
        english = gettext(message, **variables)
    with use_language(language):
        text = gettext(message, **variables)
    assert language == "en" or text != english, f"no Spanish translation for {message!r}"
    return text


def text_of(fragment: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))
    return html.unescape(re.sub(r" ([,.])", r"\1", text)).strip()


def waiting_for(page: httpx.Response) -> list[str]:
    """What the page says the member is waiting for, one line per step."""
    box = re.search(
        r'<div class="flash flash-info" role="status" id="waiting">(.*?)</div>', page.text, re.S
    )
    if box is None:
        return []
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", box.group(1), re.S)]


def menu_links(page: httpx.Response) -> list[str]:
    nav = re.search(r'<nav class="account-nav".*?</nav>', page.text, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"', nav)


def flashes(page: httpx.Response) -> list[str]:
    return [
        text_of(f)
        for f in re.findall(r'<div class="flash flash-success"[^>]*>(.*?)</div>', page.text, re.S)
    ]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_after_signing_up_a_minor_is_told_who_acts_next_and_sees_no_soapbox(
    client, language
) -> None:
    sent = await post_form(client, "/signup", application(15, language))
    assert sent.status_code == 200

    confirmed = await confirm_signup(client, "itzel@example.org")
    dashboard = await client.get(confirmed.headers["location"])

    assert flashes(dashboard) == [
        say(language, "Welcome to YO-C, %(name)s! Your email is confirmed.", name="Itzel Ramírez")
    ]
    assert "ready" not in dashboard.text
    assert waiting_for(dashboard) == [
        say(
            language,
            "Your parent or guardian needs to agree: we emailed %(emails)s.",
            emails="rosa@example.org",
        )
        + " "
        + say(language, "Ask them to check their inbox.")
        + " "
        + say(language, "Send it again"),
        say(
            language, "A YO-C staff member will look at your application and approve your account."
        ),
    ]
    assert "/speeches" not in menu_links(dashboard)
    assert menu_links(dashboard)[:3] == ["/events", "/dashboard", "/me/profile"]


async def test_an_adult_waits_only_for_approval(client) -> None:
    await post_form(client, "/signup", application(19, "en"))
    await confirm_signup(client, "itzel@example.org")

    profile = await client.get("/me/profile")

    assert waiting_for(profile) == [
        "A YO-C staff member will look at your application and approve your account."
    ]
    assert "/speeches" not in menu_links(profile)


async def test_once_approved_without_consent_only_the_guardian_is_awaited(client) -> None:
    await post_form(
        client, "/signup", application(15, "en", guardian_email="", guardian_phone="760-555-0134")
    )
    await confirm_signup(client, "itzel@example.org")
    staff = await make_user(role=Role.STAFF)
    member = await User.get(email="itzel@example.org")
    await profiles.decide(actor=staff, member=member, approve=True)

    dashboard = await client.get("/dashboard")

    assert waiting_for(dashboard) == [
        "Your parent or guardian needs to agree. Add their email, "
        "or ask the YO-C team for a paper form."
    ]


async def test_an_active_member_waits_for_nothing_and_has_soapbox_in_the_menu(client) -> None:
    await make_member(email="ana@example.org", decision=ApplicationDecision.APPROVED)
    await log_in(client, "ana@example.org", PASSWORD)

    dashboard = await client.get("/dashboard")

    assert waiting_for(dashboard) == []
    assert "/speeches" in menu_links(dashboard)
    assert (await client.get("/speeches")).status_code == 200
