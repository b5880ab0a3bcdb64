"""Check-in at the festival door: the check-in API (staff token or door code), one answer
per scan id, signed QR codes (online and as the offline scanner checks them), offline
scans synced later, two gates racing for one ticket through two server processes, the
scanner page's permissions and live counts, and what the buyer holds (ticket page,
print page, resend, the confirmation email with its QR images)."""

from __future__ import annotations

import asyncio
import base64
import html
import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from PIL import Image

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.servers import running_server
from tests.tickets.factories import bearer_for, make_event, make_order, make_ticket_type
from yoc import jobs, qrcodes
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.mail import OutboxMessage
from yoc.payments.providers import Payments
from yoc.settings import PROJECT_DIR
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing, TicketStatus
from yoc.tickets.models import CheckIn, Order, Ticket, TicketType
from yoc.tickets.services import refunds, signing, states
from yoc.timeutil import utcnow

STAFF_LABEL = "Sam Staff <sam@example.org>"
DOOR_CODE = "K7M4QX9P"
OTHER_DOOR_CODE = "R2D2C3PX"


# Helpers -------------------------------------------------------------------------


async def staff_headers() -> dict[str, str]:
    return await bearer_for(await make_user(role=Role.STAFF))


def door_headers(code: str) -> dict[str, str]:
    return {"Authorization": f"Bearer door_{code}"}


async def with_door_code(event: Event, code: str = DOOR_CODE) -> Event:
    await Event.filter(id=event.id).update(door_code=code)
    await event.refresh_from_db()
    return event


async def free_tickets(
    event: Event, settings, ticket_type: TicketType, n: int = 1, **order: Any
) -> list[Ticket]:
    """``n`` valid tickets of a paid (free) order."""
    placed = await make_order(event, settings, {ticket_type: n}, payment=None, **order)
    assert placed.status == OrderStatus.PAID
    return list(await Ticket.filter(order=placed).order_by("id"))


async def checkin(
    client: httpx.AsyncClient, headers: dict[str, str], event: Event, code: str, **extra: Any
) -> httpx.Response:
    body = {"secret": code, "event": event.slug, "gate": "North gate", **extra}
    return await client.post("/api/v1/checkin", json=body, headers=headers)


async def about(ticket: Ticket) -> dict[str, str]:
    """What every answer about a real ticket says of it."""
    order = await Order.get(id=ticket.order_id)
    return {
        "ticket_type": ticket.label_en,
        "ticket_type_es": ticket.label_es,
        "name": order.buyer_name,
        "order": order.code,
    }


def at(value: str | None) -> datetime:
    assert value, "no time in the answer"
    return datetime.fromisoformat(value)


def altered(code: str, part: int) -> str:
    """``code`` with one character of part ``part`` (0-based, split on dots) changed."""
    parts = code.split(".")
    old = parts[part][0]
    # The first character: the last one of the base64 signature may only hold padding bits.
    alphabet = "23456789" if part in (1, 2) else "ABCDEFGHJKMNPQRSTUVWXYZ"
    parts[part] = next(c for c in alphabet if c != old) + parts[part][1:]
    return ".".join(parts)


