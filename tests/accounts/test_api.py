"""API tokens: created, used, listed and revoked; GET /api/v1/me; the OpenAPI document."""

from __future__ import annotations

import re

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import ApiToken


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_me_without_credentials_is_401(client) -> None:
    response = await client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_me_with_a_token_describes_its_owner(client) -> None:
    user = await make_user(
        email="door@example.org", name="Door Phone", role=Role.STAFF, language="es"
    )
    _, secret = await accounts.create_api_token(user, "Gate 1")

    response = await client.get("/api/v1/me", headers=bearer(secret))

    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "email": "door@example.org",
        "name": "Door Phone",
        "role": "staff",
        "language": "es",
    }


async def test_me_ignores_the_session_cookie(client) -> None:
    await make_user(email="ana@example.org", role=Role.STAFF)
    await log_in(client, "ana@example.org", PASSWORD)

    assert (await client.get("/api/v1/me")).status_code == 401


async def test_tokens_are_stored_hashed(client) -> None:
    user = await make_user(role=Role.STAFF)

    token, secret = await accounts.create_api_token(user, "Gate 1")

    stored = await ApiToken.get(id=token.id)
    assert secret not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64


async def test_staff_creates_token_in_browser_sees_it_once_and_can_revoke_it(client) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)
    page = await client.get("/account")

    created = await client.post(
        "/account/tokens", data={"name": "Gate 2 phone", "csrf_token": csrf_from(page.text)}
    )

    assert created.status_code == 200
    secret = re.search(r'id="new-token">(yoc_[^<]+)<', created.text).group(1)
    assert (await client.get("/api/v1/me", headers=bearer(secret))).status_code == 200
    listing = await client.get("/account")
    assert "Gate 2 phone" in listing.text and secret not in listing.text

    token = await ApiToken.get(name="Gate 2 phone")
    revoked = await client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(listing.text)}
    )

    assert revoked.status_code == 303
    assert (await client.get("/api/v1/me", headers=bearer(secret))).status_code == 401


async def test_someone_elses_token_cannot_be_revoked_and_is_not_confirmed(client) -> None:
    owner = await make_user(role=Role.STAFF)
    token, secret = await accounts.create_api_token(owner, "Gate 1")
    await make_user(email="other@example.org", role=Role.STAFF)
    await log_in(client, "other@example.org", PASSWORD)
    page = await client.get("/account")

    response = await client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(page.text)}
    )

    assert response.status_code == 404
    assert (await client.get("/api/v1/me", headers=bearer(secret))).status_code == 200


async def test_admin_lists_and_revokes_anyones_token(client) -> None:
    owner = await make_user(name="Gate Volunteer", role=Role.STAFF)
    token, secret = await accounts.create_api_token(owner, "Gate 1")
    await make_user(email="admin@example.org", role=Role.ADMIN)
    await log_in(client, "admin@example.org", PASSWORD)

    listing = await client.get("/admin/tokens")
    assert listing.status_code == 200
    assert "Gate Volunteer" in listing.text and "Gate 1" in listing.text
    response = await client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(listing.text)}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/tokens"
    assert (await client.get("/api/v1/me", headers=bearer(secret))).status_code == 401


async def test_members_have_no_token_section_and_cannot_create_one(client) -> None:
    await make_user(email="ana@example.org", role=Role.MEMBER)
    await log_in(client, "ana@example.org", PASSWORD)
    page = await client.get("/account")

    response = await client.post(
        "/account/tokens", data={"name": "mine", "csrf_token": csrf_from(page.text)}
    )

    assert "API tokens" not in page.text
    assert response.status_code == 403
    assert await ApiToken.all().count() == 0


async def test_token_of_a_deactivated_user_stops_working(client) -> None:
    user = await make_user(role=Role.STAFF)
    _, secret = await accounts.create_api_token(user, "Gate 1")
    user.is_active = False
    await user.save()

    assert (await client.get("/api/v1/me", headers=bearer(secret))).status_code == 401


async def test_openapi_document_describes_me(client) -> None:
    response = await client.get("/api/v1/openapi.json")

    doc = response.json()
    assert doc["openapi"].startswith("3.")
    operation = doc["paths"]["/api/v1/me"]["get"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert set(operation["responses"]) == {"200", "401"}
    assert set(doc["components"]["schemas"]["Me"]["properties"]) == {
        "id",
        "email",
        "name",
        "role",
        "language",
    }


async def test_unknown_api_path_answers_json_404(client) -> None:
    response = await client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
