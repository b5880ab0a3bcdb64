"""Lists of members for mentors and staff, with filters, and their CSV export."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from yoc.accounts.models import User
from yoc.members.models import Cohort, MemberProfile
from yoc.members.services.access import visible_members
from yoc.members.services.standing import age_on, today


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    cohort: int | None = None
    community: str = ""
    status: str = ""
    language: str = ""


async def list_members(viewer: User, filters: MemberFilters) -> list[User]:
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
    return await query.distinct().order_by("name").prefetch_related("profile", "member_cohorts")


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
