"""A member's own data: download it all, ask for deletion; staff export and delete.

Each domain keeps the part of a member's record that is its own (``personal_data`` in
its services): what the download shows of it, and what deleting the member's data does
to it. This module puts the parts together, in one transaction for a deletion.
"""

from __future__ import annotations

import base64
import csv
import io
from datetime import date, datetime
from enum import Enum
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from yoc import audit, mail, redaction
from yoc.accounts import services as accounts
from yoc.accounts.models import User
from yoc.curriculum.services import personal_data as learning
from yoc.errors import DomainError, NotFound, PermissionDenied
from yoc.i18n import N_
from yoc.mail import OutboxMessage
from yoc.members.enums import DeletionState
from yoc.members.models import DeletionRequest
from yoc.members.services import personal_data as membership
from yoc.paging import Keyset, Page, Window
from yoc.participation.services import personal_data as participation
from yoc.soapbox.services import personal_data as soapbox
from yoc.tickets.services import personal_data as tickets
from yoc.timeutil import utcnow
from yoc.volunteers.services import personal_data as volunteering

# The sections of a member's download, in order, and the tables each is read from.
SECTIONS: dict[str, tuple[type, ...]] = {
    "account": (User,),
    **{k: v for k, v in membership.SECTIONS.items() if k != "deletion_requests"},
    **learning.SECTIONS,
    **soapbox.SECTIONS,
    **tickets.SECTIONS,
    **volunteering.SECTIONS,
    **participation.SECTIONS,
    "messages": (OutboxMessage,),
    "record_history": (audit.AuditEntry,),
    "deletion_requests": membership.SECTIONS["deletion_requests"],
}


async def _record_history(member: User) -> list[dict[str, Any]]:
    """Who looked at or changed the member's record, what and when: people by name (not
    their address), automatic steps by what did them."""
    entries = (
        await audit.AuditEntry.filter(subject=member).order_by("at", "id").prefetch_related("actor")
    )
    return [
        {
            "at": e.at,
            "who": e.actor.name if e.actor else e.actor_label,
            "role": e.actor.role if e.actor else None,
            "action": e.action,
            "details": e.detail,
        }
        for e in entries
    ]


async def _messages(member: User) -> list[dict[str, Any]]:
    """The email sent to the member and about them to their guardians. The bodies stay
    out: they carry one-time links (a guardian's consent link among them)."""
    addresses = [member.email, *await membership.guardian_addresses(member)]
    return [
        {
            "to": m.to_email,
            "subject": m.subject,
            "template": m.template,
            "language": m.language,
            "status": m.status,
            "queued_at": m.created_at,
            "sent_at": m.sent_at,
        }
        for m in sorted(await mail.sent_to(addresses), key=lambda m: m.id)
    ]


async def data_record(member: User) -> dict[str, Any]:
    """Everything YO-C keeps about the member, section by section (as ``SECTIONS``), in
    Python values: dates as dates, states as their enums (for the readable page)."""
    sections: dict[str, Any] = {
        "account": {
            "id": member.id,
            "email": member.email,
            "name": member.name,
            "role": member.role,
            "language": member.language,
            "created_at": member.created_at,
            "last_login_at": member.last_login_at,
        },
        **await membership.export(member),
        **await learning.export(member),
        **await soapbox.export(member),
        **await tickets.export(member.email),
        **await volunteering.export(member),
        **await participation.export(member),
        "messages": await _messages(member),
        "record_history": await _record_history(member),
    }
    return {name: sections[name] for name in SECTIONS}


def plain(value: Any) -> Any:
    """``value`` in JSON's terms: dates in ISO 8601, enums as their stored value, bytes
    in base64."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


async def export_data(member: User) -> dict[str, Any]:
    """Everything stored about the member, as plain JSON values (the download)."""
    return plain(await data_record(member))


async def pending_deletion(member: User) -> DeletionRequest | None:
    """The member's open request to delete their data, if they made one."""
    return await DeletionRequest.filter(member=member, state=DeletionState.REQUESTED).first()