def attribute(page: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', page)
    assert match, f"the page has no {name}"
    return html.unescape(match.group(1))


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_like_scanner(code: str, public_key: str, event_id: str) -> bool:
    """What static/js/scanner.js's verifyOffline() decides for a signed code, in Python:
    the event id must be this scanner's, and the Ed25519 signature must hold for the
    first four parts under the page's public key (base64url, raw)."""
    parts = code.strip().split(".")
    assert len(parts) == 5 and parts[0] == "YC1", "not a signed code"
    if parts[1] != event_id:
        return False
    key = Ed25519PublicKey.from_public_bytes(_unb64(public_key))
    try:
        key.verify(_unb64(parts[4]), ".".join(parts[:4]).encode())
    except (InvalidSignature, ValueError):
        return False
    return True


async def staff_session(app_client: httpx.AsyncClient) -> None:
    staff = await make_user(role=Role.STAFF)
    await log_in(app_client, staff.email, PASSWORD)


async def sync(
    client: httpx.AsyncClient, event: Event, scans: list[dict[str, Any]]
) -> httpx.Response:
    """What the scanner script sends when the network is back."""
    scanner = await client.get(f"/door/{event.slug}")
    assert scanner.status_code == 200
    return await client.post(
        f"/door/{event.slug}/sync",
        json={"scans": scans},
        headers={
            "X-CSRF-Token": attribute(scanner.text, "data-csrf"),
            "Accept": "application/json",
        },
    )


def yesterday_at(hour: int, minute: int) -> datetime:
    return (utcnow() - timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)


# The check-in API: every answer -------------------------------------------------


@pytest.mark.parametrize("credential", ["staff token", "door code"])
async def test_checkin_lets_a_paid_ticket_in(client, settings, credential) -> None:
    event = await with_door_code(await make_event())
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    headers = await staff_headers() if credential == "staff token" else door_headers(DOOR_CODE)

    response = await checkin(client, headers, event, ticket.secret)

    assert response.status_code == 200
    assert response.json() == {"result": "ok", **await about(ticket)}
    await ticket.refresh_from_db()
    assert ticket.checked_in_gate == "North gate"
    assert ticket.checked_in_at is not None
    assert utcnow() - ticket.checked_in_at < timedelta(minutes=1)
    scans = await CheckIn.filter(ticket=ticket)
    assert [(s.result, s.gate, s.event_id) for s in scans] == [("ok", "North gate", event.id)]


async def test_checkin_second_scan_reports_first_time_and_gate(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    headers = await staff_headers()
    await checkin(client, headers, event, ticket.secret, gate="North gate")

    response = await checkin(client, headers, event, ticket.secret, gate="South gate")

    assert response.status_code == 200
    body = response.json()
    first_at = body.pop("first_at")
    assert body == {
        "result": "already_checked_in",
        "first_gate": "North gate",
        **await about(ticket),
    }
    await ticket.refresh_from_db()
    assert at(first_at) == ticket.checked_in_at
    assert ticket.checked_in_gate == "North gate"
    assert await CheckIn.filter(ticket=ticket).order_by("id").values_list("result", flat=True) == [
        "ok",
        "already_checked_in",
    ]


async def test_checkin_an_unknown_code_is_invalid(client) -> None:
    event = await make_event()

    response = await checkin(client, await staff_headers(), event, "NOTATICKET23456789ABCDEFGH")

    assert response.status_code == 200
    assert response.json() == {"result": "invalid", "reason": "unknown"}
    scans = await CheckIn.all()
    assert [(s.result, s.ticket_id, s.event_id) for s in scans] == [("invalid", None, event.id)]


async def test_checkin_a_typed_code_may_have_spaces_dashes_and_small_letters(
    client, settings
) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    typed = "-".join(ticket.secret[i : i + 4] for i in range(0, 26, 4)).lower()

    response = await checkin(client, await staff_headers(), event, f" {typed} ")

    assert response.json() == {"result": "ok", **await about(ticket)}


async def test_checkin_a_refunded_orders_ticket_is_invalid(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    order = await Order.get(id=ticket.order_id)
    await refunds.refund(
        order,
        actor=STAFF_LABEL,
        reason="cannot come",
        settings=settings,
        payments=Payments.from_settings(settings),
    )

    response = await checkin(client, await staff_headers(), event, ticket.secret)

    assert response.json() == {"result": "invalid", "reason": "refunded", **await about(ticket)}
    await ticket.refresh_from_db()
    assert (ticket.status, ticket.checked_in_at) == (TicketStatus.VOID, None)


async def test_checkin_a_cancelled_orders_ticket_is_invalid(client, settings) -> None:
    event = await make_event()
    paid_type = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {paid_type: 1})
    await refunds.cancel(
        order,
        actor=STAFF_LABEL,
        reason="never came to pay",
        settings=settings,
        payments=Payments.from_settings(settings),
    )
    ticket = await Ticket.get(order=order)

    response = await checkin(client, await staff_headers(), event, ticket.secret)

    assert response.json() == {"result": "invalid", "reason": "cancelled", **await about(ticket)}
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None


async def test_checkin_a_ticket_refunded_alone_is_invalid_and_its_sibling_is_not(
    client, settings
) -> None:
    event = await make_event()
    first, second = await free_tickets(event, settings, await make_ticket_type(event), 2)
    await refunds.refund(
        await Order.get(id=first.order_id),
        actor=STAFF_LABEL,
        reason="one cannot come",
        settings=settings,
        payments=Payments.from_settings(settings),
        ticket_ids=[first.id],
    )
    headers = await staff_headers()

    refunded = await checkin(client, headers, event, first.secret)
    kept = await checkin(client, headers, event, second.secret)

    assert refunded.json() == {"result": "invalid", "reason": "void", **await about(first)}
    assert kept.json() == {"result": "ok", **await about(second)}


async def test_checkin_a_ticket_of_another_event_is_wrong_event(client, settings) -> None:
    event, other = await make_event(), await make_event()
    ticket = (await free_tickets(other, settings, await make_ticket_type(other)))[0]

    response = await checkin(client, await staff_headers(), event, ticket.secret)

    assert response.json() == {"result": "wrong_event", **await about(ticket)}
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None


async def test_checkin_an_unpaid_box_office_order_says_what_to_collect(client, settings) -> None:
    event = await make_event()
    paid_type = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {paid_type: 2}, payment=PaymentMethod.BOX_OFFICE)
    ticket = (await Ticket.filter(order=order).order_by("id"))[0]

    response = await checkin(client, await staff_headers(), event, ticket.secret)

    assert response.json() == {
        "result": "not_paid",
        "collect_cents": 3000,
        "box_office": True,
        **await about(ticket),
    }
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None


# The check-in API: who may use it ----------------------------------------------


async def test_checkin_a_door_code_works_only_for_its_own_event(client, settings) -> None:
    event_a = await with_door_code(await make_event(), DOOR_CODE)
    event_b = await with_door_code(await make_event(), OTHER_DOOR_CODE)
    ticket_b = (await free_tickets(event_b, settings, await make_ticket_type(event_b)))[0]

    response = await checkin(client, door_headers(DOOR_CODE), event_b, ticket_b.secret)

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert event_a.door_code != event_b.door_code
    await ticket_b.refresh_from_db()
    assert ticket_b.checked_in_at is None
    assert await CheckIn.all().count() == 0


async def test_checkin_a_door_code_cannot_open_an_event_without_one(client, settings) -> None:
    await with_door_code(await make_event(), DOOR_CODE)
    no_code = await make_event()
    ticket = (await free_tickets(no_code, settings, await make_ticket_type(no_code)))[0]

    response = await checkin(client, door_headers(DOOR_CODE), no_code, ticket.secret)

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert await CheckIn.all().count() == 0


async def test_checkin_without_a_token_is_401(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]

    response = await checkin(client, {}, event, ticket.secret)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthenticated"
    assert await CheckIn.all().count() == 0


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MENTOR])
async def test_checkin_with_a_token_of_someone_not_staff_is_403(client, settings, role) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    headers = await bearer_for(await make_user(role=role))

    response = await checkin(client, headers, event, ticket.secret)

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None


