"""API tokens do not outlive what made them: they expire (90 days unless chosen), end
when their owner's password, role or standing changes, and carry a scope that every
request is checked against."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import make_event
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import ApiToken, User
from yoc.events.models import Event
from yoc.mail import OutboxMessage
from yoc.permissions import TokenScope
from yoc.settings import Settings
from yoc.timeutil import utcnow


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def works(client, secret: str) -> bool:
    answer = await client.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code in (200, 401)
    return answer.status_code == 200


async def test_a_token_stops_working_when_it_expires(client) -> None:
    user = await make_user(role=Role.STAFF)
    token, secret = await accounts.create_api_token(user, "Gate 1", days=1)
    assert await works(client, secret)

    await ApiToken.filter(id=token.id).update(expires_at=utcnow() - timedelta(seconds=1))

    assert not await works(client, secret)


async def test_a_new_token_lasts_90_days_and_the_page_says_until_when(client) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    created = await post_form(
        client, "/account", {"name": "Gate 2 phone"}, action="/account/tokens"
    )

    token = await ApiToken.get(name="Gate 2 phone")
    lasts = token.expires_at - token.created_at
    assert timedelta(days=90) - timedelta(minutes=1) < lasts <= timedelta(days=90)
    assert "It works until" in created.text
    assert token.scope == TokenScope.READ


def test_the_default_lifetime_is_a_setting() -> None:
    assert Settings.from_env({}).api_token_days == 90
    assert Settings.from_env({"YOC_API_TOKEN_DAYS": "30"}).api_token_days == 30


async def test_changing_the_password_ends_the_owners_tokens(client) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    user = await User.get(email="staff@example.org")
    _, secret = await accounts.create_api_token(user, "Gate 1")
    await log_in(client, "staff@example.org", PASSWORD)

    changed = await post_form(
        client,
        "/account",
        {
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "password_confirm": "a brand new passphrase",
        },
        action="/account/password",
    )

    assert changed.status_code == 303
    assert not await works(client, secret)


async def test_resetting_the_password_ends_the_owners_tokens(client) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    _, secret = await accounts.create_api_token(user, "Gate 1")
    await post_form(client, "/password-reset", {"email": "staff@example.org"})
    (message,) = await OutboxMessage.filter(template="password_reset")
    link = re.search(r"http://testserver(/password-reset/\S+)", message.body_text).group(1)

    done = await post_form(
        client,
        link,
        {"password": "a brand new passphrase", "password_confirm": "a brand new passphrase"},
    )

    assert done.status_code == 303
    assert not await works(client, secret)


async def test_a_role_change_ends_the_tokens(client) -> None:
    admin = await make_user(role=Role.ADMIN)
    user = await make_user(role=Role.STAFF)
    _, secret = await accounts.create_api_token(user, "Gate 1")

    await accounts.change_role(actor=admin, user_id=user.id, role=Role.MENTOR)

    assert not await works(client, secret)


async def test_deactivating_ends_the_tokens_for_good(client) -> None:
    admin = await make_user(role=Role.ADMIN)
    user = await make_user(role=Role.STAFF)
    _, secret = await accounts.create_api_token(user, "Gate 1")

    await accounts.set_active(actor=admin, user_id=user.id, active=False)
    await accounts.set_active(actor=admin, user_id=user.id, active=True)

    assert not await works(client, secret)
    assert await ApiToken.filter(user=user, revoked_at__isnull=True).count() == 0


EVENT = {
    "slug": "pride-2027",
    "name": {"en": "Pride", "es": "Orgullo"},
    "venue": "Park",
    "starts_at": "2027-06-05T12:00:00-07:00",
    "ends_at": "2027-06-05T20:00:00-07:00",
    "capacity": 100,
}


@pytest.mark.parametrize(
    ("scope", "reads", "checks_in", "writes"),
    [
        (TokenScope.READ, 200, 403, 403),
        (TokenScope.CHECKIN, 200, 200, 403),
        (TokenScope.WRITE, 200, 200, 201),
    ],
)
async def test_a_tokens_scope_is_checked_on_every_request(
    client, scope: TokenScope, reads: int, checks_in: int, writes: int
) -> None:
    staff = await make_user(role=Role.STAFF)
    event = await make_event()
    _, secret = await accounts.create_api_token(staff, "Gate 1", scope=scope)

    read = await client.get("/api/v1/events", headers=bearer(secret))
    checkin = await client.post(
        "/api/v1/checkin",
        json={"event": event.slug, "secret": "NOPE", "gate": "North"},
        headers=bearer(secret),
    )
    write = await client.post("/api/v1/events", json=EVENT, headers=bearer(secret))

    assert (read.status_code, checkin.status_code, write.status_code) == (
        reads,
        checks_in,
        writes,
    )
    if writes == 403:
        assert write.json()["error"] == "insufficient_scope"
        assert await Event.filter(slug="pride-2027").count() == 0


async def test_the_owners_role_is_checked_on_every_request_too(client) -> None:
    staff = await make_user(role=Role.STAFF)
    _, secret = await accounts.create_api_token(staff, "Gate 1", scope=TokenScope.WRITE)
    # Changed behind the services' back: the token is still valid, the role is not.
    await User.filter(id=staff.id).update(role=Role.MEMBER)

    write = await client.post("/api/v1/events", json=EVENT, headers=bearer(secret))

    assert write.status_code == 403
    assert write.json()["error"] == "forbidden"


async def test_the_token_form_offers_scopes_and_a_lifetime(client) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)
    page = await client.get("/account")

    created = await client.post(
        "/account/tokens",
        data={
            "name": "Gate 3",
            "scope": "checkin",
            "days": "7",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert created.status_code == 200
    token = await ApiToken.get(name="Gate 3")
    assert token.scope == TokenScope.CHECKIN
    assert timedelta(days=7) - timedelta(minutes=1) < token.expires_at - token.created_at
    assert token.expires_at - token.created_at <= timedelta(days=7)
