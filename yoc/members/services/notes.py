"""Mentor notes: private to the member's mentors and staff, or shared with the member."""

from __future__ import annotations

from yoc import audit
from yoc.accounts.models import User
from yoc.errors import PermissionDenied
from yoc.i18n import N_
from yoc.members.enums import NoteVisibility
from yoc.members.models import MentorNote
from yoc.members.services.access import can_see
from yoc.members.services.standing import is_minor


async def add_note(
    *, author: User, member: User, body: str, visibility: NoteVisibility
) -> MentorNote:
    if author.id == member.id or not await can_see(author, member):
        raise PermissionDenied(
            N_("Only this member’s mentors and staff can write notes."), "forbidden"
        )
    note = await MentorNote.create(
        member=member, author=author, author_name=author.name, visibility=visibility, body=body
    )
    await audit.record(
        actor=author,
        action=audit.AuditAction.NOTE,
        subject=member,
        minor=await is_minor(member),
        visibility=visibility.value,
    )
    return note


async def notes_for(viewer: User, member: User) -> list[MentorNote]:
    """A member reads the notes shared with them; mentors and staff read them all."""
    query = MentorNote.filter(member=member)
    if viewer.id == member.id:
        query = query.filter(visibility=NoteVisibility.MEMBER)
    elif not await can_see(viewer, member):
        return []
    return await query
