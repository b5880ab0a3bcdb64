"""The members list: its filters, a mentor's view of their own groups, and no list for
members."""

from __future__ import annotations

import pytest

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.members.conftest import member_ids
from tests.members.factories import make_cohort, make_member
from yoc.accounts.enums import Role
from yoc.members.enums import ApplicationDecision, Community


@pytest.fixture
async def people(app) -> dict[str, int]:
    """Five members who each differ from the first in exactly one way."""
    cohort = await make_cohort("Summer 2027 Mecca")
    other_cohort = await make_cohort("Summer 2027 Thermal")
    kinds = {
        "match": {"community": Community.MECCA, "language": "es", "cohort": cohort},
        "other_group": {"community": Community.MECCA, "language": "es", "cohort": other_cohort},
        "pending": {
            "community": Community.MECCA,
            "language": "es",
            "cohort": cohort,
            "decision": ApplicationDecision.PENDING,
        },
        "thermal": {"community": Community.THERMAL, "language": "es", "cohort": cohort},
        "english": {"community": Community.MECCA, "language": "en", "cohort": cohort},
    }
    ids = {"cohort": cohort.id}
    for kind, overrides in kinds.items():
        ids[kind] = (await make_member(name=f"Member {kind}", **overrides)).id
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "community=mecca&status=active&language=es&cohort={cohort}",
            {"match"},
        ),
        ("community=mecca", {"match", "other_group", "pending", "english"}),
        ("status=pending_approval", {"pending"}),
        ("language=en", {"english"}),
        ("cohort={cohort}", {"match", "pending", "thermal", "english"}),
        ("q=thermal", {"thermal"}),
        ("", {"match", "other_group", "pending", "thermal", "english"}),
        # Unknown values are ignored rather than matching nobody or failing.
        (
            "community=atlantis&status=asleep",
            {"match", "other_group", "pending", "thermal", "english"},
        ),
    ],
)
async def test_members_list_filters_return_exactly_the_matching_people(
    client, people: dict[str, int], query: str, expected: set[str]
) -> None:
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await client.get("/members?" + query.format(cohort=people["cohort"]))

    assert response.status_code == 200
    assert member_ids(response.text) == {people[kind] for kind in expected}


async def test_mentor_lists_only_the_members_of_their_groups(client) -> None:
    mentor = await make_user(email="mentor@example.org", role=Role.MENTOR)
    mine = await make_member(name="In My Group")
    await make_member(name="Not In My Group")
    await make_cohort(members=[mine], mentors=[mentor])
    await log_in(client, "mentor@example.org", PASSWORD)

    response = await client.get("/members")

    assert response.status_code == 200
    assert member_ids(response.text) == {mine.id}
    assert "Not In My Group" not in response.text


async def test_member_cannot_list_members(client) -> None:
    await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await client.get("/members")

    assert response.status_code == 403
