"""Every kind of answer carries the security headers (a page, JSON, a redirect, each
error, a static file), and in production every cookie is Secure, HttpOnly and
SameSite, and every answer carries HSTS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.routing import Route

from tests.conftest import _empty_tables, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.test_request_bodies import call
from tests.tickets.factories import make_event
from yoc.accounts.enums import Role
from yoc.settings import Settings
from yoc.web import create_app

BASE = {"production": "https://yoc.example.org", "development": "http://testserver"}


@pytest.fixture(params=["production", "development"])
async def served(request, settings: Settings) -> AsyncIterator[tuple[str, object]]:
    env = request.param
    app = create_app(
        settings.with_(env=env, base_url=BASE[env], mail_limit=0, run_jobs_in_process=False)
    )

    async def boom(request):
        raise RuntimeError("kaboom")

    app.router.routes.append(Route("/boom", boom))
    async with LifespanManager(app):
        await _empty_tables()
        yield env, app


async def every_kind_of_answer(app, base: str) -> dict[str, httpx.Response | object]:
    """One answer of each kind, by name."""
    await make_user(email="staff@example.org", role=Role.STAFF)
    event = await make_event()
    answers: dict[str, object] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base) as web:
        answers["html page"] = await web.get("/login")
        answers["json"] = await web.get("/livez")
        answers["json api error"] = await web.get("/api/v1/me")
        answers["redirect"] = await web.get("/dashboard")
        answers["404"] = await web.get("/no-such-page")
        answers["403"] = await web.post("/login", data={"email": "x@example.org"})
        answers["429"] = await post_form(web, "/password-reset", {"email": "x@example.org"})
        answers["500"] = await web.get("/boom")
        answers["static file"] = await web.get("/static/css/site.css")
        answers["language cookie"] = await post_form(web, "/", {"lang": "es"}, action="/language")
        answers["sign-in cookie"] = await log_in(web, "staff@example.org", PASSWORD)
        scanner = await web.get(f"/door/{event.slug}")
        answers["gate cookie"] = await web.post(
            f"/door/{event.slug}/scan",
            data={"csrf_token": csrf_from(scanner.text), "code": "NOPE", "gate": "North"},
        )
    answers["413"] = await call(
        app,
        "POST",
        "/login",
        headers={"content-type": "text/plain", "content-length": str(10**8)},
    )
    return answers


def headers_of(answer) -> tuple[int, dict[str, str], list[str]]:
    if isinstance(answer, httpx.Response):
        return answer.status_code, dict(answer.headers), answer.headers.get_list("set-cookie")
    return answer.status, answer.headers, answer.cookies


async def test_every_kind_of_answer_carries_the_security_headers(served) -> None:
    env, app = served
    answers = await every_kind_of_answer(app, BASE[env])
    expected_status = {
        "html page": 200,
        "json": 200,
        "json api error": 401,
        "redirect": 303,
        "404": 404,
        "403": 403,
        "429": 429,
        "500": 500,
        "static file": 200,
        "413": 413,
    }

    problems = []
    cookies_seen = set()
    for kind, answer in answers.items():
        status, headers, cookies = headers_of(answer)
        if kind in expected_status and status != expected_status[kind]:
            problems.append(f"{kind}: status {status}")
        csp = headers.get("content-security-policy", "")
        for part in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
            if part not in csp:
                problems.append(f"{kind}: CSP lacks {part}")
        if "unsafe-inline" in csp:
            problems.append(f"{kind}: CSP allows inline code")
        if headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{kind}: no X-Content-Type-Options")
        if headers.get("referrer-policy") != "same-origin":
            problems.append(f"{kind}: no Referrer-Policy")
        hsts = headers.get("strict-transport-security", "")
        if env == "production" and not hsts.startswith("max-age="):
            problems.append(f"{kind}: no HSTS")
        if env == "development" and hsts:
            problems.append(f"{kind}: HSTS over plain http")
        for cookie in cookies:
            name = cookie.split("=", 1)[0]
            cookies_seen.add(name)
            flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
            wanted = {"httponly", "samesite"} | ({"secure"} if env == "production" else set())
            if missing := wanted - flags:
                problems.append(f"{kind}: cookie {name} lacks {sorted(missing)}")

    assert problems == []
    assert {"yoc_session", "lang", "yoc_gate"} <= cookies_seen
