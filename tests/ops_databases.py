"""For the operator's commands (`yoc check`, `yoc backup`, `yoc restore`): the real `yoc`
command in its own process, and databases of their own on the engine under test (new
SQLite files, or new PostgreSQL databases beside the one given with --database-url,
dropped afterwards)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg

from tests.conftest import TEST_SECRET
from tests.databases import (
    copy_migrated_postgres,
    copy_migrated_sqlite,
    postgres_url,
    run_sql,
    with_database,
)
from yoc.db import normalise_url


def is_postgres(url: str) -> bool:
    return normalise_url(url).startswith("asyncpg://")


@contextlib.contextmanager
def fresh_database(server_url: str, folder: Path, name: str) -> Iterator[str]:
    """An empty database: on the PostgreSQL server of ``server_url`` when it is one,
    else a SQLite file (not created yet) in ``folder``."""
    if not is_postgres(server_url):
        yield f"sqlite://{folder / f'{name}.sqlite3'}"
        return
    database = f"yoc_{name}_{secrets.token_hex(4)}"
    run_sql(server_url, f'CREATE DATABASE "{database}"')
    try:
        yield with_database(server_url, database)
    finally:
        run_sql(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextlib.contextmanager
def migrated_database(server_url: str, folder: Path, name: str) -> Iterator[str]:
    """A database with every migration applied (a copy of the run's migrated one), like
    ``fresh_database`` otherwise."""
    if not is_postgres(server_url):
        yield copy_migrated_sqlite(folder / f"{name}.sqlite3")
        return
    database = f"yoc_{name}_{secrets.token_hex(4)}"
    try:
        yield copy_migrated_postgres(server_url, database)
    finally:
        run_sql(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def query(url: str, sql: str, *params: Any) -> list[tuple]:
    """The rows of one query (``?`` placeholders on SQLite, ``$n`` on PostgreSQL)."""
    if not is_postgres(url):
        path = normalise_url(url).removeprefix("sqlite://")
        with contextlib.closing(sqlite3.connect(path)) as db:
            rows = db.execute(sql, params).fetchall()
            db.commit()
            return rows

    async def run() -> list[tuple]:
        conn = await asyncpg.connect(postgres_url(url))
        try:
            return [tuple(row) for row in await conn.fetch(sql, *params)]
        finally:
            await conn.close()

    return asyncio.run(run())


def table_names(url: str) -> list[str]:
    sql = (
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        if is_postgres(url)
        else "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in query(url, sql)]


def operator_env(database_url: str, **settings: str) -> dict[str, str]:
    """What an operator's shell holds: this environment without the test run's YOC_*
    variables, plus the settings given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOC_")}
    return {
        **env,
        "YOC_ENV": "test",
        "YOC_SECRET_KEY": TEST_SECRET,
        "YOC_DATABASE_URL": database_url,
        **settings,
    }


def run_yoc(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yoc.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