async def test_checkin_an_unknown_event_is_404_for_staff(client) -> None:
    response = await client.post(
        "/api/v1/checkin",
        json={"secret": "X", "event": "no-such-event", "gate": "North gate"},
        headers=await staff_headers(),
    )

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


# One answer per scan id ----------------------------------------------------------


async def test_checkin_the_same_scan_sent_twice_counts_once(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    headers = await staff_headers()

    first = await checkin(client, headers, event, ticket.secret, scan_id="phone-1-scan-0001")
    again = await checkin(client, headers, event, ticket.secret, scan_id="phone-1-scan-0001")

    assert first.json() == {"result": "ok", **await about(ticket)}
    assert again.json() == {"result": "ok", "replayed": True, **await about(ticket)}
    assert await CheckIn.filter(scan_id="phone-1-scan-0001").count() == 1
    assert await CheckIn.all().count() == 1


async def test_checkin_a_replayed_scan_keeps_its_first_answer(client, settings) -> None:
    """A retry of a refused scan is refused the same way, even if it would pass now."""
    event = await make_event()
    paid_type = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {paid_type: 1}, payment=PaymentMethod.BOX_OFFICE)
    ticket = await Ticket.get(order=order)
    headers = await staff_headers()
    first = await checkin(client, headers, event, ticket.secret, scan_id="phone-1-scan-0002")
    await states.mark_paid_at_door(order, actor=STAFF_LABEL, settings=settings)

    again = await checkin(client, headers, event, ticket.secret, scan_id="phone-1-scan-0002")

    assert first.json()["result"] == "not_paid"
    assert again.json() == {**first.json(), "replayed": True}
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None
    assert await CheckIn.all().count() == 1


async def test_checkin_a_scan_id_reused_for_another_ticket_is_not_answered_with_the_first(
    client, settings
) -> None:
    """A scan id names one scan of one ticket: sent again with another ticket (a phone
    that repeats its ids), it neither replays the first ticket's answer nor marks the
    second ticket."""
    event = await make_event()
    first, second = await free_tickets(event, settings, await make_ticket_type(event), 2)
    headers = await staff_headers()
    await checkin(client, headers, event, first.secret, scan_id="phone-1-scan-0003")

    again = await checkin(client, headers, event, second.secret, scan_id="phone-1-scan-0003")

    assert (again.status_code, again.json()) == (
        200,
        {"result": "invalid", "reason": "scan_id_reused"},
    )
    await second.refresh_from_db()
    assert second.checked_in_at is None
    assert await CheckIn.all().count() == 1


