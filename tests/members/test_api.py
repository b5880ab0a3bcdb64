"""The member and group API: the shape and values of its answers, and its OpenAPI document.
(Who may call what is in test_permissions.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.api.schemas import CohortOut, MemberOut
from yoc.members.enums import ApplicationDecision, Community

MEMBER_FIELDS = set(MemberOut.model_fields)
COHORT_FIELDS = set(CohortOut.model_fields)


async def bearer_for(user: User) -> dict[str, str]:
    _, secret = await accounts.create_api_token(user, "Office laptop")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def staff_headers(app) -> dict[str, str]:
    return await bearer_for(await make_user(role=Role.STAFF, name="Sam Staff"))


async def make_itzel() -> User:
    return await make_member(
        age=15,
        name="Itzel Ramírez",
        email="itzel@example.org",
        language="es",
        community=Community.MECCA,
        profile={"display_name": "Itzi", "pronouns": "she/her", "school": "Desert Mirage High"}
        | {"grade": 10},
    )


async def test_member_answer_has_the_documented_fields_with_their_values(
    client, staff_headers
) -> None:
    itzel = await make_itzel()

    response = await client.get(f"/api/v1/members/{itzel.id}", headers=staff_headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "id": itzel.id,
        "name": "Itzel Ramírez",
        "display_name": "Itzi",
        "email": "itzel@example.org",
        "pronouns": "she/her",
        "language": "es",
        "community": "mecca",
        "school": "Desert Mirage High",
        "grade": 10,
        "status": "active",
        "minor": True,
    }
    assert set(response.json()) == MEMBER_FIELDS


@pytest.mark.parametrize(
    ("age", "decision", "status", "minor"),
    [
        pytest.param(17, ApplicationDecision.APPROVED, "active", True, id="17-active"),
        pytest.param(18, ApplicationDecision.APPROVED, "active", False, id="18-adult"),
        pytest.param(16, ApplicationDecision.PENDING, "pending_approval", True, id="pending"),
        pytest.param(20, ApplicationDecision.DECLINED, "declined", False, id="declined"),
    ],
)
async def test_member_answer_reports_status_and_whether_a_minor(
    client, staff_headers, age, decision, status, minor
) -> None:
    member = await make_member(age=age, decision=decision)

    response = await client.get(f"/api/v1/members/{member.id}", headers=staff_headers)

    assert (response.json()["status"], response.json()["minor"]) == (status, minor)


async def test_member_waiting_for_consent_is_reported_as_such(client, staff_headers) -> None:
    member = await make_member(age=14, consented=False)

    response = await client.get(f"/api/v1/members/{member.id}", headers=staff_headers)

    assert response.json()["status"] == "pending_consent"


async def test_member_account_without_a_profile_answers_with_empty_profile_fields(
    client, staff_headers
) -> None:
    bare = await make_user(role=Role.MEMBER, name="Nadia Flores", email="nadia@example.org")

    response = await client.get(f"/api/v1/members/{bare.id}", headers=staff_headers)

    assert response.status_code == 200
    assert response.json() == {
        "id": bare.id,
        "name": "Nadia Flores",
        "display_name": "Nadia Flores",
        "email": "nadia@example.org",
        "pronouns": "",
        "language": "en",
        "community": None,
        "school": "",
        "grade": None,
        "status": None,
        "minor": False,
    }


async def test_member_list_holds_member_answers_in_name_order(client, staff_headers) -> None:
    itzel = await make_itzel()
    beto = await make_member(age=19, name="Beto Cruz")

    response = await client.get("/api/v1/members", headers=staff_headers)

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["members", "next"]
    assert [m["id"] for m in body["members"]] == [beto.id, itzel.id]
    assert body["next"] is None
    assert all(set(m) == MEMBER_FIELDS for m in body["members"])
    assert (
        body["members"][1]
        == (await client.get(f"/api/v1/members/{itzel.id}", headers=staff_headers)).json()
    )


async def test_member_in_two_of_a_mentors_groups_is_listed_once(client) -> None:
    mentor = await make_user(role=Role.MENTOR)
    itzel = await make_itzel()
    await make_cohort("North Shore Summer", members=[itzel], mentors=[mentor])
    await make_cohort("Art Club", members=[itzel], mentors=[mentor])

    response = await client.get("/api/v1/members", headers=await bearer_for(mentor))

    assert [m["id"] for m in response.json()["members"]] == [itzel.id]


async def test_group_answer_has_the_documented_fields_with_their_values(
    client, staff_headers
) -> None:
    itzel = await make_itzel()
    beto = await make_member(age=19)
    lucia = await make_user(role=Role.MENTOR, name="Lucía Torres")
    marco = await make_user(role=Role.MENTOR, name="Marco Díaz")
    cohort = await make_cohort(
        "Mecca Summer 2027",
        members=[itzel, beto],
        mentors=[lucia, marco],
        community=Community.MECCA,
        starts_on=date(2027, 6, 14),
        ends_on=date(2027, 8, 6),
    )

    response = await client.get("/api/v1/cohorts", headers=staff_headers)

    assert response.status_code == 200
    [answer] = response.json()["cohorts"]
    assert set(answer) == COHORT_FIELDS
    assert {k: v for k, v in answer.items() if k != "mentors"} == {
        "id": cohort.id,
        "name": "Mecca Summer 2027",
        "slug": cohort.slug,
        "community": "mecca",
        "starts_on": "2027-06-14",
        "ends_on": "2027-08-06",
        "members": 2,
    }
    assert sorted(answer["mentors"]) == ["Lucía Torres", "Marco Díaz"]


async def test_group_without_dates_or_community_answers_with_nulls(client, staff_headers) -> None:
    cohort = await make_cohort("Open Studio")

    response = await client.get("/api/v1/cohorts", headers=staff_headers)

    assert response.json() == {
        "cohorts": [
            {
                "id": cohort.id,
                "name": "Open Studio",
                "slug": cohort.slug,
                "community": None,
                "starts_on": None,
                "ends_on": None,
                "members": 0,
                "mentors": [],
            }
        ],
        "next": None,
    }


async def test_group_members_are_member_answers_in_name_order(client) -> None:
    mentor = await make_user(role=Role.MENTOR)
    itzel = await make_itzel()
    beto = await make_member(age=19, name="Beto Cruz")
    await make_member(age=16, name="Ana Outside")
    cohort = await make_cohort(members=[itzel, beto], mentors=[mentor])

    response = await client.get(
        f"/api/v1/cohorts/{cohort.id}/members", headers=await bearer_for(mentor)
    )

    assert response.status_code == 200
    members = response.json()["members"]
    assert [m["id"] for m in members] == [beto.id, itzel.id]
    assert all(set(m) == MEMBER_FIELDS for m in members)
    assert members[1]["display_name"] == "Itzi"


async def test_missing_group_is_a_json_404(client, staff_headers) -> None:
    response = await client.get("/api/v1/cohorts/99999/members", headers=staff_headers)

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "We could not find that group."}


async def test_missing_member_is_a_json_404(client, staff_headers) -> None:
    response = await client.get("/api/v1/members/99999", headers=staff_headers)

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "We could not find that member."}


# The OpenAPI document ---------------------------------------------------------

MEMBER_ENDPOINTS = {
    "/api/v1/members": "MemberList",
    "/api/v1/members/{id}": "MemberOut",
    "/api/v1/cohorts": "CohortList",
    "/api/v1/cohorts/{id}/members": "MemberList",
}


MEMBER_QUERIES = {
    "/api/v1/members": ["limit", "cursor", "q", "group", "state"],
    "/api/v1/members/{id}": [],
    "/api/v1/cohorts": ["limit", "cursor"],
    "/api/v1/cohorts/{id}/members": ["limit", "cursor"],
}


@pytest.fixture
async def openapi(client) -> dict:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("path", "schema"), MEMBER_ENDPOINTS.items())
async def test_openapi_documents_each_member_endpoint(openapi, path, schema) -> None:
    operation = openapi["paths"][path]["get"]

    assert operation["security"] == [{"bearerAuth": []}]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{schema}"
    }
    assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    has_id = "{id}" in path
    assert ("404" in operation["responses"]) is has_id
    parameters = operation.get("parameters", [])
    assert [p for p in parameters if p["in"] == "path"] == (
        [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
        if has_id
        else []
    )
    # Lists come a page at a time (tests/test_list_pages.py checks the details).
    assert [p["name"] for p in parameters if p["in"] == "query"] == MEMBER_QUERIES[path]


def resolve(document: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        assert part in node, f"{ref} points at nothing"
        node = node[part]
    return node


def refs_in(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in refs_in(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs_in(value)]
    return []


async def test_openapi_member_and_group_schemas_match_the_answers(openapi) -> None:
    schemas = openapi["components"]["schemas"]
    member_ref = schemas["MemberList"]["properties"]["members"]["items"]["$ref"]
    cohort_ref = schemas["CohortList"]["properties"]["cohorts"]["items"]["$ref"]

    member = resolve(openapi, member_ref)
    cohort = resolve(openapi, cohort_ref)

    assert (set(member["properties"]), set(member["required"])) == (MEMBER_FIELDS, MEMBER_FIELDS)
    assert (set(cohort["properties"]), set(cohort["required"])) == (COHORT_FIELDS, COHORT_FIELDS)
    scheme = openapi["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "insufficient_scope" in scheme["description"]


async def test_openapi_references_of_the_member_endpoints_all_resolve(openapi) -> None:
    pending = refs_in([openapi["paths"][path] for path in MEMBER_ENDPOINTS])
    seen: set[str] = set()
    dangling: set[str] = set()

    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        name = ref.removeprefix("#/components/schemas/")
        if name in openapi["components"]["schemas"]:
            pending += refs_in(openapi["components"]["schemas"][name])
        else:
            dangling.add(ref)

    assert dangling == set()
    assert seen >= {f"#/components/schemas/{s}" for s in MEMBER_ENDPOINTS.values()}


async def test_openapi_documents_the_403_members_get_from_the_member_list(openapi) -> None:
    # A member's token is refused with 403 (see test_permissions.py); the summary says
    # so, and the responses must say it too, or a client generator will not expect it.
    responses = openapi["paths"]["/api/v1/members"]["get"]["responses"]

    assert responses["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
