"""The door without signal, as the server sees it: the event's list of tickets that may
not go in (by hash only, for staff and the event's door volunteers), the scanner page
marked fit for the service worker to keep, tickets let in twice recorded once when scans
made offline are synced, and their acknowledgement (who and when, logged, only once even
when pressed at once, on PostgreSQL too with --database-url)."""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.tickets.conftest import translated
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.errors import Conflict
from yoc.events.models import Event
from yoc.i18n import ngettext, use_language
from yoc.payments.providers import Payments
from yoc.settings import PROJECT_DIR
from yoc.tickets.enums import OrderChange, PaymentMethod, Pricing
from yoc.tickets.models import DoorConflict, Order, OrderLog, Ticket
from yoc.tickets.services import door_conflicts, manage, refunds, states
from yoc.timeutil import utcnow

DOOR_CODE = "K7M4QX9P"
OTHER_CODE = "R2D2C3PX"
STAFF = "Sam Staff <sam@example.org>"


def hashed(secret: str) -> str:
    """How the offline list names a ticket (and how the scanner's script hashes one)."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


async def as_staff(client: httpx.AsyncClient, language: str = "en") -> None:
    await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org", language=language)
    await log_in(client, "sam@example.org", PASSWORD)


async def as_volunteer(
    client: httpx.AsyncClient, event: Event, name: str = "Lupe", code: str = DOOR_CODE
) -> None:
    await Event.filter(id=event.id).update(door_code=code)
    entered = await post_form(client, "/door", {"door_code": code, "volunteer_name": name})
    assert entered.headers["location"] == f"/door/{event.slug}"


async def tickets_of(order: Order) -> list[Ticket]:
    return list(await Ticket.filter(order_id=order.id).order_by("id"))


def yesterday_at(hour: int, minute: int) -> datetime:
    return (utcnow() - timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)


async def sync(client: httpx.AsyncClient, event: Event, scans: list[dict[str, Any]]):
    scanner = await client.get(f"/door/{event.slug}")
    token = re.search(r'data-csrf="([^"]+)"', scanner.text).group(1)
    return await client.post(
        f"/door/{event.slug}/sync",
        json={"scans": scans},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )


def offline_scan(scan_id: str, ticket: Ticket, gate: str, at: datetime) -> dict[str, Any]:
    return {"scan_id": scan_id, "code": ticket.secret, "gate": gate, "scanned_at": at.isoformat()}


# The offline list -------------------------------------------------------------------


async def test_offline_list_names_refused_unpaid_and_valid_tickets_by_hash_only(
    client, settings
) -> None:
    event = await make_event()
    other = await make_event(slug="pride-1")
    free = await make_ticket_type(event)
    fixed = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    payments = Payments.from_settings(settings)
    paid = await make_order(event, settings, {free: 3}, payment=None)
    kept, refunded_alone, _ = await tickets_of(paid)
    await refunds.refund(
        paid,
        actor=STAFF,
        reason="one cannot come",
        settings=settings,
        payments=payments,
        ticket_ids=[refunded_alone.id],
    )
    whole = await make_order(event, settings, {fixed: 1}, buyer_email="bo@example.org")
    await states.mark_paid_at_door(whole, actor=STAFF, settings=settings)
    await refunds.refund(
        await Order.get(id=whole.id),
        actor=STAFF,
        reason="rain",
        settings=settings,
        payments=payments,
    )
    cancelled = await make_order(event, settings, {fixed: 1}, buyer_email="cy@example.org")
    await refunds.cancel(
        cancelled, actor=STAFF, reason="asked", settings=settings, payments=payments
    )
    unpaid = await make_order(event, settings, {fixed: 2}, buyer_email="di@example.org")
    elsewhere = await make_order(other, settings, {await make_ticket_type(other): 1}, payment=None)
    await as_staff(client)

    response = await client.get(f"/door/{event.slug}/offline-list")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    made_at = datetime.fromisoformat(body.pop("made_at"))
    assert abs(made_at - utcnow()) < timedelta(minutes=1)
    [whole_ticket] = await tickets_of(whole)
    [cancelled_ticket] = await tickets_of(cancelled)
    valid = [t for t in await tickets_of(paid) if t.id != refunded_alone.id]
    assert body == {
        "event": event.id,
        "revoked": dict(
            sorted(
                {
                    hashed(refunded_alone.secret): "void",
                    hashed(whole_ticket.secret): "refunded",
                    hashed(cancelled_ticket.secret): "cancelled",
                }.items()
            )
        ),
        "unpaid": sorted(hashed(t.secret) for t in await tickets_of(unpaid)),
        "valid": sorted(hashed(t.secret) for t in valid),
    }
    assert hashed(kept.secret) in body["valid"]
    # Nothing in it names anybody or lets anybody in: no names, emails, codes or secrets.
    every_secret = [t.secret for t in await Ticket.all()]
    for word in ["Ana Buyer", "ana@example.org", "bo@example.org", paid.code, *every_secret]:
        assert word not in response.text
    assert hashed((await tickets_of(elsewhere))[0].secret) not in response.text


async def test_codes_replaced_when_an_order_moved_are_refused_by_the_offline_list(
    client, settings
) -> None:
    event = await make_event()
    order = await make_order(event, settings, {await make_ticket_type(event): 2}, payment=None)
    before = await tickets_of(order)
    await manage.move_order(
        order,
        buyer_name="Bea",
        buyer_email="bea@example.org",
        language="es",
        actor=STAFF,
        settings=settings,
    )
    after = await tickets_of(order)
    await as_staff(client)

    body = (await client.get(f"/door/{event.slug}/offline-list")).json()

    # What the former buyer holds still carries a good signature: offline, only the
    # list says it no longer counts.
    assert body["revoked"] == {
        hashed(t.secret): "replaced" for t in sorted(before, key=lambda t: hashed(t.secret))
    }
    assert body["valid"] == sorted(hashed(t.secret) for t in after)


async def test_offline_list_is_for_staff_and_this_events_door_volunteers_only(
    app, client, settings
) -> None:
    event = await make_event()
    other = await make_event(slug="pride-1")
    await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    path = f"/door/{event.slug}/offline-list"

    # Signed out, with nothing: refused, as JSON (the scanner's script reads it).
    refused = await client.get(path)
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")

    # A member.
    await make_user(role=Role.MEMBER, email="mia@example.org")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as member:
        await log_in(member, "mia@example.org", PASSWORD)
        assert (await member.get(path)).status_code == 403

    # A volunteer of another event's door.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as elsewhere:
        await as_volunteer(elsewhere, other, code=OTHER_CODE)
        assert (await elsewhere.get(f"/door/{other.slug}/offline-list")).status_code == 200
        assert (await elsewhere.get(path)).status_code == 403
        await Event.filter(id=other.id).update(door_code=None)

    # This event's volunteer, then staff.
    await as_volunteer(client, event)
    assert (await client.get(path)).status_code == 200
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as staff:
        await as_staff(staff)
        assert (await staff.get(path)).status_code == 200


# The page the service worker keeps -----------------------------------------------------


async def test_only_a_plain_scanner_page_is_marked_for_the_service_worker_to_keep(
    client, settings
) -> None:
    event = await make_event()
    await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    await as_volunteer(client, event)

    plain = await client.get(f"/door/{event.slug}?gate=North")
    searched = await client.get(f"/door/{event.slug}?q=Ana")
    order = await client.get(f"/door/{event.slug}?order=YOC-5CTR9V22")

    assert plain.headers.get("x-door-shell") == "1"
    assert 'data-keep="yes"' in plain.text
    assert 'data-keep="no"' in searched.text
    assert "Ana Buyer" in searched.text
    # Search results and an order's tickets name people: never kept on the phone.
    assert "x-door-shell" not in searched.headers
    assert "x-door-shell" not in order.headers


async def test_a_page_with_a_message_shown_once_is_not_kept(client, settings) -> None:
    event = await make_event()
    ticket_type = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1000)
    order = await make_order(event, settings, {ticket_type: 1}, payment=PaymentMethod.BOX_OFFICE)
    await as_volunteer(client, event)
    scanner = await client.get(f"/door/{event.slug}")
    await client.post(
        f"/door/{event.slug}/collect/{order.code}", data={"csrf_token": csrf_from(scanner.text)}
    )

    with_message = await client.get(f"/door/{event.slug}")
    again = await client.get(f"/door/{event.slug}")

    assert "Paid. Now scan the tickets again" in html.unescape(with_message.text)
    assert "x-door-shell" not in with_message.headers
    assert again.headers.get("x-door-shell") == "1"


async def test_door_service_worker_is_served_from_the_door_as_javascript(client) -> None:
    response = await client.get("/door/sw.js")

    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/javascript"
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == (PROJECT_DIR / "static" / "js" / "door-sw.js").read_bytes()


# Tickets let in twice ------------------------------------------------------------------


async def test_an_offline_entry_of_a_ticket_let_in_earlier_elsewhere_is_a_conflict_once(
    client, settings
) -> None:
    event = await make_event()
    [ticket] = await tickets_of(
        await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    )
    await as_volunteer(client, event)
    at_a, at_b = yesterday_at(18, 1), yesterday_at(18, 5)
    await sync(client, event, [offline_scan("a-1", ticket, "Gate A", at_a)])
    assert await DoorConflict.all().count() == 0

    later = [offline_scan("b-1", ticket, "Gate B", at_b)]
    answer = await sync(client, event, later)
    await sync(client, event, later)  # the phone sends it again: one conflict still

    assert answer.json()["results"][0]["result"] == "already_checked_in"
    [conflict] = await DoorConflict.all()
    assert (conflict.ticket_id, conflict.scan_id) == (ticket.id, "b-1")
    assert (conflict.first_gate, conflict.first_at) == ("Gate A", at_a)
    assert (conflict.second_gate, conflict.second_at) == ("Gate B", at_b)
    assert conflict.acknowledged_at is None
    logged = await OrderLog.filter(change=OrderChange.LET_IN_TWICE.value).values_list(
        "order_id", "actor_label", "detail"
    )
    assert logged == [
        (
            ticket.order_id,
            "system",
            {"ticket": ticket.id, "conflict": conflict.id, "gates": ["Gate A", "Gate B"]},
        )
    ]


async def test_an_offline_entry_earlier_than_the_one_on_record_is_a_conflict_too(
    client, settings
) -> None:
    event = await make_event()
    [ticket] = await tickets_of(
        await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    )
    await as_volunteer(client, event)
    at_a, at_b = yesterday_at(18, 5), yesterday_at(18, 1)
    await sync(client, event, [offline_scan("a-1", ticket, "Gate A", at_a)])

    await sync(client, event, [offline_scan("b-1", ticket, "Gate B", at_b)])

    [conflict] = await DoorConflict.all()
    # B was first: its entry counts.
    assert (conflict.first_gate, conflict.first_at) == ("Gate B", at_b)
    assert (conflict.second_gate, conflict.second_at) == ("Gate A", at_a)


async def test_an_online_second_scan_is_refused_at_the_gate_and_is_no_conflict(
    client, settings
) -> None:
    event = await make_event()
    [ticket] = await tickets_of(
        await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    )
    await as_volunteer(client, event)
    scanner = await client.get(f"/door/{event.slug}")
    for _ in range(2):
        await client.post(
            f"/door/{event.slug}/scan",
            data={"csrf_token": csrf_from(scanner.text), "code": ticket.secret, "gate": ""},
        )

    assert await DoorConflict.all().count() == 0


async def two_gates_conflict(client, event: Event, settings) -> tuple[Ticket, DoorConflict]:
    [ticket] = await tickets_of(
        await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    )
    await sync(client, event, [offline_scan("a-1", ticket, "Gate A", yesterday_at(18, 1))])
    await sync(client, event, [offline_scan("b-1", ticket, "", yesterday_at(18, 5))])
    return ticket, await DoorConflict.get(scan_id="b-1")


async def test_the_scanner_lists_open_conflicts_without_names(client, settings) -> None:
    event = await make_event()
    await as_volunteer(client, event)
    ticket, conflict = await two_gates_conflict(client, event, settings)
    order = await Order.get(id=ticket.order_id)

    response = await client.get(f"/door/{event.slug}/conflicts")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {
        "conflicts": [
            {
                "id": conflict.id,
                "ticket_type": ticket.label_en,
                "ticket_type_es": ticket.label_es,
                "order": order.code,
                "first_gate": "Gate A",
                "first_at": conflict.first_at.isoformat(),
                "second_gate": "",
                "second_at": conflict.second_at.isoformat(),
            }
        ]
    }
    assert order.buyer_name not in response.text


async def test_a_volunteer_acknowledges_a_conflict_which_is_kept_with_who_and_when(
    client, settings
) -> None:
    event = await make_event()
    await as_volunteer(client, event, name="Lupe")
    ticket, conflict = await two_gates_conflict(client, event, settings)
    scanner = await client.get(f"/door/{event.slug}")
    token = re.search(r'data-csrf="([^"]+)"', scanner.text).group(1)
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    path = f"/door/{event.slug}/conflicts/{conflict.id}/acknowledge"

    response = await client.post(path, json={}, headers=headers)
    again = await client.post(path, json={}, headers=headers)

    assert response.status_code == 200
    await conflict.refresh_from_db()
    assert conflict.acknowledged_by == "Lupe"
    assert abs(conflict.acknowledged_at - utcnow()) < timedelta(minutes=1)
    assert response.json() == {
        "acknowledged": conflict.id,
        "by": "Lupe",
        "at": conflict.acknowledged_at.isoformat(),
    }
    assert (await client.get(f"/door/{event.slug}/conflicts")).json() == {"conflicts": []}
    # Pressed again (or on another phone): it says who did it first.
    assert again.status_code == 409
    assert again.json()["error"] == "already_acknowledged"
    assert again.json()["message"] == "Lupe already acknowledged this."
    logged = await OrderLog.filter(change=OrderChange.DOUBLE_ENTRY_ACKNOWLEDGED.value).values_list(
        "order_id", "actor_label"
    )
    assert logged == [(ticket.order_id, "Lupe")]


async def test_acknowledging_needs_the_door_and_the_pages_token(app, client, settings) -> None:
    event = await make_event()
    other = await make_event(slug="pride-1")
    await as_volunteer(client, event)
    _, conflict = await two_gates_conflict(client, event, settings)
    path = f"/door/{event.slug}/conflicts/{conflict.id}/acknowledge"

    without_token = await client.post(path, json={}, headers={"Accept": "application/json"})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as stranger:
        page = await stranger.get("/door")
        signed_out = await stranger.post(path, data={"csrf_token": csrf_from(page.text)})
        await as_volunteer(stranger, other, code=OTHER_CODE)
        scanner = await stranger.get(f"/door/{other.slug}")
        elsewhere = await stranger.post(path, data={"csrf_token": csrf_from(scanner.text)})
        # Named at another event's door: not found there.
        wrong_door = await stranger.post(
            f"/door/{other.slug}/conflicts/{conflict.id}/acknowledge",
            data={"csrf_token": csrf_from(scanner.text)},
        )

    assert (without_token.status_code, signed_out.status_code) == (403, 403)
    assert (elsewhere.status_code, wrong_door.status_code) == (403, 404)
    await conflict.refresh_from_db()
    assert conflict.acknowledged_at is None


async def test_two_people_acknowledging_at_once_acknowledge_once(client, settings) -> None:
    """Two phones press at the same moment (two connections; on PostgreSQL, two
    transactions racing): one wins, the other is told who did it."""
    event = await make_event()
    await as_volunteer(client, event)
    _, conflict = await two_gates_conflict(client, event, settings)

    outcomes = await asyncio.gather(
        door_conflicts.acknowledge(event, conflict.id, actor="Lupe"),
        door_conflicts.acknowledge(event, conflict.id, actor="Beto"),
        return_exceptions=True,
    )

    won = [o for o in outcomes if not isinstance(o, Exception)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], Conflict)
    await conflict.refresh_from_db()
    assert conflict.acknowledged_by == won[0].acknowledged_by
    assert lost[0].params == {"who": conflict.acknowledged_by}
    assert await OrderLog.filter(change=OrderChange.DOUBLE_ENTRY_ACKNOWLEDGED.value).count() == 1


@pytest.mark.parametrize("language", ["en", "es"])
async def test_staff_live_counts_list_open_conflicts_until_acknowledged(
    client, settings, language
) -> None:
    event = await make_event()
    await as_volunteer(client, event)
    ticket, conflict = await two_gates_conflict(client, event, settings)
    order = await Order.get(id=ticket.order_id)
    client.cookies.clear()
    await as_staff(client, language)

    page = await client.get(f"/door/{event.slug}/counts")
    part = await client.get(f"/door/{event.slug}/counts/live")

    with use_language(language):
        heading = ngettext("%(num)d ticket let in twice", "%(num)d tickets let in twice", 1)
    assert language == "en" or heading != "1 ticket let in twice"
    text = html.unescape(page.text)
    assert heading in text
    assert f"{ticket.label_es if language == 'es' else ticket.label_en} · {order.code}" in text
    assert heading in html.unescape(part.text)
    form = re.search(
        rf'action="(/door/{event.slug}/conflicts/{conflict.id}/acknowledge)"', page.text
    )
    assert form is not None

    done = await client.post(
        form.group(1), data={"csrf_token": csrf_from(page.text), "back": "counts"}
    )

    assert (done.status_code, done.headers["location"]) == (303, f"/door/{event.slug}/counts")
    after = html.unescape((await client.get(done.headers["location"])).text)
    assert translated("Acknowledged. It no longer shows at the door.", language) in after
    assert heading not in after
    await conflict.refresh_from_db()
    assert conflict.acknowledged_by == "Sam Staff <sam@example.org>"
