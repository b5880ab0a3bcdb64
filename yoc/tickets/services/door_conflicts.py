"""Tickets let in twice: an offline scan that, once synced, meets another admission of
the same ticket. Each is recorded once (by the scan's id) and stays open on the scanners
and the live counts until somebody acknowledges it; who and when is kept, and logged."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from yoc.errors import Conflict, NotFound
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.tickets.enums import OrderChange, OrderStatus
from yoc.tickets.models import DoorConflict, Order, OrderLog
from yoc.timeutil import utcnow

log = logging.getLogger("yoc.tickets.door")


async def record(
    *,
    ticket: dict[str, Any],
    scan_id: str,
    counted: tuple[str, datetime],
    other: tuple[str, datetime],
) -> None:
    """Inside the transaction that records the synced scan ``scan_id``: the ticket (its
    row, as check-in reads it) went in at ``counted`` (gate, time: the entry that counts)
    and at ``other``. The order's log says so too."""
    event_id, ticket_id = ticket["order__event_id"], ticket["id"]
    conflict = await DoorConflict.create(
        event_id=event_id,
        ticket_id=ticket_id,
        scan_id=scan_id,
        first_gate=counted[0],
        first_at=counted[1],
        second_gate=other[0],
        second_at=other[1],
    )
    status = OrderStatus(ticket["order__status"]).value
    await OrderLog.create(
        order_id=ticket["order_id"],
        from_status=status,
        to_status=status,
        actor_label="system",
        change=OrderChange.LET_IN_TWICE.value,
        detail={"ticket": ticket_id, "conflict": conflict.id, "gates": [counted[0], other[0]]},
    )
    log.warning("ticket %s let in twice at event %s (scan %s)", ticket_id, event_id, scan_id)


async def open_conflicts(event: Event) -> list[DoorConflict]:
    """The event's conflicts nobody has acknowledged yet, oldest first."""
    return (
        await DoorConflict.filter(event_id=event.id, acknowledged_at__isnull=True)
        .select_related("ticket__order")
        .order_by("found_at", "id")
    )


def as_dict(conflict: DoorConflict) -> dict[str, Any]:
    """What a scanner shows of a conflict: the ticket's type and order, the two entries.
    No name: the order's code is enough to find it."""
    ticket = conflict.ticket
    return {
        "id": conflict.id,
        "ticket_type": ticket.label_en,
        "ticket_type_es": ticket.label_es,
        "order": ticket.order.code,
        "first_gate": conflict.first_gate,
        "first_at": conflict.first_at.isoformat(),
        "second_gate": conflict.second_gate,
        "second_at": conflict.second_at.isoformat(),
    }


async def acknowledge(event: Event, conflict_id: int, *, actor: str) -> DoorConflict:
    """Somebody at the door dealt with the conflict: it leaves every screen. Only one
    acknowledgement counts, however many press at once (a conditional update)."""
    now = utcnow()
    async with in_transaction():
        done = await DoorConflict.filter(
            id=conflict_id, event_id=event.id, acknowledged_at__isnull=True
        ).update(acknowledged_at=now, acknowledged_by=actor[:160])
        conflict = (
            await DoorConflict.filter(id=conflict_id, event_id=event.id)
            .select_related("ticket__order")
            .first()
        )
        if conflict is None:
            raise NotFound(N_("We could not find that conflict."), "not_found")
        if not done:
            raise Conflict(
                N_("%(who)s already acknowledged this."),
                "already_acknowledged",
                who=conflict.acknowledged_by,
            )
        order: Order = conflict.ticket.order
        await OrderLog.create(
            order=order,
            from_status=order.status.value,
            to_status=order.status.value,
            actor_label=actor[:160],
            change=OrderChange.DOUBLE_ENTRY_ACKNOWLEDGED.value,
            detail={
                "ticket": conflict.ticket_id,
                "conflict": conflict.id,
                "gates": [conflict.first_gate, conflict.second_gate],
            },
        )
    log.info("door conflict %s acknowledged by %s", conflict.id, actor)
    return conflict
