"""End-to-end fixtures: the real app served by uvicorn in a subprocess, and headless
Chromium (Debian's, never a downloaded one) driven by Playwright's async API.

The server's database is migrated and loaded with the demo data (``yoc seed-demo``,
see ``yoc/demo.py``) before the server starts, once per test session; every journey
shares it, so a journey that creates accounts uses emails of its own. That database is
made once per run, from the run's migrated one (``tests/databases.py``); each server
starts from a copy of it.

``mail_server`` is the app as it runs with a mail server: its outbox is sent over real
SMTP (``inbox``, an aiosmtpd server in this process) by the app's own worker, and it
takes cards through the Stripe stand-in."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.conftest import Mailbox, serving_mail
from tests.databases import copy_migrated_sqlite, copy_sqlite, made_once
from tests.payments.conftest import SECRET_KEY, WEBHOOK_SECRET
from tests.payments.stripe_fake import FakeStripe
from tests.servers import ServerDidNotStart, free_port, running_process
from yoc.enums import Labelled
from yoc.i18n import gettext, ngettext, translations, use_language
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


def run_python(args: list[str], env: dict[str, str], what: str) -> None:
    """Our interpreter with ``args`` (``-m yoc.cli ...`` or ``-c CODE``) in the server's
    environment, to prepare its database; the test fails loudly, saying ``what``."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,  # generous: a busy machine (tests in two processes) starts slowly
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {done.returncode})\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )


def _run_cli(command: str, env: dict[str, str]) -> None:
    """``python -m yoc.cli COMMAND`` with the server's environment."""
    run_python(["-m", "yoc.cli", command], env, f"`yoc {command}`")


def _demo_database(env: dict[str, str]) -> Path:
    """This run's migrated database with the demo data, made once for all test processes
    (``tests/databases.py``): copy it, never write to it."""

    def make(target: Path) -> None:
        url = copy_migrated_sqlite(target)
        _run_cli("seed-demo", {**env, "YOC_DATABASE_URL": url})  # see yoc/demo.py

    return made_once("demo.sqlite3", make)


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
    """Fill ``database`` (a SQLite file) with the demo data, migrated, then serve the real
    app (``uvicorn yoc.web:create_app``) on it in a subprocess; yield its base URL.
    ``extra_env`` is added to the server's environment (and the commands'); ``prepare``
    runs with that environment after the demo data is loaded, before the server starts."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    plain = {
        **os.environ,
        "YOC_DATABASE_URL": f"sqlite://{database}",
        "YOC_SECRET_KEY": E2E_SECRET,
        "YOC_BASE_URL": base_url,
        "YOC_ENV": "test",
        "YOC_RUN_JOBS_IN_PROCESS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("YOC_SMTP_URL", "YOC_REDIS_URL"):  # keep the run self-contained
        plain.pop(name, None)
    env = {**plain, **extra_env}

    copy_sqlite(_demo_database(plain), database)
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


# A server that sends its mail -------------------------------------------------------


MAIL_WAIT = 10.0  # seconds: the worker sends every fifth of a second


@dataclass
class Inbox(Mailbox):
    """The mail a real SMTP server received, as a person's inbox: wait for a message as
    they would."""

    url: str = ""

    async def message(self, to: str, subject: str | re.Pattern[str]) -> EmailMessage:
        """The newest message to ``to`` whose subject is (or matches) ``subject``, once the
        app's worker has sent it (within ``MAIL_WAIT`` seconds)."""
        deadline = time.monotonic() + MAIL_WAIT
        while True:
            for msg in reversed(self.messages):
                title = str(msg["Subject"])
                wanted = (
                    subject.search(title) if isinstance(subject, re.Pattern) else title == subject
                )
                if str(msg["To"]).lower() == to.lower() and wanted:
                    return msg
            if time.monotonic() > deadline:
                got = [(str(m["To"]), str(m["Subject"])) for m in self.messages[-10:]]
                pytest.fail(f"no email {subject!r} to {to} within {MAIL_WAIT} s; last: {got}")
            await asyncio.sleep(0.1)  # the mail server takes it in its own thread

    def text(self, msg: EmailMessage) -> str:
        return self.text_of(msg)

    def html(self, msg: EmailMessage) -> str:
        return msg.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]

    def images(self, msg: EmailMessage) -> dict[str, bytes]:
        """The message's inline images by Content-ID (without the angle brackets)."""
        return {
            str(part["Content-ID"]).strip("<>"): part.get_content()
            for part in msg.walk()
            if part.get_content_maintype() == "image"
        }

    def link(self, msg: EmailMessage, prefix: str) -> str:
        """The path of the first link starting with ``prefix`` in the message's text."""
        found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+)", self.text(msg))
        assert found, f"the email {msg['Subject']!r} has no link to {prefix}"
        return found.group(1)


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    mailbox = Inbox()
    with serving_mail(mailbox) as url:
        mailbox.url = url
        yield mailbox