async def waiting_deletions() -> list[DeletionRequest]:
    """Every open deletion request, with its member, for the admin who carries them out."""
    return await DeletionRequest.filter(state=DeletionState.REQUESTED).select_related("member")


async def request_deletion(*, member: User, reason: str) -> DeletionRequest:
    if await DeletionRequest.filter(member=member, state=DeletionState.REQUESTED).exists():
        raise DomainError(
            N_("You have already asked for your data to be deleted."), "already_requested"
        )
    request = await DeletionRequest.create(member=member, reason=reason)
    await audit.record(
        actor=member, action=audit.AuditAction.DELETE, subject=member, change="requested"
    )
    return request


async def cancel_deletion(*, member: User) -> None:
    await DeletionRequest.filter(member=member, state=DeletionState.REQUESTED).update(
        state=DeletionState.CANCELLED
    )


async def waiting_deletion(request_id: int) -> DeletionRequest:
    """One deletion request that waits for an admin, with its member."""
    request = await DeletionRequest.get_or_none(
        id=request_id, state=DeletionState.REQUESTED
    ).select_related("member")
    if request is None:
        raise NotFound(N_("We could not find that request."), "not_found")
    return request


async def complete_deletion(*, actor: User, request_id: int) -> None:
    """Remove the person's data everywhere, in one transaction: what they wrote and what
    names them goes; counts and amounts stay, tied to an anonymous account row."""
    if actor.role.value != "admin":
        raise PermissionDenied(N_("Only an admin can delete a member’s data."), "forbidden")
    request = await DeletionRequest.get_or_none(id=request_id).select_related("member")
    if request is None or request.state != DeletionState.REQUESTED:
        raise NotFound(N_("We could not find that request."), "not_found")
    member: User = request.member
    label = f"deleted member #{member.id}"
    async with in_transaction():
        email = member.email
        guardians = await membership.guardian_details(member)
        # What names them in text that stays (audit details, staff notes on orders).
        # A first name alone is left: on its own it names nobody, and would match others.
        found = {member.name, email, *guardians, *await tickets.buyer_details(email)}
        words = sorted(w for w in found if len(w) >= redaction.MIN_LENGTH)
        await mail.forget([email, *await membership.guardian_addresses(member)], words)
        await soapbox.erase(member, label=label)
        await learning.erase(member, label=label)
        await tickets.erase(email, words=redaction.pattern(words))
        await volunteering.erase(member)
        await participation.erase(member, await membership.guardian_addresses(member))
        await membership.erase(member, label=label)
        await audit.forget(member.id, words, label)
        # Orders, audit lines and others' records point at the account: the row stays.
        await accounts.erase_account(member)
        request.state = DeletionState.COMPLETED
        request.completed_at = utcnow()
        request.reason = ""
        await request.save()
        await audit.record(
            actor=actor,
            action=audit.AuditAction.DELETE,
            subject=member,
            subject_label=label,
            change="completed",
        )


# Newest first, as the log is read.
AUDIT = Keyset("audit", (("at", datetime), ("id", int)), descending=True)


def _audit(*, minors_only: bool, member_id: int | None) -> QuerySet[audit.AuditEntry]:
    query = audit.AuditEntry.all()
    if minors_only:
        query = query.filter(subject_is_minor=True)
    if member_id:
        query = query.filter(subject_id=member_id)
    return query


async def audit_entries(
    *, minors_only: bool = False, member_id: int | None = None, limit: int = 200
) -> list[audit.AuditEntry]:
    """The latest lines of the audit log, of minors' records or of one member's only."""
    return await _audit(minors_only=minors_only, member_id=member_id).limit(limit)


async def audit_page(
    window: Window, *, minors_only: bool = False, member_id: int | None = None
) -> Page[audit.AuditEntry]:
    """A page of the audit log, newest first."""
    return await AUDIT.page(_audit(minors_only=minors_only, member_id=member_id), window)


def csv_safe(value: Any) -> str:
    """Neutralise spreadsheet formulas: a cell that starts with = + - @ (or a tab or
    carriage return) is prefixed with an apostrophe, so it is read as text."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def to_csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()
