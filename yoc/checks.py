"""`yoc check`: what is wrong with this installation, one finding per line, each saying
what to do. It reads the settings as the app would, then tries every service they name
(the database and its migrations, SMTP, Redis) with a short timeout. It changes nothing:
a SQLite file that does not exist is reported, not created."""

from __future__ import annotations

import asyncio
import errno
import pkgutil
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlparse

import aiosmtplib
import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

import migrations
from yoc.db import APP_LABEL, normalise_url
from yoc.mail import smtp_options
from yoc.settings import Settings

# How long one service may take to answer before it counts as unreachable.
TIMEOUT_SECONDS = 10
# Variables the test tooling reads (the Makefile, tests/): not settings, and not typos.
TOOLING_PREFIXES = ("YOC_TEST_", "YOC_E2E_")
DEFAULT_SENDER = Settings.mail_from


class Status(StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    name: str
    status: Status
    message: str


def ok(name: str, message: str) -> Finding:
    return Finding(name, Status.OK, message)


def warn(name: str, message: str) -> Finding:
    return Finding(name, Status.WARN, message)


def fail(name: str, message: str) -> Finding:
    return Finding(name, Status.FAIL, message)


async def run_checks(environ: Mapping[str, str]) -> list[Finding]:
    """Every finding about the installation these environment variables describe."""
    settings, findings = read_settings(environ)
    if settings is None:
        return [*findings, fail("database", "Not checked: the settings above cannot be read.")]
    findings += [
        check_base_url(settings),
        *await check_database(settings),
        await check_smtp(settings),
        *check_stripe(settings),
        await check_redis(settings),
    ]
    return findings


def exit_status(findings: list[Finding]) -> int:
    return 1 if any(f.status == Status.FAIL for f in findings) else 0


def as_text(findings: list[Finding]) -> str:
    width = max(len(f.name) for f in findings)
    lines = [f"{f.status.value:<5} {f.name:<{width}}  {f.message}" for f in findings]
    failed = sum(f.status == Status.FAIL for f in findings)
    warned = sum(f.status == Status.WARN for f in findings)
    if failed:
        lines.append(f"{failed} problem(s) to fix, {warned} warning(s).")
    else:
        lines.append(f"Nothing fails; {warned} warning(s).")
    return "\n".join(lines)


def as_json(findings: list[Finding]) -> dict:
    return {"ok": exit_status(findings) == 0, "checks": [asdict(f) for f in findings]}


# Settings ---------------------------------------------------------------------------


def read_settings(environ: Mapping[str, str]) -> tuple[Settings | None, list[Finding]]:
    known = Settings.env_names()
    findings = [
        warn(
            "settings",
            f"{name} is set but this app has no such setting (a typo?); "
            "the README lists every YOC_ variable.",
        )
        for name in sorted(environ)
        if name.startswith("YOC_") and name not in known and not name.startswith(TOOLING_PREFIXES)
    ]
    try:
        settings = Settings.from_env(environ)
    except ValueError:
        return None, [*findings, *_unreadable(environ, known)]
    problems = [p for p in settings.problems() if not p.startswith("YOC_BASE_URL")]
    findings += [fail("settings", f"{problem}.") for problem in problems]
    if not problems:
        findings.insert(0, ok("settings", f"YOC_ENV is {settings.env}; the settings are usable."))
    if settings.production and settings.database_url.startswith("sqlite://"):
        findings.append(
            warn(
                "settings",
                "YOC_DATABASE_URL is a SQLite file: production should use PostgreSQL "
                "(postgres://user:password@host:5432/yoc).",
            )
        )
    if settings.production and settings.mail_from == DEFAULT_SENDER:
        findings.append(
            warn("settings", "YOC_MAIL_FROM is the example sender: set your own address.")
        )
    return settings, findings


def _unreadable(environ: Mapping[str, str], known: frozenset[str]) -> list[Finding]:
    """Which variables hold something that is not a number where a number belongs."""
    bad = []
    for name in sorted(known & environ.keys()):
        try:
            Settings.from_env({name: environ[name]})
        except ValueError:
            bad.append(name)
    return [
        fail("settings", f"{name} must be a number, not {environ[name]!r}; fix it or unset it.")
        for name in bad
    ] or [fail("settings", "A YOC_ setting that takes a number holds something else.")]


def check_base_url(settings: Settings) -> Finding:
    url = urlparse(settings.base_url)
    if settings.production and not settings.https:
        return fail(
            "base URL",
            f"YOC_BASE_URL is {settings.base_url}: in production it must be the public "
            "https:// address (e.g. https://yoc.example.org), or sign-in cookies and "
            "emailed links will not work.",
        )
    if settings.production and url.hostname in {"localhost", "127.0.0.1", "::1"}:
        return warn(
            "base URL",
            f"YOC_BASE_URL is {settings.base_url}: emailed links will point at this "
            "machine; set the public address.",
        )
    if not settings.https:
        return ok("base URL", f"{settings.base_url} (plain http is refused in production).")
    return ok("base URL", f"{settings.base_url}")


# Database ---------------------------------------------------------------------------


def known_migrations() -> list[str]:
    """The migrations this version of the app ships, in order."""
    return sorted(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name[0].isdigit())


async def check_database(settings: Settings) -> list[Finding]:
    url = normalise_url(settings.database_url)
    if url.startswith("sqlite://"):
        return [_check_sqlite(expand_db_url(url)["credentials"]["file_path"])]
    if not url.startswith("asyncpg://"):
        return [fail("database", "Not checked: YOC_DATABASE_URL is not a database URL.")]
    return await _check_postgres(expand_db_url(url)["credentials"])


def _check_sqlite(path: str) -> Finding:
    if path == ":memory:":
        return warn("database", "YOC_DATABASE_URL is an in-memory SQLite database: it is lost.")
    if not Path(path).is_file():
        return fail(
            "database",
            f"The SQLite file {path} does not exist: run `yoc migrate` to create it, "
            "or correct YOC_DATABASE_URL.",
        )
    try:
        # Read-only, so that checking never creates or changes the file.
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            has_table = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tortoise_migrations'"
            ).fetchone()
            applied = (
                db.execute("SELECT name FROM tortoise_migrations WHERE app = ?", (APP_LABEL,))
                if has_table
                else []
            )
            names = [row[0] for row in applied]
        db.close()
    except sqlite3.Error as exc:
        return fail("database", f"Cannot read the SQLite file {path}: {exc}.")
    return _migrations_finding(f"SQLite {path}", has_table is not None, names)