@pytest.fixture(scope="session")
def stripe_stand_in() -> Iterator[FakeStripe]:
    fake = FakeStripe(api_key=SECRET_KEY)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


GIVE_SALTON_SEA_MODULE = """
import asyncio
from yoc.accounts.models import User
from yoc.cli import _with_db
from yoc.curriculum.models import Module
from yoc.curriculum.services import assignments
from yoc.members.models import Cohort
from yoc.settings import Settings

async def work():
    module = await Module.get(title_en="Environmental justice and the Salton Sea")
    await Module.filter(id=module.id).update(milestone=True)
    for name in ("Summer 2027 North Shore", "Summer 2027 Mecca & Thermal"):
        await assignments.assign_to_cohort(
            actor=await User.get(email="staff@demo.yoc.example"),
            cohort_id=(await Cohort.get(name=name)).id,
            module_id=module.id,
        )

asyncio.run(_with_db(Settings.from_env(), work))
"""


def _give_salton_sea_module(env: dict[str, str]) -> None:
    """Both demo groups (yoc/demo.py) also work on the Salton Sea module: a reading, then a
    reflection, so a member can finish it alone (no attendance to record); staff made it
    a milestone, so finishing it earns a badge."""
    run_python(["-c", GIVE_SALTON_SEA_MODULE], env, "giving the Salton Sea module to the groups")


@pytest.fixture(scope="session")
def mail_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file ``mail_server`` uses."""
    return tmp_path_factory.mktemp("e2e-mail") / "mail.sqlite3"


@pytest.fixture(scope="session")
def mail_server(inbox: Inbox, stripe_stand_in: FakeStripe, mail_database: Path) -> Iterator[str]:
    """The app with the demo data, sending its mail over SMTP to ``inbox`` (its own
    worker, every fifth of a second) and taking cards through the Stripe stand-in."""
    with serving_app(
        mail_database,
        log_path=mail_database.parent / "server.log",
        prepare=_give_salton_sea_module,
        YOC_SMTP_URL=inbox.url,
        YOC_RUN_JOBS_IN_PROCESS="1",
        YOC_JOBS_INTERVAL="0.2",
        YOC_STRIPE_SECRET_KEY=SECRET_KEY,
        YOC_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        YOC_STRIPE_API_BASE=stripe_stand_in.url,
    ) as base_url:
        yield base_url


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


class Texts:
    """What a page says in ``language``; in Spanish only what the catalog translates
    (proof that the page really is in Spanish). ``t.label(value)`` for an enum's label,
    ``t.plural(...)`` for ngettext."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, message: str, **variables: object) -> str:
        if self.language == "es":
            return spanish(message, **variables)
        with use_language("en"):
            return gettext(message, **variables)

    def label(self, value: Labelled) -> str:
        with use_language(self.language):
            text = value.label
        if self.language == "es":
            with use_language("en"):
                assert text != value.label, f"no Spanish label for {value!r}"
        return text

    def plural(self, singular: str, plural: str, n: int, **variables: object) -> str:
        with use_language(self.language):
            text = ngettext(singular, plural, n, **variables)
        if self.language == "es":
            with use_language("en"):
                assert text != ngettext(singular, plural, n, **variables), plural
        return text


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser journey (``-m "not e2e"`` leaves them out,
    as the PostgreSQL pass of ``make test`` does), whether its file says so or not."""
    folder = Path(__file__).parent
    for item in items:
        if folder in item.path.parents:
            item.add_marker(pytest.mark.e2e)
