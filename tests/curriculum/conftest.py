"""The cast the curriculum tests share, and small readers of what they store.

The cast: Itzel Ramírez (15, active) in the North Shore group, mentored by Lucía Torres;
Sam is staff.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.models import ActivityProgress, Assignment, Badge
from yoc.i18n import gettext, use_language
from yoc.members.models import Cohort


@dataclass
class Group:
    member: User
    mentor: User
    staff: User
    cohort: Cohort


@pytest.fixture
async def group(app) -> Group:
    member = await make_member(age=15, name="Itzel Ramírez", email="itzel@example.org")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Torres", email="lucia@example.org")
    staff = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    cohort = await make_cohort("North Shore Summer", members=[member], mentors=[mentor])
    return Group(member=member, mentor=mentor, staff=staff, cohort=cohort)


def spanish(message: str) -> str:
    with use_language("es"):
        text = gettext(message)
    assert text != message, f"no Spanish translation for {message!r}"
    return text


async def assignment_rows() -> list[tuple]:
    return sorted(
        await Assignment.all().values_list(
            "member_id", "module_id", "due_on", "note", "cohort_assignment_id"
        )
    )


async def states(member: User) -> dict[int, str]:
    return dict(await ActivityProgress.filter(member=member).values_list("activity_id", "state"))


async def badge_keys() -> list[str]:
    return sorted(await Badge.all().values_list("achievement_key", flat=True))
