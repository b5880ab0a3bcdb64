"""Two-factor sign-in: setting it up, the second step of signing in (a code from the app
or a recovery code), throttling, replayed codes, turning it off, and where it is required."""

from __future__ import annotations

import re
import time

import httpx
import pyotp
import pytest
from asgi_lifespan import LifespanManager

from tests.accounts.factories import Authenticator, enrol
from tests.conftest import _empty_tables, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from yoc.accounts import twofactor
from yoc.accounts.enums import Role
from yoc.accounts.models import RecoveryCode, TwoFactor, UserSession
from yoc.mail import OutboxMessage
from yoc.settings import Settings
from yoc.web import create_app


def secret_on(page: str) -> str:
    """The setup key as the page shows it for typing by hand (groups of four)."""
    match = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page)
    assert match, "the page shows no setup key"
    return match.group(1).replace(" ", "")


async def sign_in_first_step(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await post_form(client, "/login", {"email": email, "password": PASSWORD})


async def second_step(client: httpx.AsyncClient, code: str) -> httpx.Response:
    return await post_form(client, "/login/two-factor", {"code": code})


# Setting it up ----------------------------------------------------------------------------


async def test_setup_shows_a_qr_code_and_the_key_and_a_first_code_turns_it_on(client) -> None:
    user = await make_user(email="mentor@example.org", role=Role.MENTOR)
    await log_in(client, "mentor@example.org", PASSWORD)

    page = await client.get("/account/two-factor")

    assert page.status_code == 200
    assert "<svg" in page.text
    secret = secret_on(page.text)
    assert len(secret) == 32
    # The same key on a reload, so a half-done setup can be finished.
    assert secret_on((await client.get("/account/two-factor")).text) == secret
    stored = await TwoFactor.get(user=user)
    assert stored.confirmed_at is None
    assert secret not in stored.secret  # encrypted at rest

    wrong = await post_form(client, "/account/two-factor", {"code": "000000"})
    assert wrong.status_code == 400
    assert "That code is not right." in wrong.text
    assert await twofactor.is_enabled(user) is False

    right = await post_form(
        client, "/account/two-factor", {"code": pyotp.TOTP(secret).at(time.time())}
    )

    assert right.status_code == 200
    assert (page.headers["cache-control"], right.headers["cache-control"]) == ("no-store",) * 2
    shown = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", right.text)
    assert len(shown) == len(set(shown)) == 10
    assert await twofactor.is_enabled(user) is True
    hashes = await RecoveryCode.filter(user=user).values_list("code_hash", flat=True)
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h for code in shown for h in hashes)
    assert (await UserSession.get(user=user)).second_factor_at is not None
    account = await client.get("/account")
    assert "Recovery codes, or turn it off" in account.text


