"""Who may open which member page and call which member API, as a matrix of URL × role.

Signed out → the sign-in page (401 for the API); wrong role → 403; a member that exists
but is not the viewer's to see → 404, so the answer never confirms that it exists.

The cast: "member" (Itzel, 15, in the North Shore group) and "other_member" (Beto, 19, in
the Mecca group); "mentor" mentors Itzel's group, "other_mentor" mentors Beto's; staff;
an admin. Paths name Itzel's record and group unless they say otherwise.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import httpx
import pytest
from PIL import Image

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc import mail
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.audit import AuditAction, AuditEntry
from yoc.members.enums import (
    ApplicationDecision,
    ConsentPurpose,
    NoteVisibility,
    Relationship,
)
from yoc.members.models import (
    Cohort,
    ConsentConflict,
    ConsentRecord,
    ConsentRequest,
    DeletionRequest,
    Guardian,
    MemberPhoto,
    MemberProfile,
    MentorNote,
)
from yoc.members.services import consent, notes, profiles, standing

ACTORS = ("anonymous", "member", "other_member", "mentor", "other_mentor", "staff", "admin")
FORBIDDEN = "You do not have access to this page"
NOT_FOUND = "We could not find that page"


@dataclass
class World:
    people: dict[str, User]
    cohort: Cohort
    other_cohort: Cohort
    guardian: Guardian
    # A second guardian Itzel added, whom staff have not confirmed, and whose yes to
    # photos waits as a conflict with the first guardian's no.
    unconfirmed: Guardian
    conflict: ConsentConflict
    deletion: DeletionRequest

    @property
    def member(self) -> User:
        return self.people["member"]

    @property
    def other_member(self) -> User:
        return self.people["other_member"]

    def ids(self) -> dict[str, int]:
        return {
            **{name: person.id for name, person in self.people.items()},
            "cohort": self.cohort.id,
            "other_cohort": self.other_cohort.id,
            "guardian": self.guardian.id,
            "unconfirmed": self.unconfirmed.id,
            "conflict": self.conflict.id,
            "deletion": self.deletion.id,
        }

    def url(self, template: str) -> str:
        return template.format(**self.ids())


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "orange").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def world(app) -> World:
    member = await make_member(age=15, name="Itzel Ramírez", email="itzel@example.org")
    other_member = await make_member(age=19, name="Beto Cruz", email="beto@example.org")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Torres", email="lucia@example.org")
    other_mentor = await make_user(role=Role.MENTOR, name="Marco Díaz", email="marco@example.org")
    cohort = await make_cohort("North Shore Summer", members=[member], mentors=[mentor])
    other_cohort = await make_cohort("Mecca Spring", members=[other_member], mentors=[other_mentor])
    staff = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    admin = await make_user(role=Role.ADMIN, name="Ada Admin", email="ada@example.org")
    await profiles.set_photo(actor=member, member=member, data=png())
    deletion = await DeletionRequest.create(member=other_member, reason="Moving away")
    guardian = await Guardian.get(member=member)
    unconfirmed = await Guardian.create(
        member=member,
        name="Tío Ramírez",
        relationship=Relationship.OTHER_RELATIVE,
        email="tio@example.org",
    )
    await consent.guardian_answers(unconfirmed, ConsentPurpose.PHOTO_RELEASE, True, language="es")
    return World(
        people={
            "member": member,
            "other_member": other_member,
            "mentor": mentor,
            "other_mentor": other_mentor,
            "staff": staff,
            "admin": admin,
        },
        cohort=cohort,
        other_cohort=other_cohort,
        guardian=guardian,
        unconfirmed=unconfirmed,
        conflict=await ConsentConflict.get(member=member),
        deletion=deletion,
    )


async def sign_in_as(client: httpx.AsyncClient, world: World, actor: str) -> None:
    if actor != "anonymous":
        await log_in(client, world.people[actor].email, PASSWORD)


def matrix(table: dict[str, tuple], actors: tuple[str, ...] = ACTORS) -> list:
    return [
        pytest.param(path, actor, status, id=f"{path} {actor} {status}")
        for path, row in table.items()
        for actor, status in zip(actors, row, strict=True)
    ]


# Pages ------------------------------------------------------------------------

# fmt: off
PAGES = {
    #                          anon  member other   mentor other   staff admin
    #                                       member         mentor
    "/me/profile":             (303, 200,   200,    403,   403,    403,  403),
    "/me/profile/edit":        (303, 200,   200,    403,   403,    403,  403),
    "/me/group":               (303, 200,   200,    403,   403,    403,  403),
    "/me/data":                (303, 200,   200,    403,   403,    403,  403),
    "/me/data.json":           (303, 200,   200,    403,   403,    403,  403),
    # Public pages may show a photo with a photo release; Itzel's guardian gave none.
    "/members/{member}/photo": (404, 200,   404,    200,   404,    200,  200),
    "/cohorts":                (303, 403,   403,    200,   200,    200,  200),
    "/cohorts/{cohort}":       (303, 403,   403,    200,   404,    200,  200),
    "/members":                (303, 403,   403,    200,   200,    200,  200),
    "/members.csv":            (303, 403,   403,    403,   403,    200,  200),
    "/members/{member}":       (303, 403,   403,    200,   404,    200,  200),
    "/staff/applications":     (303, 403,   403,    403,   403,    200,  200),
    "/staff/audit":            (303, 403,   403,    403,   403,    200,  200),
    "/staff/deletions":        (303, 403,   403,    403,   403,    403,  200),
}
# fmt: on


def content_type_of(path: str) -> str:
    if path.endswith(".csv"):
        return "text/csv; charset=utf-8"
    if path.endswith(".json"):
        return "application/json"
    if path.endswith("/photo"):
        return "image/jpeg"
    return "text/html; charset=utf-8"


@pytest.mark.parametrize(("template", "actor", "status"), matrix(PAGES))
async def test_member_pages_follow_the_permission_matrix(
    client, world, template, actor, status
) -> None:
    path = world.url(template)
    await sign_in_as(client, world, actor)

    response = await client.get(path)

    assert response.status_code == status
    if status == 303:
        assert response.headers["location"] == f"/login?next={quote(path)}"
    elif status == 403:
        assert FORBIDDEN in response.text
    elif status == 404:
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert NOT_FOUND in response.text
        assert world.member.name not in response.text
    else:
        assert response.headers["content-type"] == content_type_of(path)


@pytest.mark.parametrize("actor", ["staff", "mentor"])
@pytest.mark.parametrize("template", ["/members/99999", "/members/{mentor}", "/members/{staff}"])
async def test_member_record_of_someone_who_is_no_member_is_404(
    client, world, actor, template
) -> None:
    await sign_in_as(client, world, actor)

    response = await client.get(world.url(template))

    assert response.status_code == 404
    assert NOT_FOUND in response.text


async def test_group_page_of_a_missing_group_is_404_for_staff(client, world) -> None:
    await sign_in_as(client, world, "staff")

    response = await client.get("/cohorts/99999")

    assert response.status_code == 404


# What the allowed pages show ----------------------------------------------------


async def test_mentor_member_list_shows_their_groups_members_only(client, world) -> None:
    await sign_in_as(client, world, "mentor")

    response = await client.get("/members")

    assert response.status_code == 200
    assert "Itzel Ramírez" in response.text
    assert "Beto Cruz" not in response.text
    assert "1 member" in response.text
    assert "/members.csv" not in response.text


async def test_mentor_cannot_widen_the_member_list_with_another_groups_filter(
    client, world
) -> None:
    await sign_in_as(client, world, "mentor")

    response = await client.get("/members", params={"cohort": str(world.other_cohort.id)})

    assert response.status_code == 200
    assert "Beto Cruz" not in response.text
    assert "Nobody matches these filters." in response.text


async def test_staff_member_list_shows_everyone(client, world) -> None:
    await sign_in_as(client, world, "staff")

    response = await client.get("/members")

    assert response.status_code == 200
    assert "Itzel Ramírez" in response.text and "Beto Cruz" in response.text
    assert "2 members" in response.text


@pytest.mark.parametrize("actor", ["staff", "admin"])
async def test_member_csv_lists_every_member_with_their_group(client, world, actor) -> None:
    await sign_in_as(client, world, actor)

    response = await client.get("/members.csv")

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["name"], r["email"], r["groups"], r["age"]) for r in rows] == [
        ("Beto Cruz", "beto@example.org", "Mecca Spring", "19"),
        ("Itzel Ramírez", "itzel@example.org", "North Shore Summer", "15"),
    ]
    assert "no-store" in response.headers["cache-control"]
    exports = await AuditEntry.filter(action=AuditAction.EXPORT)
    assert [(e.actor_id, e.subject_label, e.detail["count"]) for e in exports] == [
        (world.people[actor].id, "", 2)
    ]


async def test_mentor_group_list_shows_only_the_groups_they_mentor(client, world) -> None:
    await sign_in_as(client, world, "mentor")

    response = await client.get("/cohorts")

    assert response.status_code == 200
    assert "North Shore Summer" in response.text
    assert "Mecca Spring" not in response.text
    assert 'action="/cohorts/new"' not in response.text


async def test_staff_group_list_shows_every_group_and_the_create_form(client, world) -> None:
    await sign_in_as(client, world, "staff")

    response = await client.get("/cohorts")

    assert response.status_code == 200
    assert "North Shore Summer" in response.text and "Mecca Spring" in response.text
    assert 'action="/cohorts/new"' in response.text


async def test_mentor_group_page_lists_its_members(client, world) -> None:
    await sign_in_as(client, world, "mentor")

    response = await client.get(f"/cohorts/{world.cohort.id}")

    assert response.status_code == 200
    assert "Itzel Ramírez" in response.text
    assert "Beto Cruz" not in response.text


async def test_mentor_sees_their_members_record_with_the_guardian(client, world) -> None:
    await sign_in_as(client, world, "mentor")

    response = await client.get(f"/members/{world.member.id}")

    assert response.status_code == 200
    assert "Itzel Ramírez" in response.text
    assert "Guardian of Itzel Ramírez" in response.text
    # Deciding and recording paper forms is staff work.
    assert f'action="/members/{world.member.id}/decision"' not in response.text


@pytest.mark.parametrize("actor", ["member", "mentor", "staff"])
async def test_photo_is_the_stored_picture_and_never_cached_publicly(client, world, actor) -> None:
    await sign_in_as(client, world, actor)

    response = await client.get(f"/members/{world.member.id}/photo")

    assert response.status_code == 200
    assert response.content == (await MemberPhoto.get(user=world.member)).data
    cache_control = response.headers["cache-control"]
    assert "public" not in cache_control
    assert "no-store" in cache_control or "private" in cache_control


async def test_photo_is_public_while_a_photo_release_is_in_force(client, world) -> None:
    beto = world.other_member
    await profiles.set_photo(actor=beto, member=beto, data=png())
    await consent.set_own(beto, ConsentPurpose.PHOTO_RELEASE, True, language="en")

    key = (await MemberPhoto.get(user=beto)).public_key
    response = await client.get(f"/photos/{key}")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    # Not by the member's id: that one is for the member, their mentors and staff.
    assert (await client.get(f"/members/{beto.id}/photo")).status_code == 404


async def test_my_data_download_holds_only_the_signed_in_members_data(client, world) -> None:
    await sign_in_as(client, world, "other_member")

    response = await client.get("/me/data.json")

    assert response.status_code == 200
    data = response.json()
    assert data["account"]["email"] == "beto@example.org"
    assert data["groups"] == ["Mecca Spring"]
    assert "itzel@example.org" not in response.text


async def test_my_profile_shows_the_signed_in_member(client, world) -> None:
    await sign_in_as(client, world, "member")

    response = await client.get("/me/profile")

    assert response.status_code == 200
    assert "Itzel Ramírez" in response.text
    assert "Beto Cruz" not in response.text


async def test_member_reads_only_the_notes_shared_with_them(client, world) -> None:
    mentor = world.people["mentor"]
    await notes.add_note(
        author=mentor, member=world.member, body="Ready to lead.", visibility=NoteVisibility.MEMBER
    )
    await notes.add_note(
        author=mentor,
        member=world.member,
        body="Watch the absences.",
        visibility=NoteVisibility.MENTORS,
    )
    await sign_in_as(client, world, "member")

    group = await client.get("/me/group")
    data = await client.get("/me/data.json")

    assert group.status_code == 200
    assert "Ready to lead." in group.text
    assert "Watch the absences." not in group.text
    assert [n["text"] for n in data.json()["notes_from_mentors"]] == ["Ready to lead."]


async def test_mentor_reads_every_note_about_their_member(client, world) -> None:
    mentor = world.people["mentor"]
    for body, visibility in [
        ("Ready to lead.", NoteVisibility.MEMBER),
        ("Watch the absences.", NoteVisibility.MENTORS),
    ]:
        await notes.add_note(author=mentor, member=world.member, body=body, visibility=visibility)
    await sign_in_as(client, world, "mentor")

    response = await client.get(f"/members/{world.member.id}")

    assert "Ready to lead." in response.text and "Watch the absences." in response.text


async def test_my_group_waits_for_approval(client, world) -> None:
    await make_member(age=16, email="new@example.org", decision=ApplicationDecision.PENDING)
    await log_in(client, "new@example.org", PASSWORD)

    response = await client.get("/me/group")

    assert response.status_code == 403
    assert FORBIDDEN not in response.text


async def test_deletions_page_shows_waiting_requests_to_admins(client, world) -> None:
    await sign_in_as(client, world, "admin")

    response = await client.get("/staff/deletions")

    assert response.status_code == 200
    assert "Beto Cruz" in response.text


# Audit log -------------------------------------------------------------------


async def test_mentor_viewing_a_minors_record_is_audited(client, world) -> None:
    await sign_in_as(client, world, "mentor")

    response = await client.get(f"/members/{world.member.id}")

    assert response.status_code == 200
    views = await AuditEntry.filter(action=AuditAction.VIEW).values(
        "actor_id", "subject_id", "subject_is_minor", "actor_label"
    )
    assert views == [
        {
            "actor_id": world.people["mentor"].id,
            "subject_id": world.member.id,
            "subject_is_minor": True,
            "actor_label": "Lucía Torres <lucia@example.org>",
        }
    ]


async def test_staff_viewing_an_adults_record_is_audited_as_not_a_minor(client, world) -> None:
    await sign_in_as(client, world, "staff")

    await client.get(f"/members/{world.other_member.id}")

    views = await AuditEntry.filter(action=AuditAction.VIEW).values_list(
        "actor_id", "subject_id", "subject_is_minor"
    )
    assert views == [(world.people["staff"].id, world.other_member.id, False)]


async def test_refused_view_of_a_record_writes_no_audit_entry(client, world) -> None:
    await sign_in_as(client, world, "other_mentor")

    response = await client.get(f"/members/{world.member.id}")

    assert response.status_code == 404
    assert await AuditEntry.filter(action=AuditAction.VIEW).count() == 0


async def test_audit_page_shows_staff_the_mentors_view_of_a_minor(app, client, world) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as mentor:
        await sign_in_as(mentor, world, "mentor")
        await mentor.get(f"/members/{world.member.id}")
    await sign_in_as(client, world, "staff")

    response = await client.get("/staff/audit", params={"minors": "1"})

    assert response.status_code == 200
    row = r"<td>Lucía Torres &lt;lucia@example.org&gt;</td>\s*<td>viewed the record</td>"
    assert len(re.findall(row, response.text)) == 1
    assert f'<a href="/members/{world.member.id}">Itzel Ramírez</a>' in response.text


# Form posts -------------------------------------------------------------------


async def _notes(world: World) -> list[str]:
    return await MentorNote.filter(member=world.member).values_list("body", flat=True)


async def _decision(world: World) -> tuple[str, str]:
    profile = await MemberProfile.get(user=world.member)
    return profile.decision.value, profile.status.value


async def _photo_release(world: World) -> tuple[bool, int]:
    records = await ConsentRecord.filter(member=world.member).count()
    return await standing.has_consent(world.member, ConsentPurpose.PHOTO_RELEASE), records


async def _consent_mail(world: World) -> tuple[int, int]:
    requests = await ConsentRequest.filter(guardian=world.guardian).count()
    return requests, await mail.OutboxMessage.filter(to_email=world.guardian.email).count()


async def _unconfirmed(world: World) -> bool:
    return (await Guardian.get(id=world.unconfirmed.id)).confirmed


async def _conflict(world: World) -> str | None:
    conflict = await ConsentConflict.get(id=world.conflict.id)
    return conflict.outcome.value if conflict.outcome else None


async def _participation(world: World) -> bool:
    return await standing.has_consent(world.member, ConsentPurpose.PARTICIPATION)


async def _deletion(world: World) -> tuple[str, str]:
    request = await DeletionRequest.get(id=world.deletion.id)
    return request.state.value, (await User.get(id=world.other_member.id)).name


async def _cohort_names(world: World) -> list[str]:
    return await Cohort.all().order_by("name").values_list("name", flat=True)


async def _roster(world: World) -> list[str]:
    return await world.cohort.members.all().order_by("name").values_list("name", flat=True)


async def _new_cohort_page(world: World) -> str:
    return f"/cohorts/{(await Cohort.get(name='Thermal Fall')).id}"


@dataclass(frozen=True)
class Post:
    """A form post, what it changes in the database, and where it leads when allowed."""

    path: str
    data: dict[str, str]
    state: Callable[[World], Awaitable[object]]
    done: object  # the state after an allowed post
    then: str | Callable[[World], Awaitable[str]]


POSTS = {
    "note": Post(
        "/members/{member}/notes",
        {"body": "Led the river clean-up planning.", "visibility": "mentors"},
        _notes,
        ["Led the river clean-up planning."],
        "/members/{member}",
    ),
    "decision": Post(
        "/members/{member}/decision",
        # As its confirmation page posts it (declining asks first: test_confirmations.py).
        {"decision": "decline", "confirm": "yes"},
        _decision,
        ("declined", "declined"),
        "/members/{member}",
    ),
    "paper consent": Post(
        "/members/{member}/consent/paper",
        {"guardian_id": "{guardian}", "photo_release": "1", "public_name_choice": "first_initial"},
        _photo_release,
        (True, 8),
        "/members/{member}",
    ),
    "resend consent": Post(
        "/members/{member}/consent/resend", {}, _consent_mail, (1, 1), "/members/{member}"
    ),
    "confirm guardian": Post(
        "/members/{member}/guardians/{unconfirmed}/confirm",
        {"method": "phone", "note": "Called him."},
        _unconfirmed,
        True,
        "/members/{member}",
    ),
    "resolve conflict": Post(
        "/members/{member}/conflicts/{conflict}/resolve",
        {"outcome": "keep"},
        _conflict,
        "kept",
        "/members/{member}",
    ),
    "record withdrawal": Post(
        "/members/{member}/consent/revoke",
        {
            "purpose": "participation",
            "guardian_id": "{guardian}",
            "method": "phone",
            "decided_on": str(date.today()),
        },
        _participation,
        False,
        "/members/{member}",
    ),
    "complete deletion": Post(
        "/staff/deletions/{deletion}/complete",
        {"confirm": "yes"},
        _deletion,
        ("completed", "Deleted member"),
        "/staff/deletions",
    ),
    "create group": Post(
        "/cohorts/new",
        {"name": "Thermal Fall"},
        _cohort_names,
        ["Mecca Spring", "North Shore Summer", "Thermal Fall"],
        _new_cohort_page,
    ),
    "add to group": Post(
        "/cohorts/{cohort}/people",
        {"email": "beto@example.org"},
        _roster,
        ["Beto Cruz", "Itzel Ramírez"],
        "/cohorts/{cohort}",
    ),
    "remove from group": Post(
        "/cohorts/{cohort}/people/{member}/remove", {}, _roster, [], "/cohorts/{cohort}"
    ),
}

# fmt: off
POST_STATUS = {
    #                     anon  member other   mentor other   staff admin
    #                                  member         mentor
    "note":              (303, 403,   403,    303,   404,    303,  303),
    "decision":          (303, 403,   403,    403,   403,    303,  303),
    "paper consent":     (303, 403,   403,    403,   403,    303,  303),
    "resend consent":    (303, 403,   403,    403,   403,    303,  303),
    "confirm guardian":  (303, 403,   403,    403,   403,    303,  303),
    "resolve conflict":  (303, 403,   403,    403,   403,    303,  303),
    "record withdrawal": (303, 403,   403,    403,   403,    303,  303),
    "complete deletion": (303, 403,   403,    403,   403,    403,  303),
    "create group":      (303, 403,   403,    403,   403,    303,  303),
    "add to group":      (303, 403,   403,    403,   403,    303,  303),
    "remove from group": (303, 403,   403,    403,   403,    303,  303),
}
# fmt: on


async def csrf_token(client: httpx.AsyncClient) -> str:
    return csrf_from((await client.get("/")).text)


@pytest.mark.parametrize(("name", "actor", "status"), matrix(POST_STATUS))
async def test_member_actions_follow_the_permission_matrix_and_refusals_change_nothing(
    client, world, name, actor, status
) -> None:
    post = POSTS[name]
    path = world.url(post.path)
    await sign_in_as(client, world, actor)
    before = await post.state(world)
    data = {key: world.url(value) for key, value in post.data.items()}

    response = await client.post(path, data={**data, "csrf_token": await csrf_token(client)})

    assert response.status_code == status
    if actor == "anonymous":
        assert response.headers["location"] == f"/login?next={quote(path)}"
    if status == 303 and actor != "anonymous":
        then = post.then if isinstance(post.then, str) else await post.then(world)
        # Where the page scrolls to (a #fragment) is not part of the contract.
        assert response.headers["location"].partition("#")[0] == world.url(then)
        assert await post.state(world) == post.done
    else:
        assert await post.state(world) == before
        assert post.done != before


async def _guardians(world: World) -> int:
    return await Guardian.all().count()


async def _deletion_requests(world: World) -> int:
    return await DeletionRequest.all().count()


async def _revoked_consents(world: World) -> int:
    return await ConsentRecord.filter(revoked_at__isnull=False).count()


async def _photos(world: World) -> int:
    return await MemberPhoto.all().count()


async def _consent_requests(world: World) -> int:
    return await ConsentRequest.all().count()


SELF_SERVICE = {
    "/me/guardians": (
        {"name": "Rosa Ramírez", "relationship": "grandparent", "phone": "760-555-0100"},
        _guardians,
        3,
    ),
    "/me/delete": ({"password": PASSWORD}, _deletion_requests, 2),
    "/me/consent/text_messages/revoke": ({}, _revoked_consents, 1),
    "/me/photo/remove": ({}, _photos, 0),
    "/me/consent/resend": ({}, _consent_requests, 2),
}
SELF_SERVICE_ACTORS = ("anonymous", "member", "mentor", "staff", "admin")
# fmt: off
SELF_SERVICE_STATUS = {
    #                                    anon  member mentor staff admin
    "/me/guardians":                    (303, 303,   403,   403,  403),
    "/me/delete":                       (303, 303,   403,   403,  403),
    "/me/consent/text_messages/revoke": (303, 303,   403,   403,  403),
    "/me/photo/remove":                 (303, 303,   403,   403,  403),
    "/me/consent/resend":               (303, 303,   403,   403,  403),
}
# fmt: on


@pytest.mark.parametrize(
    ("path", "actor", "status"), matrix(SELF_SERVICE_STATUS, SELF_SERVICE_ACTORS)
)
async def test_a_members_own_actions_are_for_members_only(
    client, world, path, actor, status
) -> None:
    data, state, done = SELF_SERVICE[path]
    await sign_in_as(client, world, actor)
    before = await state(world)

    response = await client.post(path, data={**data, "csrf_token": await csrf_token(client)})

    assert response.status_code == status
    if actor == "anonymous":
        assert response.headers["location"] == f"/login?next={quote(path)}"
    elif status == 403:
        assert FORBIDDEN in response.text
    assert await state(world) == (done if actor == "member" else before)
    assert done != before


# JSON API -------------------------------------------------------------------------

API_CASES = [
    # Lists of members: a mentor's groups, everyone for staff, nobody for members.
    ("/api/v1/members", "anonymous", 401, None),
    ("/api/v1/members", "member", 403, None),
    ("/api/v1/members", "other_member", 403, None),
    ("/api/v1/members", "mentor", 200, ["member"]),
    ("/api/v1/members", "other_mentor", 200, ["other_member"]),
    ("/api/v1/members", "staff", 200, ["other_member", "member"]),
    ("/api/v1/members", "admin", 200, ["other_member", "member"]),
    # One member: themselves, their mentors and staff; everyone else is told "not found".
    ("/api/v1/members/{member}", "anonymous", 401, None),
    ("/api/v1/members/{member}", "member", 200, ["member"]),
    ("/api/v1/members/{member}", "other_member", 404, None),
    ("/api/v1/members/{member}", "mentor", 200, ["member"]),
    ("/api/v1/members/{member}", "other_mentor", 404, None),
    ("/api/v1/members/{member}", "staff", 200, ["member"]),
    ("/api/v1/members/{member}", "admin", 200, ["member"]),
    # Groups: a mentor's own, all for staff, none for members.
    ("/api/v1/cohorts", "anonymous", 401, None),
    ("/api/v1/cohorts", "member", 200, []),
    ("/api/v1/cohorts", "other_member", 200, []),
    ("/api/v1/cohorts", "mentor", 200, ["cohort"]),
    ("/api/v1/cohorts", "other_mentor", 200, ["other_cohort"]),
    ("/api/v1/cohorts", "staff", 200, ["other_cohort", "cohort"]),
    ("/api/v1/cohorts", "admin", 200, ["other_cohort", "cohort"]),
    # The members of one group: its mentors and staff.
    ("/api/v1/cohorts/{cohort}/members", "anonymous", 401, None),
    ("/api/v1/cohorts/{cohort}/members", "member", 404, None),
    ("/api/v1/cohorts/{cohort}/members", "other_member", 404, None),
    ("/api/v1/cohorts/{cohort}/members", "mentor", 200, ["member"]),
    ("/api/v1/cohorts/{cohort}/members", "other_mentor", 404, None),
    ("/api/v1/cohorts/{cohort}/members", "staff", 200, ["member"]),
    ("/api/v1/cohorts/{cohort}/members", "admin", 200, ["member"]),
]

API_ERRORS = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}


def listed_ids(path: str, body: dict) -> list[int]:
    if path.endswith("/members/{member}"):
        return [body["id"]]
    key = "cohorts" if path == "/api/v1/cohorts" else "members"
    assert list(body) == [key, "next"]
    assert body["next"] is None  # a handful of rows: one page
    return [item["id"] for item in body[key]]


@pytest.mark.parametrize(
    ("template", "actor", "status", "visible"),
    [pytest.param(*case, id=f"{case[0]} {case[1]} {case[2]}") for case in API_CASES],
)
async def test_member_api_follows_the_permission_matrix(
    client, world, template, actor, status, visible
) -> None:
    headers = {}
    if actor != "anonymous":
        _, secret = await accounts.create_api_token(world.people[actor], "Laptop")
        headers["Authorization"] = f"Bearer {secret}"
    path = world.url(template)

    response = await client.get(path, headers=headers)

    assert response.status_code == status
    if status == 200:
        ids = world.ids()
        assert listed_ids(template, response.json()) == [ids[key] for key in visible]
    else:
        assert response.json()["error"] == API_ERRORS[status]
        assert world.member.name not in response.text
