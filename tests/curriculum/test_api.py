"""The curriculum API (yoc.curriculum.api): assigning a module or a track, the field
errors of a bad request, and the live catalog in both languages.

(Who may call which endpoint is in test_permissions.py.)
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.curriculum.conftest import assignment_rows
from tests.curriculum.factories import make_activity, make_module, make_track
from tests.factories import make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.enums import Completion
from yoc.curriculum.models import ActivityProgress, Assignment, CohortAssignment
from yoc.curriculum.services import assignments, catalog, progress
from yoc.members.services.profiles import today


async def bearer(user: User) -> dict[str, str]:
    _, secret = await accounts.create_api_token(user, "Laptop")
    return {"Authorization": f"Bearer {secret}"}


async def test_api_mentor_assigns_a_module_to_their_cohort(client, group) -> None:
    module = await make_module(await make_track())
    due = today() + timedelta(days=5)

    response = await client.post(
        "/api/v1/assignments",
        json={"target": f"cohort:{group.cohort.id}", "what": f"module:{module.id}"}
        | {"due_on": due.isoformat(), "note": "Before Friday"},
        headers=await bearer(group.mentor),
    )

    given = await CohortAssignment.get()
    assert response.status_code == 201
    assert response.json() == {
        "target": f"cohort:{group.cohort.id}",
        "what": f"module:{module.id}",
        "cohort_assignment": given.id,
        "created": 1,
        "updated": 0,
    }
    assert (given.cohort_id, given.module_id, given.due_on, given.assigned_by_id) == (
        group.cohort.id,
        module.id,
        due,
        group.mentor.id,
    )
    assert await assignment_rows() == [(group.member.id, module.id, due, "Before Friday", given.id)]


async def test_api_mentor_assigns_a_track_to_one_member(client, group) -> None:
    track = await make_track()
    first, second = await make_module(track), await make_module(track)

    response = await client.post(
        "/api/v1/assignments",
        json={"target": f"member:{group.member.id}", "what": f"track:{track.id}"},
        headers=await bearer(group.mentor),
    )

    assert response.status_code == 201
    assert response.json() == {
        "target": f"member:{group.member.id}",
        "what": f"track:{track.id}",
        "cohort_assignment": None,
        "created": 2,
        "updated": 0,
    }
    assert sorted(await Assignment.all().values_list("module_id", flat=True)) == [
        first.id,
        second.id,
    ]


async def test_api_assigning_again_updates_and_answers_200(client, group) -> None:
    module = await make_module(await make_track())
    body = {"target": f"member:{group.member.id}", "what": f"module:{module.id}"}
    headers = await bearer(group.mentor)
    due = today() + timedelta(days=6)

    first = await client.post("/api/v1/assignments", json=body, headers=headers)
    again = await client.post(
        "/api/v1/assignments", json=body | {"due_on": due.isoformat()}, headers=headers
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert (again.json()["created"], again.json()["updated"]) == (0, 1)
    assert await assignment_rows() == [(group.member.id, module.id, due, "", None)]


async def test_api_lists_changes_and_takes_back_an_assignment(client, group) -> None:
    module = await make_module(await make_track())
    reflect = await make_activity(module, completion=Completion.REFLECTION)
    headers = await bearer(group.mentor)
    await client.post(
        "/api/v1/assignments",
        json={"target": f"cohort:{group.cohort.id}", "what": f"module:{module.id}"},
        headers=headers,
    )
    await progress.submit_reflection(group.member, reflect.id, "The park.")
    given = await CohortAssignment.get()
    due = today() + timedelta(days=8)

    listed = await client.get("/api/v1/assignments", headers=headers)
    changed = await client.patch(
        f"/api/v1/assignments/cohort/{given.id}",
        json={"due_on": due.isoformat()},
        headers=headers,
    )
    rows_after_change = await assignment_rows()
    removed = await client.delete(f"/api/v1/assignments/cohort/{given.id}", headers=headers)

    assert listed.status_code == 200
    assert listed.json() == {
        "assignments": [
            {
                "kind": "cohort",
                "id": given.id,
                "target": f"cohort:{group.cohort.id}",
                "what": f"module:{module.id}",
                "due_on": None,
                "note": "",
                "members": 1,
            }
        ]
    }
    assert changed.status_code == 200
    assert (changed.json()["due_on"], changed.json()["note"]) == (due.isoformat(), "")
    assert rows_after_change == [(group.member.id, module.id, due, "", given.id)]
    assert removed.status_code == 200
    assert removed.json() == {"removed": 1, "still_given": 0}
    assert await assignment_rows() == []
    assert await ActivityProgress.filter(member=group.member).values_list("body", flat=True) == [
        "The park."
    ]


async def test_api_moves_a_members_assignment_to_another_member(client, group) -> None:
    beto = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    await group.cohort.members.add(beto)
    module = await make_module(await make_track())
    await assignments.assign_to_member(
        actor=group.mentor, member_id=group.member.id, module_id=module.id, note="Yours"
    )
    row = await Assignment.get()

    response = await client.patch(
        f"/api/v1/assignments/member/{row.id}",
        json={"target": f"member:{beto.id}"},
        headers=await bearer(group.mentor),
    )

    moved = await Assignment.get()
    assert response.status_code == 200
    assert response.json()["id"] == moved.id
    assert response.json()["target"] == f"member:{beto.id}"
    assert await assignment_rows() == [(beto.id, module.id, None, "Yours", None)]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_api_another_groups_assignment_is_404_and_unchanged(client, group, method) -> None:
    other_mentor = await make_user(role=Role.MENTOR, email="marco@example.org")
    await make_cohort("Mecca Spring", mentors=[other_mentor])
    module = await make_module(await make_track())
    given = (
        await assignments.assign_to_cohort(
            actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
        )
    ).cohort_assignment
    before = await assignment_rows()

    response = await client.request(
        method,
        f"/api/v1/assignments/cohort/{given.id}",
        json={"note": "Mine"} if method == "PATCH" else None,
        headers=await bearer(other_mentor),
    )
    listed = await client.get("/api/v1/assignments", headers=await bearer(other_mentor))

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert listed.json() == {"assignments": []}
    assert await assignment_rows() == before


async def test_api_a_member_may_not_list_or_change_assignments(client, group) -> None:
    module = await make_module(await make_track())
    given = (
        await assignments.assign_to_cohort(
            actor=group.mentor, cohort_id=group.cohort.id, module_id=module.id
        )
    ).cohort_assignment
    headers = await bearer(group.member)

    listed = await client.get("/api/v1/assignments", headers=headers)
    removed = await client.delete(f"/api/v1/assignments/cohort/{given.id}", headers=headers)

    assert (listed.status_code, removed.status_code) == (403, 403)
    assert await CohortAssignment.all().count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"target", "what"}),
        ({"target": "group:1", "what": "module:1"}, {"target"}),
        ({"target": "cohort:{cohort}", "what": "lesson:1"}, {"what"}),
        ({"target": "cohort:{cohort}", "what": "module:{module}", "due_on": "soon"}, {"due_on"}),
        (
            {"target": "cohort:{cohort}", "what": "module:{module}", "due_on": "yesterday"},
            {"due_on"},
        ),
    ],
    ids=["empty", "bad target", "bad what", "not a date", "date in the past"],
)
async def test_api_bad_assignment_is_422_with_field_errors(client, group, body, fields) -> None:
    module = await make_module(await make_track())
    yesterday = (today() - timedelta(days=2)).isoformat()
    payload = {
        key: value.format(cohort=group.cohort.id, module=module.id).replace("yesterday", yesterday)
        for key, value in body.items()
    }

    response = await client.post(
        "/api/v1/assignments", json=payload, headers=await bearer(group.mentor)
    )

    assert response.status_code == 422
    answer = response.json()
    assert answer["error"] == "invalid"
    assert set(answer["fields"]) == fields
    assert await CohortAssignment.all().count() == 0
    assert await Assignment.all().count() == 0


async def test_api_assignment_body_that_is_not_json_is_422(client, group) -> None:
    response = await client.post(
        "/api/v1/assignments",
        content=b"target=cohort:1",
        headers=await bearer(group.mentor) | {"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"__all__": "Send a JSON object."}


async def test_api_tracks_lists_live_tracks_with_both_languages(client, group) -> None:
    track = await make_track("Speak Up", "Alza la voz")
    basics = await make_module(track, "Basics", "Lo básico")
    advanced = await make_module(
        track, "Advanced", "Avanzado", milestone=True, prerequisites=[basics]
    )
    read = await make_activity(basics, "Read the guide", "Lee la guía")
    gone = await make_activity(basics, "Old", "Vieja")
    await catalog.set_retired("activity", gone.id, True)
    retired_track = await make_track("Old track", "Ruta vieja")
    await catalog.set_retired("track", retired_track.id, True)

    response = await client.get("/api/v1/tracks", headers=await bearer(group.mentor))

    assert response.status_code == 200
    assert response.json() == {
        "tracks": [
            {
                "id": track.id,
                "slug": "speak-up",
                "title": {"en": "Speak Up", "es": "Alza la voz"},
                "modules": [
                    {
                        "id": basics.id,
                        "title": {"en": "Basics", "es": "Lo básico"},
                        "milestone": False,
                        "prerequisites": [],
                        "activities": [
                            {
                                "id": read.id,
                                "kind": "read",
                                "completion": "self",
                                "title": {"en": "Read the guide", "es": "Lee la guía"},
                            }
                        ],
                    },
                    {
                        "id": advanced.id,
                        "title": {"en": "Advanced", "es": "Avanzado"},
                        "milestone": True,
                        "prerequisites": [basics.id],
                        "activities": [],
                    },
                ],
            }
        ]
    }
