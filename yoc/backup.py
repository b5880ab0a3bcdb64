"""`yoc backup` and `yoc restore`: the whole database in one file, and back.

PostgreSQL goes through pg_dump and pg_restore (custom format, without owners or
privileges, so a backup restores under any role); SQLite through its online backup API,
which copies a consistent database while the app keeps running. A backup holds minors'
data, so its file is created readable by its owner only (0600), never made wider.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from yoc.db import normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Tables whose rows `yoc restore` counts aloud, so the operator sees what came back.
SUMMARY_TABLES = ("users", "member_profiles", "orders", "tickets", "soapbox_speeches")


class BackupError(Exception):
    """Shown as one line; the command exits 1."""


def default_name(database_url: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if _is_sqlite(database_url) else "dump"
    return f"yoc-{stamp}.{suffix}"


def backup(database_url: str, output: Path) -> Path:
    """Write a backup of the database to ``output`` (a file, or a folder to put one in)."""
    if output.is_dir():
        output = output / default_name(database_url)
    if output.exists():
        raise BackupError(f"{output} already exists: choose another file name.")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    partial = output.with_name(output.name + ".partial")
    # O_EXCL: a new file, created 0600 whatever the umask, never one an attacker prepared.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if _is_sqlite(database_url):
            os.close(fd)
            _backup_sqlite(_sqlite_path(database_url), partial)
        else:
            with os.fdopen(fd, "wb") as file:
                _backup_postgres(_postgres(database_url), file)
                file.flush()
                os.fsync(file.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return output


def restore(database_url: str, source: Path, *, force: bool = False) -> dict[str, int]:
    """Replace the database's contents with the backup in ``source``; the rows of a few
    tables, by table, afterwards. Refuses a database that holds tables unless ``force``."""
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    with source.open("rb") as file:
        head = file.read(16)
    if _is_sqlite(database_url):
        if head != SQLITE_MAGIC:
            raise BackupError(_wrong_kind(source, head, "SQLite"))
        return _restore_sqlite(source, _sqlite_path(database_url), force=force)
    if not head.startswith(PG_DUMP_MAGIC):
        raise BackupError(_wrong_kind(source, head, "PostgreSQL"))
    return _restore_postgres(source, _postgres(database_url), force=force)


def _wrong_kind(source: Path, head: bytes, expected: str) -> str:
    if head == SQLITE_MAGIC:
        found = "a SQLite backup"
    elif head.startswith(PG_DUMP_MAGIC):
        found = "a PostgreSQL backup"
    else:
        return f"{source} is not a backup made by `yoc backup`."
    return (
        f"{source} is {found}, but YOC_DATABASE_URL is a {expected} database: restore it "
        "into a database of the same kind."
    )


def _not_empty(where: str, tables: list[str]) -> BackupError:
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    return BackupError(
        f"Refusing to restore: {where} is not empty ({len(tables)} tables: {shown}). "
        "Restoring replaces everything in it. Stop the app and the workers, and run "
        "`yoc restore --force` if that is what you want, or point YOC_DATABASE_URL at a "
        "new, empty database."
    )


# SQLite ----------------------------------------------------------------------------------


def _is_sqlite(database_url: str) -> bool:
    return normalise_url(database_url).startswith("sqlite://")


def _sqlite_path(database_url: str) -> Path:
    path = expand_db_url(normalise_url(database_url))["credentials"]["file_path"]
    if path == ":memory:":
        raise BackupError("YOC_DATABASE_URL is an in-memory database: there is nothing to keep.")
    return Path(path)


def _backup_sqlite(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"The SQLite file {database} does not exist.")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # One self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode = DELETE")
        if copy.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError(f"The copy of {database} fails SQLite's integrity check.")
    finally:
        copy.close()
        source.close()


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in rows]


def _restore_sqlite(source: Path, database: Path, *, force: bool) -> dict[str, int]:
    if not database.parent.is_dir():
        raise BackupError(f"The folder {database.parent} does not exist.")
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        try:
            if "tortoise_migrations" not in _sqlite_tables(backup_db):
                raise BackupError(f"{source} is a SQLite file but not a YO-C backup.")
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} cannot be read: {exc}.") from exc
        target = sqlite3.connect(database)
        try:
            if (tables := _sqlite_tables(target)) and not force:
                raise _not_empty(str(database), tables)
            backup_db.backup(target)
            return {
                name: target.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 - our table names
                for name in SUMMARY_TABLES
                if name in _sqlite_tables(target)
            }
        finally:
            target.close()
    finally:
        backup_db.close()


# PostgreSQL ------------------------------------------------------------------------------


def _postgres(database_url: str) -> dict[str, Any]:
    credentials = expand_db_url(normalise_url(database_url))["credentials"]
    if credentials.get("schema"):
        raise BackupError(
            "YOC_DATABASE_URL names a schema (?schema=…): backups cover a whole database; "
            "give YO-C a database of its own."
        )
    return credentials


def _pg_env(credentials: dict[str, Any]) -> dict[str, str]:
    """The connection for pg_dump and pg_restore, passed in the environment so that the
    password never shows in the list of processes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env |= {
        "PGHOST": str(credentials["host"]),
        "PGPORT": str(credentials["port"]),
        "PGDATABASE": str(credentials["database"]),
    }
    if credentials.get("user"):
        env["PGUSER"] = str(credentials["user"])
    if credentials.get("password"):
        env["PGPASSWORD"] = str(credentials["password"])
    if credentials.get("ssl"):
        env["PGSSLMODE"] = "require"
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools.")
    return path


