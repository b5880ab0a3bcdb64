"""/metrics: the Prometheus text format behind a bearer token. Request counts and
latencies by route template (never the path as typed: it may hold a ticket's secret or an
order's key), and the site's figures read from the database at scrape time: orders by
status, check-ins, the outbox's oldest queued message and the worker's rounds."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import _empty_tables
from tests.servers import free_port, running_process, server_env
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc import jobs
from yoc.mail import OutboxMessage
from yoc.metrics import MULTIPROCESS_DIR
from yoc.settings import ConfigError, Settings
from yoc.tickets.services import checkin
from yoc.timeutil import utcnow
from yoc.web import create_app

TOKEN = "metrics-token-for-the-scraper-0123456789"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
async def metrics_app(settings: Settings) -> AsyncIterator:
    application = create_app(settings.with_(metrics_token=TOKEN))
    async with LifespanManager(application):
        await _empty_tables()
        yield application


@pytest.fixture
async def scraper(metrics_app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=metrics_app), base_url="http://testserver"
    ) as c:
        yield c


async def scrape(client: httpx.AsyncClient) -> tuple[str, Samples]:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return response.text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_without_a_token_setting_metrics_is_not_found(client) -> None:
    response = await client.get("/metrics", headers={"Authorization": "Bearer anything"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Bearer {TOKEN}x", f"Basic {TOKEN}", f"Bearer {TOKEN[:-1]}"],
)
async def test_a_missing_or_wrong_token_is_refused(scraper, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = await scraper.get("/metrics", headers=headers)

    assert (response.status_code, response.headers.get("www-authenticate")) == (401, "Bearer")
    assert "yoc_" not in response.text


async def test_figures_move_after_an_order_a_check_in_and_a_worker_round(scraper, settings) -> None:
    event = await make_event()
    ticket_type = await make_ticket_type(event)
    _, before = await scrape(scraper)

    order = await make_order(event, settings, {ticket_type: 2}, payment=None)
    ticket = await order.tickets.all().first()
    result = await checkin.check_in(event=event, code=ticket.secret, gate="North")
    await jobs.run_round(settings)
    _, after = await scrape(scraper)

    assert result.result == "ok"
    assert value(before, "yoc_orders", status="paid") == 0
    assert value(after, "yoc_orders", status="paid") == 1
    assert value(after, "yoc_tickets_checked_in") == value(before, "yoc_tickets_checked_in") + 1
    assert value(after, "yoc_worker_rounds_total") == value(before, "yoc_worker_rounds_total") + 1


async def test_outbox_lag_is_the_age_of_the_oldest_queued_message(scraper) -> None:
    _, empty = await scrape(scraper)
    message = await OutboxMessage.create(
        to_email="ana@example.org",
        subject="Your tickets",
        body_text="See you there.",
        template="order_confirmation",
        language="en",
        next_attempt_at=utcnow(),
    )
    await OutboxMessage.filter(id=message.id).update(created_at=utcnow() - timedelta(minutes=10))

    _, waiting = await scrape(scraper)

    assert (value(empty, "yoc_outbox_queued"), value(empty, "yoc_outbox_lag_seconds")) == (0, 0)
    assert value(waiting, "yoc_outbox_queued") == 1
    assert 600 <= value(waiting, "yoc_outbox_lag_seconds") < 660


async def test_requests_are_counted_by_route_template_without_secrets(scraper, settings) -> None:
    event = await make_event()
    ticket_type = await make_ticket_type(event)
    order = await make_order(event, settings, {ticket_type: 1}, payment=None)
    ticket = await order.tickets.all().first()
    for _ in range(3):
        assert (await scraper.get(f"/events/{event.slug}")).status_code == 200
    assert (await scraper.get(f"/tickets/{ticket.secret}")).status_code == 200
    assert (await scraper.get(f"/orders/{order.code}/{order.key}")).status_code == 200
    assert (await scraper.get("/no/such/page/abc123secret")).status_code == 404

    text, samples = await scrape(scraper)

    event_page = {"method": "GET", "route": "/events/{slug}", "status": "200"}
    event_page_timing = {"method": "GET", "route": "/events/{slug}"}
    assert value(samples, "yoc_http_requests_total", **event_page) == 3
    timed = value(samples, "yoc_http_request_duration_seconds_count", **event_page_timing)
    assert timed == 3
    assert (
        value(
            samples,
            "yoc_http_requests_total",
            method="GET",
            route="/tickets/{secret}",
            status="200",
        )
        == 1
    )
    assert (
        value(
            samples,
            "yoc_http_requests_total",
            method="GET",
            route="/orders/{code}/{key}",
            status="200",
        )
        == 1
    )
    assert (
        value(samples, "yoc_http_requests_total", method="GET", route="unmatched", status="404")
        == 1
    )
    for secret in (ticket.secret, order.key, order.code, event.slug, "abc123secret", TOKEN):
        assert secret not in text


def test_several_processes_of_one_server_answer_for_all(database_url: str) -> None:
    """`yoc serve --workers 2`: whichever process answers the scrape counts the requests
    that both answered."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(database_url, port, YOC_METRICS_TOKEN=TOKEN)
    env.pop(MULTIPROCESS_DIR, None)
    with (
        tempfile.TemporaryFile() as log,
        running_process(
            [sys.executable, "-m", "yoc.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            health=f"{base}/livez",
            log=log,
            timeout=60,
        ),
    ):
        # Each on a connection of its own, so that both processes take some.
        answered = [httpx.get(f"{base}/privacy", timeout=30).status_code for _ in range(20)]
        scrapes = []
        for _ in range(4):
            response = httpx.get(
                f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
            )
            assert response.status_code == 200, response.text
            samples = {
                (s.name, frozenset(s.labels.items())): s.value
                for family in text_string_to_metric_families(response.text)
                for s in family.samples
            }
            scrapes.append(
                value(
                    samples, "yoc_http_requests_total", method="GET", route="/privacy", status="200"
                )
            )

    assert answered == [200] * 20
    assert scrapes == [20] * 4


def test_a_short_metrics_token_is_refused_outside_development() -> None:
    settings = Settings.from_env(
        {
            "YOC_ENV": "test",
            "YOC_SECRET_KEY": "k" * 40,
            "YOC_METRICS_TOKEN": "prometheus",
        }
    )

    with pytest.raises(ConfigError, match="YOC_METRICS_TOKEN"):
        settings.check()
    settings.with_(metrics_token="t" * 32).check()
