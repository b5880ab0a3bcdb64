"""End-to-end fixtures: the real app served by uvicorn in a subprocess, and headless
Chromium (Debian's, never a downloaded one) driven by Playwright's async API.

The server's database is migrated and loaded with the demo data (``yoc seed-demo``,
see ``yoc/demo.py``) before the server starts, once per test session; every journey
shares it, so a journey that creates accounts uses emails of its own."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.servers import ServerDidNotStart, free_port, running_process
from yoc.i18n import gettext, translations, use_language
from yoc.settings import PROJECT_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"
STARTUP_TIMEOUT = 20.0
E2E_SECRET = "e2e-secret-key-that-is-long-enough-0123456789abcdef"


def _run_cli(command: str, env: dict[str, str]) -> None:
    """``python -m yoc.cli COMMAND`` with the server's environment; fail loudly."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "yoc.cli", command],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,  # generous: a busy machine (tests in two processes) starts slowly
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"`yoc {command}` exited {done.returncode}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file the live server uses (created by ``live_server``)."""
    return tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"


@contextlib.contextmanager
def serving_app(
    database: Path,
    *,
    log_path: Path,
    prepare: Callable[[dict[str, str]], None] | None = None,
    **extra_env: str,
) -> Iterator[str]:
    """Migrate ``database`` (a SQLite file) and load the demo data, then serve the real
    app (``uvicorn yoc.web:create_app``) on it in a subprocess; yield its base URL.
    ``extra_env`` is added to the server's environment (and the commands'); ``prepare``
    runs with that environment after the demo data is loaded, before the server starts."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "YOC_DATABASE_URL": f"sqlite://{database}",
        "YOC_SECRET_KEY": E2E_SECRET,
        "YOC_BASE_URL": base_url,
        "YOC_ENV": "test",
        "YOC_RUN_JOBS_IN_PROCESS": "0",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    for name in ("YOC_SMTP_URL", "YOC_REDIS_URL"):  # keep the run self-contained
        env.pop(name, None)

    _run_cli("migrate", env)
    _run_cli("seed-demo", env)  # mentors, groups, members: see yoc/demo.py
    if prepare is not None:
        prepare(env)

    command = [sys.executable, "-m", "uvicorn", "yoc.web:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    try:
        with (
            log_path.open("w+b") as log,
            running_process(
                command,
                env=env,
                health=f"{base_url}/livez",
                log=log,
                timeout=STARTUP_TIMEOUT,
            ),
        ):
            yield base_url
    except ServerDidNotStart as error:
        pytest.fail(str(error))
    finally:
        if os.environ.get("YOC_E2E_SHOW_SERVER_LOG"):
            print(log_path.read_text(errors="replace"))  # noqa: T201


@pytest.fixture(scope="session")
def live_server(e2e_database: Path) -> Iterator[str]:
    """The real app (``uvicorn yoc.web:create_app``) on a temporary SQLite file, migrated
    and loaded with the demo data."""
    with serving_app(e2e_database, log_path=e2e_database.parent / "server.log") as base_url:
        yield base_url


class DemoIds:
    """Ids of seeded demo rows, read (read-only) from the live server's database."""

    def __init__(self, database: Path) -> None:
        self._uri = f"{database.as_uri()}?mode=ro"

    def _one(self, sql: str, value: str) -> int:
        with contextlib.closing(sqlite3.connect(self._uri, uri=True)) as db:
            row = db.execute(sql, (value,)).fetchone()
        assert row is not None, f"{value!r} is not in the e2e database: {sql}"
        return row[0]

    def user(self, email: str) -> int:
        return self._one("SELECT id FROM users WHERE email = ?", email)

    def cohort(self, name: str) -> int:
        return self._one("SELECT id FROM cohorts WHERE name = ?", name)

    def mailed_path(self, email: str, template: str, prefix: str) -> str:
        """The path of the link starting with ``prefix`` in the last ``template`` email
        to ``email`` (what the person opens from their inbox)."""
        with contextlib.closing(sqlite3.connect(self._uri, uri=True)) as db:
            row = db.execute(
                "SELECT body_text FROM outbox_messages WHERE to_email = ? AND template = ?"
                " ORDER BY id DESC LIMIT 1",
                (email, template),
            ).fetchone()
        assert row is not None, f"no {template} email to {email} in the e2e database"
        path = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+)", row[0])
        assert path, f"the {template} email has no link to {prefix}"
        return path.group(1)


@pytest.fixture(scope="session")
def demo_ids(live_server: str, e2e_database: Path) -> DemoIds:
    return DemoIds(e2e_database)


@pytest.fixture(scope="session", autouse=True)
def _fresh_catalogs() -> None:
    """``yoc.i18n.translations`` is cached: read the catalogs as they are now on disk,
    like the freshly started server does."""
    translations.cache_clear()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def context(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    """A phone-sized, English-speaking browser with no cookies yet."""
    ctx = await browser.new_context(
        base_url=live_server,
        viewport={"width": 360, "height": 740},
        locale="en-US",
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        await ctx.close()


@pytest.fixture
async def page(context: BrowserContext) -> AsyncIterator[Page]:
    yield await context.new_page()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


# Spanish text, as the catalog has it ------------------------------------------


def es(message: str, **variables: object) -> str:
    with use_language("es"):
        return gettext(message, **variables)


def spanish(message: str, **variables: object) -> str:
    """The Spanish text of ``message``, refusing one the catalog does not translate:
    proof that the page really is in Spanish."""
    with use_language("en"):
        english = gettext(message, **variables)
    translated = es(message, **variables)
    assert translated != english, f"no Spanish translation in the catalog for {message!r}"
    return translated
