"""Domain errors become answers in one place: the app's exception handlers. A page gets the
error page in the visitor's language; a path under /api/ gets a JSON body."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from tests.test_i18n import html_lang, spanish
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from yoc.http import ERROR_TITLES
from yoc.i18n import N_

NOT_FOUND_TEXT = "The link may be old, or the page may have moved."
NO_LISTS = N_("Only mentors and staff can see lists of members.")
NOTHING_NEW = N_("Nothing has changed since the last release.")


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


def raising(error: DomainError):
    async def endpoint(request):
        raise error

    return endpoint


@pytest.fixture
def failing_routes(app) -> None:
    """Routes that know nothing about errors, like any route once its own blocks are gone."""
    app.router.routes.extend(
        [
            Route("/failing/forbidden", raising(PermissionDenied(NO_LISTS, "forbidden"))),
            Route("/failing/conflict", raising(Conflict(NOTHING_NEW, "nothing_to_release"))),
            Route("/failing/plain", raising(DomainError(NOTHING_NEW, "plain"))),
            Route(
                "/api/v1/failing/invalid",
                raising(ValidationFailed({"email": N_("This field is required.")})),
            ),
            Route("/api/v1/failing/forbidden", raising(PermissionDenied(NO_LISTS, "forbidden"))),
            Route(
                "/api/v1/failing/conflict",
                raising(Conflict(NOTHING_NEW, "nothing_to_release")),
            ),
        ]
    )


async def bearer_for(user: User) -> dict[str, str]:
    _, secret = await accounts.create_api_token(user, "Office laptop")
    return {"Authorization": f"Bearer {secret}"}


# Pages --------------------------------------------------------------------------------


async def test_not_found_from_a_service_is_the_404_page(client) -> None:
    response = await client.get("/badges/no-such-badge")

    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert html_lang(response.text) == "en"
    assert h1(response.text) == ERROR_TITLES[404]
    assert NOT_FOUND_TEXT in response.text
    # The page never says what was looked up (the service's message is for the API).
    assert "We could not find that badge." not in response.text


async def test_not_found_page_follows_accept_language(client) -> None:
    response = await client.get("/badges/no-such-badge", headers={"Accept-Language": "es"})

    assert response.status_code == 404
    assert html_lang(response.text) == "es"
    assert h1(response.text) == spanish(ERROR_TITLES[404])
    assert spanish(NOT_FOUND_TEXT) in response.text
    assert NOT_FOUND_TEXT not in response.text


async def test_not_found_page_follows_the_language_cookie(client) -> None:
    client.cookies.set("lang", "es")

    response = await client.get("/speakers/no-such-key.ics", headers={"Accept-Language": "en"})

    assert response.status_code == 404
    assert html_lang(response.text) == "es"
    assert h1(response.text) == spanish(ERROR_TITLES[404])


async def test_not_found_page_keeps_the_session_and_a_working_csrf_token(client) -> None:
    """A mentor in Spanish opens a member of a group she does not mentor."""
    mentor = await make_user(
        role=Role.MENTOR, email="marisol@example.org", name="Marisol Mentor", language="es"
    )
    await make_cohort(mentors=[mentor])
    stranger = await make_member(name="Ximena Stranger")
    await log_in(client, "marisol@example.org", PASSWORD)

    response = await client.get(f"/members/{stranger.id}")

    assert response.status_code == 404
    assert html_lang(response.text) == "es"
    assert h1(response.text) == spanish(ERROR_TITLES[404])
    assert "Ximena" not in response.text
    # The account menu of the signed-in mentor, and a token that the next form post passes.
    assert spanish("Log out") in response.text
    assert 'href="/cohorts"' in response.text
    switched = await client.post(
        "/language", data={"lang": "en", "next": "/", "csrf_token": csrf_from(response.text)}
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/"


@pytest.mark.parametrize("language", ["en", "es"])
async def test_permission_denied_is_403_with_its_reason(client, failing_routes, language) -> None:
    await make_user(role=Role.MEMBER, email="ana@example.org", language=language)
    await log_in(client, "ana@example.org", PASSWORD)

    response = await client.get("/failing/forbidden")

    in_language = spanish if language == "es" else str
    assert response.status_code == 403
    assert html_lang(response.text) == language
    assert h1(response.text) == in_language(ERROR_TITLES[403])
    assert in_language(NO_LISTS) in response.text


async def test_permission_denied_sends_a_signed_out_visitor_to_sign_in(
    client, failing_routes
) -> None:
    response = await client.get("/failing/forbidden")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/failing/forbidden"


@pytest.mark.parametrize(("path", "status"), [("/failing/conflict", 409), ("/failing/plain", 400)])
async def test_other_domain_errors_keep_their_status_and_say_why(
    client, failing_routes, path, status
) -> None:
    response = await client.get(path, headers={"Accept-Language": "es"})

    assert response.status_code == status
    assert html_lang(response.text) == "es"
    assert h1(response.text) == spanish(ERROR_TITLES[400])
    assert spanish(NOTHING_NEW) in response.text


# JSON API -----------------------------------------------------------------------------


async def test_api_validation_failed_is_422_with_fields(client) -> None:
    headers = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.post(
        "/api/v1/assignments", json={"target": "group 7", "what": "module:1"}, headers=headers
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid",
        "message": "Please check the highlighted fields.",
        "fields": {"target": "Choose one of the options."},
    }


async def test_api_validation_failed_from_any_route(client, failing_routes) -> None:
    response = await client.get("/api/v1/failing/invalid", headers={"Accept-Language": "es"})

    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid",
        "message": spanish("Please check the highlighted fields."),
        "fields": {"email": spanish("This field is required.")},
    }


async def test_api_not_found_is_404_json(client) -> None:
    english = await client.get("/api/v1/events/no-such-event/schedule")
    in_spanish = await client.get(
        "/api/v1/events/no-such-event/schedule", headers={"Accept-Language": "es"}
    )

    assert english.status_code == 404
    assert english.json() == {"error": "not_found", "message": "We could not find that event."}
    assert in_spanish.status_code == 404
    assert in_spanish.json() == {
        "error": "not_found",
        "message": spanish("We could not find that event."),
    }


async def test_api_not_found_behind_a_token(client) -> None:
    headers = await bearer_for(await make_user(role=Role.STAFF))

    response = await client.get("/api/v1/members/999999", headers=headers)

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "We could not find that member."}


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/api/v1/failing/forbidden", 403, {"error": "forbidden", "message": NO_LISTS}),
        (
            "/api/v1/failing/conflict",
            409,
            {"error": "nothing_to_release", "message": NOTHING_NEW},
        ),
    ],
)
async def test_api_other_domain_errors_are_json(client, failing_routes, path, status, body) -> None:
    response = await client.get(path)

    assert response.status_code == status
    assert response.json() == body
