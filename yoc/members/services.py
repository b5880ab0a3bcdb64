"""Cohorts: who is in which group, and who mentors it."""

from __future__ import annotations

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.members.models import Cohort


async def cohorts_of_member(user: User) -> list[Cohort]:
    return await Cohort.filter(members=user).prefetch_related("mentors")


async def cohorts_of_mentor(user: User) -> list[Cohort]:
    return await Cohort.filter(mentors=user).prefetch_related("members")


async def people_counts() -> dict[str, int]:
    counts = {role.value: await User.filter(role=role, is_active=True).count() for role in Role}
    counts["cohorts"] = await Cohort.all().count()
    return counts


async def create_cohort(*, name: str, slug: str) -> Cohort:
    return await Cohort.create(name=name, slug=slug)


async def add_to_cohort(cohort: Cohort, *, members: list[User] = (), mentors: list[User] = ()):
    if members:
        await cohort.members.add(*members)
    if mentors:
        await cohort.mentors.add(*mentors)
