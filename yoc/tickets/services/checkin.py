"""Check-in at the door: one atomic mark per ticket, a stored result per scan id (so a
retry never counts twice), and offline scans that settle on the earliest one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from yoc.events.models import Event
from yoc.i18n import LANGUAGES, N_, gettext, use_language
from yoc.tickets.enums import OrderStatus, PaymentMethod, TicketStatus
from yoc.tickets.models import CheckIn, Ticket
from yoc.tickets.services import door_conflicts, signing
from yoc.timeutil import utcnow

OK = "ok"
ALREADY = "already_checked_in"
INVALID = "invalid"
WRONG_EVENT = "wrong_event"
NOT_PAID = "not_paid"
# The reason given when a scan id already named a scan of another ticket.
REUSED = "scan_id_reused"

# A gate nobody named is stored as "" and shown as this, in the reader's language, so
# volunteers with phones in English and in Spanish count at one gate.
MAIN_GATE = N_("Main gate")


def gate_key(name: str) -> str:
    """The gate as stored: what the volunteer named it, or "" for the main gate (also
    when they typed its name in any language)."""
    name = " ".join(name.split())[:40]
    defaults = set()
    for language in LANGUAGES:
        with use_language(language):
            defaults.add(gettext(MAIN_GATE).casefold())
    return "" if name.casefold() in defaults else name


@dataclass
class Result:
    result: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"result": self.result, **self.detail}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def check_in(
    *,
    event: Event,
    code: str,
    gate: str,
    scan_id: str | None = None,
    scanned_at: datetime | None = None,
) -> Result:
    """Check one ticket in at ``gate``; the same ``scan_id`` always gets the same answer.

    ``scanned_at`` comes with scans made offline: only those may claim to be earlier than
    the check-in already on record.
    """
    judged = await _judge(event, code)
    return await _settle(event, judged, gate=gate, scan_id=scan_id, scanned_at=scanned_at)


async def check_in_ticket(
    *, event: Event, ticket_id: int, gate: str, scan_id: str | None = None
) -> Result:
    """Check in a ticket that the scanner's name search found, named by its id. A ticket
    of another event is unknown here, and nothing is said of it (ids can be counted)."""
    found = await _ticket_row(Ticket.filter(id=ticket_id, order__event_id=event.id))
    judged = _assess(event, found) if found else (Result(INVALID, {"reason": "unknown"}), None)
    return await _settle(event, judged, gate=gate, scan_id=scan_id)


async def _settle(
    event: Event,
    judged: tuple[Result, dict[str, Any] | None],
    *,
    gate: str,
    scan_id: str | None,
    scanned_at: datetime | None = None,
) -> Result:
    """Mark the judged ticket (when it may go in) and record the scan, once per scan id."""
    scan_id = scan_id or secrets.token_hex(16)
    gate = gate_key(gate)
    now = utcnow()
    when = min(scanned_at, now) if scanned_at else now
    outcome, ticket = judged
    record = {"scan_id": scan_id, "event": event, "gate": gate, "scanned_at": when}
    try:
        if ticket is None or outcome.result != OK:
            # Nothing to mark: only the record, whose unique scan id keeps a retry's answer.
            await CheckIn.create(
                **record, ticket_id=ticket["id"] if ticket else None, **_stored(outcome)
            )
            return outcome
        # The mark and the scan's record commit together, and the unique scan id lets only
        # one copy of a scan commit: a copy that loses rolls back whatever it marked, and
        # gets the stored answer. A copy that reaches the ticket's row while another scan
        # has marked it waits there for that scan's commit, so it never judges a stale row.
        # The transaction starts with a write (SQLite would refuse a read-then-write one
        # under contention).
        async with in_transaction():
            outcome = await _mark(
                ticket, outcome.detail, gate, when, offline=scanned_at is not None
            )
            await CheckIn.create(**record, ticket_id=ticket["id"], **_stored(outcome))
            if scanned_at is not None:
                await _let_in_twice(ticket, outcome, scan_id=scan_id, gate=gate, when=when)
    except IntegrityError:
        return await _stored_answer(event, scan_id, ticket["id"] if ticket else None)
    return outcome


async def _let_in_twice(
    ticket: dict[str, Any], outcome: Result, *, scan_id: str, gate: str, when: datetime
) -> None:
    """An offline scan was let in at the door when it was made: if the ticket went in
    somewhere else too, that is a conflict for the people at the door to see."""
    detail = outcome.detail
    if outcome.result == OK and "conflict" in detail:
        # This scan was the earlier one: it counts, and the one on record was a second.
        other = (detail["conflict"]["gate"], datetime.fromisoformat(detail["conflict"]["at"]))
        counted = (gate, when)
    elif outcome.result == ALREADY:
        counted = (detail["first_gate"], datetime.fromisoformat(detail["first_at"]))
        other = (gate, when)
    else:
        return
    await door_conflicts.record(ticket=ticket, scan_id=scan_id, counted=counted, other=other)


def _stored(outcome: Result) -> dict[str, Any]:
    return {"result": outcome.result, "detail": outcome.detail}


async def _stored_answer(event: Event, scan_id: str, ticket_id: int | None) -> Result:
    """The answer recorded for ``scan_id``, if it was a scan of this ticket at this event.
    An id a phone used before for another ticket (or event) says nothing of this one: the
    scan is refused, and the ticket left as it is."""
    # Called once the first copy of the scan has committed: its record holds the answer.
    previous = await CheckIn.get_or_none(scan_id=scan_id)
    if previous is None or (previous.event_id, previous.ticket_id) != (event.id, ticket_id):
        return Result(INVALID, {"reason": REUSED})
    return Result(previous.result, {**previous.detail, "replayed": True})


async def _judge(event: Event, code: str) -> tuple[Result, dict[str, Any] | None]:
    """Everything a scan can tell without marking the ticket: OK means "mark it"."""
    scanned = await signing.read(code, at=event)
    if scanned.signature_ok is False:
        return Result(INVALID, {"reason": "forged"}), None
    ticket = await _ticket_row(Ticket.filter(secret=scanned.secret))
    if ticket is None:
        return Result(INVALID, {"reason": "unknown"}), None
    return _assess(event, ticket)


async def _ticket_row(query) -> dict[str, Any] | None:
    rows = await query.limit(1).values(
        "id",
        "order_id",
        "status",
        "label_en",
        "label_es",
        "order__event_id",
        "order__status",
        "order__buyer_name",
        "order__code",
        "order__total_cents",
        "order__payment",
    )
    return rows[0] if rows else None


def _assess(event: Event, ticket: dict[str, Any]) -> tuple[Result, dict[str, Any] | None]:
    """What a found ticket's row says: OK means "mark it"."""
    about = {
        "ticket_type": ticket["label_en"],
        "ticket_type_es": ticket["label_es"],
        "name": ticket["order__buyer_name"],
        "order": ticket["order__code"],
    }
    status = ticket["order__status"]
    if ticket["order__event_id"] != event.id:
        return Result(WRONG_EVENT, about), ticket
    if ticket["status"] != TicketStatus.VALID or status in (
        OrderStatus.REFUNDED,
        OrderStatus.CANCELLED,
        OrderStatus.EXPIRED,
    ):
        reason = status.value if status != OrderStatus.PAID else "void"
        return Result(INVALID, {**about, "reason": reason}), ticket
    if status == OrderStatus.PENDING:
        extra = {
            "collect_cents": ticket["order__total_cents"],
            "box_office": ticket["order__payment"] == PaymentMethod.BOX_OFFICE,
        }
        return Result(NOT_PAID, {**about, **extra}), ticket
    return Result(OK, about), ticket