async def test_setting_it_up_signs_out_other_devices(app, client, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other_device:
        await log_in(other_device, "staff@example.org", PASSWORD)
        await log_in(client, "staff@example.org", PASSWORD)
        secret = secret_on((await client.get("/account/two-factor")).text)

        await post_form(client, "/account/two-factor", {"code": pyotp.TOTP(secret).at(time.time())})

        assert (await client.get("/account")).status_code == 200
        assert (await other_device.get("/account")).status_code == 303
    assert await UserSession.filter(user=user).count() == 1


# Signing in ---------------------------------------------------------------------------------


async def test_sign_in_with_two_factor_starts_the_session_only_after_the_code(
    client, settings
) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    phone = await enrol(user, settings)

    first = await sign_in_first_step(client, "staff@example.org")

    assert first.status_code == 303
    assert first.headers["location"] == "/login/two-factor?next=/dashboard"
    assert await UserSession.filter(user=user).count() == 0
    assert (await client.get("/dashboard")).status_code == 303
    page = await client.get("/login/two-factor")
    assert page.status_code == 200
    assert "enter the 6-digit code" in page.text

    done = await second_step(client, phone.now())

    assert done.status_code == 303
    assert done.headers["location"] == "/dashboard"
    session = await UserSession.get(user=user)
    assert session.second_factor_at is not None
    assert (await client.get("/dashboard")).status_code == 200


async def test_sign_in_keeps_the_page_asked_for(client, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    phone = await enrol(user, settings)
    page = await client.get("/login?next=/account")

    first = await client.post(
        "/login",
        data={
            "email": "staff@example.org",
            "password": PASSWORD,
            "next": "/account",
            "csrf_token": csrf_from(page.text),
        },
    )
    done = await post_form(
        client, first.headers["location"], {"code": phone.now(), "next": "/account"}
    )

    assert done.headers["location"] == "/account"


async def test_a_wrong_password_never_reaches_the_second_step(client, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    phone = await enrol(user, settings)
    await post_form(client, "/login", {"email": "staff@example.org", "password": "not it"})

    response = await client.get("/login/two-factor")
    code = await client.post(
        "/login/two-factor",
        data={"code": phone.now(), "csrf_token": csrf_from((await client.get("/login")).text)},
    )

    assert response.headers["location"] == "/login"
    assert code.headers["location"] == "/login"
    assert await UserSession.all().count() == 0


async def test_a_recovery_code_signs_in_once(client, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    phone = await enrol(user, settings)
    code = phone.recovery_codes[3]

    await sign_in_first_step(client, "staff@example.org")
    done = await second_step(client, code.upper().replace("-", " "))

    assert done.status_code == 303
    page = await client.get("/dashboard")
    assert "You signed in with a recovery code" in page.text
    assert "You have 9 left." in page.text
    assert await twofactor.recovery_codes_left(user) == 9

    await post_form(client, "/dashboard", {}, action="/logout")
    await sign_in_first_step(client, "staff@example.org")
    again = await second_step(client, code)

    assert again.status_code == 400
    assert "That code is not right." in again.text
    assert await UserSession.filter(user=user).count() == 0


async def test_a_code_cannot_be_used_twice(client, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    phone = await enrol(user, settings)
    code = phone.now()
    await sign_in_first_step(client, "staff@example.org")
    assert (await second_step(client, code)).status_code == 303
    await post_form(client, "/dashboard", {}, action="/logout")

    await sign_in_first_step(client, "staff@example.org")
    replayed = await second_step(client, code)

    assert replayed.status_code == 400
    assert "That code was already used." in replayed.text
    assert await UserSession.filter(user=user).count() == 0
    assert (await second_step(client, phone.next())).status_code == 303


async def test_wrong_codes_are_throttled_per_account(client, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    phone = await enrol(user, settings)
    await sign_in_first_step(client, "staff@example.org")
    token = csrf_from((await client.get("/login/two-factor")).text)

    statuses = []
    for _ in range(settings.two_factor_limit + 1):
        response = await client.post(
            "/login/two-factor", data={"code": phone.wrong(), "csrf_token": token}
        )
        statuses.append(response.status_code)

    assert statuses == [400] * settings.two_factor_limit + [429]
    # A sliding window: the wait may reach into the window after this one.
    assert 1 <= int(response.headers["retry-after"]) <= 2 * settings.login_window
    assert "Too many codes tried." in response.text
    # Even the right code waits.
    right = await client.post("/login/two-factor", data={"code": phone.now(), "csrf_token": token})
    assert right.status_code == 429
    assert await UserSession.filter(user=user).count() == 0


async def test_the_password_step_does_not_last(app, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    await enrol(user, settings)

    assert (await twofactor.second_step_user(user.id, int(time.time()) - 60)).id == user.id
    with pytest.raises(twofactor.TwoFactorError) as late:
        await twofactor.second_step_user(
            user.id, int(time.time()) - twofactor.SECOND_STEP_SECONDS - 1
        )
    assert late.value.code == "expired"


async def test_a_password_reset_link_does_not_skip_the_second_step(client, settings) -> None:
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    phone = await enrol(user, settings)
    await post_form(client, "/password-reset", {"email": "staff@example.org"})
    body = (await OutboxMessage.get(to_email="staff@example.org")).body_text
    link = re.search(r"http://testserver(/password-reset/\S+)", body).group(1)

    reset = await post_form(
        client,
        link,
        {"password": "a brand new passphrase", "password_confirm": "a brand new passphrase"},
    )

    assert reset.headers["location"] == "/login/two-factor?next=/dashboard"
    assert await UserSession.filter(user=user).count() == 0
    assert (await client.get("/dashboard")).status_code == 303
    assert (await second_step(client, phone.now())).headers["location"] == "/dashboard"
    assert (await client.get("/dashboard")).status_code == 200


# Turning it off ---------------------------------------------------------------------------


async def test_turning_it_off_needs_the_password_and_a_code(client, settings) -> None:
    user = await make_user(email="ana@example.org", role=Role.MEMBER)
    phone = await enrol(user, settings)
    await sign_in_first_step(client, "ana@example.org")
    await second_step(client, phone.now())

    without_code = await post_form(
        client,
        "/account/two-factor",
        {"password": PASSWORD, "code": phone.wrong()},
        action="/account/two-factor/disable",
    )
    wrong_password = await post_form(
        client,
        "/account/two-factor",
        {"password": "not it", "code": phone.next()},
        action="/account/two-factor/disable",
    )
    assert (without_code.status_code, wrong_password.status_code) == (400, 422)
    assert await twofactor.is_enabled(user) is True

    off = await post_form(
        client,
        "/account/two-factor",
        {"password": PASSWORD, "code": phone.next()},
        action="/account/two-factor/disable",
    )

    assert off.status_code == 303
    assert await twofactor.is_enabled(user) is False
    assert await RecoveryCode.filter(user=user).count() == 0
    assert await TwoFactor.filter(user=user).count() == 0


async def test_new_recovery_codes_replace_the_old_ones(client, settings) -> None:
    user = await make_user(email="ana@example.org", role=Role.MEMBER)
    phone = await enrol(user, settings)
    await sign_in_first_step(client, "ana@example.org")
    await second_step(client, phone.now())

    response = await post_form(
        client, "/account/two-factor", {}, action="/account/two-factor/recovery-codes"
    )

    fresh = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.text)
    assert len(fresh) == 10 and not set(fresh) & set(phone.recovery_codes)
    with pytest.raises(twofactor.TwoFactorError):
        await twofactor.verify(user, phone.recovery_codes[0], settings=settings)
    assert (await twofactor.verify(user, fresh[0], settings=settings)).recovery_left == 9


# Required by role ---------------------------------------------------------------------------


def test_production_requires_it_for_staff_and_admins_and_development_for_no_one() -> None:
    production = Settings.from_env(
        {"YOC_ENV": "production", "YOC_SECRET_KEY": "k" * 40, "YOC_BASE_URL": "https://x.org"}
    )
    assert production.require_two_factor_for == ("staff", "admin")
    assert Settings.from_env({"YOC_ENV": "development"}).require_two_factor_for == ()
    assert Settings.from_env(
        {"YOC_ENV": "development", "YOC_REQUIRE_2FA_FOR": "mentor, staff"}
    ).require_two_factor_for == (
        "mentor",
        "staff",
    )
    with pytest.raises(Exception, match="YOC_REQUIRE_2FA_FOR"):
        Settings.from_env({"YOC_REQUIRE_2FA_FOR": "staf"}).check()


@pytest.fixture
async def required_client(settings):
    """A browser on an app that requires two-factor sign-in of staff and admins, as
    production does."""
    app = create_app(settings.with_(require_two_factor_for=("staff", "admin")))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as browser,
    ):
        await _empty_tables()
        yield browser


async def test_staff_without_it_must_set_it_up_before_anything_else(
    required_client, settings
) -> None:
    client = required_client
    user = await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    elsewhere = {path: await client.get(path) for path in ("/dashboard", "/staff/events", "/")}
    posted = await post_form(
        client, "/account/two-factor", {"name": "Gate"}, action="/account/tokens"
    )

    assert {p: r.headers.get("location") for p, r in elsewhere.items()} == dict.fromkeys(
        elsewhere, "/account/two-factor"
    )
    assert posted.headers["location"] == "/account/two-factor"
    page = await client.get("/account/two-factor")
    assert page.status_code == 200
    assert "Your role needs two-factor sign-in. Set it up to continue." in page.text

    await post_form(
        client,
        "/account/two-factor",
        {"code": pyotp.TOTP(secret_on(page.text)).at(time.time())},
    )

    assert (await client.get("/dashboard")).status_code == 200
    refused = await post_form(
        client,
        "/account/two-factor",
        {"password": PASSWORD, "code": "123456"},
        action="/account/two-factor/disable",
    )
    assert refused.status_code == 400
    assert "Your role needs two-factor sign-in" in refused.text
    assert await twofactor.is_enabled(user) is True


async def test_changing_the_password_keeps_the_second_factor_of_the_session(
    required_client, settings
) -> None:
    phone = await enrol(await make_user(email="staff@example.org", role=Role.STAFF), settings)
    await sign_in_first_step(required_client, "staff@example.org")
    await second_step(required_client, phone.now())

    changed = await post_form(
        required_client,
        "/account",
        {
            "current_password": PASSWORD,
            "password": "new passphrase here",
            "password_confirm": "new passphrase here",
        },
        action="/account/password",
    )

    assert changed.headers["location"] == "/account"
    assert (await required_client.get("/dashboard")).status_code == 200


async def test_where_it_is_required_signing_out_still_works(required_client) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(required_client, "staff@example.org", PASSWORD)
    page = await required_client.get("/account/two-factor")

    response = await required_client.post("/logout", data={"csrf_token": csrf_from(page.text)})

    assert response.headers["location"] == "/"
    assert await UserSession.all().count() == 0


async def test_members_are_not_sent_to_set_it_up(required_client) -> None:
    await make_user(email="ana@example.org", role=Role.MEMBER)
    await log_in(required_client, "ana@example.org", PASSWORD)

    assert (await required_client.get("/dashboard")).status_code == 200


async def test_staff_who_have_it_go_straight_on(required_client, settings) -> None:
    phone: Authenticator = await enrol(
        await make_user(email="staff@example.org", role=Role.STAFF), settings
    )
    await sign_in_first_step(required_client, "staff@example.org")
    await second_step(required_client, phone.now())

    assert (await required_client.get("/dashboard")).status_code == 200


# Who may open what ----------------------------------------------------------------------

SIGNED_IN_PAGES = [
    ("GET", "/account/two-factor"),
    ("POST", "/account/two-factor"),
    ("POST", "/account/two-factor/recovery-codes"),
    ("POST", "/account/two-factor/disable"),
    ("GET", "/account/confirm"),
    ("POST", "/account/confirm"),
    ("POST", "/account/sessions/1/end"),
    ("POST", "/account/sessions/end-others"),
]


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_PAGES)
async def test_signed_out_visitors_are_sent_to_sign_in(client, method, path) -> None:
    token = csrf_from((await client.get("/login")).text)

    response = await client.request(
        method, path, data={"csrf_token": token} if method == "POST" else None
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize("role", list(Role))
async def test_every_role_may_set_up_two_factor_sign_in(client, role) -> None:
    await make_user(email="someone@example.org", role=role)
    await log_in(client, "someone@example.org", PASSWORD)

    pages = [await client.get(path) for path in ("/account/two-factor", "/account/confirm")]

    assert [page.status_code for page in pages] == [200, 200]


async def test_the_second_step_without_a_password_first_goes_back_to_sign_in(client) -> None:
    response = await client.get("/login/two-factor")

    assert response.headers["location"] == "/login"
