"""The database: reachable, migrated as far as this version of the app, and (PostgreSQL)
a pg_dump that can back it up. Read-only: a SQLite file that does not exist is reported,
not created."""

from __future__ import annotations

import pkgutil
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

import migrations
from yoc.checks.findings import TIMEOUT_SECONDS, Finding, fail, ok, reason, warn
from yoc.db import APP_LABEL, normalise_url
from yoc.settings import Settings


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
                f"Cannot connect to PostgreSQL at {where}: {reason(exc)}. Check "
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
