"""Health that tells the truth: /healthz reports the database, unapplied migrations, an
outbox that does not empty and a worker that stopped; /livez only that the process is up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from tests.conftest import _empty_tables, serving
from tests.servers import free_port
from tests.test_mail import queue_for
from yoc import health, jobs
from yoc.db import normalise_url
from yoc.health import Heartbeat
from yoc.mail import OutboxMessage
from yoc.settings import Settings
from yoc.timeutil import utcnow

ALL_WELL = {
    "status": "ok",
    "database": "ok",
    "migrations": "ok",
    "outbox": "not sent: no mail server (YOC_SMTP_URL)",
    "worker": "ok",
}


async def test_healthz_is_ok_once_a_worker_has_run(client, settings) -> None:
    await jobs.run_once(settings)

    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (200, ALL_WELL)


async def test_a_worker_round_records_its_heartbeat(app, settings) -> None:
    before = utcnow()

    await jobs.run_once(settings)

    beats = await Heartbeat.all().values_list("name", "ran_at")
    assert [name for name, _ in beats] == ["worker"]
    assert beats[0][1] >= before


async def test_healthz_is_503_when_no_worker_ever_ran(client) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        **ALL_WELL,
        "status": "error",
        "worker": "never ran (start `yoc worker`)",
    }


async def test_healthz_is_503_when_the_worker_stopped_a_while_ago(client, settings) -> None:
    await jobs.run_once(settings)
    await Heartbeat.filter(name="worker").update(
        ran_at=utcnow() - timedelta(seconds=settings.health_worker_seconds + 60)
    )

    response = await client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["outbox"]) == ("error", "ok", ALL_WELL["outbox"])
    assert body["worker"].startswith("last finished a round ")
    assert body["worker"].endswith(" s ago")


async def test_healthz_is_503_when_mail_waits_longer_than_the_threshold(settings) -> None:
    closed_port = free_port()
    # A mail server is set up, but the mail does not go out (it is down).
    with_mail = settings.with_(smtp_url=f"smtp://127.0.0.1:{closed_port}")
    async with serving(with_mail) as client:
        await _empty_tables()
        await queue_for(["ana@example.org"])
        await jobs.run_once(with_mail)
        fresh = await client.get("/healthz")
        await OutboxMessage.all().update(created_at=utcnow() - timedelta(minutes=20))
        stale = await client.get("/healthz")

    assert (fresh.status_code, fresh.json()) == (200, {**ALL_WELL, "outbox": "ok"})
    assert stale.status_code == 503
    body = stale.json()
    assert (body["status"], body["worker"], body["migrations"]) == ("error", "ok", "ok")
    assert body["outbox"].startswith("oldest unsent message queued 1")
    assert body["outbox"].endswith(" s ago")


@pytest.fixture
async def empty_database_url(database_url: str, tmp_path) -> AsyncIterator[str]:
    """A database of the same kind as the test run's, with no migration applied."""
    if not normalise_url(database_url).startswith("asyncpg://"):
        yield f"sqlite://{tmp_path / 'empty.sqlite3'}"
        return
    admin = normalise_url(database_url).replace("asyncpg://", "postgres://", 1)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS yoc_health_empty CASCADE")
        await conn.execute("CREATE SCHEMA yoc_health_empty")
        yield f"{database_url}{'&' if '?' in database_url else '?'}schema=yoc_health_empty"
    finally:
        await conn.execute("DROP SCHEMA IF EXISTS yoc_health_empty CASCADE")
        await conn.close()


async def test_healthz_is_503_on_a_database_without_migrations(
    settings, empty_database_url
) -> None:
    async with serving(settings.with_(database_url=empty_database_url)) as client:
        response = await client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"]) == ("error", "ok")
    count = len(health.shipped_migrations())
    assert body["migrations"].startswith(f"{count} not applied: 0001_initial, 0002_members, ")
    assert body["migrations"].endswith(" (run `yoc migrate`)")


async def test_healthz_is_503_and_livez_200_when_the_database_is_down(settings) -> None:
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/yoc"

    async with serving(settings.with_(database_url=nowhere)) as client:
        healthz = await client.get("/healthz")
        livez = await client.get("/livez")

    assert (healthz.status_code, healthz.json()) == (
        503,
        {"status": "error", "database": "unavailable"},
    )
    assert (livez.status_code, livez.json()) == (200, {"status": "ok"})


def test_health_thresholds_are_settings() -> None:
    settings = Settings.from_env(
        {"YOC_HEALTH_OUTBOX_SECONDS": "300", "YOC_HEALTH_WORKER_SECONDS": "120"}
    )

    assert (settings.health_outbox_seconds, settings.health_worker_seconds) == (300, 120)
