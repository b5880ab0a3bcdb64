"""Who may see which member: the member, mentors of their groups, and staff."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from tortoise.queryset import QuerySet

from yoc import audit
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import NotFound, PermissionDenied
from yoc.i18n import N_
from yoc.members.models import Cohort
from yoc.members.services.standing import is_minor, minors_among

NOT_FOUND = N_("We could not find that member.")


def is_staff(user: User) -> bool:
    return user.role in (Role.STAFF, Role.ADMIN)


def visible_members(viewer: User) -> QuerySet[User]:
    """The members ``viewer`` may list; a member may list nobody."""
    members = User.filter(role=Role.MEMBER)
    if is_staff(viewer):
        return members
    if viewer.role == Role.MENTOR:
        return members.filter(member_cohorts__mentors=viewer).distinct()
    raise PermissionDenied(N_("Only mentors and staff can see lists of members."), "forbidden")


async def can_see(viewer: User, member: User) -> bool:
    if viewer.id == member.id or is_staff(viewer):
        return True
    if viewer.role != Role.MENTOR:
        return False
    return await Cohort.filter(members=member, mentors=viewer).exists()


async def visible_member(viewer: User, member_id: int) -> User:
    """The member, if ``viewer`` may see them; otherwise "not found", never "forbidden"."""
    member = await User.get_or_none(id=member_id, role=Role.MEMBER).prefetch_related("profile")
    if member is None or not await can_see(viewer, member):
        raise NotFound(NOT_FOUND, "not_found")
    return member


class Person(Protocol):
    id: int
    name: str


async def audit_read(viewer: User, member: User, *, via: str) -> None:
    """Log a read of one member's record by someone else (their page, the API)."""
    if viewer.id != member.id:
        await audit.record(
            actor=viewer,
            action=audit.AuditAction.VIEW,
            subject=member,
            minor=await is_minor(member),
            via=via,
        )


async def audit_list_read(
    viewer: User, people: Iterable[Person], *, via: str, minors: set[int] | None = None
) -> None:
    """Log the minors' records an adult reads in a list (a group's progress, the API's
    member lists): one line per minor, once per request, in one insert. ``minors`` may
    say who the minors are, when the caller already knows."""
    people = [p for p in people if p.id != viewer.id]
    if minors is None:
        minors = await minors_among([p.id for p in people])
    read = [p for p in people if p.id in minors]
    if read:
        await audit.record_many(
            actor=viewer, action=audit.AuditAction.VIEW, subjects=read, minor=True, via=via
        )
