"""Lists of members for mentors and staff, with filters, and their CSV export."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from yoc.accounts.models import User
from yoc.members.models import Cohort, MemberProfile
from yoc.members.services.access import visible_members
from yoc.members.services.standing import age_on, today
from yoc.paging import Keyset, Page, Window


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    cohort: int | None = None
    community: str = ""
    status: str = ""
    language: str = ""


# By name; an index on (role, name, id) finds any page of members at once.
MEMBERS = Keyset("members", (("name", str), ("id", int)))


def _members(viewer: User, filters: MemberFilters) -> QuerySet[User]:
    query = visible_members(viewer)
    if filters.q:
        query = query.filter(
            Q(name__icontains=filters.q)
            | Q(email__icontains=filters.q)
            | Q(profile__display_name__icontains=filters.q)
        )
    if filters.cohort:
        query = query.filter(member_cohorts__id=filters.cohort)
    if filters.community:
        query = query.filter(profile__community=filters.community)
    if filters.status:
        query = query.filter(profile__status=filters.status)
    if filters.language:
        query = query.filter(language=filters.language)
    return query.distinct()


async def list_members(viewer: User, filters: MemberFilters) -> list[User]:
    """Every member ``viewer`` may see that matches, by name (the CSV export, queues)."""
    query = _members(viewer, filters).order_by("name", "id")
    return await query.prefetch_related("profile", "member_cohorts")


async def members_page(viewer: User, filters: MemberFilters, window: Window) -> Page[User]:
    """A page of ``list_members``, with each one's profile and groups."""
    query = _members(viewer, filters).prefetch_related("profile", "member_cohorts")
    return await MEMBERS.page(query, window)


def profile_of(member: User) -> MemberProfile | None:
    try:
        return member.profile  # type: ignore[attr-defined]
    except AttributeError:
        return None


CSV_HEADER = [
    "id",
    "name",
    "display_name",
    "email",
    "language",
    "community",
    "school",
    "grade",
    "age",
    "status",
    "groups",
]


def csv_rows(members: list[User]) -> list[list]:
    rows = []
    for member in members:
        profile = profile_of(member)
        cohorts: list[Cohort] = list(member.member_cohorts)  # type: ignore[attr-defined]
        rows.append(
            [
                member.id,
                member.name,
                profile.display_name if profile else "",
                member.email,
                member.language,
                profile.community.value if profile else "",
                profile.school if profile else "",
                profile.grade if profile else "",
                age_on(profile.birth_date, today()) if profile else "",
                profile.status.value if profile else "",
                "; ".join(c.name for c in cohorts),
            ]
        )
    return rows
