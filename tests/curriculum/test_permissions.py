"""Who may open which curriculum page, post which form and call which API, as a matrix
of URL × role.

Signed out → the sign-in page (401 for the API); wrong role → 403; something that exists
but is not the viewer's (a module not assigned to them, another group's member) → 404,
and a refused request changes nothing.

The cast: "member" (Itzel, 15, in the North Shore group) and "other_member" (Beto, 19, in
the Mecca group); "mentor" mentors Itzel's group, "other_mentor" mentors Beto's; staff; an
admin. Itzel is given the module "Finding your voice" (not Beto); "Organizing 101" is given
to nobody yet; Itzel has sent one reflection for review and earned one badge.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import csrf_from, log_in
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.enums import Completion
from yoc.curriculum.models import (
    Activity,
    ActivityProgress,
    Assignment,
    Badge,
    CohortAssignment,
    Module,
    ProgressEvent,
    Track,
)
from yoc.curriculum.services import progress
from yoc.mail import OutboxMessage
from yoc.members.enums import ApplicationDecision
from yoc.members.models import Cohort

ACTORS = ("anonymous", "member", "other_member", "mentor", "other_mentor", "staff", "admin")
FORBIDDEN = "You do not have access to this page"
NOT_FOUND = "We could not find that page"


@dataclass
class World:
    people: dict[str, User]
    cohort: Cohort
    other_cohort: Cohort
    track: Track
    module: Module
    unassigned: Module
    activities: dict[str, Activity]
    submission: ActivityProgress
    badge: Badge

    @property
    def member(self) -> User:
        return self.people["member"]

    def ids(self) -> dict[str, object]:
        return {
            **{name: person.id for name, person in self.people.items()},
            **{name: activity.id for name, activity in self.activities.items()},
            "cohort": self.cohort.id,
            "other_cohort": self.other_cohort.id,
            "track": self.track.id,
            "module": self.module.id,
            "unassigned": self.unassigned.id,
            "submission": self.submission.id,
            "badge": self.badge.id,
            "badge_uid": self.badge.uid,
        }

    def url(self, template: str) -> str:
        return template.format(**self.ids())


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

    track = await make_track("Speak Up", "Alza la voz")
    module = await make_module(track, "Finding your voice", "Encuentra tu voz")
    activities = {
        "read": await make_activity(module, "Read the guide", "Lee la guía"),
        "practice": await make_activity(module, "Practice aloud", "Practica en voz alta"),
        "reflect": await make_activity(
            module, "My community", "Mi comunidad", completion=Completion.REFLECTION
        ),
        "sent": await make_activity(
            module, "A place I love", "Un lugar que quiero", completion=Completion.REFLECTION
        ),
        "attend": await make_activity(
            module, "Workshop", "Taller", completion=Completion.ATTENDANCE
        ),
    }
    unassigned = await make_module(track, "Organizing 101", "Organizar 101")
    first_steps = await make_module(track, "First steps", "Primeros pasos", milestone=True)
    step = await make_activity(first_steps, "Say hello", "Saluda")
    await give(member, module, first_steps)
    submission = await progress.submit_reflection(member, activities["sent"].id, "The park.")
    await progress.mark_done(member, step.id)
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
        track=track,
        module=module,
        unassigned=unassigned,
        activities=activities,
        submission=submission,
        badge=await Badge.get(member=member),
    )


async def sign_in_as(client: httpx.AsyncClient, world: World, actor: str) -> None:
    if actor != "anonymous":
        await log_in(client, world.people[actor].email, PASSWORD)


def matrix(table: dict[str, tuple], actors: tuple[str, ...] = ACTORS) -> list:
    return [
        pytest.param(key, actor, status, id=f"{key} {actor} {status}")
        for key, row in table.items()
        for actor, status in zip(actors, row, strict=True)
    ]


# Pages ------------------------------------------------------------------------

# fmt: off
PAGES = {
    #                                         anon  member other   mentor other   staff admin
    #                                                      member         mentor
    "/learn/modules/{module}":                (303, 200,   404,    403,   403,    403,  403),
    "/badges":                                (303, 200,   200,    403,   403,    403,  403),
    # Until Itzel shares her badge, it has no public page, not even for her.
    "/badges/{badge_uid}":                    (404, 404,   404,    404,   404,    404,  404),
    "/badges/{badge_uid}.json":               (404, 404,   404,    404,   404,    404,  404),
    "/assign":                                (303, 403,   403,    200,   200,    200,  200),
    "/mentor/reviews":                        (303, 403,   403,    200,   200,    200,  200),
    "/cohorts/{cohort}/progress":             (303, 403,   403,    200,   404,    200,  200),
    "/cohorts/{cohort}/progress.csv":         (303, 403,   403,    403,   403,    200,  200),
    "/cohorts/{cohort}/attendance/{attend}":  (303, 403,   403,    200,   404,    200,  200),
    "/staff/curriculum":                      (303, 403,   403,    403,   403,    200,  200),
    "/staff/curriculum/tracks/{track}":       (303, 403,   403,    403,   403,    200,  200),
    "/staff/curriculum/modules/{module}":     (303, 403,   403,    403,   403,    200,  200),
    "/staff/curriculum/activities/{read}":    (303, 403,   403,    403,   403,    200,  200),
}
# fmt: on

# What an allowed page shows, for every actor allowed to open it.
SHOWS = {
    "/learn/modules/{module}": "<h1>Finding your voice</h1>",
    "/badges": "<h1>My badges</h1>",
    "/assign": "Assign a module or a track",
    "/mentor/reviews": "<h1>Reflections to review</h1>",
    "/cohorts/{cohort}/progress": '<a href="/members/{member}">Itzel Ramírez</a>',
    "/cohorts/{cohort}/progress.csv": "Itzel Ramírez,",
    "/cohorts/{cohort}/attendance/{attend}": 'name="member_ids" value="{member}"> Itzel Ramírez',
    "/staff/curriculum": "Speak Up / Alza la voz",
    "/staff/curriculum/tracks/{track}": "<h1>Speak Up / Alza la voz</h1>",
    "/staff/curriculum/modules/{module}": "<h1>Finding your voice / Encuentra tu voz</h1>",
    "/staff/curriculum/activities/{read}": "<h1>Read the guide / Lee la guía</h1>",
}


@pytest.mark.parametrize(("template", "actor", "status"), matrix(PAGES))
async def test_curriculum_pages_follow_the_permission_matrix(
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
        assert "Finding your voice" not in response.text
        if actor != "member":
            assert "Itzel" not in response.text
    else:
        expected_type = "text/csv" if path.endswith(".csv") else "text/html"
        assert response.headers["content-type"] == f"{expected_type}; charset=utf-8"
        assert world.url(SHOWS[template]) in response.text


@pytest.mark.parametrize("actor", ["member", "mentor", "staff"])
async def test_a_missing_module_or_catalog_item_is_404(client, world, actor) -> None:
    await sign_in_as(client, world, actor)
    path = {
        "member": "/learn/modules/99999",
        "mentor": f"/cohorts/{world.cohort.id}/attendance/99999",
        "staff": "/staff/curriculum/activities/99999",
    }[actor]

    response = await client.get(path)

    assert response.status_code == 404
    assert NOT_FOUND in response.text


@pytest.mark.parametrize(
    ("actor", "sees_itzel"),
    [("mentor", True), ("other_mentor", False), ("staff", True)],
)
@pytest.mark.parametrize("path", ["/assign", "/mentor/reviews"])
async def test_mentor_pages_list_only_their_own_groups_members(
    client, world, actor, sees_itzel, path
) -> None:
    await sign_in_as(client, world, actor)

    response = await client.get(path)

    assert response.status_code == 200
    assert ("Itzel Ramírez" in response.text) is sees_itzel


async def test_my_badges_lists_only_the_members_own_badges(client, world) -> None:
    await sign_in_as(client, world, "other_member")

    response = await client.get("/badges")

    assert response.status_code == 200
    assert "First steps" not in response.text
    assert f'action="/badges/{world.badge.id}/share"' not in response.text


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("suffix", ["", ".json"], ids=["page", "json"])
async def test_a_shared_badge_is_public_to_everyone(client, world, actor, suffix) -> None:
    await Badge.filter(id=world.badge.id).update(public=True)
    await sign_in_as(client, world, actor)

    response = await client.get(f"/badges/{world.badge.uid}{suffix}")

    assert response.status_code == 200
    assert "First steps" in response.text


async def test_a_member_waiting_for_approval_cannot_open_or_work_on_a_module(client, world) -> None:
    pending = await make_member(
        age=19, name="Paz Luna", email="paz@example.org", decision=ApplicationDecision.PENDING
    )
    await give(pending, world.module)
    await log_in(client, "paz@example.org", PASSWORD)
    read = world.activities["read"].id

    page = await client.get(f"/learn/modules/{world.module.id}")
    done = await client.post(
        f"/learn/activities/{read}/done",
        data={"module": str(world.module.id), "csrf_token": await csrf_token(client)},
    )

    assert page.status_code == 403
    assert "Not yet" in page.text
    assert done.status_code == 403
    assert await ActivityProgress.filter(member=pending).count() == 0


# Form posts -------------------------------------------------------------------


async def _state_of(world: World, activity: str) -> str | None:
    row = await ActivityProgress.get_or_none(
        member=world.member, activity=world.activities[activity]
    )
    return row.state.value if row else None


async def _started(world: World) -> str | None:
    return await _state_of(world, "practice")


async def _done(world: World) -> str | None:
    return await _state_of(world, "read")


async def _reflection(world: World) -> tuple[str | None, str]:
    row = await ActivityProgress.get_or_none(
        member=world.member, activity=world.activities["reflect"]
    )
    return (row.state.value, row.body) if row else (None, "")


async def _shared(world: World) -> bool:
    return (await Badge.get(id=world.badge.id)).public


async def _given_to_group(world: World) -> tuple[int, list[int]]:
    members = await Assignment.filter(module=world.unassigned).values_list("member_id", flat=True)
    return await CohortAssignment.all().count(), sorted(members)


async def _given(world: World) -> list[int]:
    return sorted(
        await Assignment.filter(module=world.unassigned).values_list("member_id", flat=True)
    )


async def _reviewed(world: World) -> tuple[str, int, int]:
    row = await ActivityProgress.get(id=world.submission.id)
    events = await ProgressEvent.filter(progress_id=row.id).count()
    return row.state.value, events, await OutboxMessage.filter(to_email=world.member.email).count()


async def _attended(world: World) -> str | None:
    return await _state_of(world, "attend")


async def _track_titles(world: World) -> list[str]:
    return await Track.all().order_by("id").values_list("title_en", flat=True)


async def _module_titles(world: World) -> list[str]:
    return await Module.filter(track=world.track).order_by("id").values_list("title_en", flat=True)


async def _module_title(world: World) -> str:
    return (await Module.get(id=world.module.id)).title_en


async def _activity_titles(world: World) -> list[str]:
    return (
        await Activity.filter(module=world.module).order_by("id").values_list("title_en", flat=True)
    )


async def _read_title(world: World) -> str:
    return (await Activity.get(id=world.activities["read"].id)).title_en


async def _read_retired(world: World) -> bool:
    return (await Activity.get(id=world.activities["read"].id)).retired_at is not None


async def _new_track_page(world: World) -> str:
    return f"/staff/curriculum/tracks/{(await Track.get(title_en='Organize')).id}"


async def _new_module_page(world: World) -> str:
    return f"/staff/curriculum/modules/{(await Module.get(title_en='Storytelling')).id}"


@dataclass(frozen=True)
class Post:
    """A form post, what it changes in the database, and where it leads when allowed."""

    path: str
    data: dict[str, str]
    state: Callable[[World], Awaitable[object]]
    done: object  # the state after an allowed post
    then: str | Callable[[World], Awaitable[str]]


MODULE_TEXTS = {"title_en": "Finding your voice", "title_es": "Encuentra tu voz"}
ACTIVITY = {"kind": "read", "completion": "self"}

POSTS = {
    "start": Post(
        "/learn/activities/{practice}/start",
        {"module": "{module}"},
        _started,
        "in_progress",
        "/learn/modules/{module}#activity-{practice}",
    ),
    "done": Post(
        "/learn/activities/{read}/done",
        {"module": "{module}"},
        _done,
        "done",
        "/learn/modules/{module}#activity-{read}",
    ),
    "reflection": Post(
        "/learn/activities/{reflect}/reflection",
        {"module": "{module}", "body": "My street has a mural."},
        _reflection,
        ("submitted", "My street has a mural."),
        "/learn/modules/{module}#activity-{reflect}",
    ),
    "share badge": Post("/badges/{badge}/share", {"public": "1"}, _shared, True, "/badges"),
    "assign to Itzel's group": Post(
        "/assign",
        {"target": "cohort:{cohort}", "what": "module:{unassigned}"},
        _given_to_group,
        (1, ["member"]),
        "/cohorts/{cohort}/progress",
    ),
    "assign to Itzel": Post(
        "/assign",
        {"target": "member:{member}", "what": "module:{unassigned}"},
        _given,
        ["member"],
        "/members/{member}",
    ),
    "assign to Beto": Post(
        "/assign",
        {"target": "member:{other_member}", "what": "module:{unassigned}"},
        _given,
        ["other_member"],
        "/members/{other_member}",
    ),
    "review": Post(
        "/mentor/reviews/{submission}",
        {"decision": "return", "feedback": "Tell me more about the park."},
        _reviewed,
        ("returned", 2, 1),
        "/mentor/reviews",
    ),
    "attendance": Post(
        "/cohorts/{cohort}/attendance/{attend}",
        {"member_ids": "{member}"},
        _attended,
        "done",
        "/cohorts/{cohort}/progress",
    ),
    "create track": Post(
        "/staff/curriculum/tracks",
        {"title_en": "Organize", "title_es": "Organiza"},
        _track_titles,
        ["Speak Up", "Organize"],
        _new_track_page,
    ),
    "edit track": Post(
        "/staff/curriculum/tracks/{track}",
        {"title_en": "Speak Out", "title_es": "Alza la voz"},
        _track_titles,
        ["Speak Out"],
        "/staff/curriculum/tracks/{track}",
    ),
    "add module": Post(
        "/staff/curriculum/tracks/{track}",
        {"add": "module", "title_en": "Storytelling", "title_es": "Contar historias"},
        _module_titles,
        ["Finding your voice", "Organizing 101", "First steps", "Storytelling"],
        _new_module_page,
    ),
    "edit module": Post(
        "/staff/curriculum/modules/{module}",
        {**MODULE_TEXTS, "title_en": "Find your voice"},
        _module_title,
        "Find your voice",
        "/staff/curriculum/modules/{module}",
    ),
    "add activity": Post(
        "/staff/curriculum/modules/{module}",
        {"add": "activity", "title_en": "Listen", "title_es": "Escucha", **ACTIVITY},
        _activity_titles,
        ["Read the guide", "Practice aloud", "My community", "A place I love", "Workshop"]
        + ["Listen"],
        "/staff/curriculum/modules/{module}",
    ),
    "edit activity": Post(
        "/staff/curriculum/activities/{read}",
        {"title_en": "Read the new guide", "title_es": "Lee la guía", **ACTIVITY},
        _read_title,
        "Read the new guide",
        "/staff/curriculum/modules/{module}",
    ),
    "retire activity": Post(
        "/staff/curriculum/activity/{read}/arrange",
        {"action": "retire", "back": "/staff/curriculum/modules/{module}"},
        _read_retired,
        True,
        "/staff/curriculum/modules/{module}",
    ),
}

# fmt: off
POST_STATUS = {
    #                           anon  member other   mentor other   staff admin
    #                                        member         mentor
    "start":                   (303, 303,   404,    403,   403,    403,  403),
    "done":                    (303, 303,   404,    403,   403,    403,  403),
    "reflection":              (303, 303,   404,    403,   403,    403,  403),
    "share badge":             (303, 303,   404,    403,   403,    403,  403),
    "assign to Itzel's group": (303, 403,   403,    303,   404,    303,  303),
    "assign to Itzel":         (303, 403,   403,    303,   404,    303,  303),
    "assign to Beto":          (303, 403,   403,    404,   303,    303,  303),
    "review":                  (303, 403,   403,    303,   404,    303,  303),
    "attendance":              (303, 403,   403,    303,   404,    303,  303),
    "create track":            (303, 403,   403,    403,   403,    303,  303),
    "edit track":              (303, 403,   403,    403,   403,    303,  303),
    "add module":              (303, 403,   403,    403,   403,    303,  303),
    "edit module":             (303, 403,   403,    403,   403,    303,  303),
    "add activity":            (303, 403,   403,    403,   403,    303,  303),
    "edit activity":           (303, 403,   403,    403,   403,    303,  303),
    "retire activity":         (303, 403,   403,    403,   403,    303,  303),
}
# fmt: on


def people_ids(world: World, value: object) -> object:
    """Write expected states with people's names; compare them with ids."""
    if isinstance(value, list):
        return [world.people[v].id if v in world.people else v for v in value]
    if isinstance(value, tuple):
        return tuple(people_ids(world, v) for v in value)
    return value


