"""Sessions: the idle timeout by role, last activity written sparingly, the list on the
account page, and ending one session or all the others."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.conftest import log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.querycount import count_queries
from yoc.accounts import sessions
from yoc.accounts.enums import Role
from yoc.accounts.models import UserSession
from yoc.timeutil import utcnow

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


async def idle_for(user, delta: timedelta) -> None:
    """Move the clock: the session was last used ``delta`` ago."""
    await UserSession.filter(user=user).update(last_seen_at=utcnow() - delta)


@pytest.mark.parametrize("role", [Role.MENTOR, Role.STAFF, Role.ADMIN])
async def test_staff_and_mentor_sessions_end_after_two_idle_hours(client, role) -> None:
    user = await make_user(email="adult@example.org", role=role)
    await log_in(client, "adult@example.org", PASSWORD)

    await idle_for(user, timedelta(hours=1, minutes=59))
    still = await client.get("/account")
    await idle_for(user, timedelta(hours=2, minutes=1))
    ended = await client.get("/account")

    assert still.status_code == 200
    assert ended.status_code == 303
    assert ended.headers["location"] == "/login?next=/account"
    assert await UserSession.filter(user=user).count() == 0


async def test_member_sessions_end_after_fourteen_idle_days(client) -> None:
    user = await make_user(email="ana@example.org", role=Role.MEMBER)
    await log_in(client, "ana@example.org", PASSWORD)

    await idle_for(user, timedelta(days=13))
    still = await client.get("/account")
    await idle_for(user, timedelta(days=14, minutes=1))
    ended = await client.get("/account")

    assert still.status_code == 200
    assert ended.status_code == 303
    assert await UserSession.filter(user=user).count() == 0


async def test_idle_limits_are_settings(app, client) -> None:
    settings = app.state.settings
    assert (settings.idle_timeout_staff, settings.idle_timeout_member) == (2 * 3600, 14 * 86400)
    shorter = settings.with_(idle_timeout_staff=60, idle_timeout_member=120)

    assert sessions.idle_limit(Role.STAFF, shorter) == timedelta(seconds=60)
    assert sessions.idle_limit(Role.MENTOR, shorter) == timedelta(seconds=60)
    assert sessions.idle_limit(Role.MEMBER, shorter) == timedelta(seconds=120)


async def test_last_activity_is_written_at_most_once_a_minute(client) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)
    await idle_for(user, timedelta(seconds=30))
    before = (await UserSession.get(user=user)).last_seen_at

    with count_queries() as recent:
        await client.get("/account")
    unchanged = (await UserSession.get(user=user)).last_seen_at
    await idle_for(user, timedelta(minutes=5))
    with count_queries() as stale:
        await client.get("/account")
    moved = (await UserSession.get(user=user)).last_seen_at

    assert unchanged == before
    assert utcnow() - moved < timedelta(seconds=5)
    assert not any("UPDATE" in q.upper() for q in recent.statements)
    assert len(stale) == len(recent) + 1


async def test_the_account_page_lists_each_session(app, client) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"User-Agent": LAPTOP},
    ) as laptop:
        await log_in(laptop, "staff@example.org", PASSWORD)
    client.headers["User-Agent"] = PHONE
    await log_in(client, "staff@example.org", PASSWORD)

    page = await client.get("/account")

    assert page.status_code == 200
    section = page.text[page.text.index('id="sessions"') :]
    assert "Chrome, Android" in section and "Firefox, Windows" in section
    assert section.count("This device") == 1
    assert section.index("Chrome, Android") < section.index("This device")
    assert section.index("This device") < section.index("Firefox, Windows")
    assert "Signed in" in section and "last active" in section
    assert section.count('action="/account/sessions/') == 2  # the other one, and "all others"
    assert await UserSession.filter(user=user).count() == 2


async def test_ending_another_session_signs_that_device_out(app, client) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as lost_phone:
        await log_in(lost_phone, "staff@example.org", PASSWORD)
        other = await UserSession.get(user=user)
        await log_in(client, "staff@example.org", PASSWORD)

        response = await post_form(
            client, "/account", {}, action=f"/account/sessions/{other.id}/end"
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/account#sessions"
        assert (await lost_phone.get("/account")).status_code == 303
        assert (await client.get("/account")).status_code == 200
    assert await UserSession.filter(user=user).count() == 1


async def test_sign_out_everywhere_else_keeps_this_device(app, client) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    others = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        for _ in range(2)
    ]
    for browser in others:
        await log_in(browser, "staff@example.org", PASSWORD)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(client, "/account", {}, action="/account/sessions/end-others")

    assert response.status_code == 303
    assert "You are signed out on 2 other devices." in (await client.get("/account")).text
    assert [(await b.get("/account")).status_code for b in others] == [303, 303]
    assert await UserSession.filter(user=user).count() == 1
    for browser in others:
        await browser.aclose()


async def test_someone_elses_session_cannot_be_ended(app, client) -> None:
    victim = await make_user(email="victim@example.org", role=Role.STAFF)
    await make_user(email="ana@example.org", role=Role.STAFF)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as theirs:
        await log_in(theirs, "victim@example.org", PASSWORD)
        target = await UserSession.get(user=victim)
        await log_in(client, "ana@example.org", PASSWORD)

        response = await post_form(
            client, "/account", {}, action=f"/account/sessions/{target.id}/end"
        )

        assert response.status_code == 404
        assert (await theirs.get("/account")).status_code == 200
    assert await UserSession.filter(user=victim).count() == 1


def test_devices_get_short_names() -> None:
    assert sessions.describe_device(PHONE) == "Chrome, Android"
    assert sessions.describe_device(LAPTOP) == "Firefox, Windows"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "Version/17.5 Mobile/15E148 Safari/604.1"
    )
    assert sessions.describe_device(iphone) == "Safari, iPhone"
    assert sessions.describe_device("python-httpx/0.28") == ""
