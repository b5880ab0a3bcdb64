"""The app as a deployment installs it: `pip install .` alone (no extras, not editable) in
a fresh virtualenv; the installed `yoc` migrates a PostgreSQL database, creates a staff
account and its API token, and serves in production with Stripe keys; a card order then
gets its Checkout page from the local Stripe stand-in. The test extras are not installed
there, so whatever the app needs at run time but only the tests install shows up here.

It needs the package index, like any install, and PostgreSQL (--database-url), as
production does; `make test` runs it in its PostgreSQL pass."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.payments.conftest import SECRET_KEY, WEBHOOK_SECRET
from tests.payments.stripe_fake import FakeStripe
from tests.servers import free_port, running_process
from yoc.db import normalise_url
from yoc.settings import PROJECT_DIR

pytestmark = pytest.mark.install

# The installed app gets a schema of its own in the test database, so that its
# `yoc migrate` starts from nothing and the rest of the suite keeps its tables.
SCHEMA = "yoc_install_check"
# What a working copy holds besides the project; copying the rest keeps the build's own
# files (build/, *.egg-info) out of the working copy, and stale ones out of the build.
NOT_THE_PROJECT = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.sqlite3*",
    "test-artifacts",
    "tests",
)
INSTALL_SECONDS = 240


def _admin_url(url: str) -> str:
    return normalise_url(url).replace("asyncpg://", "postgres://", 1)


def _run_sql(url: str, sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(_admin_url(url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL database URL whose tables live in an empty schema of their own."""
    url = request.config.getoption("--database-url")
    if not normalise_url(url).startswith("asyncpg://"):
        pytest.skip(
            "production runs on PostgreSQL: give one with --database-url "
            "(make test does, from YOC_TEST_DATABASE_URL)"
        )
    _run_sql(url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}schema={SCHEMA}"
    finally:
        _run_sql(url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without the test run's Python paths and YOC_* settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YOC_") and k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    return {**env, **extra}


def _run(command: list[str], *, env: dict[str, str], cwd: Path, timeout: float) -> str:
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, (
        f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
    )
    return done.stdout


def _plain_install(where: Path) -> Path:
    """A new virtualenv with `pip install <the project>` and nothing else; its bin folder.

    The pip of this test run installs into it (``--python``) and skips compiling
    bytecode: both only save time, what gets installed is the same."""
    source = where / "source"
    shutil.copytree(PROJECT_DIR, source, ignore=NOT_THE_PROJECT)
    venv = where / "venv"
    env = _clean_env()
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env=env, cwd=where, timeout=60)
    python = venv / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile"]
        + ["--disable-pip-version-check", "."],
        env=env,
        cwd=source,
        timeout=INSTALL_SECONDS,
    )
    shutil.rmtree(source)  # the app must run from what pip installed
    found = _run(
        [str(python), "-c", "import yoc; print(yoc.__file__)"], env=env, cwd=where, timeout=30
    )
    assert Path(found.strip()).is_relative_to(venv), found
    return venv / "bin"


def test_a_plain_install_serves_production_and_takes_a_card_order(
    postgres_url: str, tmp_path: Path
) -> None:
    bin_dir = _plain_install(tmp_path)
    stripe = FakeStripe(api_key=SECRET_KEY)
    stripe.start()
    try:
        env = _clean_env(
            PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            YOC_ENV="production",
            YOC_SECRET_KEY=secrets.token_urlsafe(48),
            YOC_BASE_URL="https://tickets.yoc.example.org",
            YOC_DATABASE_URL=postgres_url,
            YOC_STRIPE_SECRET_KEY=SECRET_KEY,
            YOC_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            YOC_STRIPE_API_BASE=stripe.url,
        )
        yoc = str(bin_dir / "yoc")

        def run_yoc(*args: str) -> str:
            return _run([yoc, *args], env=env, cwd=tmp_path, timeout=60)

        assert "Database is up to date." in run_yoc("migrate")
        run_yoc(
            "create-user",
            "--email=box.office@yoc.example.org",
            f"--password={secrets.token_urlsafe(16)}",
            "--role=staff",
            "--name=Box Office",
        )
        token = run_yoc("create-token", "--email=box.office@yoc.example.org").strip()
        staff = {"Authorization": f"Bearer {token}"}

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with (
            tempfile.TemporaryFile() as log,
            running_process(
                [yoc, "serve", "--port", str(port)],
                env=env,
                health=f"{base}/livez",
                log=log,
                cwd=tmp_path,
                timeout=30,
            ),
            httpx.Client(base_url=base, timeout=30) as client,
        ):
            # Healthy once a worker has run: the installed app knows its migrations.
            before_worker = client.get("/healthz")
            run_yoc("worker", "--once")
            health = client.get("/healthz")
            assert before_worker.status_code == 503, before_worker.text
            assert before_worker.json()["worker"] == "never ran (start `yoc worker`)"
            assert (health.status_code, health.json()["migrations"]) == (200, "ok"), health.text

            starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
            event = client.post(
                "/api/v1/events",
                json={
                    "slug": "install-check",
                    "name": {"en": "Install check", "es": "Prueba de instalación"},
                    "venue": "Coachella Library",
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=6)).isoformat(),
                    "capacity": 100,
                    "published": True,
                },
                headers=staff,
            )
            assert event.status_code == 201, event.text
            ticket_type = client.post(
                "/api/v1/events/install-check/ticket-types",
                json={
                    "name": {"en": "Adult", "es": "Adulto"},
                    "pricing": "fixed",
                    "price_cents": 2500,
                },
                headers=staff,
            )
            assert ticket_type.status_code == 201, ticket_type.text
            # The festival page and its stylesheet: templates and static files installed.
            page = client.get("/events/install-check")
            assert page.status_code == 200, page.text
            assert "Install check" in page.text
            assert client.get("/static/css/site.css").status_code == 200
            # The privacy notice: docs/privacy.md ships with the app (a run-time
            # dependency renders it).
            notice = client.get("/privacy")
            assert notice.status_code == 200, notice.text
            assert "What we keep, and why" in notice.text

            order = client.post(
                "/api/v1/events/install-check/orders",
                json={
                    "buyer": {"name": "Ana Flores", "email": "ana@example.org"},
                    "items": [{"ticket_type": ticket_type.json()["id"], "quantity": 2}],
                    "payment": "stripe",
                },
            )

        assert order.status_code == 201, order.text
        body = order.json()
        assert (body["status"], body["payment"], body["total_cents"]) == ("pending", "stripe", 5000)
        session = stripe.only_session()
        assert body["checkout_url"] == session["url"]
        assert session["amount_total"] == 5000
    finally:
        stripe.stop()
