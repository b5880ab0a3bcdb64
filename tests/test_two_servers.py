"""Two servers, one site: two `yoc serve` processes on different ports share PostgreSQL
and Redis, as two machines would, and two `yoc worker` processes share the background
jobs.

- A staff edit on one server shows on the other at once, although anonymous visitors
  share cached public pages for a minute here (YOC_PUBLIC_PAGE_SECONDS): the edit moves
  the pages' generation in Redis, which every server reads.
- Failed sign-ins split between the two servers count together.
- Of two workers, one runs a round of jobs while the other skips it.

Production runs on PostgreSQL (--database-url) with Redis; both are needed here. The
servers use the test run's database; one pair serves the module."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.conftest import csrf_from
from tests.servers import free_port, running_server, server_env
from yoc.db import normalise_url
from yoc.settings import PROJECT_DIR, Settings

REDIS_URL = os.environ.get("YOC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STAFF_EMAIL = f"staff-{secrets.token_hex(4)}@two-servers.example.org"
STAFF_PASSWORD = secrets.token_urlsafe(16)
METRICS_TOKEN = secrets.token_urlsafe(32)
LOGIN_LIMIT = 3
WAIT_SECONDS = 30
LOCAL = ZoneInfo(Settings.timezone)


def wait_until(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def _admin_url(url: str) -> str:
    return normalise_url(url).replace("asyncpg://", "postgres://", 1)


def sql(url: str, statement: str, *args: object) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(_admin_url(url))
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def yoc(url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "yoc.cli", *args],
        env=server_env(url, 8000),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@dataclass
class Site:
    url: str  # the database
    a: str
    b: str
    slug: str


@pytest.fixture(scope="module")
def site(database_url: str) -> Iterator[Site]:
    if not normalise_url(database_url).startswith("asyncpg://"):
        pytest.skip("two servers share PostgreSQL: give one with --database-url")
    redis_ok = subprocess.run(
        [sys.executable, "-c", f"import redis; redis.Redis.from_url({REDIS_URL!r}).ping()"],
        capture_output=True,
        check=False,
    )
    if redis_ok.returncode != 0:
        pytest.skip(f"two servers share Redis: none answers at {REDIS_URL}")
    # The test run's database, as the tests before left it: emptied, as each test does.
    [names] = sql(
        database_url,
        "SELECT string_agg(format('%I', tablename), ', ') FROM pg_tables"
        " WHERE schemaname = 'public' AND tablename <> 'tortoise_migrations'",
    )
    sql(database_url, f"TRUNCATE {names[0]} RESTART IDENTITY CASCADE")
    yoc(
        database_url,
        "create-user",
        f"--email={STAFF_EMAIL}",
        f"--password={STAFF_PASSWORD}",
        "--role=staff",
    )
    shared = {
        "YOC_REDIS_URL": REDIS_URL,
        "YOC_PUBLIC_PAGE_SECONDS": "60",
        "YOC_LOGIN_LIMIT": str(LOGIN_LIMIT),
        "YOC_METRICS_TOKEN": METRICS_TOKEN,
    }
    with (
        running_server(database_url, **shared) as a,
        running_server(database_url, **shared) as b,
    ):
        slug = f"hue-{secrets.token_hex(3)}"
        _create_event(database_url, a, slug)
        yield Site(database_url, a, b, slug)


STARTS = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=60)


def _create_event(url: str, server: str, slug: str) -> None:
    token = yoc(url, "create-token", f"--email={STAFF_EMAIL}").strip()
    created = httpx.post(
        f"{server}/api/v1/events",
        json={
            "slug": slug,
            "name": {"en": "The Hue at the park", "es": "The Hue en el parque"},
            "venue": "Mecca Community Park",
            "starts_at": STARTS.isoformat(),
            "ends_at": (STARTS + timedelta(hours=6)).isoformat(),
            "capacity": 100,
            "published": True,
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text


def sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
    )


def test_a_staff_edit_on_one_server_shows_on_the_other_at_once(site: Site) -> None:
    with (
        httpx.Client(base_url=site.a, timeout=30) as staff,
        httpx.Client(base_url=site.b, timeout=30) as visitor,
    ):
        # The visitor's server now shares this copy with every anonymous visitor.
        before = visitor.get(f"/events/{site.slug}")
        assert sign_in(staff, STAFF_EMAIL, STAFF_PASSWORD).status_code == 303
        form = staff.get(f"/staff/events/{site.slug}")
        local = STARTS.astimezone(LOCAL)
        saved = staff.post(
            f"/staff/events/{site.slug}",
            data={
                "csrf_token": csrf_from(form.text),
                "slug": site.slug,
                "name_en": "The Hue moves to the library",
                "name_es": "The Hue se muda a la biblioteca",
                "venue": "Coachella Library",
                "starts_at": f"{local:%Y-%m-%dT%H:%M}",
                "ends_at": f"{local + timedelta(hours=6):%Y-%m-%dT%H:%M}",
                "capacity": "100",
                "published": "1",
                "minor_curfew": "21:00",
            },
        )
        after = visitor.get(f"/events/{site.slug}")

    assert before.status_code == 200
    assert "The Hue at the park" in before.text
    assert saved.status_code == 303, saved.text
    assert after.status_code == 200
    assert "The Hue moves to the library" in after.text
    assert "The Hue at the park" not in after.text


def test_failed_sign_ins_split_between_the_servers_count_together(site: Site) -> None:
    email = f"nobody-{secrets.token_hex(4)}@two-servers.example.org"
    statuses = []
    with (
        httpx.Client(base_url=site.a, timeout=30) as on_a,
        httpx.Client(base_url=site.b, timeout=30) as on_b,
    ):
        for client in (on_a, on_b, on_a, on_b):
            statuses.append(sign_in(client, email, "not the password").status_code)

    assert statuses == [400] * LOGIN_LIMIT + [429]


# Two workers ---------------------------------------------------------------------


class HeldSMTP:
    """An SMTP server that holds each message until released: a round of jobs that
    sends one lasts as long as the test wants."""

    def __init__(self) -> None:
        self.arrived: list[str] = []
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.arrived.extend(envelope.rcpt_tos)
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        return "250 OK"


@contextlib.contextmanager
def held_smtp() -> Iterator[tuple[HeldSMTP, str]]:
    handler = HeldSMTP()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, f"smtp://127.0.0.1:{port}"
    finally:
        handler.release.set()
        controller.stop()


@contextlib.contextmanager
def worker(url: str, smtp_url: str, log: IO[bytes]) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [sys.executable, "-m", "yoc.cli", "worker", "--interval", "0.1"],
        env=server_env(url, 8000, YOC_SMTP_URL=smtp_url),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_DIR,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def queue_message(url: str, to: str) -> None:
    now = datetime.now(UTC)
    sql(
        url,
        "INSERT INTO outbox_messages (to_email, subject, body_text, template, language, status,"
        " attempts, next_attempt_at, last_error, attachments, created_at)"
        " VALUES ($1, 'Hello', 'Hello there.', 'test', 'en', 'queued', 0, $2, '', '[]', $2)",
        to,
        now,
    )


def skipped_rounds(*logs: IO[bytes]) -> int:
    text = b"".join(_read(log) for log in logs).decode(errors="replace")
    return len(re.findall("another worker is running a round of jobs; skipped", text))


def _read(log: IO[bytes]) -> bytes:
    log.seek(0)
    return log.read()


def metric(server: str, name: str) -> float:
    response = httpx.get(
        f"{server}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30
    )
    assert response.status_code == 200, response.text
    [line] = [line for line in response.text.splitlines() if line.startswith(f"{name} ")]
    return float(line.split()[1])


def test_of_two_workers_one_runs_a_round_while_the_other_skips_it(site: Site) -> None:
    sql(site.url, "DELETE FROM outbox_messages")
    rounds_before = metric(site.a, "yoc_worker_rounds_total")
    queue_message(site.url, "first@example.org")
    with (
        held_smtp() as (smtp, smtp_url),
        tempfile.TemporaryFile() as log_1,
        tempfile.TemporaryFile() as log_2,
        worker(site.url, smtp_url, log_1),
        worker(site.url, smtp_url, log_2),
    ):
        # One worker is in the middle of a round: sending the first message.
        wait_until(lambda: smtp.arrived == ["first@example.org"], "the first message")
        rounds_meanwhile = metric(site.b, "yoc_worker_rounds_total")
        queue_message(site.url, "second@example.org")
        skipped = skipped_rounds(log_1, log_2)
        # The other tries twice more, and skips: the round is taken.
        wait_until(
            lambda: skipped_rounds(log_1, log_2) >= skipped + 2,
            "the other worker skipping rounds\n"
            + (_read(log_1) + _read(log_2)).decode(errors="replace")[-3000:],
        )
        second = sql(
            site.url,
            "SELECT status, lease_until FROM outbox_messages WHERE to_email = $1",
            "second@example.org",
        )
        arrived_while_held = list(smtp.arrived)
        rounds_while_held = metric(site.b, "yoc_worker_rounds_total")

        smtp.release.set()
        wait_until(
            lambda: (
                [r["status"] for r in sql(site.url, "SELECT status FROM outbox_messages")]
                == ["sent", "sent"]
            ),
            "both messages sent",
        )
        # The round that sent them is counted once it ends, a moment after the sends.
        wait_until(
            lambda: metric(site.a, "yoc_worker_rounds_total") > rounds_before,
            "the finished round counted",
        )

    assert arrived_while_held == ["first@example.org"]
    assert [(r["status"], r["lease_until"]) for r in second] == [("queued", None)]
    assert rounds_while_held == rounds_meanwhile
    assert sorted(smtp.arrived) == ["first@example.org", "second@example.org"]
    # Rounds are counted in the database: every server reports the worker's.
    assert metric(site.a, "yoc_worker_rounds_total") == metric(site.b, "yoc_worker_rounds_total")
