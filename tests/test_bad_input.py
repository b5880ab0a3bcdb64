"""Input no page expects is refused with a 4xx, never a 500: addresses whose secret or
name is longer than any stored one, and door codes as long."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from starlette.routing import Route

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.test_request_bodies import call
from tests.tickets.factories import bearer_for, make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.models import Badge
from yoc.events.models import Event
from yoc.tickets.models import CheckIn, Order, Ticket, TicketType
from yoc.timeutil import utcnow

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


# Any route, any text in its address ---------------------------------------------------

# Longer than any stored secret (40), code or key; longer than a slug (80); and a NUL byte,
# which PostgreSQL cannot hold in text at all.
ODD_VALUES = ["A" * 41, "a" * 81, "a\x00b"]


def _routes_with_text_params(app) -> list[tuple[str, str, list[str]]]:
    found = []
    for route in app.routes:
        if not isinstance(route, Route) or not route.param_convertors:
            continue
        names = [n for n, c in route.param_convertors.items() if type(c).__name__ != "IdConvertor"]
        if names:
            found.append((route.path, sorted((route.methods or {"GET"}) - {"HEAD"}), names))
    return found


def _fill(path: str, value: str) -> str:
    quoted = quote(value, safe="")
    return re.sub(r"{(\w+)(:id)}", "1", re.sub(r"{(\w+)(:(?!id})\w+)?}", quoted, path))


async def test_no_address_of_any_route_answers_a_server_error_to_anyone(app, client) -> None:
    """Every route with a text in its address, with every odd text, by every method it
    takes, from a visitor and from staff (with a valid CSRF token): never a 500."""
    await make_user(email="staff@example.org", role=Role.STAFF)
    staff = await bearer_for(await User.get(email="staff@example.org"))
    await make_event()
    routes = _routes_with_text_params(app)
    assert len(routes) > 30  # the sweep does reach the routes

    failures = []
    for who in ("anonymous", "staff"):
        if who == "staff":
            await log_in(client, "staff@example.org", PASSWORD)
        token = csrf_from((await client.get("/door")).text)
        for path, methods, _names in routes:
            for value in ODD_VALUES:
                url = _fill(path, value)
                for method in methods:
                    headers = {"X-CSRF-Token": token}
                    if path.startswith("/api/") and who == "staff":
                        headers.update(staff)
                    answer = await client.request(method, url, headers=headers, data={"x": "1"})
                    if answer.status_code >= 500:
                        failures.append(f"{who} {method} {path} {value[:5]!r}…")
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/badges/" + "A" * 41,
        "/tickets/" + "A" * 41,
        "/orders/" + "A" * 41 + "/" + "B" * 41,
        "/events/" + "a" * 81,
        "/events/a%00b",
        "/tickets/a%00b",
        "/orders/YOC-K7M4QX9P/a%00b",
    ],
)
async def test_an_address_that_names_nothing_storable_is_not_found(client, path: str) -> None:
    response = await client.get(path)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/events/a%00b", "/api/v1/orders/a%00b", "/api/v1/events/a%00b/schedule"]
)
async def test_an_api_address_with_a_nul_byte_is_not_found(client, path: str) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.get(path, headers=staff)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("path", ["/events?q=a%00b", "/door?q=%00", "/members?q=%00"])
async def test_a_query_string_with_a_nul_byte_is_refused(client, path: str) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await client.get(path)

    assert response.status_code == 400


async def test_an_api_search_with_a_nul_byte_is_refused(client) -> None:
    event = await make_event()
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.get(f"/api/v1/events/{event.slug}/orders?q=a%00b", headers=staff)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


async def test_a_door_code_token_with_a_nul_byte_is_refused(client) -> None:
    event = await make_event()

    response = await client.post(
        "/api/v1/checkin",
        json={"event": event.slug, "secret": "X"},
        headers={"Authorization": "Bearer door_AB\x00CD"},
    )

    assert response.status_code == 400
    assert await CheckIn.all().count() == 0


# Numbers beyond a database column ---------------------------------------------------


async def test_a_quota_beyond_any_capacity_is_invalid(client) -> None:
    event = await make_event()
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        f"/api/v1/events/{event.slug}/ticket-types",
        json={"name_en": "Big", "name_es": "Grande", "pricing": "free", "quota": 2**40},
        headers=staff,
    )

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"quota"}
    assert await TicketType.all().count() == 0


async def test_a_slot_id_beyond_32_bits_is_invalid(client) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        "/api/v1/speeches/1/transition", json={"to": "scheduled", "slot": 2**40}, headers=staff
    )

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"slot"}


async def test_a_price_beyond_any_ticket_is_invalid(client) -> None:
    event = await make_event()
    free = await make_ticket_type(event)

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana", "email": "ana@example.org"},
            "items": [{"ticket_type": free.id, "quantity": 1, "price_cents": 2**70}],
        },
    )

    assert response.status_code == 422
    assert await Order.all().count() == 0


# Dates beyond the calendar -------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ("9999-12-31T23:00", "9999-12-31T23:59"),
        ("9999-12-31T23:00:00+00:00", "9999-12-31T23:59:59+00:00"),
        ("0001-01-01T00:00", "0001-01-01T01:00"),
    ],
)
async def test_an_event_beyond_the_allowed_dates_is_invalid_and_says_the_range(
    client, starts: str, ends: str
) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        "/api/v1/events",
        json={
            "slug": "far-away",
            "name_en": "Far",
            "name_es": "Lejos",
            "venue": "Mecca",
            "starts_at": starts,
            "ends_at": ends,
            "capacity": 10,
        },
        headers=staff,
    )

    assert response.status_code == 422
    assert response.json()["fields"]["starts_at"] == "Enter a date between 2000 and 2100."
    assert await Event.all().count() == 0


async def test_a_scan_time_beyond_the_calendar_is_an_unknown_time(client, settings) -> None:
    """A phone with a broken clock: the scan counts, at the time it reached the server."""
    event = await make_event()
    ticket_type = await make_ticket_type(event)
    order = await make_order(event, settings, {ticket_type: 1}, payment=None)
    ticket = await Ticket.get(order=order)
    staff = await bearer_for(await make_user(role=Role.STAFF))
    before = utcnow()

    response = await client.post(
        "/api/v1/checkin",
        json={
            "event": event.slug,
            "secret": ticket.secret,
            "scan_id": "broken-clock-1",
            "scanned_at": "0001-01-01T00:00:00+14:00",
        },
        headers=staff,
    )

    assert (response.status_code, response.json()["result"]) == (200, "ok")
    assert (await CheckIn.get(scan_id="broken-clock-1")).scanned_at >= before


async def test_a_due_date_beyond_the_allowed_dates_is_invalid(client) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        "/api/v1/assignments",
        json={"target": "member:1", "what": "module:1", "due_on": "9999-12-31"},
        headers=staff,
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"due_on": "Enter a date between 2000 and 2100."}


# Bodies that cannot be read ----------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events",
        "/api/v1/events/the-hue/orders",
        "/api/v1/assignments",
        "/api/v1/speeches/1/transition",
        "/api/v1/checkin",
    ],
)
async def test_deeply_nested_json_is_refused(client, path: str) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        path, content=DEEP, headers={"content-type": "application/json", **staff}
    )

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"


async def test_deeply_nested_json_at_the_door_is_refused(client) -> None:
    event = await make_event()
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)
    token = csrf_from((await client.get(f"/door/{event.slug}")).text)
    headers = {"content-type": "application/json", "X-CSRF-Token": token}

    scan = await client.post(f"/door/{event.slug}/scan", content=DEEP, headers=headers)
    sync = await client.post(f"/door/{event.slug}/sync", content=DEEP, headers=headers)

    assert (scan.status_code, sync.status_code) == (422, 422)
    assert await CheckIn.all().count() == 0


# The last resort ------------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "kind"), [("/api/v1", "application/json"), ("", "text/html")])
async def test_a_value_only_the_database_field_refuses_is_invalid_input(
    app, client, prefix: str, kind: str
) -> None:
    """Should an input rule ever miss a value its column cannot hold, the caller still
    gets a 422, not a server error."""

    async def looks_up_too_long(request):
        await Badge.get_or_none(uid="A" * 41)  # a badge's uid has 32 characters at most

    app.router.routes.insert(0, Route(f"{prefix}/too-long", looks_up_too_long))

    response = await client.get(f"{prefix}/too-long")

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(kind)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/members/2147483648"),
        ("GET", "/api/v1/members/2147483648/progress"),
        ("GET", "/api/v1/cohorts/99999999999999999999/members"),
        ("POST", "/api/v1/speeches/2147483648/transition"),
    ],
)
async def test_an_api_id_beyond_32_bits_is_not_found(client, method: str, path: str) -> None:
    staff = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.request(method, path, headers=staff, json={"to": "accepted"})

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