async def csrf_token(client: httpx.AsyncClient) -> str:
    return csrf_from((await client.get("/")).text)


@pytest.mark.parametrize(("name", "actor", "status"), matrix(POST_STATUS))
async def test_curriculum_actions_follow_the_permission_matrix_and_refusals_change_nothing(
    client, world, name, actor, status
) -> None:
    post = POSTS[name]
    path = world.url(post.path)
    await sign_in_as(client, world, actor)
    before = await post.state(world)
    data = {key: world.url(value) for key, value in post.data.items()}

    response = await client.post(path, data={**data, "csrf_token": await csrf_token(client)})

    assert response.status_code == status
    done = people_ids(world, post.done)
    assert done != before
    if actor == "anonymous":
        assert response.headers["location"] == f"/login?next={quote(path)}"
    if status == 303 and actor != "anonymous":
        then = post.then if isinstance(post.then, str) else await post.then(world)
        assert response.headers["location"] == world.url(then)
        assert await post.state(world) == done
    else:
        assert await post.state(world) == before
    if status == 403:
        assert FORBIDDEN in response.text
    if status == 404:
        assert NOT_FOUND in response.text


@pytest.mark.parametrize(
    ("action", "status"), [("sideways", 400), ("up", 404)], ids=["unknown action", "unknown kind"]
)
async def test_arranging_something_unknown_changes_nothing(client, world, action, status) -> None:
    await sign_in_as(client, world, "staff")
    kind = "activity" if action == "sideways" else "lesson"
    read = world.activities["read"]

    response = await client.post(
        f"/staff/curriculum/{kind}/{read.id}/arrange",
        data={"action": action, "csrf_token": await csrf_token(client)},
    )

    assert response.status_code == status
    assert await Activity.filter(module=world.module).order_by("position", "id").values_list(
        "id", flat=True
    ) == [a.id for a in world.activities.values()]


