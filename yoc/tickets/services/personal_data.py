"""A buyer's orders, found by their email address: what a member's download shows, and
what deleting their data leaves (the money and the seats, with "deleted" for the buyer).
"""

from __future__ import annotations

import re
from typing import Any

from yoc.redaction import redact
from yoc.tickets.models import (
    CheckIn,
    Order,
    OrderItem,
    OrderLog,
    OrderRetryKey,
    Refund,
    Ticket,
    WaitlistEntry,
)
from yoc.tickets.services import waitlist

# What stands for the buyer of an order once their data is deleted.
ERASED = "deleted"

# Each section of the download, and the tables it is read from.
SECTIONS: dict[str, tuple[type, ...]] = {
    "orders": (Order, OrderItem, Ticket, OrderLog, Refund, CheckIn),
    "waiting_lists": (WaitlistEntry,),
}


def _key(email: str) -> str:
    return email.strip().lower()


async def export(email: str) -> dict[str, Any]:
    """The orders placed with this email, with their tickets, check-ins and refunds.
    Ticket secrets (what the QR codes hold) stay out: they open the gate."""
    orders = (
        await Order.filter(buyer_email=_key(email))
        .order_by("created_at", "id")
        .prefetch_related("event", "items__ticket_type", "tickets", "refunds", "log")
    )
    ticket_ids = [t.id for o in orders for t in o.tickets]
    scans: dict[int, list[dict[str, Any]]] = {}
    for scan in await CheckIn.filter(ticket_id__in=ticket_ids).order_by("scanned_at", "id"):
        scans.setdefault(scan.ticket_id, []).append(
            {"at": scan.scanned_at, "gate": scan.gate, "result": scan.result}
        )
    return {
        "orders": [
            {
                "code": o.code,
                "event": {"en": o.event.name_en, "es": o.event.name_es},
                "event_starts_at": o.event.starts_at,
                "status": o.status,
                "payment": o.payment,
                "buyer_name": o.buyer_name,
                "buyer_email": o.buyer_email,
                "buyer_phone": o.buyer_phone,
                "language": o.language,
                "total_cents": o.total_cents,
                "created_at": o.created_at,
                "paid_at": o.paid_at,
                "items": [
                    {
                        "kind": i.kind,
                        "ticket_type": {"en": i.ticket_type.name_en, "es": i.ticket_type.name_es}
                        if i.ticket_type
                        else None,
                        "quantity": i.quantity,
                        "unit_price_cents": i.unit_price_cents,
                    }
                    for i in sorted(o.items, key=lambda i: i.id)
                ],
                "tickets": [
                    {
                        "type": {"en": t.label_en, "es": t.label_es},
                        "holder_name": t.holder_name,
                        "status": t.status,
                        "price_cents": t.price_cents,
                        "checked_in_at": t.checked_in_at,
                        "gate": t.checked_in_gate,
                        "scans": scans.get(t.id, []),
                    }
                    for t in sorted(o.tickets, key=lambda t: t.id)
                ],
                "refunds": [
                    {
                        "amount_cents": r.amount_cents,
                        "reason": r.reason,
                        "code": r.code,
                        "at": r.created_at,
                    }
                    for r in sorted(o.refunds, key=lambda r: r.id)
                ],
                "history": [
                    {
                        "from": e.from_status,
                        "to": e.to_status,
                        "code": e.code,
                        "details": e.details,
                        "note": e.note,
                        "change": e.change,
                        "detail": e.detail,
                        "at": e.created_at,
                    }
                    for e in sorted(o.log, key=lambda e: (e.created_at, e.id))
                ],
            }
            for o in orders
        ],
        "waiting_lists": [
            {
                "event": {"en": w.event.name_en, "es": w.event.name_es},
                "ticket_type": {"en": w.ticket_type.name_en, "es": w.ticket_type.name_es},
                "name": w.name,
                "email": w.email,
                "language": w.language,
                "quantity": w.quantity,
                "state": w.state,
                "joined_at": w.created_at,
                "offered_at": w.offered_at,
                "offer_expires_at": w.offer_expires_at,
            }
            for w in await WaitlistEntry.filter(email=_key(email))
            .order_by("id")
            .select_related("event", "ticket_type")
        ],
    }


async def buyer_details(email: str) -> set[str]:
    """The names and phone numbers given with this email's orders."""
    rows = await Order.filter(buyer_email=_key(email)).values_list("buyer_name", "buyer_phone")
    return {text for row in rows for text in row if text}


async def erase(email: str, *, words: re.Pattern[str] | None) -> None:
    """Keep this email's orders for the books (amounts, seats, tickets, check-ins), with
    ``ERASED`` for the buyer; ``words`` (the buyer's names) come out of staff notes."""
    orders = await Order.filter(buyer_email=_key(email))
    ids = [o.id for o in orders]
    for order in orders:
        await Order.filter(id=order.id).update(
            buyer_name=ERASED,
            buyer_email=ERASED,
            buyer_phone="",
            # Still unique per order, and still marks an open reservation as open.
            open_reservation=f"{order.event_id}:{ERASED}-{order.id}"
            if order.open_reservation
            else None,
        )
    await OrderRetryKey.filter(order_id__in=ids).delete()
    # Names put on the buyer's tickets are of people they chose: they go too.
    await Ticket.filter(order_id__in=ids).exclude(holder_name="").update(holder_name="")
    for entry in await OrderLog.filter(order_id__in=ids):
        actor = ERASED if entry.actor_label == _key(email) else entry.actor_label
        note = redact(entry.note, words, ERASED)
        # A change's details (names, emails) are the buyer's or those they named.
        detail = None if entry.change else entry.detail
        if (actor, note, detail) != (entry.actor_label, entry.note, entry.detail):
            await OrderLog.filter(id=entry.id).update(actor_label=actor, note=note, detail=detail)
    # Places on waiting lists: an offer's seats go back first.
    for place in await WaitlistEntry.filter(email=_key(email)):
        await waitlist.leave(place, actor=ERASED)
    await WaitlistEntry.filter(email=_key(email)).delete()
    for refund in await Refund.filter(order_id__in=ids):
        reason = redact(refund.reason, words, ERASED)
        if reason != refund.reason:
            await Refund.filter(id=refund.id).update(reason=reason)
    for scan in await CheckIn.filter(ticket__order_id__in=ids):
        if "name" in scan.detail:
            await CheckIn.filter(id=scan.id).update(detail={**scan.detail, "name": ERASED})
