"""A member's own record in the members domain: what their download shows (profile,
photo, guardians, consents, groups, shared notes, deletion requests), and what deleting
their data takes away."""

from __future__ import annotations

from typing import Any

from yoc.accounts.models import User
from yoc.members.enums import NoteVisibility
from yoc.members.models import (
    Cohort,
    ConsentConflict,
    ConsentRecord,
    ConsentRequest,
    DeletionRequest,
    Guardian,
    MemberPhoto,
    MemberProfile,
    MentorNote,
)
from yoc.members.services import guardian_access

# Each section of the download, and the tables it is read from.
SECTIONS: dict[str, tuple[type, ...]] = {
    "profile": (MemberProfile,),
    "photo": (MemberPhoto,),
    "guardians": (Guardian,),
    "consents": (ConsentRecord,),
    "consent_conflicts": (ConsentConflict,),
    "groups": (Cohort,),
    "notes_from_mentors": (MentorNote,),
    "deletion_requests": (DeletionRequest,),
}


async def export(member: User) -> dict[str, Any]:
    """The member's profile and everything the members domain keeps about them. Notes
    that mentors keep among themselves stay out; notes shared with the member are in."""
    profile = await MemberProfile.get_or_none(user=member)
    photo = await MemberPhoto.get_or_none(user=member)
    return {
        "profile": None
        if profile is None
        else {
            "display_name": profile.display_name,
            "pronouns": profile.pronouns,
            "school": profile.school,
            "grade": profile.grade,
            "community": profile.community,
            "birth_date": profile.birth_date,
            "zip_code": profile.zip_code,
            "interests": profile.interests,
            "bio": profile.bio,
            "status": profile.status,
            "public_name_choice": profile.public_name_choice,
            "nickname": profile.nickname,
            "hide_progress_from_guardians": profile.hide_progress_from_guardians,
            "created_at": profile.created_at,
            "updated_at": profile.updated_at,
        },
        "photo": None
        if photo is None
        else {
            "content_type": photo.content_type,
            "updated_at": photo.updated_at,
            "data": photo.data,
        },
        "guardians": [
            {
                "name": g.name,
                "relationship": g.relationship,
                "email": g.email,
                "phone": g.phone,
                "language": g.language,
                "added_at": g.created_at,
                "confirmed_at": g.confirmed_at,
            }
            for g in await Guardian.filter(member=member)
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "by": c.granted_by_name,
                "source": c.source,
                "at": c.created_at,
                "public_name_choice": c.public_name_choice,
                "nickname": c.nickname,
                "text_version": c.text_version,
                "text_language": c.text_language,
                "revoked_at": c.revoked_at,
                "revoked_by": c.revoked_by_name,
                "waits_for_guardian_confirmation": c.awaits_confirmation,
            }
            for c in await ConsentRecord.filter(member=member)
        ],
        # Answers from a second guardian that contradicted the one in force, for staff.
        "consent_conflicts": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "by": c.by_name,
                "public_name_choice": c.public_name_choice,
                "nickname": c.nickname,
            }
            for c in await ConsentConflict.filter(member=member)
        ],
        "groups": [c.name for c in await Cohort.filter(members=member)],
        "notes_from_mentors": [
            {"from": n.author_name, "at": n.created_at, "text": n.body}
            for n in await MentorNote.filter(member=member, visibility=NoteVisibility.MEMBER)
        ],
        "deletion_requests": [
            {
                "state": d.state,
                "requested_at": d.requested_at,
                "completed_at": d.completed_at,
                "reason": d.reason,
            }
            for d in await DeletionRequest.filter(member=member)
        ],
    }


async def guardian_addresses(member: User) -> list[str]:
    """The email addresses of the member's guardians."""
    return await Guardian.filter(member=member).exclude(email="").values_list("email", flat=True)


async def guardian_details(member: User) -> set[str]:
    """The names, addresses and phone numbers of the member's guardians."""
    rows = await Guardian.filter(member=member).values_list("name", "email", "phone")
    return {text for row in rows for text in row if text}


async def erase(member: User, *, label: str) -> None:
    """Delete the member's profile, photo, guardians (with the links sent to them),
    consents, the notes about them and their place in groups; keep their deletion
    requests, without the reasons they gave; where they wrote about someone else,
    ``label`` stands for their name."""
    guardians = await Guardian.filter(member=member).values_list("id", flat=True)
    addresses = await guardian_addresses(member)
    await ConsentRequest.filter(guardian_id__in=guardians).delete()
    await ConsentConflict.filter(member=member).delete()
    await ConsentRecord.filter(member=member).delete()
    await Guardian.filter(id__in=guardians).delete()
    # A guardian of no other member keeps no sign-in link or session either.
    for address in set(addresses):
        await guardian_access.forget_address(address)
    for model in (MemberPhoto, MemberProfile):
        await model.filter(user=member).delete()
    await MentorNote.filter(member=member).delete()
    await MentorNote.filter(author=member).update(author_name=label)
    for cohort in await Cohort.filter(members=member):
        await cohort.members.remove(member)
    for cohort in await Cohort.filter(mentors=member):
        await cohort.mentors.remove(member)
    await DeletionRequest.filter(member=member).update(reason="")