# JSON API -------------------------------------------------------------------------

API_ERRORS = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, str] | None = None


CALLS = {
    "tracks": Call("GET", "/api/v1/tracks"),
    "Itzel's progress": Call("GET", "/api/v1/members/{member}/progress"),
    "assign to Itzel's group": Call(
        "POST", "/api/v1/assignments", {"target": "cohort:{cohort}", "what": "module:{unassigned}"}
    ),
    "assign to Itzel": Call(
        "POST", "/api/v1/assignments", {"target": "member:{member}", "what": "module:{unassigned}"}
    ),
}

# fmt: off
API_STATUS = {
    #                           anon  member other   mentor other   staff admin
    #                                        member         mentor
    "tracks":                  (401, 200,   200,    200,   200,    200,  200),
    "Itzel's progress":        (401, 200,   404,    200,   404,    200,  200),
    "assign to Itzel's group": (401, 403,   403,    201,   404,    201,  201),
    "assign to Itzel":         (401, 403,   403,    201,   404,    201,  201),
}
# fmt: on


async def _api_state(world: World) -> tuple[int, int]:
    return await CohortAssignment.all().count(), await Assignment.all().count()


@pytest.mark.parametrize(("name", "actor", "status"), matrix(API_STATUS))
async def test_curriculum_api_follows_the_permission_matrix(
    client, world, name, actor, status
) -> None:
    call = CALLS[name]
    headers = {}
    if actor != "anonymous":
        _, secret = await accounts.create_api_token(world.people[actor], "Laptop")
        headers["Authorization"] = f"Bearer {secret}"
    before = await _api_state(world)
    body = {k: world.url(v) for k, v in call.body.items()} if call.body else None

    response = await client.request(call.method, world.url(call.path), json=body, headers=headers)

    assert response.status_code == status
    answer = response.json()
    if status >= 400:
        assert answer["error"] == API_ERRORS[status]
        assert "Itzel" not in response.text
        assert await _api_state(world) == before
    elif name == "tracks":
        assert [t["title"] for t in answer["tracks"]] == [{"en": "Speak Up", "es": "Alza la voz"}]
    elif name == "Itzel's progress":
        assert answer["member"] == world.member.id
        assert sorted(m["module"] for m in answer["modules"]) == sorted(
            await Assignment.filter(member=world.member).values_list("module_id", flat=True)
        )
    else:
        assert await Assignment.filter(module=world.unassigned).values_list(
            "member_id", flat=True
        ) == [world.member.id]
