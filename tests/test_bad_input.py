"""Input no page expects is refused with a 4xx, never a 500: addresses whose secret or
name is longer than any stored one, and door codes as long."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.test_request_bodies import call
from tests.tickets.factories import bearer_for, make_event
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


@pytest.mark.parametrize("number", ["3000000000", "99999999999999999999999"])
async def test_an_id_larger_than_any_stored_one_is_not_found(client, number: str) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)
    page = await client.get("/dashboard")

    shown = await client.get(f"/speeches/{number}")
    reviewed = await client.post(
        f"/speeches/{number}/review", data={"csrf_token": csrf_from(page.text)}
    )
    member = await client.get(f"/members/{number}")

    assert (shown.status_code, reviewed.status_code, member.status_code) == (404, 404, 404)


async def test_an_order_naming_a_ticket_type_by_a_huge_number_is_refused(client) -> None:
    event = await make_event()

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana", "email": "ana@example.org"},
            "items": [{"ticket_type": 10**30, "quantity": 1}],
        },
    )

    assert response.status_code == 422


@pytest.mark.parametrize("length", ["²", "9" * 5000, "-1", "12abc"])
async def test_a_content_length_that_is_not_a_number_is_refused(app, length: str) -> None:
    answer = await call(
        app, "POST", "/login", headers={"content-type": "text/plain", "content-length": length}
    )

    assert answer.status in (400, 413)


@pytest.mark.parametrize("code", ["YC1.².0.SECRET.sig", "YC1.99999999999999999999.0.SECRET.sig"])
async def test_a_scanned_code_with_odd_numbers_is_forged_not_an_error(client, code: str) -> None:
    event = await make_event()
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        "/api/v1/checkin",
        json={"event": event.slug, "secret": code, "gate": "North"},
        headers=staff,
    )

    assert response.status_code == 200
    assert response.json() == {"result": "invalid", "reason": "forged"}
