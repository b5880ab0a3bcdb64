"""Cross-cutting behaviour of every page: headers, cookies, errors, health, logging."""

from __future__ import annotations

import logging
import re

from starlette.routing import Route

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from yoc.api.schemas import Me
from yoc.apidoc import documented, json_routes, undocumented
from yoc.security import content_security_policy
from yoc.settings import Settings
from yoc.web import _checkout_origins, create_app


async def test_security_headers_on_every_page(client) -> None:
    response = await client.get("/")

    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers


def test_forms_may_lead_to_card_checkout_only_when_stripe_is_set_up(settings: Settings) -> None:
    # A card order's form is redirected to Stripe's page: form-action must allow it.
    assert "form-action 'self';" in content_security_policy(_checkout_origins(settings))
    stripe = settings.with_(stripe_secret_key="sk_test_x", stripe_webhook_secret="whsec_x")
    assert "form-action 'self' https://checkout.stripe.com;" in content_security_policy(
        _checkout_origins(stripe)
    )
    stand_in = stripe.with_(stripe_api_base="http://127.0.0.1:8111")
    assert _checkout_origins(stand_in) == ("https://checkout.stripe.com", "http://127.0.0.1:8111")


async def test_pages_carry_no_inline_script(client) -> None:
    for path in ("/", "/login", "/signup", "/password-reset", "/family/sign-in"):
        html = (await client.get(path)).text
        assert "<script>" not in html and "onclick=" not in html, path


async def test_session_cookie_is_httponly_and_lax(client) -> None:
    await make_user(email="ana@example.org")

    response = await log_in(client, "ana@example.org", PASSWORD)

    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development


async def test_https_adds_hsts_and_secure_cookies(settings) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    app = create_app(settings.with_(base_url="https://yoc.example.org"))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://yoc.example.org"
        ) as client,
    ):
        response = await client.get("/login")

    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "; Secure" in response.headers["set-cookie"]


async def test_unexpected_error_shows_friendly_page_with_request_id(app, client, caplog) -> None:
    async def boom(request):
        raise RuntimeError("kaboom")

    app.router.routes.append(Route("/boom", boom))
    caplog.set_level(logging.INFO, logger="yoc.request")

    response = await client.get("/boom", headers={"X-Request-ID": "req-12345678"})

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "req-12345678" in response.text
    assert "kaboom" not in response.text
    failed = [r for r in caplog.records if r.getMessage() == "request failed"]
    assert len(failed) == 1
    assert failed[0].request_id == "req-12345678" and failed[0].exc_info


async def test_the_error_page_speaks_the_visitors_language(app, client) -> None:
    async def boom(request):
        raise RuntimeError("kaboom")

    app.router.routes.append(Route("/boom", boom))

    response = await client.get("/boom", headers={"Accept-Language": "es"})

    assert response.status_code == 500
    assert "Algo salió mal de nuestro lado" in response.text
    assert "Something went wrong" not in response.text


async def test_each_request_is_logged_once_with_id_status_and_duration(client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="yoc.request")

    response = await client.get("/login")

    records = [r for r in caplog.records if r.name == "yoc.request"]
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status) == ("GET", "/login", 200)
    assert record.request_id == response.headers["x-request-id"]
    assert record.duration_ms >= 0


def test_production_log_lines_are_json() -> None:
    import json

    from yoc.middleware import JsonLogFormatter

    record = logging.LogRecord("yoc.request", logging.INFO, __file__, 1, "request", None, None)
    record.request_id, record.method, record.path = "abc12345", "GET", "/"
    record.status, record.duration_ms = 200, 1.5

    line = json.loads(JsonLogFormatter().format(record))

    assert line["request_id"] == "abc12345" and line["status"] == 200
    assert line["level"] == "info" and line["message"] == "request"


async def test_static_files_are_served(client) -> None:
    response = await client.get("/static/css/site.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


async def test_every_json_route_is_in_the_openapi_document(app, client) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()

    assert undocumented(app.routes) == []
    listed = {
        (method, path) for path, operations in document["paths"].items() for method in operations
    }
    expected = {
        (method, re.sub(r"{(\w+):\w+}", r"{\1}", path))
        for method, path, _ in json_routes(app.routes)
        if not path.endswith("openapi.json")
    }
    assert listed == expected
    checkin = document["paths"]["/api/v1/checkin"]["post"]
    assert checkin["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CheckinIn"
    }
    order = document["paths"]["/api/v1/events/{slug}/orders"]["post"]
    assert set(document["components"]["schemas"]["OrderIn"]["properties"]) == {
        "buyer",
        "items",
        "donate",
        "claim",
        "payment",
        "access_code",
    }
    assert order["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderOut"
    }


def test_a_json_route_without_a_description_is_reported() -> None:
    async def described(request):  # pragma: no cover - never called
        return None

    async def silent(request):  # pragma: no cover - never called
        return None

    routes = [
        Route("/api/v1/a", documented("A", Me)(described)),
        Route("/api/v1/b", silent, methods=["POST"]),
        Route("/pages/c", silent),
    ]
    assert undocumented(routes) == ["POST /api/v1/b"]


def test_route_ids_use_the_bounded_id_convertor(app) -> None:
    """``{id:int}`` takes any number of digits, and a number beyond a row id is a 500
    from the database; ``{id:id}`` (yoc.http) takes at most nine."""
    from starlette.convertors import IntegerConvertor

    unbounded = [
        route.path
        for route in app.routes
        if any(
            isinstance(c, IntegerConvertor) for c in getattr(route, "param_convertors", {}).values()
        )
    ]

    assert unbounded == []
