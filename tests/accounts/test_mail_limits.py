"""Pages that send email to an address someone types are limited per address and per
client, so nobody can flood an inbox, or the outbox, through them; and what people type
into their names never becomes a link in YO-C's email."""

from __future__ import annotations

import pytest

from tests.conftest import client_from, confirm_signup, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_member
from yoc.mail import OutboxMessage
from yoc.settings import Settings

MAIL_LIMIT = 3
CLIENT_LIMIT = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(mail_limit=MAIL_LIMIT, mail_client_limit=CLIENT_LIMIT)


def application(email: str, name: str = "Itzel Ramírez") -> dict[str, str]:
    return {
        "birth_date": "2001-05-01",
        "community": "mecca",
        "name": name,
        "email": email,
        "password": "palm trees at dusk",
        "password_confirm": "palm trees at dusk",
    }


async def test_twenty_resets_for_one_address_send_three_emails(app) -> None:
    await make_user(email="ana@example.org")
    statuses = []
    for n in range(20):
        # From many addresses: the limit per address holds whoever asks.
        async with client_from(app, f"198.51.100.{n}") as someone:
            answer = await post_form(someone, "/password-reset", {"email": "ana@example.org"})
            statuses.append(answer.status_code)

    assert statuses == [200] * MAIL_LIMIT + [429] * (20 - MAIL_LIMIT)
    # The limit's estimate lets the last window's mail slide out evenly: up to two windows.
    assert 1 <= int(answer.headers["retry-after"]) <= 2 * 3600
    assert "Too many emails" in answer.text
    assert await OutboxMessage.filter(to_email="ana@example.org").count() == MAIL_LIMIT


async def test_one_client_cannot_send_resets_to_many_addresses(app) -> None:
    statuses = []
    async with client_from(app, "203.0.113.7") as one:
        for n in range(CLIENT_LIMIT + 2):
            answer = await post_form(one, "/password-reset", {"email": f"p{n}@example.org"})
            statuses.append(answer.status_code)

    assert statuses == [200] * CLIENT_LIMIT + [429] * 2
    assert await OutboxMessage.all().count() == CLIENT_LIMIT


async def test_signups_for_one_address_are_limited(app) -> None:
    statuses = []
    for n in range(MAIL_LIMIT + 2):
        async with client_from(app, f"198.51.100.{n}") as someone:
            answer = await post_form(someone, "/signup", application("itzel@example.org"))
            statuses.append(answer.status_code)

    assert statuses == [200] * MAIL_LIMIT + [429] * 2
    assert await OutboxMessage.filter(to_email="itzel@example.org").count() == MAIL_LIMIT


async def test_one_client_cannot_sign_up_many_addresses_at_once(app) -> None:
    statuses = []
    async with client_from(app, "203.0.113.7") as one:
        for n in range(CLIENT_LIMIT + 1):
            answer = await post_form(one, "/signup", application(f"p{n}@example.org"))
            statuses.append(answer.status_code)

    assert statuses == [200] * CLIENT_LIMIT + [429]


async def test_resending_tickets_to_one_address_is_limited(app) -> None:
    statuses = []
    for n in range(MAIL_LIMIT + 2):
        async with client_from(app, f"198.51.100.{n}") as someone:
            answer = await post_form(someone, "/tickets/resend", {"email": "ana@example.org"})
            statuses.append(answer.status_code)

    assert statuses == [200] * MAIL_LIMIT + [429] * 2


async def test_asking_for_the_consent_form_again_is_limited(app, client) -> None:
    await make_member(email="itzel@example.org", consented=False)
    await log_in(client, "itzel@example.org", "correct horse battery")
    statuses = []
    for _ in range(MAIL_LIMIT + 1):
        answer = await post_form(client, "/me/profile", {}, action="/me/consent/resend")
        statuses.append(answer.status_code)

    assert statuses == [303] * MAIL_LIMIT + [429]
    assert await OutboxMessage.filter(template="guardian_consent").count() == MAIL_LIMIT


PHISHY = "confirm at https://evil.example/login now, or www.evil.example"


async def test_a_name_never_becomes_a_link_in_the_text_or_the_html(app, client) -> None:
    await post_form(client, "/signup", application("eve@example.org", name=PHISHY[:120]))
    await confirm_signup(client, "eve@example.org")
    (message,) = await OutboxMessage.filter(template="signup_confirm")

    for body in (message.body_text, message.body_html):
        assert "https://evil.example" not in body
        assert "www.evil.example" not in body
        assert "evil.example/" not in body
        assert 'href="https://evil' not in body
        assert "evil[.]example" in body
    # The link YO-C sent is still a link.
    assert 'href="http://testserver/signup/confirm/' in message.body_html


def guardian(email: str) -> dict[str, str]:
    return {"name": "Rosa Ramírez", "relationship": "mother", "email": email, "language": "es"}


async def test_one_member_cannot_send_consent_forms_to_many_addresses(app) -> None:
    await make_member(email="itzel@example.org", guardian=False, consented=False)
    statuses = []
    async with client_from(app, "203.0.113.7") as teen:
        await log_in(teen, "itzel@example.org", PASSWORD)
        for n in range(CLIENT_LIMIT + 2):
            answer = await post_form(teen, "/me/guardians", guardian(f"g{n}@example.org"))
            statuses.append(answer.status_code)

    assert statuses == [303] * CLIENT_LIMIT + [429] * 2
    assert await OutboxMessage.filter(to_email__startswith="g").count() == CLIENT_LIMIT


async def test_consent_forms_to_one_guardians_address_are_limited(app) -> None:
    for n in range(MAIL_LIMIT + 1):
        await make_member(email=f"teen{n}@example.org", guardian=False, consented=False)
    statuses = []
    for n in range(MAIL_LIMIT + 1):
        async with client_from(app, f"198.51.100.{n}") as teen:
            await log_in(teen, f"teen{n}@example.org", PASSWORD)
            answer = await post_form(teen, "/me/guardians", guardian("rosa@example.org"))
            statuses.append(answer.status_code)

    assert statuses == [303] * MAIL_LIMIT + [429]
    assert await OutboxMessage.filter(to_email="rosa@example.org").count() == MAIL_LIMIT


async def test_sending_the_consent_form_again_is_limited_per_guardians_address(app) -> None:
    await make_member(email="itzel@example.org", guardian=False, consented=False)
    statuses = []
    async with client_from(app, "203.0.113.7") as browser:
        await log_in(browser, "itzel@example.org", PASSWORD)
        await post_form(browser, "/me/guardians", guardian("rosa@example.org"))
        for _ in range(MAIL_LIMIT):
            answer = await post_form(browser, "/me/consent/resend", {})
            statuses.append(answer.status_code)

    # The first form and two more reach Rosa; the third resend is refused.
    assert statuses == [303] * (MAIL_LIMIT - 1) + [429]
    assert await OutboxMessage.filter(to_email="rosa@example.org").count() == MAIL_LIMIT