async def test_checkin_a_scan_id_reused_at_another_event_is_not_answered_with_the_first(
    client, settings
) -> None:
    event, other = await make_event(), await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    elsewhere = (await free_tickets(other, settings, await make_ticket_type(other)))[0]
    headers = await staff_headers()
    await checkin(client, headers, event, ticket.secret, scan_id="phone-1-scan-0004")

    again = await checkin(client, headers, other, elsewhere.secret, scan_id="phone-1-scan-0004")

    assert again.json() == {"result": "invalid", "reason": "scan_id_reused"}
    await elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


async def test_sync_a_scan_id_reused_for_another_ticket_is_reported_per_scan(
    client, settings
) -> None:
    event = await make_event()
    first, second = await free_tickets(event, settings, await make_ticket_type(event), 2)
    await make_user(email="door@example.org", role=Role.STAFF)
    await log_in(client, "door@example.org", PASSWORD)
    token = csrf_from((await client.get(f"/door/{event.slug}")).text)
    scans = [
        {"scan_id": "offline-1", "code": first.secret, "gate": "Gate A"},
        {"scan_id": "offline-1", "code": second.secret, "gate": "Gate A"},
    ]

    response = await client.post(
        f"/door/{event.slug}/sync", json={"scans": scans}, headers={"X-CSRF-Token": token}
    )

    assert response.json()["results"] == [
        {"scan_id": "offline-1", "result": "ok", **await about(first)},
        {"scan_id": "offline-1", "result": "invalid", "reason": "scan_id_reused"},
    ]
    await second.refresh_from_db()
    assert second.checked_in_at is None


# Signed codes --------------------------------------------------------------------


async def test_checkin_a_signed_qr_code_lets_the_ticket_in(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    code = await signing.code_for(ticket, event)

    response = await checkin(client, await staff_headers(), event, code)

    assert code.startswith(f"YC1.{event.id}.{ticket.ticket_type_id}.{ticket.secret}.")
    assert response.json() == {"result": "ok", **await about(ticket)}


@pytest.mark.parametrize(
    ("part", "what"), [(3, "secret"), (4, "signature"), (2, "ticket type"), (1, "event")]
)
async def test_checkin_an_altered_signed_code_is_forged(client, settings, part, what) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    code = await signing.code_for(ticket, event)
    forged = altered(code, part)
    headers = await staff_headers()

    response = await checkin(client, headers, event, forged)

    assert forged != code, what
    assert response.json() == {"result": "invalid", "reason": "forged"}
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None
    # The genuine code still works afterwards.
    assert (await checkin(client, headers, event, code)).json()["result"] == "ok"


async def test_checkin_a_code_signed_for_another_event_is_forged(client, settings) -> None:
    """The event id swapped to a real event: the other event's key does not match."""
    event, other = await make_event(), await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    code = await signing.code_for(ticket, event)
    parts = code.split(".")
    parts[1] = str(other.id)
    swapped = ".".join(parts)

    response = await checkin(client, await staff_headers(), other, swapped)

    assert response.json() == {"result": "invalid", "reason": "forged"}


async def test_offline_verifier_accepts_genuine_codes_and_refuses_altered_ones(
    client, settings
) -> None:
    """The scanner page hands the script the event's public key; with it, a genuine code
    verifies and any altered one does not, as static/js/scanner.js checks without network."""
    event, other = await make_event(), await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    other_ticket = (await free_tickets(other, settings, await make_ticket_type(other)))[0]
    await staff_session(client)

    page = (await client.get(f"/door/{event.slug}")).text
    public_key, event_id = attribute(page, "data-public-key"), attribute(page, "data-event-id")

    code = await signing.code_for(ticket, event)
    assert public_key == await signing.public_key(event)
    assert event_id == str(event.id)
    assert verify_like_scanner(code, public_key, event_id) is True
    for part in (1, 2, 3, 4):
        assert verify_like_scanner(altered(code, part), public_key, event_id) is False, part
    # A genuine code of another festival is not one of ours either.
    other_code = await signing.code_for(other_ticket, other)
    assert verify_like_scanner(other_code, public_key, event_id) is False
    relabelled = other_code.split(".")
    relabelled[1] = event_id
    assert verify_like_scanner(".".join(relabelled), public_key, event_id) is False


# Offline scans, synced later ------------------------------------------------------


async def test_sync_checks_in_a_batch_at_the_times_it_was_scanned(client, settings) -> None:
    event = await make_event()
    tickets = await free_tickets(event, settings, await make_ticket_type(event), 3)
    await staff_session(client)
    times = [yesterday_at(18, 0), yesterday_at(18, 2), yesterday_at(18, 4)]
    scans = [
        {"scan_id": f"gate-a-{n}", "code": t.secret, "gate": "Gate A", "scanned_at": w.isoformat()}
        for n, (t, w) in enumerate(zip(tickets, times, strict=True))
    ]
    scans.append(
        {
            "scan_id": "gate-a-9",
            "code": "NOTATICKET23456789ABCDEFGH",
            "gate": "Gate A",
            "scanned_at": times[0].isoformat().replace("+00:00", "Z"),
        }
    )

    response = await sync(client, event, scans)

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            *[
                {"scan_id": f"gate-a-{n}", "result": "ok", **await about(t)}
                for n, t in enumerate(tickets)
            ],
            {"scan_id": "gate-a-9", "result": "invalid", "reason": "unknown"},
        ]
    }
    for ticket, when in zip(tickets, times, strict=True):
        await ticket.refresh_from_db()
        assert (ticket.checked_in_at, ticket.checked_in_gate) == (when, "Gate A")
    assert await CheckIn.all().count() == 4


