"""Nobody learns whether an address has an account: sign-up and password reset answer
the same, send one email either way, and do the same costly work either way."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import client_from, csrf_from, post_form
from tests.factories import PASSWORD, make_user
from yoc.accounts import services as accounts
from yoc.accounts.models import OneTimeToken, User
from yoc.i18n import gettext, use_language
from yoc.mail import OutboxMessage
from yoc.security import verify_password

ADULT = {"birth_date": "2001-05-01", "community": "mecca", "language": "en"}


def application(email: str) -> dict[str, str]:
    return {
        **ADULT,
        "name": "Itzel Ramírez",
        "email": email,
        "password": "palm trees at dusk",
        "password_confirm": "palm trees at dusk",
    }


def same_page(html: str, email: str) -> str:
    """The page without what differs between two visitors anyway: the address they
    typed, their CSRF token and the request id."""
    html = html.replace(email, "EMAIL")
    html = re.sub(r'name="csrf_token" value="[^"]+"', "CSRF", html)
    return re.sub(r"[0-9a-f]{16}", "ID", html)


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every password hashed by the accounts services (argon2 is the costly part)."""
    made: list[str] = []
    original = accounts.hash_password

    def counting(password: str) -> str:
        made.append(password)
        return original(password)

    monkeypatch.setattr(accounts, "hash_password", counting)
    return made


async def test_signup_with_a_taken_address_answers_the_same_and_tells_the_owner(
    app, hashes
) -> None:
    owner = await make_user(email="itzel@example.org", name="Itzel", language="es")

    async with client_from(app, "198.51.100.1") as newcomer:
        new = await post_form(newcomer, "/signup", application("new@example.org"))
    new_hashes = len(hashes)
    async with client_from(app, "198.51.100.2") as someone:
        taken = await post_form(someone, "/signup", application("ITZEL@example.org"))

    assert new.status_code == taken.status_code == 200
    assert same_page(taken.text, "itzel@example.org") == same_page(new.text, "new@example.org")
    # Both hash the password they were given, and both send one email.
    assert new_hashes == 1 and len(hashes) == 2
    assert await OutboxMessage.filter(to_email="new@example.org").count() == 1
    (notice,) = await OutboxMessage.filter(to_email="itzel@example.org")
    assert notice.template == "signup_taken"
    with use_language("es"):
        subject = gettext("Someone tried to sign up for YO-C with your email")
    assert subject != "Someone tried to sign up for YO-C with your email"
    assert (notice.subject, notice.language) == (subject, "es")
    assert "http://testserver/password-reset" in notice.body_text
    # The owner's account is as it was.
    assert await User.filter(email="itzel@example.org").count() == 1
    await owner.refresh_from_db()
    assert verify_password(owner.password_hash, PASSWORD)[0]
    assert owner.name == "Itzel"


async def test_password_reset_answers_the_same_and_sends_one_email_either_way(app) -> None:
    await make_user(email="ana@example.org", language="en")

    async with client_from(app, "198.51.100.1") as one:
        known = await post_form(one, "/password-reset", {"email": "ana@example.org"})
    async with client_from(app, "198.51.100.2") as other:
        unknown = await post_form(other, "/password-reset", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert same_page(known.text, "ana@example.org") == same_page(unknown.text, "nobody@example.org")
    (to_owner,) = await OutboxMessage.filter(to_email="ana@example.org")
    (to_nobody,) = await OutboxMessage.filter(to_email="nobody@example.org")
    assert (to_owner.template, to_nobody.template) == ("password_reset", "password_reset_unknown")
    assert "/password-reset/" in to_owner.body_text
    assert "/password-reset/" not in to_nobody.body_text
    assert "http://testserver/signup" in to_nobody.body_text


async def test_a_new_reset_link_cancels_the_older_ones(app, client) -> None:
    user = await make_user(email="ana@example.org")

    await post_form(client, "/password-reset", {"email": "ana@example.org"})
    await post_form(client, "/password-reset", {"email": "ana@example.org"})

    first, second = await OneTimeToken.filter(user=user).order_by("id")
    assert first.used_at is not None
    assert second.used_at is None
    links = [
        re.search(r"(/password-reset/\S+)", m.body_text).group(1)
        for m in await OutboxMessage.filter(template="password_reset").order_by("id")
    ]
    assert (await client.get(links[0])).status_code == 400
    assert (await client.get(links[1])).status_code == 200


async def test_a_reset_is_answered_before_the_address_is_looked_up(app, monkeypatch) -> None:
    """The answer leaves before anything depends on the address (the account's lookup,
    ending older links, making a new one), so it takes as long either way."""
    await make_user(email="ana@example.org")
    sent: list[dict] = []

    async def watched(scope, receive, send):
        async def recording(message):
            sent.append(message)
            await send(message)

        await app(scope, receive, recording)

    answered_when_looked_up: list[bool] = []
    original = accounts.request_password_reset

    async def looking_up(email: str, **kwargs) -> None:
        answered_when_looked_up.append(
            any(m["type"] == "http.response.body" and not m.get("more_body") for m in sent)
        )
        await original(email, **kwargs)

    monkeypatch.setattr(accounts, "request_password_reset", looking_up)
    transport = httpx.ASGITransport(app=watched, client=("198.51.100.1", 123))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as one:
        for email in ("ana@example.org", "nobody@example.org"):
            token = csrf_from((await one.get("/password-reset")).text)
            sent.clear()
            answer = await one.post("/password-reset", data={"email": email, "csrf_token": token})
            assert answer.status_code == 200

    assert answered_when_looked_up == [True, True]
    assert await OutboxMessage.filter(to_email="ana@example.org").count() == 1
    assert await OutboxMessage.filter(to_email="nobody@example.org").count() == 1
