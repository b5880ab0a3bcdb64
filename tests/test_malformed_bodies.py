"""Malformed bodies, as a fuzzer or a broken client sends them, get a 4xx and store
nothing: NUL bytes (which PostgreSQL cannot hold in text) in every kind of form and JSON
body, multipart without a boundary, JSON that is not an object where one is expected."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import bearer_for, make_event, make_ticket_type
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.tickets.models import CheckIn, DoorGrant, Order, Ticket

NUL = "\x00"


async def token_of(client: httpx.AsyncClient, page: str) -> str:
    return csrf_from((await client.get(page)).text)


async def staff_browser(client: httpx.AsyncClient) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)


async def stored() -> tuple[int, ...]:
    return (
        await User.all().count(),
        await Event.all().count(),
        await Order.all().count(),
        await Ticket.all().count(),
        await CheckIn.all().count(),
        await DoorGrant.all().count(),
    )


# HTML forms ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "email", "password", "guardian_name"])
async def test_signup_with_a_nul_byte_is_refused(client, field: str) -> None:
    values = {
        "name": "Ana Torres",
        "email": "ana@example.org",
        "password": "a long enough password",
        "password_confirm": "a long enough password",
        "birth_date": "2008-05-01",
        "community": "mecca",
        "guardian_name": "Rosa Torres",
    }
    values[field] += NUL
    if field == "password":
        values["password_confirm"] += NUL
    before = await stored()

    response = await client.post(
        "/signup", data={**values, "csrf_token": await token_of(client, "/signup")}
    )

    assert response.status_code == 422
    assert await stored() == before


@pytest.mark.parametrize(("email", "password"), [("a\x00@example.org", "x"), ("a@b.org", "x\x00")])
async def test_login_with_a_nul_byte_is_refused(client, email: str, password: str) -> None:
    response = await client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": await token_of(client, "/login")},
    )

    assert response.status_code == 422


@pytest.mark.parametrize("field", ["buyer_name", "buyer_email", "buyer_phone", "access_code"])
async def test_the_ticket_order_form_with_a_nul_byte_is_refused(client, field: str) -> None:
    event = await make_event()
    free = await make_ticket_type(event)
    values = {
        "buyer_name": "Ana",
        "buyer_email": "ana@example.org",
        "buyer_phone": "",
        "access_code": "",
        f"qty_{free.id}": "1",
    }
    values[field] += NUL
    token = await token_of(client, f"/events/{event.slug}")
    before = await stored()

    response = await client.post(
        f"/events/{event.slug}/orders", data={**values, "csrf_token": token}
    )

    assert response.status_code == 422
    assert await stored() == before


async def test_a_door_code_with_a_nul_byte_is_refused(client) -> None:
    event = await make_event()
    await Event.filter(id=event.id).update(door_code="K7M4QX9P")

    response = await client.post(
        "/door", data={"door_code": "K7M4QX9P" + NUL, "csrf_token": await token_of(client, "/door")}
    )

    assert response.status_code == 422
    assert await DoorGrant.all().count() == 0


@pytest.mark.parametrize(
    "scan",
    [
        {"code": "x" + NUL},
        {"code": "x", "gate": "North" + NUL},
        {"code": "x", "scan_id": "phone-1" + NUL},
        {"code": "x", "scan_id": "s" * 65},
        {"ticket_id": 2**40},
        {"code": {"not": "text"}},
    ],
)
async def test_a_malformed_scan_at_the_door_is_refused(client, scan: dict) -> None:
    event = await make_event()
    await staff_browser(client)
    token = await token_of(client, f"/door/{event.slug}")
    headers = {"X-CSRF-Token": token, "accept": "application/json"}

    as_json = await client.post(f"/door/{event.slug}/scan", json=scan, headers=headers)
    synced = await client.post(f"/door/{event.slug}/sync", json={"scans": [scan]}, headers=headers)

    assert (as_json.status_code, synced.status_code) == (422, 422)
    assert await CheckIn.all().count() == 0


async def test_a_scan_form_with_a_nul_byte_is_refused(client) -> None:
    event = await make_event()
    await staff_browser(client)
    token = await token_of(client, f"/door/{event.slug}")

    response = await client.post(
        f"/door/{event.slug}/scan", data={"code": "x" + NUL, "csrf_token": token}
    )

    assert response.status_code == 422
    assert await CheckIn.all().count() == 0


@pytest.mark.parametrize("body", ["[1, 2]", '"a scan"', "42", "null", "{"])
async def test_door_scans_and_syncs_that_are_not_objects_are_refused(client, body: str) -> None:
    event = await make_event()
    await staff_browser(client)
    token = await token_of(client, f"/door/{event.slug}")
    headers = {"X-CSRF-Token": token, "content-type": "application/json"}

    scan = await client.post(f"/door/{event.slug}/scan", content=body, headers=headers)
    sync = await client.post(f"/door/{event.slug}/sync", content=body, headers=headers)

    assert (scan.status_code, sync.status_code) == (422, 422)
    assert await CheckIn.all().count() == 0


@pytest.mark.parametrize("scans", ["all", [1, "two", None], {"code": "x"}])
async def test_a_sync_whose_scans_are_not_a_list_of_objects_is_refused(client, scans) -> None:
    event = await make_event()
    await staff_browser(client)
    token = await token_of(client, f"/door/{event.slug}")

    response = await client.post(
        f"/door/{event.slug}/sync", json={"scans": scans}, headers={"X-CSRF-Token": token}
    )

    assert response.status_code == 422
    assert await CheckIn.all().count() == 0


@pytest.mark.parametrize("page", ["/login", "/signup", "/door", "/tickets/resend"])
async def test_multipart_without_a_boundary_is_refused(client, page: str) -> None:
    token = await token_of(client, page)
    before = await stored()

    response = await client.post(
        page,
        content=b"--x\r\nContent-Disposition: form-data; name=email\r\n\r\na@b.org\r\n--x--\r\n",
        headers={"content-type": "multipart/form-data", "X-CSRF-Token": token},
    )

    assert response.status_code == 400
    assert await stored() == before


# JSON API -------------------------------------------------------------------------------


async def test_api_orders_with_a_nul_byte_are_refused(client) -> None:
    event = await make_event()
    free = await make_ticket_type(event)
    order = {
        "buyer": {"name": "Ana", "email": "ana@example.org", "phone": ""},
        "items": [{"ticket_type": free.id, "quantity": 1}],
        "access_code": "CODE" + NUL,
    }

    response = await client.post(f"/api/v1/events/{event.slug}/orders", json=order)

    assert response.status_code == 422
    assert response.json()["fields"] == {"access_code": response.json()["fields"]["access_code"]}
    assert await Order.all().count() == 0


@pytest.mark.parametrize("field", ["description_en", "accessibility_es", "address", "slug"])
async def test_api_events_with_a_nul_byte_are_refused(client, field: str) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))
    event = {
        "slug": "nul-night",
        "name_en": "Night",
        "name_es": "Noche",
        "venue": "Mecca",
        "starts_at": "2030-05-01T18:00:00-07:00",
        "ends_at": "2030-05-01T22:00:00-07:00",
        "capacity": 10,
    }
    event[field] = event.get(field, "text") + NUL

    response = await client.post("/api/v1/events", json=event, headers=staff)

    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert await Event.all().count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"event": "the-hue" + NUL, "secret": "x"},
        {"event": "the-hue", "secret": "x" + NUL},
        {"event": "the-hue", "secret": "x", "gate": "North" + NUL},
        {"event": "the-hue", "secret": "x", "scan_id": "s" + NUL},
        {"event": "the-hue", "secret": "x", "scan_id": "s" * 65},
    ],
)
async def test_api_checkin_with_a_malformed_field_is_refused(client, body: dict) -> None:
    await make_event(slug="the-hue")
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post("/api/v1/checkin", json=body, headers=staff)

    assert response.status_code == 422
    assert await CheckIn.all().count() == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/speeches/1/transition", {"to": "accepted", "note": "ok" + NUL}),
        ("/api/v1/assignments", {"target": "member:1", "what": "module:1", "note": NUL}),
        ("/api/v1/assignments", {"target": "member:1", "what": "module:1", NUL: "x"}),
    ],
)
async def test_api_writes_with_a_nul_byte_are_refused(client, path: str, body: dict) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(path, json=body, headers=staff)

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"


async def test_an_idempotency_key_with_a_nul_byte_is_refused(client) -> None:
    event = await make_event()
    free = await make_ticket_type(event)

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana", "email": "ana@example.org"},
            "items": [{"ticket_type": free.id, "quantity": 1}],
        },
        headers={"Idempotency-Key": "key\x00"},
    )

    assert response.status_code == 400
    assert await Order.all().count() == 0


@pytest.mark.parametrize("scan_id", [0, False, "", None, []])
async def test_api_checkin_without_a_scan_id_of_its_own_gets_a_fresh_one(client, scan_id) -> None:
    await make_event(slug="the-hue")
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        "/api/v1/checkin",
        json={"event": "the-hue", "secret": "x", "scan_id": scan_id},
        headers=staff,
    )

    assert response.json() == {"result": "invalid", "reason": "unknown"}
    assert len((await CheckIn.get()).scan_id) == 32