async def test_sync_a_scan_dated_in_the_future_counts_as_now(client, settings) -> None:
    """A phone with a wrong clock cannot push a check-in into the future."""
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    await staff_session(client)
    future = utcnow() + timedelta(days=2)

    response = await sync(
        client,
        event,
        [
            {
                "scan_id": "s1",
                "code": ticket.secret,
                "gate": "Gate A",
                "scanned_at": future.isoformat(),
            }
        ],
    )

    assert response.json()["results"][0]["result"] == "ok"
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is not None
    assert ticket.checked_in_at <= utcnow()


async def test_sync_the_same_ticket_at_two_gates_offline_keeps_the_earliest(
    client, settings
) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    await staff_session(client)
    at_a, at_b = yesterday_at(18, 5), yesterday_at(18, 1)
    scan_a = {"scan_id": "gate-a-1", "code": ticket.secret, "gate": "Gate A"}
    scan_b = {"scan_id": "gate-b-1", "code": ticket.secret, "gate": "Gate B"}

    first_sync = await sync(client, event, [{**scan_a, "scanned_at": at_a.isoformat()}])
    later_sync = await sync(client, event, [{**scan_b, "scanned_at": at_b.isoformat()}])

    assert first_sync.json() == {
        "results": [{"scan_id": "gate-a-1", "result": "ok", **await about(ticket)}]
    }
    # B was earlier: it becomes the entry, and its answer tells of the scan at gate A.
    [answer_b] = later_sync.json()["results"]
    conflict = answer_b.pop("conflict")
    assert answer_b == {"scan_id": "gate-b-1", "result": "ok", **await about(ticket)}
    assert conflict["gate"] == "Gate A"
    assert at(conflict["at"]) == at_a
    await ticket.refresh_from_db()
    assert (ticket.checked_in_at, ticket.checked_in_gate) == (at_b, "Gate B")
    # A's scan is now on record as the second one: already checked in, first at B.
    record_a = await CheckIn.get(scan_id="gate-a-1")
    first_at = record_a.detail.get("first_at")
    assert (record_a.result, record_a.detail.get("first_gate")) == ("already_checked_in", "Gate B")
    assert at(first_at) == at_b
    assert await CheckIn.filter(ticket=ticket, result="ok").count() == 1


async def test_sync_needs_the_pages_csrf_token(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]
    await staff_session(client)

    response = await client.post(
        f"/door/{event.slug}/sync",
        json={"scans": [{"scan_id": "s1", "code": ticket.secret, "gate": "Gate A"}]},
    )

    assert response.status_code == 403
    await ticket.refresh_from_db()
    assert ticket.checked_in_at is None
    assert await CheckIn.all().count() == 0


# Two gates, two server processes, one ticket --------------------------------------


@pytest.fixture(scope="module")
def servers(database_url: str) -> Iterator[tuple[str, str]]:
    """Two `yoc serve` processes on the suite's database: two app machines."""
    with running_server(database_url) as first, running_server(database_url) as second:
        yield first, second


