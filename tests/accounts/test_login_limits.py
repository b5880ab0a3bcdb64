"""Password guessing is slowed per account and client, per client, and (more slowly) per
account, counting failures only; the owner, signing in from a client that has not
failed, always gets in."""

from __future__ import annotations

import pytest

from tests.conftest import client_from, csrf_from, post_form
from tests.factories import PASSWORD, make_user
from yoc.settings import Settings

ACCOUNT_LIMIT = 20
CLIENT_LIMIT = 25


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(login_account_limit=ACCOUNT_LIMIT, login_client_limit=CLIENT_LIMIT)


async def attempt(app, ip: str, email: str, password: str) -> int:
    async with client_from(app, ip) as browser:
        return (
            await post_form(browser, "/login", {"email": email, "password": password})
        ).status_code


async def test_failures_from_many_clients_do_not_lock_the_owner_out(app) -> None:
    await make_user(email="ana@example.org")

    guesses = [await attempt(app, f"198.51.100.{n}", "ana@example.org", "guess") for n in range(11)]
    owner = await attempt(app, "203.0.113.50", "ana@example.org", PASSWORD)

    assert guesses == [400] * 11
    assert owner == 303


async def test_a_client_guessing_one_account_is_stopped_but_the_owner_elsewhere_is_not(
    app,
) -> None:
    await make_user(email="ana@example.org")
    limit = app.state.settings.login_limit

    guesses = [await attempt(app, "198.51.100.7", "ana@example.org", "guess") for _ in range(limit)]
    blocked = await attempt(app, "198.51.100.7", "ana@example.org", PASSWORD)
    owner = await attempt(app, "203.0.113.50", "ana@example.org", PASSWORD)

    assert guesses == [400] * limit
    assert blocked == 429
    assert owner == 303


async def test_successful_sign_ins_do_not_count(app) -> None:
    await make_user(email="ana@example.org")
    limit = app.state.settings.login_limit

    statuses = [
        await attempt(app, "198.51.100.7", "ana@example.org", PASSWORD) for _ in range(limit + 5)
    ]

    assert statuses == [303] * (limit + 5)


async def test_a_success_forgives_the_owners_own_typos(app) -> None:
    await make_user(email="ana@example.org")
    limit = app.state.settings.login_limit
    ip = "198.51.100.7"

    for _ in range(limit - 1):
        assert await attempt(app, ip, "ana@example.org", "typo") == 400
    assert await attempt(app, ip, "ana@example.org", PASSWORD) == 303

    assert [await attempt(app, ip, "ana@example.org", "typo") for _ in range(limit)] == [
        400
    ] * limit


async def test_a_client_guessing_many_accounts_is_stopped(app) -> None:
    await make_user(email="ana@example.org")

    guesses = [
        await attempt(app, "198.51.100.7", f"guess{n}@example.org", "guess")
        for n in range(CLIENT_LIMIT)
    ]
    after = await attempt(app, "198.51.100.7", "ana@example.org", PASSWORD)

    assert guesses == [400] * CLIENT_LIMIT
    assert after == 429


async def test_past_the_account_limit_a_client_that_failed_waits_and_a_new_one_may_try_once(
    app,
) -> None:
    await make_user(email="ana@example.org")
    for n in range(ACCOUNT_LIMIT):
        assert await attempt(app, f"198.51.100.{n}", "ana@example.org", "guess") == 400

    again = await attempt(app, "198.51.100.1", "ana@example.org", "guess")
    fresh_guess = await attempt(app, "192.0.2.1", "ana@example.org", "guess")
    fresh_guess_again = await attempt(app, "192.0.2.1", "ana@example.org", "guess")
    owner = await attempt(app, "203.0.113.50", "ana@example.org", PASSWORD)

    assert (again, fresh_guess, fresh_guess_again) == (429, 400, 429)
    assert owner == 303


async def test_the_refusal_says_how_long_to_wait(app) -> None:
    await make_user(email="ana@example.org")
    limit = app.state.settings.login_limit
    async with client_from(app, "198.51.100.7") as browser:
        token = csrf_from((await browser.get("/login")).text)
        for _ in range(limit + 1):
            answer = await browser.post(
                "/login",
                data={"email": "ana@example.org", "password": "guess", "csrf_token": token},
            )

    assert answer.status_code == 429
    # The limit's estimate lets the last window's failures slide out evenly: up to two
    # windows after a burst.
    assert 1 <= int(answer.headers["retry-after"]) <= 2 * app.state.settings.login_window
    assert "Too many sign-in attempts" in answer.text
