"""Input no page expects is refused with a 4xx, never a 500: addresses whose secret or
name is longer than any stored one, and door codes as long."""

from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.factories import make_user
from tests.tickets.factories import bearer_for
from yoc.accounts.enums import Role

LONG = "A" * 300


@pytest.mark.parametrize(
    "path",
    [
        f"/tickets/{LONG}",
        f"/tickets/{LONG}/manifest.webmanifest",
        f"/orders/{LONG}/{LONG}",
        f"/orders/YOC-K7M4QX9P/{LONG}/print",
        f"/events/{LONG}",
        f"/events/{LONG}/lineup",
        f"/door/{LONG}",
        f"/calendar/{LONG}.ics",
        f"/consent/{LONG}",
        f"/password-reset/{LONG}",
        f"/signup/confirm/{LONG}",
    ],
)
async def test_an_overlong_address_is_not_found(client, path: str) -> None:
    response = await client.get(path)

    assert response.status_code in (303, 400, 404), response.status_code


@pytest.mark.parametrize("path", [f"/api/v1/events/{LONG}", f"/api/v1/orders/{LONG}"])
async def test_an_overlong_api_address_is_not_found(client, path: str) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.get(path, headers=staff)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


async def test_an_overlong_door_code_is_a_wrong_one(client) -> None:
    on_the_page = await post_form(client, "/door", {"door_code": LONG})
    as_a_token = await client.post(
        "/api/v1/checkin",
        json={"event": "the-hue", "secret": "X"},
        headers={"Authorization": f"Bearer door_{LONG}"},
    )

    assert on_the_page.status_code == 400
    assert as_a_token.status_code == 403
