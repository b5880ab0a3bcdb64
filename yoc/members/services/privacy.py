"""A member's own data: download it all, ask for deletion; staff export and delete."""

from __future__ import annotations

import csv
import io
from typing import Any

from tortoise.transactions import in_transaction

from yoc import audit
from yoc.accounts.models import ApiToken, OneTimeToken, User, UserSession
from yoc.errors import DomainError, NotFound, PermissionDenied
from yoc.i18n import N_
from yoc.mail import OutboxMessage
from yoc.members.enums import DeletionState, NoteVisibility
from yoc.members.models import (
    Cohort,
    ConsentConflict,
    ConsentRecord,
    DeletionRequest,
    Guardian,
    MemberPhoto,
    MemberProfile,
    MentorNote,
)
from yoc.members.services import guardian_access
from yoc.soapbox.models import Release, SpeakerCalendar, Speech
from yoc.timeutil import utcnow


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def export_data(member: User) -> dict[str, Any]:
    """Everything stored about the member that they may see, as plain JSON values."""
    profile = await MemberProfile.get_or_none(user=member)
    return {
        "account": {
            "id": member.id,
            "email": member.email,
            "name": member.name,
            "language": member.language,
            "created_at": _iso(member.created_at),
            "last_login_at": _iso(member.last_login_at),
        },
        "profile": None
        if profile is None
        else {
            "display_name": profile.display_name,
            "pronouns": profile.pronouns,
            "school": profile.school,
            "grade": profile.grade,
            "community": profile.community.value,
            "birth_date": _iso(profile.birth_date),
            "zip_code": profile.zip_code,
            "interests": profile.interests,
            "bio": profile.bio,
            "status": profile.status.value,
            "public_name_choice": profile.public_name_choice.value,
            "nickname": profile.nickname,
            "hide_progress_from_guardians": profile.hide_progress_from_guardians,
        },
        "has_photo": await MemberPhoto.filter(user=member).exists(),
        "guardians": [
            {
                "name": g.name,
                "relationship": g.relationship.value,
                "email": g.email,
                "phone": g.phone,
                "language": g.language,
                "confirmed_at": _iso(g.confirmed_at),
            }
            for g in await Guardian.filter(member=member)
        ],
        "consents": [
            {
                "purpose": c.purpose.value,
                "granted": c.granted,
                "by": c.granted_by_name,
                "source": c.source.value,
                "at": _iso(c.created_at),
                "text_version": c.text_version,
                "text_language": c.text_language,
                "revoked_at": _iso(c.revoked_at),
                "waits_for_guardian_confirmation": c.awaits_confirmation,
            }
            for c in await ConsentRecord.filter(member=member)
        ],
        "groups": [c.name for c in await Cohort.filter(members=member)],
        "notes_from_mentors": [
            {"from": n.author_name, "at": _iso(n.created_at), "text": n.body}
            for n in await MentorNote.filter(member=member, visibility=NoteVisibility.MEMBER)
        ],
        "speeches": [
            {
                "title": s.title,
                "topic": s.topic,
                "summary": s.summary,
                "language": s.language.value,
                "minutes": s.minutes,
                "content_notes": s.content_notes,
                "access_needs": s.access_needs,
                "access_notes": s.access_notes,
                "state": s.state.value,
                "created_at": _iso(s.created_at),
                "reviews": [
                    {
                        "by": r.reviewer_name,
                        "decision": r.decision.value,
                        "clarity": r.clarity,
                        "voice": r.voice,
                        "call_to_action": r.call_to_action,
                        "comments": r.comments,
                        "at": _iso(r.created_at),
                    }
                    for r in s.reviews
                ],
            }
            for s in await Speech.filter(speaker=member).prefetch_related("reviews")
        ],
        "deletion_requests": [
            {"state": d.state.value, "requested_at": _iso(d.requested_at)}
            for d in await DeletionRequest.filter(member=member)
        ],
    }


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


async def complete_deletion(*, actor: User, request_id: int) -> None:
    """Remove the person's data everywhere; keep an anonymous account row for the counts."""
    if actor.role.value != "admin":
        raise PermissionDenied(N_("Only an admin can delete a member’s data."), "forbidden")
    request = await DeletionRequest.get_or_none(id=request_id).select_related("member")
    if request is None or request.state != DeletionState.REQUESTED:
        raise NotFound(N_("We could not find that request."), "not_found")
    member: User = request.member
    label = f"deleted member #{member.id}"
    addresses = [member.email] + [
        g.email for g in await Guardian.filter(member=member).exclude(email="")
    ]
    async with in_transaction():
        # Mail about them (consent requests, resets) names them: it goes too.
        await OutboxMessage.filter(to_email__in=addresses).delete()
        for model in (MemberPhoto, MemberProfile):
            await model.filter(user=member).delete()
        for model in (ConsentConflict, Guardian, ConsentRecord, MentorNote):
            await model.filter(member=member).delete()
        # A guardian of no other member keeps no sign-in link or session either.
        for address in set(addresses[1:]):
            await guardian_access.forget_address(address)
        for model in (UserSession, ApiToken, OneTimeToken):
            await model.filter(user=member).delete()
        for cohort in await Cohort.filter(members=member):
            await cohort.members.remove(member)
        # Speeches are personal stories: they go, and so do their lines in released
        # schedules.
        await Speech.filter(speaker=member).delete()
        await SpeakerCalendar.filter(user=member).delete()
        for release in await Release.all():
            kept = [e for e in release.entries if e.get("speaker") != member.id]
            changes = [c for c in release.changes if c.get("speaker") != member.id]
            if kept != release.entries or changes != release.changes:
                release.entries, release.changes = kept, changes
                await release.save(update_fields=["entries", "changes"])
        # Orders and tickets point at this row, so it stays, with nothing personal.
        member.email = f"deleted-{member.id}@deleted.invalid"
        member.name = "Deleted member"
        member.password_hash = None
        member.is_active = False
        await member.save(update_fields=["email", "name", "password_hash", "is_active"])
        await audit.AuditEntry.filter(subject=member).update(subject_label=label)
        await audit.AuditEntry.filter(actor=member).update(actor_label=label)
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


async def audit_entries(
    *, minors_only: bool = False, member_id: int | None = None, limit: int = 200
) -> list[audit.AuditEntry]:
    """The latest lines of the audit log, of minors' records or of one member's only."""
    query = audit.AuditEntry.all()
    if minors_only:
        query = query.filter(subject_is_minor=True)
    if member_id:
        query = query.filter(subject_id=member_id)
    return await query.limit(limit)


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
