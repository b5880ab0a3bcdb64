"""Who may open the family pages, as a matrix of URL × visitor.

Without a guardian session (signed out, or signed in with a user account, even the teen's
own or staff's) → the page that sends a sign-in link; a guardian → their own teens; a
teen who is not theirs → 404, so the answer never says that she exists.

The cast: María is the guardian of Itzel and of her brother Beto; Rosa is the guardian of
Ana. Itzel's photo release is in force.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.family.conftest import sign_in, teen_with_guardian
from tests.members.conftest import spanish
from tests.soapbox.factories import agree_to_public_name
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.members.enums import ConsentPurpose, PublicNameChoice
from yoc.members.services import standing

VISITORS = ("anonymous", "teen", "staff", "guardian", "other_guardian")
NOT_FOUND = "We could not find that page"


@dataclass
class World:
    itzel: User
    beto: User
    ana: User
    staff: User

    def url(self, template: str) -> str:
        return template.format(itzel=self.itzel.id, beto=self.beto.id, ana=self.ana.id)


@pytest.fixture
async def world(app) -> World:
    itzel, _ = await teen_with_guardian(name="Itzel Ramírez", email="maria@example.org")
    beto, _ = await teen_with_guardian(name="Beto Ramírez", email="maria@example.org", age=16)
    ana, _ = await teen_with_guardian(name="Ana Cruz", email="rosa@example.org")
    await agree_to_public_name(itzel, PublicNameChoice.FIRST_NAME_LAST_INITIAL, photo_release=True)
    staff = await make_user(role=Role.STAFF, email="sam@example.org")
    return World(itzel, beto, ana, staff)


async def visit_as(client: httpx.AsyncClient, world: World, visitor: str) -> None:
    if visitor == "teen":
        await log_in(client, world.itzel.email, PASSWORD)
    elif visitor == "staff":
        await log_in(client, world.staff.email, PASSWORD)
    elif visitor == "guardian":
        await sign_in(client, "maria@example.org")
    elif visitor == "other_guardian":
        await sign_in(client, "rosa@example.org")


def matrix(table: dict[str, tuple]) -> list:
    return [
        pytest.param(path, visitor, status, id=f"{path} {visitor} {status}")
        for path, row in table.items()
        for visitor, status in zip(VISITORS, row, strict=True)
    ]


# fmt: off
PAGES = {
    #                          anon teen staff guardian other
    "/family/sign-in":         (200, 200, 200,  200,     200),
    "/family":                 (303, 303, 303,  200,     303),
    "/family/teens/{itzel}":   (303, 303, 303,  200,     404),
    "/family/teens/{beto}":    (303, 303, 303,  200,     404),
    "/family/teens/{ana}":     (303, 303, 303,  404,     200),
}
# fmt: on


@pytest.mark.parametrize(("template", "visitor", "status"), matrix(PAGES))
async def test_family_pages_follow_the_permission_matrix(
    client, world, template, visitor, status
) -> None:
    await visit_as(client, world, visitor)

    response = await client.get(world.url(template))

    assert response.status_code == status
    if status == 303:
        expected = "/family/sign-in"
        if visitor == "other_guardian":
            expected = f"/family/teens/{world.ana.id}"  # her one teen
        assert response.headers["location"] == expected
    elif status == 404:
        assert spanish(NOT_FOUND) in response.text  # the guardian's language
        assert "Itzel" not in response.text and "Ana Cruz" not in response.text
    else:
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "<script" not in response.text


# fmt: off
WITHDRAW = {
    #                                                  anon teen staff guardian other
    "/family/teens/{itzel}/consent/photo_release":     (303, 303, 303,  303,     404),
}
# fmt: on


@pytest.mark.parametrize(("template", "visitor", "status"), matrix(WITHDRAW))
async def test_only_the_teens_guardian_may_withdraw_and_refusals_change_nothing(
    client, world, template, visitor, status
) -> None:
    await visit_as(client, world, visitor)
    token = csrf_from((await client.get("/family/sign-in")).text)

    response = await client.post(
        world.url(template), data={"decision": "withdraw", "csrf_token": token}
    )

    assert response.status_code == status
    in_force = await standing.has_consent(world.itzel, ConsentPurpose.PHOTO_RELEASE)
    if visitor == "guardian":
        assert response.headers["location"] == f"/family/teens/{world.itzel.id}#photo_release"
        assert not in_force
    else:
        assert in_force
        if status == 303:
            assert response.headers["location"] == "/family/sign-in"
