"""Language: user preference, then the switcher's cookie, then the browser, then English."""

from __future__ import annotations

import re

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from yoc.accounts.models import User
from yoc.i18n import (
    format_datetime,
    format_money,
    format_when,
    gettext,
    negotiate,
    use_language,
)


def spanish(message: str) -> str:
    with use_language("es"):
        text = gettext(message)
    assert text != message, f"no Spanish translation for {message!r}"
    return text


def html_lang(html: str) -> str:
    return re.search(r'<html lang="(\w+)"', html).group(1)


def test_negotiation_order() -> None:
    assert negotiate(user_language="es", cookie_language="en", accept_language="en") == "es"
    assert negotiate(user_language=None, cookie_language="es", accept_language="en") == "es"
    assert (
        negotiate(
            user_language=None, cookie_language=None, accept_language="fr-FR,es-MX;q=0.8,en;q=0.5"
        )
        == "es"
    )
    assert negotiate(user_language=None, cookie_language=None, accept_language="de") == "en"
    assert negotiate(user_language=None, cookie_language="xx", accept_language=None) == "en"


async def test_page_follows_accept_language(client) -> None:
    response = await client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"})

    assert html_lang(response.text) == "es"
    assert spanish("Forgot your password?") in response.text
    assert "Forgot your password?" not in response.text


async def test_switcher_sets_cookie_and_page_is_spanish(client) -> None:
    home = await client.get("/")
    assert html_lang(home.text) == "en"

    response = await client.post(
        "/language", data={"lang": "es", "next": "/login", "csrf_token": csrf_from(home.text)}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    page = await client.get("/login")
    assert html_lang(page.text) == "es"
    assert spanish("Log in") in page.text
    assert spanish("Skip to main content") in page.text


async def test_switcher_stores_the_preference_of_a_signed_in_user(client) -> None:
    await make_user(email="ana@example.org", language="en")
    await log_in(client, "ana@example.org", PASSWORD)
    page = await client.get("/account")

    await client.post(
        "/language", data={"lang": "es", "next": "/account", "csrf_token": csrf_from(page.text)}
    )

    assert (await User.get(email="ana@example.org")).language == "es"
    client.cookies.delete("lang")
    assert html_lang((await client.get("/account")).text) == "es"


async def test_user_preference_beats_the_browser(client) -> None:
    await make_user(email="ana@example.org", language="es")
    await log_in(client, "ana@example.org", PASSWORD)

    page = await client.get("/dashboard", headers={"Accept-Language": "en-US"})

    assert html_lang(page.text) == "es"


async def test_switcher_ignores_unknown_languages_and_foreign_targets(client) -> None:
    home = await client.get("/")

    response = await client.post(
        "/language",
        data={"lang": "xx", "next": "https://evil.example/", "csrf_token": csrf_from(home.text)},
    )

    assert response.headers["location"] == "/"
    assert "lang" not in response.cookies


async def test_validation_errors_are_in_spanish(client) -> None:
    page = await client.get("/signup", headers={"Accept-Language": "es"})
    response = await client.post(
        "/signup",
        headers={"Accept-Language": "es"},
        data={
            "name": "",
            "email": "nope",
            "password": "x",
            "password_confirm": "x",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.status_code == 422
    assert spanish("This field is required.") in response.text
    assert spanish("Enter an email address like name@example.com.") in response.text


async def test_error_pages_are_translated(client) -> None:
    response = await client.get("/no-such-page", headers={"Accept-Language": "es"})

    assert response.status_code == 404
    assert spanish("We could not find that page") in response.text


def test_dates_and_money_follow_the_language() -> None:
    from datetime import UTC, datetime

    moment = datetime(2027, 7, 4, 3, 30, tzinfo=UTC)  # 20:30 the evening before in California
    with use_language("en"):
        assert format_money(2550) == "$25.50"
        assert format_datetime(moment) == "Jul 3, 2027, 8:30\u202fPM"
    with use_language("es"):
        # Spanish as written in California: dollars as "$", day before month.
        assert format_money(2550) == "$25.50"
        assert format_datetime(moment) == "3 jul 2027, 8:30\u202fp.m."
        assert format_when(moment) == "sábado, 3 de julio de 2027, 8:30\u202fp.m."


def test_every_message_has_a_spanish_translation() -> None:
    from babel.messages.pofile import read_po

    from yoc.i18n import LOCALE_DIR

    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale="es")
    with open(LOCALE_DIR / "messages.pot", "rb") as f:
        template = read_po(f)

    def translated(message) -> bool:
        entry = catalog.get(message.id, context=message.context)
        if entry is None or entry.fuzzy:
            return False
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        return all(strings)

    assert [m.id for m in template if m.id and not translated(m)] == []
