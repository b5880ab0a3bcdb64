"""Cohorts (groups): staff create them and place members and mentors in them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from yoc import audit
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import NotFound, ValidationFailed
from yoc.i18n import N_
from yoc.members.enums import Community
from yoc.members.models import Cohort
from yoc.members.services.access import is_staff
from yoc.members.services.directory import MEMBERS
from yoc.paging import Keyset, Page, Window

NOT_FOUND = N_("We could not find that group.")

# Other domains react when a member joins a group (the curriculum gives them the group's
# assignments) without this module knowing about them.
MEMBER_JOINED: list[Callable[[Cohort, User], Awaitable[None]]] = []


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:70] or "group"


COHORTS = Keyset("cohorts", (("name", str), ("id", int)))


def _cohorts(viewer: User) -> QuerySet[Cohort]:
    if is_staff(viewer):
        return Cohort.all()
    if viewer.role == Role.MENTOR:
        return Cohort.filter(mentors=viewer)
    return Cohort.filter(members=viewer)


async def cohorts_for(viewer: User) -> list[Cohort]:
    """Staff see every group; a mentor their own; a member the ones they belong to."""
    return await _cohorts(viewer).prefetch_related("members", "mentors")


async def cohorts_page(viewer: User, window: Window) -> Page[Cohort]:
    """A page of ``cohorts_for``, by name."""
    return await COHORTS.page(_cohorts(viewer).prefetch_related("members", "mentors"), window)


async def visible_cohort(viewer: User, cohort_id: int, *, with_mentors: bool = True) -> Cohort:
    query = Cohort.filter(id=cohort_id)
    if not is_staff(viewer):
        query = query.filter(mentors=viewer)
    if with_mentors:
        query = query.prefetch_related("mentors")
    cohort = await query.first()
    if cohort is None:
        raise NotFound(NOT_FOUND, "not_found")
    return cohort


async def roster_page(cohort: Cohort, window: Window) -> Page[User]:
    """A page of the group's members, by name, with their profiles."""
    return await MEMBERS.page(cohort.members.all().prefetch_related("profile"), window)


async def roster(cohort: Cohort, *, q: str = "") -> list[User]:
    query = cohort.members.all().prefetch_related("profile")
    if q:
        query = query.filter(Q(name__icontains=q) | Q(profile__display_name__icontains=q))
    return await query.order_by("name")


async def create_cohort(
    *,
    actor: User,
    name: str,
    community: Community | None,
    starts_on: date | None,
    ends_on: date | None,
) -> Cohort:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed({"ends_on": N_("The end date must be after the start date.")})
    base = slugify(name)
    slug, n = base, 1
    while await Cohort.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    cohort = await Cohort.create(
        name=name, slug=slug, community=community, starts_on=starts_on, ends_on=ends_on
    )
    await audit.record(
        actor=actor,
        action=audit.AuditAction.COHORT,
        subject_label=name,
        change="created",
        cohort=cohort.id,
    )
    return cohort


async def add_person(*, actor: User, cohort: Cohort, email: str) -> User:
    """Add a member or a mentor (by their email) to a group."""
    person = await User.get_or_none(email=email.strip().lower(), is_active=True)
    if person is None or person.role not in (Role.MEMBER, Role.MENTOR):
        raise ValidationFailed({"email": N_("No member or mentor has this email.")})
    async with in_transaction():
        if person.role == Role.MENTOR:
            await cohort.mentors.add(person)
        else:
            await cohort.members.add(person)
            for handler in MEMBER_JOINED:
                await handler(cohort, person)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.COHORT,
            subject=person,
            change="added",
            cohort=cohort.id,
            cohort_name=cohort.name,
        )
    return person


async def remove_person(*, actor: User, cohort: Cohort, user_id: int) -> User:
    person = await User.get_or_none(id=user_id)
    if person is None:
        raise NotFound(N_("We could not find that person."), "not_found")
    async with in_transaction():
        await cohort.members.remove(person)
        await cohort.mentors.remove(person)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.COHORT,
            subject=person,
            change="removed",
            cohort=cohort.id,
            cohort_name=cohort.name,
        )
    return person


async def people_counts() -> dict[str, int]:
    counts = {role.value: await User.filter(role=role, is_active=True).count() for role in Role}
    counts["cohorts"] = await Cohort.all().count()
    return counts
