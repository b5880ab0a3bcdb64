"""Members and cohorts as real rows: a member account with its profile, guardian,
consent and decision, and groups with their members and mentors."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from tests.factories import make_user
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.members.enums import (
    ApplicationDecision,
    Community,
    PublicNameChoice,
    Relationship,
)
from yoc.members.models import Cohort, Guardian, MemberProfile
from yoc.members.services import consent, profiles
from yoc.members.services.cohorts import slugify
from yoc.timeutil import utcnow

REGISTRAR_EMAIL = "registrar@example.org"
_counter = itertools.count(1)


def birth_date_for(age: int) -> date:
    """A birth date that makes someone ``age`` today, with the birthday a month behind
    (so the age cannot tick over during a test run)."""
    now = profiles.today()
    try:
        anniversary = now.replace(year=now.year - age)
    except ValueError:  # 29 February
        anniversary = now.replace(year=now.year - age, day=28)
    return anniversary - timedelta(days=30)


async def registrar() -> User:
    """The staff person who records paper consent forms in the factories (one per test)."""
    found = await User.get_or_none(email=REGISTRAR_EMAIL)
    return found or await make_user(email=REGISTRAR_EMAIL, name="Rosa Registrar", role=Role.STAFF)


async def make_member(
    *,
    age: int = 15,
    decision: ApplicationDecision = ApplicationDecision.APPROVED,
    cohort: Cohort | None = None,
    guardian: bool = True,
    consented: bool = True,
    community: Community = Community.NORTH_SHORE,
    profile: dict[str, Any] | None = None,
    **user_overrides: Any,
) -> User:
    """A member with a profile. With the defaults: a 15-year-old whose guardian signed the
    participation form on paper and whom staff approved, so the status is active.

    A minor gets a guardian (``guardian=True``); ``consented`` records the participation
    consent (a paper form, recorded by the ``registrar()`` staff user, for a minor with a
    guardian; the member's own for an adult; none for a minor without a guardian, who
    stays "pending_consent"). ``profile`` sets
    other MemberProfile fields; ``user_overrides`` go to ``make_user`` (name, email...).
    """
    user = await make_user(role=Role.MEMBER, **user_overrides)
    await MemberProfile.create(
        user=user,
        **{
            "display_name": user.name.split()[0],
            "birth_date": birth_date_for(age),
            "community": community,
            "decision": decision,
            "decided_at": None if decision == ApplicationDecision.PENDING else utcnow(),
            **(profile or {}),
        },
    )
    minor = age < profiles.ADULT_AGE
    parent = None
    if minor and guardian:
        parent = await Guardian.create(
            member=user,
            name=f"Guardian of {user.name}",
            relationship=Relationship.MOTHER,
            email=f"guardian{next(_counter)}@example.org",
            language="es",
        )
    if consented:
        if parent is not None:
            await consent.record_paper_consent(
                actor=await registrar(),
                member=user,
                guardian=parent,
                photo_release=False,
                text_messages=False,
                public_name_choice=PublicNameChoice.FIRST_NAME_LAST_INITIAL,
                nickname="",
            )
        elif not minor:
            await consent.member_consents_for_self(user, language=user.language)
    await profiles.update_status(user)
    if cohort is not None:
        await cohort.members.add(user)
    return user


async def make_cohort(
    name: str = "",
    *,
    members: Iterable[User] = (),
    mentors: Iterable[User] = (),
    **fields: Any,
) -> Cohort:
    """A group; ``fields`` sets community, starts_on, ends_on."""
    n = next(_counter)
    name = name or f"Group {n}"
    cohort = await Cohort.create(name=name, slug=f"{slugify(name)}-{n}", **fields)
    for member in members:
        await cohort.members.add(member)
    for mentor in mentors:
        await cohort.mentors.add(mentor)
    return cohort