def _major_version(tool: str) -> int:
    answer = subprocess.run(  # noqa: S603 - a fixed program and argument
        [tool, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", answer)
    if match is None:
        raise BackupError(f"Cannot tell the version of {tool} ({answer.strip()!r}).")
    return int(match.group(1))


async def _connect(credentials: dict[str, Any]) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(
            host=credentials["host"],
            port=credentials["port"],
            user=credentials.get("user"),
            password=credentials.get("password"),
            database=credentials["database"],
            ssl=credentials.get("ssl"),
            timeout=10,
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        where = f"{credentials['host']}:{credentials['port']}/{credentials['database']}"
        raise BackupError(f"Cannot connect to PostgreSQL at {where}: {exc}") from exc


USER_TABLES = """
    SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY schemaname, tablename
"""


async def _server_major(credentials: dict[str, Any]) -> int:
    conn = await _connect(credentials)
    try:
        return conn.get_server_version().major
    finally:
        await conn.close()


def _backup_postgres(credentials: dict[str, Any], file: Any) -> None:
    pg_dump = _tool("pg_dump")
    server = asyncio.run(_server_major(credentials))
    if (client := _major_version(pg_dump)) < server:
        raise BackupError(
            f"pg_dump {client} cannot back up a PostgreSQL {server} server: install "
            f"postgresql-client-{server}."
        )
    done = subprocess.run(  # noqa: S603 - fixed arguments; the connection is in the environment
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges"],
        stdout=file,
        stderr=subprocess.PIPE,
        env=_pg_env(credentials),
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.decode(errors='replace').strip()}")


async def _prepare_target(credentials: dict[str, Any], *, force: bool) -> bool:
    """Refuse a target that holds tables; with ``force``, drop them (and their sequences)
    and say so."""
    conn = await _connect(credentials)
    try:
        tables = [row["name"] for row in await conn.fetch(USER_TABLES)]
        if tables and not force:
            raise _not_empty(f"the database {credentials['database']}", tables)
        if tables:
            async with conn.transaction():
                await conn.execute(f"DROP TABLE {', '.join(tables)} CASCADE")
                sequences = await conn.fetch(
                    "SELECT format('%I.%I', sequence_schema, sequence_name) AS name "
                    "FROM information_schema.sequences"
                )
                if sequences:
                    names = ", ".join(row["name"] for row in sequences)
                    await conn.execute(f"DROP SEQUENCE {names} CASCADE")
        return bool(tables)
    finally:
        await conn.close()


async def _count(credentials: dict[str, Any]) -> dict[str, int]:
    conn = await _connect(credentials)
    try:
        present = {row["tablename"] for row in await conn.fetch("SELECT tablename FROM pg_tables")}
        return {
            name: await conn.fetchval(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - our table names
            for name in SUMMARY_TABLES
            if name in present
        }
    finally:
        await conn.close()


def _restore_postgres(source: Path, credentials: dict[str, Any], *, force: bool) -> dict[str, int]:
    pg_restore = _tool("pg_restore")
    env = _pg_env(credentials)
    listing = subprocess.run(  # noqa: S603 - fixed arguments
        [pg_restore, "--list", str(source)], capture_output=True, env=env, check=False
    )
    if listing.returncode != 0:
        raise BackupError(
            f"{source} cannot be read by pg_restore: "
            f"{listing.stderr.decode(errors='replace').strip()}"
        )
    dropped = asyncio.run(_prepare_target(credentials, force=force))
    database = str(credentials["database"]).replace("\\", "\\\\").replace("'", "\\'")
    done = subprocess.run(  # noqa: S603 - fixed arguments; the connection is in the environment
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname=dbname='{database}'",
            str(source),
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        state = (
            "the old tables were dropped first, so the database is now empty; fix the cause "
            "and restore again"
            if dropped
            else "the database is as empty as before"
        )
        raise BackupError(
            f"pg_restore failed ({state}): {done.stderr.decode(errors='replace').strip()}"
        )
    return asyncio.run(_count(credentials))
