"""A door volunteer's access lives on the server: granted by the event's door code, it
ends at the end of the event day or when staff make a new code, whatever the phone's
cookie says; and the scanner's name search checks people in by ticket, showing no
ticket's secret."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc import jobs
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.tickets.models import DoorGrant, Ticket
from yoc.tickets.services import door
from yoc.timeutil import utcnow

DOOR_CODE = "K7M4QX9P"
LA = ZoneInfo("America/Los_Angeles")


async def volunteer(client: httpx.AsyncClient, event: Event) -> None:
    await Event.filter(id=event.id).update(door_code=DOOR_CODE)
    entered = await post_form(client, "/door", {"door_code": DOOR_CODE})
    assert entered.headers["location"] == f"/door/{event.slug}"


async def scan_form(client: httpx.AsyncClient, event: Event, code: str) -> httpx.Response:
    scanner = await client.get(f"/door/{event.slug}")
    token = csrf_from(scanner.text) if scanner.status_code == 200 else ""
    return await client.post(
        f"/door/{event.slug}/scan", data={"csrf_token": token, "gate": "North", "code": code}
    )


async def test_the_door_code_grants_access_recorded_on_the_server(client) -> None:
    event = await make_event()

    await volunteer(client, event)

    (grant,) = await DoorGrant.filter(event=event)
    assert grant.expires_at > utcnow()
    assert (await client.get(f"/door/{event.slug}")).status_code == 200


async def test_a_new_door_code_ends_every_volunteers_access_at_once(app, client, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 1}, payment=None)
    ticket = await Ticket.get(order=order)
    await volunteer(client, event)
    copied_cookie = client.cookies["yoc_session"]
    await make_user(email="staff@example.org", role=Role.STAFF)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as staff:
        await log_in(staff, "staff@example.org", PASSWORD)
        changed = await post_form(
            staff,
            f"/staff/events/{event.slug}",
            {},
            action=f"/staff/events/{event.slug}/door-code",
        )
        assert changed.status_code == 303

    assert await DoorGrant.filter(event=event).count() == 0
    client.cookies.set("yoc_session", copied_cookie)
    scanner = await client.get(f"/door/{event.slug}")
    assert scanner.status_code == 303
    assert scanner.headers["location"] == "/door"
    refused = await scan_form(client, event, ticket.secret)
    assert refused.status_code == 403
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None


async def test_door_access_ends_when_its_day_is_over(client) -> None:
    event = await make_event()
    await volunteer(client, event)

    await DoorGrant.filter(event=event).update(expires_at=utcnow() - timedelta(seconds=1))

    scanner = await client.get(f"/door/{event.slug}")
    assert scanner.status_code == 303
    assert scanner.headers["location"] == "/door"


async def test_the_worker_forgets_ended_grants(client, settings) -> None:
    event = await make_event()
    await volunteer(client, event)
    async with httpx.AsyncClient(
        transport=client._transport, base_url="http://testserver"
    ) as second_phone:
        await volunteer(second_phone, event)
    first, _ = await DoorGrant.filter(event=event).order_by("id")
    await DoorGrant.filter(id=first.id).update(expires_at=utcnow() - timedelta(seconds=1))

    await jobs.run_once(settings)

    assert await DoorGrant.filter(event=event).count() == 1


def test_access_lasts_until_the_end_of_the_local_day() -> None:
    event = Event(
        starts_at=datetime(2027, 8, 14, 17, 0, tzinfo=LA),
        ends_at=datetime(2027, 8, 14, 23, 0, tzinfo=LA),
    )
    granted = datetime(2027, 8, 14, 16, 30, tzinfo=LA)

    ends = door.grant_ends(event, granted.astimezone(UTC), "America/Los_Angeles")

    assert ends == datetime(2027, 8, 15, 0, 0, tzinfo=LA)


def test_access_lasts_until_the_end_of_an_event_that_runs_past_midnight() -> None:
    event = Event(
        starts_at=datetime(2027, 8, 14, 20, 0, tzinfo=LA),
        ends_at=datetime(2027, 8, 15, 1, 30, tzinfo=LA),
    )
    granted = datetime(2027, 8, 14, 19, 0, tzinfo=LA)

    ends = door.grant_ends(event, granted.astimezone(UTC), "America/Los_Angeles")

    assert ends == datetime(2027, 8, 15, 1, 30, tzinfo=LA)


def test_a_festival_of_two_days_needs_the_code_again_on_the_second() -> None:
    event = Event(
        starts_at=datetime(2027, 6, 5, 10, 0, tzinfo=LA),
        ends_at=datetime(2027, 6, 6, 22, 0, tzinfo=LA),
    )
    granted = datetime(2027, 6, 5, 9, 0, tzinfo=LA)

    ends = door.grant_ends(event, granted.astimezone(UTC), "America/Los_Angeles")

    assert ends == datetime(2027, 6, 6, 0, 0, tzinfo=LA)


async def test_search_results_check_in_by_ticket_and_show_no_secret(client, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    order = await make_order(event, settings, {general: 2}, payment=None, buyer_name="Ana Flores")
    tickets = list(await Ticket.filter(order=order).order_by("id"))
    await volunteer(client, event)

    found = await client.get(f"/door/{event.slug}", params={"q": "Ana"})

    assert found.status_code == 200
    for ticket in tickets:
        assert ticket.secret not in found.text
    ids = [int(i) for i in re.findall(r'name="ticket_id" value="(\d+)"', found.text)]
    assert ids == [t.id for t in tickets]
    checked = await client.post(
        f"/door/{event.slug}/scan",
        data={"csrf_token": csrf_from(found.text), "gate": "North", "ticket_id": str(ids[0])},
    )
    assert checked.status_code == 200
    assert "Welcome! Valid ticket" in html.unescape(checked.text)
    await tickets[0].refresh_from_db()
    await tickets[1].refresh_from_db()
    assert tickets[0].checked_in_at is not None and tickets[0].checked_in_gate == "North"
    assert tickets[1].checked_in_at is None


async def test_a_ticket_id_of_another_event_checks_nobody_in_and_names_nobody(
    client, settings
) -> None:
    event = await make_event()
    other = await make_event()
    theirs = await make_order(
        other, settings, {await make_ticket_type(other): 1}, payment=None, buyer_name="Beto Ruiz"
    )
    ticket = await Ticket.get(order=theirs)
    await volunteer(client, event)
    scanner = await client.get(f"/door/{event.slug}")

    answer = await client.post(
        f"/door/{event.slug}/scan",
        json={"ticket_id": ticket.id, "gate": "North"},
        headers={"Accept": "application/json", "X-CSRF-Token": csrf_from(scanner.text)},
    )

    assert answer.json() == {"result": "invalid", "reason": "unknown"}
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None