async def _mark(
    ticket: dict[str, Any], about: dict[str, Any], gate: str, when: datetime, *, offline: bool
) -> Result:
    ticket_id = ticket["id"]
    # The mark itself: only one scan can turn "not checked in" into "checked in".
    if await Ticket.filter(id=ticket_id, checked_in_at__isnull=True).update(
        checked_in_at=when, checked_in_gate=gate
    ):
        return Result(OK, about)
    first_at, first_gate = await _first(ticket_id)
    # An offline scan made earlier than the recorded one becomes the first: earliest wins.
    if offline and when < first_at:
        if await Ticket.filter(id=ticket_id, checked_in_at=first_at).update(
            checked_in_at=when, checked_in_gate=gate
        ):
            # The later scan on record was a second entry after all: say so in the scan log.
            await CheckIn.filter(ticket_id=ticket_id, result=OK, scanned_at__gt=when).update(
                result=ALREADY,
                detail={**about, "first_at": _iso(when), "first_gate": gate},
            )
            return Result(OK, {**about, "conflict": {"gate": first_gate, "at": _iso(first_at)}})
        first_at, first_gate = await _first(ticket_id)  # another offline scan came first
    return Result(ALREADY, {**about, "first_at": _iso(first_at), "first_gate": first_gate})


async def _first(ticket_id: int) -> tuple[datetime, str]:
    """When and where the ticket was checked in."""
    return (
        await Ticket.filter(id=ticket_id).limit(1).values_list("checked_in_at", "checked_in_gate")
    )[0]


async def search(event: Event, name: str) -> list[Ticket]:
    """Tickets of an event by buyer name or order code, for a volunteer without a code."""
    name = name.replace("\u2011", "-")  # the non-breaking hyphen of codes shown on pages
    if len(name.strip()) < 2:
        return []
    return (
        await Ticket.filter(order__event=event)
        .filter(
            Q(order__buyer_name__icontains=name.strip()) | Q(order__code__icontains=name.strip())
        )
        .select_related("order")
        .limit(20)
    )


@dataclass
class TypeCount:
    """One kind of ticket at the door, named in both languages (shown with ``tr``)."""

    label_en: str
    label_es: str
    sold: int = 0
    checked_in: int = 0


async def counts(event: Event) -> dict[str, Any]:
    """Checked in / sold, per ticket type and per gate ("" is the main gate)."""
    paid = Ticket.filter(
        order__event=event, status=TicketStatus.VALID, order__status=OrderStatus.PAID
    )
    per_type: dict[tuple[str, str], TypeCount] = {}
    for label_en, label_es, checked in await paid.values_list(
        "label_en", "label_es", "checked_in_at"
    ):
        entry = per_type.setdefault((label_en, label_es), TypeCount(label_en, label_es))
        entry.sold += 1
        entry.checked_in += checked is not None
    per_gate: dict[str, int] = {}
    for gate in await paid.filter(checked_in_at__isnull=False).values_list(
        "checked_in_gate", flat=True
    ):
        per_gate[gate] = per_gate.get(gate, 0) + 1
    return {
        "types": list(per_type.values()),
        "gates": per_gate,
        "sold": sum(v.sold for v in per_type.values()),
        "checked_in": sum(v.checked_in for v in per_type.values()),
    }
