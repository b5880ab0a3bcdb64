"""Sign-up, sign-in, sign-out, password reset and change, through HTTP."""

from __future__ import annotations

import re

from tests.conftest import confirm_signup, csrf_from, log_in, post_form, signup_link
from tests.factories import PASSWORD, make_user
from yoc import jobs
from yoc.accounts.enums import Role
from yoc.accounts.models import User, UserSession
from yoc.i18n import gettext, use_language

ADULT = {"birth_date": "2001-05-01", "community": "mecca"}


async def test_signup_creates_a_member_who_confirms_by_email_and_is_signed_in(client) -> None:
    response = await post_form(
        client,
        "/signup",
        {
            **ADULT,
            "name": "Itzel Ramírez",
            "email": "Itzel@Example.org",
            "password": "palm trees at dusk",
            "password_confirm": "palm trees at dusk",
            "language": "es",
        },
    )

    assert response.status_code == 200
    assert "itzel@example.org" in response.text
    user = await User.get(email="itzel@example.org")
    assert (user.name, user.role, user.language) == ("Itzel Ramírez", Role.MEMBER, "es")
    assert user.password_hash.startswith("$argon2id$")
    assert user.email_verified_at is None
    # Nobody is signed in yet, and the password alone does not open the account.
    assert (await client.get("/dashboard")).status_code == 303
    early = await post_form(
        client, "/login", {"email": "itzel@example.org", "password": "palm trees at dusk"}
    )
    assert early.status_code == 400

    confirmed = await confirm_signup(client, "itzel@example.org")

    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/dashboard"
    dashboard = await client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Itzel Ramírez" in dashboard.text
    await user.refresh_from_db()
    assert user.email_verified_at is not None
    # The link works once.
    again = await client.get(await signup_link("itzel@example.org"))
    assert again.status_code == 400