async def _check_postgres(credentials: dict) -> list[Finding]:
    where = f"{credentials['host']}:{credentials['port']}/{credentials['database']}"
    try:
        conn = await asyncpg.connect(
            host=credentials["host"],
            port=credentials["port"],
            user=credentials.get("user"),
            password=credentials.get("password"),
            database=credentials["database"],
            ssl=credentials.get("ssl"),
            timeout=TIMEOUT_SECONDS,
            server_settings={"search_path": credentials["schema"]}
            if credentials.get("schema")
            else None,
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return [
            fail(
                "database",
                f"Cannot connect to PostgreSQL at {where}: {_reason(exc)}. Check "
                "YOC_DATABASE_URL (host, port, user, password, database name) and that "
                "the server runs.",
            )
        ]
    try:
        version = conn.get_server_version()
        shown = str(await conn.fetchval("SHOW server_version")).split()[0]
        has_table = await conn.fetchval("SELECT to_regclass('tortoise_migrations') IS NOT NULL")
        names = (
            [
                r["name"]
                for r in await conn.fetch(
                    "SELECT name FROM tortoise_migrations WHERE app = $1", APP_LABEL
                )
            ]
            if has_table
            else []
        )
    finally:
        await conn.close()
    server = f"PostgreSQL {shown} at {where}"
    return [_migrations_finding(server, has_table, names), check_pg_dump(version.major)]


def _migrations_finding(database: str, has_table: bool, applied: list[str]) -> Finding:
    known = known_migrations()
    if not has_table:
        return fail(
            "database",
            f"{database} answers but has never been migrated: run `yoc migrate`.",
        )
    if newer := sorted(set(applied) - set(known)):
        return fail(
            "database",
            f"{database} has migrations this version of the app does not know "
            f"({', '.join(newer)}): it was migrated by a newer version. Install that "
            "version again, or restore a backup taken before.",
        )
    if missing := [name for name in known if name not in applied]:
        return fail(
            "database",
            f"{database} answers but {len(missing)} of {len(known)} migrations are not "
            f"applied (from {missing[0]}): run `yoc migrate`, then restart the app.",
        )
    return ok("database", f"{database} answers; all {len(known)} migrations are applied.")


def check_pg_dump(server_major: int) -> Finding:
    """`yoc backup` runs pg_dump, which refuses a server newer than itself."""
    pg_dump = shutil.which("pg_dump")
    install = f"install postgresql-client-{server_major} (or newer)"
    if pg_dump is None:
        return warn("backups", f"pg_dump is not installed, so `yoc backup` cannot run: {install}.")
    answer = subprocess.run(  # noqa: S603 - a fixed program and argument
        [pg_dump, "--version"], capture_output=True, text=True, timeout=TIMEOUT_SECONDS
    ).stdout
    match = re.search(r"(\d+)\.(\d+)", answer)
    if match is None:
        return warn("backups", f"Cannot tell the version of pg_dump ({answer.strip()!r}).")
    if int(match.group(1)) < server_major:
        return warn(
            "backups",
            f"pg_dump {match.group(0)} is older than the server ({server_major}) and will "
            f"refuse to back it up: {install}.",
        )
    return ok("backups", f"pg_dump {match.group(0)} can back up this server (`yoc backup`).")


# Services ---------------------------------------------------------------------------


async def check_smtp(settings: Settings) -> Finding:
    if not settings.smtp_url:
        if settings.production:
            return fail(
                "SMTP",
                "YOC_SMTP_URL is not set: no mail is sent (sign-up links, tickets, consent "
                "forms wait in the outbox). Set it to smtp://user:password@host:587?starttls=1.",
            )
        return ok("SMTP", "Not configured: messages wait in the outbox (/admin/outbox).")
    try:
        options = smtp_options(settings.smtp_url)
    except ValueError as exc:
        return fail("SMTP", f"{exc}.")
    options["timeout"] = TIMEOUT_SECONDS
    where = f"{options['hostname']}:{options['port']}"
    client = aiosmtplib.SMTP(**options)
    try:
        await client.connect()
        await client.quit()
    except aiosmtplib.SMTPAuthenticationError as exc:
        return fail(
            "SMTP",
            f"The SMTP server at {where} refused the user and password in YOC_SMTP_URL "
            f"({exc.code} {exc.message.strip()}): correct them.",
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        return fail(
            "SMTP",
            f"Cannot reach the SMTP server at {where}: {_reason(exc)}. Check YOC_SMTP_URL "
            "and the mail server; until then mail waits in the outbox and none is lost.",
        )
    signed_in = f", signed in as {options['username']}" if "username" in options else ""
    return ok("SMTP", f"The server at {where} answers{signed_in}.")


def check_stripe(settings: Settings) -> list[Finding]:
    """The shape of the keys (test or live, secret, webhook); no call to Stripe."""
    key, webhook = settings.stripe_secret_key, settings.stripe_webhook_secret
    if not key and not webhook:
        return [
            (warn if settings.production else ok)(
                "Stripe",
                "Not configured: card payment is off (free and pay-at-the-door tickets "
                "work). Set YOC_STRIPE_SECRET_KEY and YOC_STRIPE_WEBHOOK_SECRET to sell by card.",
            )
        ]
    findings = []
    if not key or not webhook:
        missing = "YOC_STRIPE_WEBHOOK_SECRET" if key else "YOC_STRIPE_SECRET_KEY"
        findings.append(
            fail("Stripe", f"{missing} is not set, so card payment stays off: set both.")
        )
    if key:
        findings.append(_stripe_key(key, settings))
    if webhook and not webhook.startswith("whsec_"):
        findings.append(
            fail(
                "Stripe",
                "YOC_STRIPE_WEBHOOK_SECRET should start with whsec_: copy the signing "
                "secret of the webhook endpoint from Stripe's dashboard.",
            )
        )
    if not any(f.status == Status.FAIL for f in findings) and settings.stripe_api_base:
        findings.append(
            warn("Stripe", f"YOC_STRIPE_API_BASE sends Stripe calls to {settings.stripe_api_base}.")
        )
    return findings


def _stripe_key(key: str, settings: Settings) -> Finding:
    if key.startswith("pk_"):
        return fail(
            "Stripe",
            "YOC_STRIPE_SECRET_KEY is a publishable key (pk_…): use the secret key (sk_…).",
        )
    mode = next((m for m in ("live", "test") if key.startswith((f"sk_{m}_", f"rk_{m}_"))), None)
    if mode is None:
        return fail(
            "Stripe",
            "YOC_STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_live_… or "
            "sk_test_…).",
        )
    if mode == "test" and settings.production:
        return warn(
            "Stripe",
            "Test keys (sk_test_…): no real card is charged. Use the live keys to sell tickets.",
        )
    if mode == "live" and not settings.production:
        return warn(
            "Stripe",
            f"Live keys with YOC_ENV={settings.env}: real cards would be charged.",
        )
    return ok("Stripe", f"{mode.capitalize()} keys and a webhook secret are set.")


async def check_redis(settings: Settings) -> Finding:
    if not settings.redis_url:
        return ok("Redis", "Not configured: rate limits are kept in the database.")
    from redis.asyncio import Redis  # noqa: PLC0415 -- optional service
    from redis.exceptions import RedisError  # noqa: PLC0415 -- optional service

    url = urlparse(settings.redis_url)
    where = f"{url.hostname}:{url.port or 6379}"
    try:
        client = Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
        )
    except ValueError as exc:
        return fail("Redis", f"YOC_REDIS_URL cannot be read: {exc}.")
    try:
        info = await client.info("server")
    except (RedisError, OSError, TimeoutError) as exc:
        return fail(
            "Redis",
            f"Cannot reach Redis at {where}: {_reason(exc)}. Start Redis or correct "
            "YOC_REDIS_URL (unset it to keep rate limits in the database).",
        )
    finally:
        await client.aclose()
    return ok("Redis", f"Redis {info.get('redis_version', '?')} at {where} answers.")


def _reason(exc: BaseException) -> str:
    """The cause in plain words: refused, no answer, or what the error says."""
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 5:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip().rstrip(".")
    if any(
        isinstance(c, ConnectionRefusedError) or getattr(c, "errno", None) == errno.ECONNREFUSED
        for c in causes
    ) or re.search(r"refused|errno 111\b", text, re.IGNORECASE):
        return "the connection was refused (nothing listens there)"
    if any(isinstance(c, TimeoutError) for c in causes) or not text:
        return f"no answer within {TIMEOUT_SECONDS} seconds"
    return text


def run(environ: Mapping[str, str]) -> list[Finding]:
    return asyncio.run(run_checks(environ))
