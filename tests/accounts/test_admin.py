"""The admin area: the permission matrix, invitations, roles, deactivation, the outbox."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from yoc import jobs, mail
from yoc.accounts.enums import Role
from yoc.accounts.models import User, UserSession

ADMIN_PAGES = ["/admin/users", "/admin/users/invite", "/admin/tokens", "/admin/outbox"]


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/dashboard", "/account"])
async def test_signed_out_visitor_is_sent_to_login(client, path) -> None:
    response = await client.get(path)

    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MENTOR, Role.STAFF])
@pytest.mark.parametrize("path", ADMIN_PAGES)
async def test_admin_pages_are_403_for_other_roles(client, role, path) -> None:
    await make_user(email="someone@example.org", role=role)
    await log_in(client, "someone@example.org", PASSWORD)

    response = await client.get(path)

    assert response.status_code == 403
    assert "You do not have access to this page" in response.text


@pytest.mark.parametrize("path", ADMIN_PAGES)
async def test_admin_pages_open_for_admins(client, path) -> None:
    await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    response = await client.get(path)

    assert response.status_code == 200
    assert "<h1>" in response.text


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MENTOR, Role.STAFF])
async def test_admin_actions_are_403_for_other_roles_and_change_nothing(client, role) -> None:
    target = await make_user(email="target@example.org", role=Role.MEMBER)
    await make_user(email="someone@example.org", role=role)
    await log_in(client, "someone@example.org", PASSWORD)
    token = csrf_from((await client.get("/account")).text)

    role_change = await client.post(
        f"/admin/users/{target.id}/role", data={"role": "admin", "csrf_token": token}
    )
    deactivate = await client.post(
        f"/admin/users/{target.id}/active", data={"active": "0", "csrf_token": token}
    )
    invite = await client.post(
        "/admin/users/invite",
        data={"name": "X", "email": "x@example.org", "role": "admin", "csrf_token": token},
    )

    assert (role_change.status_code, deactivate.status_code, invite.status_code) == (403, 403, 403)
    target = await User.get(id=target.id)
    assert (target.role, target.is_active) == (Role.MEMBER, True)
    assert not await User.filter(email="x@example.org").exists()


async def test_admin_action_on_missing_person_is_404(client) -> None:
    await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)
    token = csrf_from((await client.get("/admin/users")).text)

    response = await client.post(
        "/admin/users/99999/role", data={"role": "staff", "csrf_token": token}
    )

    assert response.status_code == 404


async def test_invited_mentor_gets_mail_sets_password_and_signs_in(
    app, client, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    await make_user(email="admin@example.org", name="Rosa", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    response = await post_form(
        client,
        "/admin/users/invite",
        {"name": "Lucía Torres", "email": "lucia@example.org", "role": "mentor", "language": "es"},
    )
    assert response.status_code == 303
    await jobs.run_once(app.state.settings.with_(smtp_url=smtp_url))

    invited = await User.get(email="lucia@example.org")
    assert (invited.role, invited.password_hash, invited.language) == (Role.MENTOR, None, "es")
    [message] = mailbox.messages
    assert message["To"] == "lucia@example.org"
    assert message["Content-Language"] == "es"
    link = re.search(r"http://testserver(/invite/\S+)", mailbox.text_of(message)).group(1)

    client.cookies.clear()
    form = await client.get(link)
    assert "Lucía Torres" in form.text
    done = await client.post(
        link,
        data={
            "password": "sunrise over the salton sea",
            "password_confirm": "sunrise over the salton sea",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert done.status_code == 303
    assert (await client.get("/dashboard")).status_code == 200
    assert (await client.get(link)).status_code == 400


async def test_invitation_with_bad_input_keeps_values(client) -> None:
    await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    response = await post_form(
        client, "/admin/users/invite", {"name": "Lucía", "email": "not an email", "role": "mentor"}
    )

    assert response.status_code == 422
    assert 'value="Lucía"' in response.text
    assert await User.all().count() == 1
    assert await mail.OutboxMessage.all().count() == 0


async def test_admin_changes_a_role(client) -> None:
    target = await make_user(role=Role.MEMBER)
    await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    response = await post_form(
        client, "/admin/users", {"role": "mentor"}, action=f"/admin/users/{target.id}/role"
    )

    assert response.status_code == 303
    assert (await User.get(id=target.id)).role == Role.MENTOR


async def test_admin_cannot_demote_themselves(client) -> None:
    admin = await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    await post_form(
        client, "/admin/users", {"role": "member"}, action=f"/admin/users/{admin.id}/role"
    )

    assert (await User.get(id=admin.id)).role == Role.ADMIN
    page = await client.get("/admin/users")
    assert "You cannot change your own role." in page.text


async def test_deactivating_signs_the_person_out_everywhere(app, client) -> None:
    import httpx

    target = await make_user(email="ana@example.org")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as ana:
        await log_in(ana, "ana@example.org", PASSWORD)
        await make_user(email="admin@example.org", role=Role.ADMIN)
        await log_in(client, "admin@example.org", PASSWORD)

        await post_form(
            client, "/admin/users", {"active": "0"}, action=f"/admin/users/{target.id}/active"
        )

        assert (await ana.get("/dashboard")).status_code == 303
    assert await UserSession.filter(user_id=target.id).count() == 0


async def test_admin_searches_people(client) -> None:
    await make_user(name="Itzel Ramírez", email="itzel@example.org")
    await make_user(name="Beto Cruz", email="beto@example.org")
    await make_user(email="admin@example.org", name="Rosa", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    response = await client.get("/admin/users", params={"q": "itzel"})

    assert "Itzel Ramírez" in response.text and "Beto Cruz" not in response.text


async def test_outbox_shows_unsent_mail_when_no_smtp_is_configured(client) -> None:
    await make_user(email="ana@example.org", name="Ana")
    await post_form(client, "/password-reset", {"email": "ana@example.org"})
    await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    listing = await client.get("/admin/outbox")
    message = await mail.OutboxMessage.get(to_email="ana@example.org")
    detail = await client.get(f"/admin/outbox/{message.id}")

    assert "No mail server is configured" in listing.text
    assert "Choose a new YO-C password" in listing.text
    assert "/password-reset/" in detail.text