async def fire(
    servers: tuple[str, str], headers: dict[str, str], bodies: list[dict[str, Any]]
) -> list[httpx.Response]:
    """Send every body at once, alternating between the two servers."""
    async with httpx.AsyncClient(timeout=60) as http:
        return list(
            await asyncio.gather(
                *(
                    http.post(f"{servers[n % 2]}/api/v1/checkin", json=body, headers=headers)
                    for n, body in enumerate(bodies)
                )
            )
        )


async def test_race_one_ticket_at_two_gates_lets_exactly_one_in(app, servers, settings) -> None:
    """Ten scans of one ticket at once, at gates A and B on two servers: one gets in.
    Eight tickets race at the same time, so that a rare interleaving shows up."""
    event = await make_event()
    tickets = await free_tickets(event, settings, await make_ticket_type(event), 8)
    headers = await staff_headers()
    bodies = [
        {"secret": t.secret, "event": event.slug, "gate": f"Gate {'AB'[n % 2]}"}
        for n in range(10)
        for t in tickets
    ]

    responses = await fire(servers, headers, bodies)

    assert [r.status_code for r in responses] == [200] * 80, [r.text[:200] for r in responses]
    for ticket in tickets:
        answers = [
            r.json() for r, b in zip(responses, bodies, strict=True) if b["secret"] == ticket.secret
        ]
        results = Counter(a["result"] for a in answers)
        winners = [a for a in answers if a["result"] == "ok"]
        assert results == {"ok": 1, "already_checked_in": 9}, f"several got in: {winners!s}"
        await ticket.refresh_from_db()
        assert ticket.checked_in_at is not None
        assert {
            (at(a["first_at"]), a["first_gate"])
            for a in answers
            if a["result"] == "already_checked_in"
        } == {(ticket.checked_in_at, ticket.checked_in_gate)}
        recorded = await CheckIn.filter(ticket=ticket).values_list("result", flat=True)
        assert Counter(recorded) == results


async def test_race_the_same_scan_retried_at_once_counts_once(app, servers, settings) -> None:
    """A phone that times out sends its scan again while the first is still in flight:
    one check-in, and every copy gets the answer of the scan that let the ticket in."""
    event = await make_event()
    tickets = await free_tickets(
        event, settings, await make_ticket_type(event, max_per_order=20), 12
    )
    headers = await staff_headers()
    bodies = [
        {"secret": t.secret, "event": event.slug, "gate": "Gate A", "scan_id": f"retry-{t.id}"}
        for t in tickets
        for _ in range(8)
    ]

    responses = await fire(servers, headers, bodies)

    assert [r.status_code for r in responses] == [200] * 96, [r.text[:200] for r in responses]
    for ticket in tickets:
        answers = [
            r.json() for r, b in zip(responses, bodies, strict=True) if b["secret"] == ticket.secret
        ]
        assert [a["result"] for a in answers] == ["ok"] * 8, f"answers: {answers!s}"
        assert sum(1 for a in answers if not a.get("replayed")) == 1
        assert await CheckIn.filter(ticket=ticket).count() == 1
        await ticket.refresh_from_db()
        assert ticket.checked_in_at is not None


# The scanner page: who may open it --------------------------------------------------


async def test_scanner_staff_open_it_with_the_events_public_key(client) -> None:
    event = await make_event()
    await staff_session(client)

    response = await client.get(f"/door/{event.slug}")

    assert response.status_code == 200
    assert attribute(response.text, "data-public-key") == await signing.public_key(event)
    assert attribute(response.text, "data-sync-url") == f"/door/{event.slug}/sync"


async def test_scanner_anonymous_is_sent_to_the_door_code_page(client) -> None:
    event = await make_event()

    response = await client.get(f"/door/{event.slug}")

    assert response.status_code == 303
    assert response.headers["location"] == "/door"


async def test_scanner_a_signed_in_member_is_403(client) -> None:
    event = await make_event()
    member = await make_user(role=Role.MEMBER)
    await log_in(client, member.email, PASSWORD)

    assert (await client.get(f"/door/{event.slug}")).status_code == 403
    assert (await client.get(f"/door/{event.slug}/counts")).status_code == 403


async def test_scanner_a_wrong_door_code_is_refused(client) -> None:
    await with_door_code(await make_event())

    response = await post_form(client, "/door", {"door_code": "WRONG234"})

    assert response.status_code == 400
    assert "That door code does not work." in html.unescape(response.text)