async def test_opening_the_confirmation_link_changes_nothing_until_the_button_is_pressed(
    client,
) -> None:
    """Mail scanners open links: only the button (a form with its CSRF token) confirms."""
    await post_form(
        client,
        "/signup",
        {
            **ADULT,
            "name": "Itzel",
            "email": "itzel@example.org",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    link = await signup_link("itzel@example.org")

    for _ in range(2):
        assert (await client.get(link)).status_code == 200

    assert (await User.get(email="itzel@example.org")).email_verified_at is None
    assert (await client.get("/dashboard")).status_code == 303


async def test_signup_with_bad_input_keeps_what_was_typed_and_stores_nothing(client) -> None:
    response = await post_form(
        client,
        "/signup",
        {
            **ADULT,
            "name": "Itzel",
            "email": "not-an-email",
            "password": "short",
            "password_confirm": "short",
            "language": "en",
        },
    )

    assert response.status_code == 422
    assert "Enter an email address like name@example.com." in response.text
    assert "Use at least 8 characters." in response.text  # at once, not on the next try
    assert 'value="Itzel"' in response.text
    assert 'value="not-an-email"' in response.text
    # Both password fields keep what was typed: long to type again on a phone.
    assert re.findall(r'type="password" value="([^"]*)"', response.text) == ["short", "short"]
    assert await User.all().count() == 0


async def test_signup_refuses_a_name_with_a_line_break(client) -> None:
    response = await post_form(
        client,
        "/signup",
        {
            **ADULT,
            "name": "Eve\r\nBcc: everyone@example.org",
            "email": "eve@example.org",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )

    assert response.status_code == 422
    assert "Write this on one line, without line breaks or special characters." in response.text
    assert await User.all().count() == 0


async def test_signup_refuses_common_password(client) -> None:
    response = await post_form(
        client,
        "/signup",
        {
            **ADULT,
            "name": "Itzel",
            "email": "itzel@example.org",
            "password": "password123",
            "password_confirm": "password123",
        },
    )

    assert response.status_code == 422
    assert "This password is too common" in response.text
    assert await User.all().count() == 0


async def test_signup_accepts_a_64_character_passphrase(client) -> None:
    passphrase = "we marched from Mecca to the school board and we spoke up loudly"
    assert len(passphrase) >= 64
    response = await post_form(
        client,
        "/signup",
        {
            **ADULT,
            "name": "Itzel",
            "email": "itzel@example.org",
            "password": passphrase,
            "password_confirm": passphrase,
        },
    )

    assert response.status_code == 200
    assert (await confirm_signup(client, "itzel@example.org")).status_code == 303
    await client.post("/logout", data={"csrf_token": csrf_from((await client.get("/")).text)})
    assert (await log_in(client, "itzel@example.org", passphrase)).headers[
        "location"
    ] == "/dashboard"


async def test_login_with_wrong_password_says_so_without_revealing_which(client) -> None:
    await make_user(email="mentor@example.org", role=Role.MENTOR)

    wrong_password = await post_form(
        client, "/login", {"email": "mentor@example.org", "password": "not the password"}
    )
    no_account = await post_form(
        client, "/login", {"email": "nobody@example.org", "password": "not the password"}
    )

    assert wrong_password.status_code == no_account.status_code == 400
    message = "That email and password do not match an account."
    assert message in wrong_password.text and message in no_account.text
    assert 'value="mentor@example.org"' in wrong_password.text
    assert (await client.get("/dashboard")).status_code == 303


async def test_login_is_case_insensitive_and_returns_to_next_page(client) -> None:
    await make_user(email="mentor@example.org", role=Role.MENTOR)

    page = await client.get("/login?next=/account")
    response = await client.post(
        "/login?next=/account",
        data={
            "email": "MENTOR@Example.org",
            "password": PASSWORD,
            "next": "/account",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/account"


async def test_login_never_redirects_to_another_site(client) -> None:
    await make_user(email="mentor@example.org")

    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "email": "mentor@example.org",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.headers["location"] == "/dashboard"


async def test_login_changes_the_session_identifier(client) -> None:
    await make_user(email="ana@example.org")
    await client.get("/login")
    before = client.cookies["yoc_session"]

    await log_in(client, "ana@example.org", PASSWORD)

    after = client.cookies["yoc_session"]
    assert before != after
    assert await UserSession.all().count() == 1


async def test_logout_ends_the_session_even_for_a_copied_cookie(client) -> None:
    await make_user(email="ana@example.org")
    await log_in(client, "ana@example.org", PASSWORD)
    stolen = client.cookies["yoc_session"]

    page = await client.get("/dashboard")
    response = await client.post("/logout", data={"csrf_token": csrf_from(page.text)})

    assert response.status_code == 303
    assert await UserSession.all().count() == 0
    client.cookies.clear()
    client.cookies.set("yoc_session", stolen)
    assert (await client.get("/dashboard")).status_code == 303


async def test_logout_by_get_changes_nothing(client) -> None:
    await make_user(email="ana@example.org")
    await log_in(client, "ana@example.org", PASSWORD)

    response = await client.get("/logout")

    assert response.status_code == 405
    assert (await client.get("/dashboard")).status_code == 200


async def test_deactivated_account_cannot_log_in(client) -> None:
    user = await make_user(email="ana@example.org")
    user.is_active = False
    await user.save()

    response = await post_form(client, "/login", {"email": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 400


async def test_eleventh_login_attempt_in_five_minutes_gets_429(client) -> None:
    await make_user(email="ana@example.org")
    page = await client.get("/login")
    token = csrf_from(page.text)
    statuses = []
    for _ in range(11):
        response = await client.post(
            "/login",
            data={"email": "ana@example.org", "password": "wrong guess", "csrf_token": token},
        )
        statuses.append(response.status_code)

    assert statuses == [400] * 10 + [429]
    assert 1 <= int(response.headers["retry-after"]) <= 2 * 300  # up to two windows
    assert "Too many sign-in attempts" in response.text
    # Even the right password waits until the window has passed.
    right = await client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 429


async def test_rate_limit_per_address_counts_across_accounts(client) -> None:
    limit = client._transport.app.state.settings.login_client_limit
    page = await client.get("/login")
    token = csrf_from(page.text)
    statuses = []
    for n in range(limit + 1):
        response = await client.post(
            "/login",
            data={"email": f"guess{n}@example.org", "password": "wrong guess", "csrf_token": token},
        )
        statuses.append(response.status_code)

    assert statuses == [400] * limit + [429]


async def test_rate_limit_is_shared_between_server_processes(settings, client) -> None:
    """Two server processes, as two workers would be, share one count."""
    import httpx

    from tests.servers import running_server

    await make_user(email="ana@example.org")
    statuses = []
    with (
        running_server(settings.database_url) as first,
        running_server(settings.database_url) as second,
    ):
        for n in range(11):
            async with httpx.AsyncClient(base_url=first if n % 2 == 0 else second) as browser:
                page = await browser.get("/login")
                response = await browser.post(
                    "/login",
                    data={
                        "email": "ana@example.org",
                        "password": "wrong",
                        "csrf_token": csrf_from(page.text),
                    },
                )
                statuses.append(response.status_code)

    assert statuses == [400] * 10 + [429]


async def test_form_without_csrf_token_is_refused_with_403(client) -> None:
    await make_user(email="ana@example.org")

    response = await client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 403
    assert "This form has expired or was sent from another site" in response.text
    assert await UserSession.all().count() == 0


async def test_csrf_token_from_another_session_is_refused(client, app) -> None:
    import httpx

    await make_user(email="ana@example.org")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as attacker:
        foreign_token = csrf_from((await attacker.get("/login")).text)
    await client.get("/login")

    response = await client.post(
        "/login",
        data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": foreign_token},
    )

    assert response.status_code == 403


async def test_password_reset_mail_is_delivered_and_its_link_works_once(
    app, client, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    settings = app.state.settings.with_(smtp_url=smtp_url)
    await make_user(email="ana@example.org", name="Ana", language="en")

    response = await post_form(client, "/password-reset", {"email": "ANA@example.org"})
    assert response.status_code == 200
    assert "a link to choose a new password is on its way" in response.text
    await jobs.run_once(settings)

    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Choose a new YO-C password"
    link = re.search(r"http://testserver(/password-reset/\S+)", mailbox.text_of(message)).group(1)

    form = await client.get(link)
    assert form.status_code == 200
    done = await client.post(
        link,
        data={
            "password": "a brand new passphrase",
            "password_confirm": "a brand new passphrase",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert done.status_code == 303
    assert (await client.get("/dashboard")).status_code == 200

    again = await client.get(link)
    assert again.status_code == 400
    assert "This link has expired or has already been used" in again.text
    client.cookies.clear()
    await log_in(client, "ana@example.org", "a brand new passphrase")


async def test_password_reset_for_unknown_email_looks_the_same_and_sends_no_link(
    app, client, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server

    response = await post_form(client, "/password-reset", {"email": "nobody@example.org"})
    await jobs.run_once(app.state.settings.with_(smtp_url=smtp_url))

    assert response.status_code == 200
    assert "a link to choose a new password is on its way" in response.text
    (message,) = mailbox.messages
    assert message["To"] == "nobody@example.org"
    assert message["Subject"] == "About your request for a new YO-C password"
    assert "/password-reset/" not in mailbox.text_of(message)


async def test_password_reset_mail_is_in_the_users_language(app, client, smtp_server) -> None:
    mailbox, smtp_url = smtp_server
    await make_user(email="ana@example.org", language="es")

    await post_form(client, "/password-reset", {"email": "ana@example.org"})
    await jobs.run_once(app.state.settings.with_(smtp_url=smtp_url))

    with use_language("es"):
        spanish_subject = gettext("Choose a new YO-C password")
    assert spanish_subject != "Choose a new YO-C password"
    assert mailbox.messages[0]["Subject"] == spanish_subject
    assert mailbox.messages[0]["Content-Language"] == "es"


async def test_change_password_needs_the_current_one_and_signs_out_other_devices(
    app, client
) -> None:
    import httpx

    await make_user(email="ana@example.org")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other_device:
        await log_in(other_device, "ana@example.org", PASSWORD)
        await log_in(client, "ana@example.org", PASSWORD)

        wrong = await post_form(
            client,
            "/account",
            {
                "current_password": "not it",
                "password": "new passphrase here",
                "password_confirm": "new passphrase here",
            },
            action="/account/password",
        )
        assert wrong.status_code == 422
        assert "Your current password is not right." in wrong.text

        right = await post_form(
            client,
            "/account",
            {
                "current_password": PASSWORD,
                "password": "new passphrase here",
                "password_confirm": "new passphrase here",
            },
            action="/account/password",
        )
        assert right.status_code == 303
        assert (await client.get("/account")).status_code == 200
        assert (await other_device.get("/account")).status_code == 303
