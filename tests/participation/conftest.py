"""The cast the meeting, hours and reminder tests share.

Itzel Ramírez (15, active) is in the North Shore group, mentored by Lucía Torres. Marco
Díaz mentors another group (Mecca Fall) with Pablo in it. Sam is staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.members.models import Cohort
from yoc.participation.models import Meeting
from yoc.timeutil import utcnow


@dataclass
class Cast:
    member: User
    mentor: User
    other_mentor: User
    other_member: User
    staff: User
    cohort: Cohort
    other_cohort: Cohort


@pytest.fixture
async def cast(app) -> Cast:
    member = await make_member(age=15, name="Itzel Ramírez", email="itzel@example.org")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Torres", email="lucia@example.org")
    other_mentor = await make_user(role=Role.MENTOR, name="Marco Díaz", email="marco@example.org")
    other_member = await make_member(age=16, name="Pablo Ruiz", email="pablo@example.org")
    staff = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    cohort = await make_cohort("North Shore Summer", members=[member], mentors=[mentor])
    other = await make_cohort("Mecca Fall", members=[other_member], mentors=[other_mentor])
    return Cast(member, mentor, other_mentor, other_member, staff, cohort, other)


async def make_meeting(
    cohort: Cohort,
    *,
    starts_at: datetime | None = None,
    topic: str = "Our stories, our stage",
    place: str = "Mecca Library",
) -> Meeting:
    return await Meeting.create(
        cohort=cohort,
        starts_at=starts_at or utcnow() + timedelta(days=5),
        place=place,
        topic=topic,
    )


async def signed_in(client: httpx.AsyncClient, user: User) -> httpx.AsyncClient:
    await log_in(client, user.email, PASSWORD)
    return client