async def test_scanner_a_volunteer_with_the_door_code_scans_one_event_only(
    client, settings
) -> None:
    event = await with_door_code(await make_event())
    other = await with_door_code(await make_event(), OTHER_DOOR_CODE)
    general = await make_ticket_type(event)
    by_form, by_script = await free_tickets(event, settings, general, 2)

    # The code is typed as it comes: small letters work too.
    entered = await post_form(client, "/door", {"door_code": DOOR_CODE.lower()})
    assert entered.status_code == 303
    assert entered.headers["location"] == f"/door/{event.slug}"

    scanner = await client.get(f"/door/{event.slug}")
    assert scanner.status_code == 200

    # Without JavaScript: the page's own form.
    scanned = await client.post(
        f"/door/{event.slug}/scan",
        data={"csrf_token": csrf_from(scanner.text), "gate": "North gate", "code": by_form.secret},
    )
    assert scanned.status_code == 200
    assert re.search(r'<p class="result-title">Welcome! Valid ticket</p>', scanned.text)
    # With the scanner script: JSON.
    scripted = await client.post(
        f"/door/{event.slug}/scan",
        json={"code": by_script.secret, "gate": "North gate", "scan_id": "phone-2-1"},
        headers={
            "Accept": "application/json",
            "X-CSRF-Token": attribute(scanner.text, "data-csrf"),
        },
    )
    assert scripted.json() == {"result": "ok", **await about(by_script)}
    for ticket in (by_form, by_script):
        await ticket.refresh_from_db()
        assert ticket.checked_in_gate == "North gate"

    # Nothing else: not another event's scanner, nor staff pages, nor the counts.
    assert (await client.get(f"/door/{other.slug}")).status_code == 404
    other_ticket = (await free_tickets(other, settings, await make_ticket_type(other)))[0]
    refused = await client.post(
        f"/door/{other.slug}/scan",
        data={"csrf_token": csrf_from(scanner.text), "code": other_ticket.secret},
    )
    assert refused.status_code == 403
    await other_ticket.refresh_from_db()
    assert other_ticket.checked_in_at is None
    for path in ("/staff/events", f"/staff/events/{event.slug}", f"/door/{event.slug}/counts"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next="), path


# Live counts --------------------------------------------------------------------


def table_rows(page: str, heading: str) -> list[list[str]]:
    section = re.search(rf"<h2>{re.escape(heading)}</h2>(.*?)</section>", page, re.S)
    assert section, f"no section {heading!r}"
    body = re.search(r"<tbody>(.*?)</tbody>", section.group(1), re.S)
    assert body
    return [
        [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


async def test_counts_show_checked_in_and_sold_per_type_and_gate(client, settings) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    youth = await make_ticket_type(event, name_en="Youth", name_es="Jóvenes")
    box_type = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    adults = await free_tickets(event, settings, general, 3)
    kids = await free_tickets(event, settings, youth, 2)
    await make_order(event, settings, {box_type: 2})  # not paid yet: not sold
    headers = await staff_headers()
    await checkin(client, headers, event, adults[0].secret, gate="North gate")
    await checkin(client, headers, event, adults[1].secret, gate="South gate")
    await checkin(client, headers, event, kids[0].secret, gate="North gate")
    await staff_session(client)

    response = await client.get(f"/door/{event.slug}/counts")

    assert response.status_code == 200
    assert "<strong>3</strong> of 5 checked in" in response.text
    assert table_rows(response.text, "By ticket type") == [
        ["General admission", "2", "3"],
        ["Youth", "1", "2"],
    ]
    assert sorted(table_rows(response.text, "By gate")) == [
        ["North gate", "2"],
        ["South gate", "1"],
    ]


async def test_counts_anonymous_is_sent_to_log_in(client) -> None:
    event = await make_event()

    response = await client.get(f"/door/{event.slug}/counts")

    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/door/{event.slug}/counts"


# What the buyer holds -------------------------------------------------------------


async def test_ticket_page_shows_the_signed_qr_code_and_the_code_as_text(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]

    response = await client.get(f"/tickets/{ticket.secret}")

    assert response.status_code == 200
    # Ed25519 signatures are deterministic: the page's QR is the QR of the signed code.
    svg = qrcodes.svg(await signing.code_for(ticket, event))
    assert svg.startswith("<svg")
    assert re.search(r'<div class="qr"[^>]*>\s*' + re.escape(svg), response.text)
    assert f"<code>{ticket.secret}</code>" in response.text
    assert f'<link rel="manifest" href="/tickets/{ticket.secret}/manifest.webmanifest">' in (
        response.text
    )
    assert response.headers["cache-control"] == "private, no-cache"


async def test_ticket_page_of_an_unknown_secret_is_404(client) -> None:
    assert (await client.get("/tickets/NOSUCHTICKET23456789ABCDEF")).status_code == 404


async def test_ticket_manifest_starts_at_that_ticket(client, settings) -> None:
    event = await make_event()
    ticket = (await free_tickets(event, settings, await make_ticket_type(event)))[0]

    response = await client.get(f"/tickets/{ticket.secret}/manifest.webmanifest")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["start_url"] == f"/tickets/{ticket.secret}"
    assert manifest["scope"] == f"/tickets/{ticket.secret}"
    assert manifest["name"] == event.name_en
    assert manifest["display"] == "standalone"


async def test_service_worker_is_served_as_javascript_from_the_root(client) -> None:
    response = await client.get("/sw.js")

    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/javascript"
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == (PROJECT_DIR / "static" / "js" / "sw.js").read_bytes()


async def test_print_page_lists_each_valid_ticket(client, settings) -> None:
    event = await make_event()
    tickets = await free_tickets(event, settings, await make_ticket_type(event), 3)
    order = await Order.get(id=tickets[0].order_id)
    await refunds.refund(
        order,
        actor=STAFF_LABEL,
        reason="one cannot come",
        settings=settings,
        payments=Payments.from_settings(settings),
        ticket_ids=[tickets[1].id],
    )

    response = await client.get(f"/orders/{order.code}/{order.key}/print")

    assert response.status_code == 200
    assert response.text.count('class="card narrow ticket-card print-ticket"') == 2
    shown = re.findall(r'<p class="ticket-secret"><code>([^<]+)</code></p>', response.text)
    assert shown == [tickets[0].secret, tickets[2].secret]
    assert "1 / 2" in response.text and "2 / 2" in response.text
    for ticket in (tickets[0], tickets[2]):
        assert qrcodes.svg(await signing.code_for(ticket, event)) in response.text


def resend_message(response: httpx.Response, email: str) -> str:
    section = re.search(r'<section class="card narrow">(.*?)</section>', response.text, re.S)
    assert section
    return html.unescape(section.group(1)).replace(email, "<email>").strip()


async def test_resend_says_the_same_for_known_and_unknown_emails(client, settings) -> None:
    event = await make_event()
    await free_tickets(
        event, settings, await make_ticket_type(event), buyer_email="ana@example.org"
    )
    before = await OutboxMessage.filter(template="order_confirmed").count()

    known = await post_form(client, "/tickets/resend", {"email": "ana@example.org"})
    unknown = await post_form(client, "/tickets/resend", {"email": "nobody@example.org"})

    assert (known.status_code, unknown.status_code) == (200, 200)
    assert resend_message(known, "ana@example.org") == resend_message(unknown, "nobody@example.org")
    assert "<email>" in resend_message(known, "ana@example.org")
    sent = await OutboxMessage.filter(template="order_confirmed").order_by("id")
    assert len(sent) == before + 1
    assert sent[-1].to_email == "ana@example.org"
    assert await OutboxMessage.filter(to_email="nobody@example.org").count() == 0


def inline_images(message: EmailMessage) -> dict[str, bytes]:
    """The images of the HTML part's multipart/related, by Content-ID."""
    found = {}
    for part in message.walk():
        if part.get_content_type() != "multipart/related":
            continue
        for inner in part.iter_parts():  # type: ignore[attr-defined]
            if inner.get_content_maintype() == "image":
                assert inner.get_content_type() == "image/png"
                found[inner["Content-ID"]] = inner.get_content()
    return found


async def test_confirmation_email_has_one_inline_qr_image_per_ticket(
    settings, app, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    event = await make_event()
    tickets = await free_tickets(event, settings, await make_ticket_type(event), 2)

    await jobs.run_once(settings.with_(smtp_url=smtp_url))

    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == "ana@example.org"
    images = inline_images(message)
    assert sorted(images) == sorted(f"<ticket-{t.id}>" for t in tickets)
    html_body = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    for ticket in tickets:
        assert f'src="cid:ticket-{ticket.id}"' in html_body
        assert ticket.secret in html_body
    png = images[f"<ticket-{tickets[0].id}>"]
    assert png == qrcodes.png(await signing.code_for(tickets[0], event))
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.width == image.height
        assert image.width > 100
