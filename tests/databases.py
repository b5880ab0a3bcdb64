"""Databases with every migration applied, migrated once and copied.

Migrating a new database step by step takes half a minute of CPU (Tortoise renders the
models' state again for each operation), and many tests need a database of their own:
each test process's, each browser journey's server, the operator's commands. So one
database is migrated, the first test process to need it doing the work while the others
wait, and every test starts from a copy of it:

- on SQLite, a file made once per run, copied with SQLite's backup API;
- on PostgreSQL, a database used as the ``TEMPLATE`` of ``CREATE DATABASE``, kept from
  one run to the next until the migrations change.

Migrating from nothing stays tested: making that database does it, and the installed
app's `yoc migrate` (``tests/test_install.py``) starts from nothing on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
import tortoise

from yoc.db import migrate, normalise_url
from yoc.settings import PROJECT_DIR, Settings

_RUN_FOLDER: list[Path] = []
_TEMPLATE_LOCK = 7_302_027  # the advisory lock of the migrated PostgreSQL database


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by this run's test processes (the parent of each process's own
    temporary folder under pytest-xdist), for what is made once per run."""
    if not _RUN_FOLDER:
        base = tmp_path_factory.getbasetemp()
        folder = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
        _RUN_FOLDER.append(folder)
    return _RUN_FOLDER[0]


def shared_run_folder() -> Path:
    """The run's shared folder, for helpers that are not fixtures (set up by a
    session fixture of ``tests/conftest.py`` before any test)."""
    if not _RUN_FOLDER:
        raise RuntimeError("run_folder() has not been called in this process")
    return _RUN_FOLDER[0]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def made_once(name: str, make: Callable[[Path], None]) -> Path:
    """``<run folder>/<name>``, made by ``make(path)`` by the first process that asks
    for it in this run; the others wait for it. A ``make`` that fails leaves no mark of
    being done, so the next one to ask tries again (and fails loudly too)."""
    folder = shared_run_folder()
    target = folder / name
    done = folder / f"{name}.done"
    with _locked(folder / f"{name}.lock"):
        if not done.exists():
            make(target)
            done.touch()
    return target


def copy_sqlite(source: Path, target: Path) -> None:
    """``target`` becomes a copy of the SQLite database ``source``."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _migrated_sqlite(target: Path) -> None:
    target.unlink(missing_ok=True)
    asyncio.run(migrate(Settings(database_url=f"sqlite://{target}")))


def migrated_sqlite() -> Path:
    """This run's migrated SQLite file: copy it, never write to it."""
    return made_once("migrated.sqlite3", _migrated_sqlite)


def copy_migrated_sqlite(target: Path) -> str:
    """A migrated SQLite database at ``target``; its URL."""
    copy_sqlite(migrated_sqlite(), target)
    return f"sqlite://{target}"


def postgres_url(url: str) -> str:
    """``url`` as both asyncpg and the app's settings read it (``postgres://``)."""
    return normalise_url(url).replace("asyncpg://", "postgres://", 1)


def with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` on the same server."""
    return urlsplit(postgres_url(url))._replace(path=f"/{name}", query="").geturl()


def _base_name(url: str) -> str:
    """The database the run was given (``test``), not a test process's (``test_gw0``)."""
    return re.sub(r"_(gw\d+|main)$", "", urlsplit(postgres_url(url)).path.lstrip("/"))


def run_sql(url: str, *statements: str) -> None:
    """``statements`` on the server of ``url``, connected to the database the run was
    given: never to one of those they create or drop."""

    async def run() -> None:
        conn = await asyncpg.connect(with_database(url, _base_name(url)))
        try:
            for sql in statements:
                await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def template_name(server_url: str) -> str:
    """The name of this run's migrated PostgreSQL database beside ``server_url``'s."""
    return f"{_base_name(server_url)}_migrated"


def _migrations_digest() -> str:
    """What a migrated database depends on: the migrations, and the Tortoise that runs
    them."""
    digest = hashlib.sha256(tortoise.__version__.encode())
    for path in sorted((PROJECT_DIR / "migrations").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def migrated_postgres(server_url: str) -> str:
    """The migrated PostgreSQL database on ``server_url``'s server; its name. It is kept
    from one run to the next, and made again when the migrations change (its comment
    holds their digest); one process at a time checks or makes it (an advisory lock),
    so ``make test`` makes it beside the SQLite run (``python -m tests.databases``). No
    one connects to it: PostgreSQL copies only a database nobody uses."""
    name = template_name(server_url)
    digest = _migrations_digest()

    async def check_or_make() -> None:
        conn = await asyncpg.connect(with_database(server_url, _base_name(server_url)))
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", _TEMPLATE_LOCK)
            made = await conn.fetchval(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
                name,
            )
            if made != digest:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.execute(f'CREATE DATABASE "{name}"')
                await migrate(Settings(database_url=with_database(server_url, name)))
                await conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{digest}'")
        finally:
            await conn.close()  # and the lock with it

    asyncio.run(check_or_make())
    return name


def copy_migrated_postgres(server_url: str, name: str) -> str:
    """A new database ``name`` on ``server_url``'s server (one of that name goes first),
    a copy of the migrated one; its URL."""
    template = migrated_postgres(server_url)
    # One copy at a time: PostgreSQL refuses a template that another copy is reading.
    with _locked(shared_run_folder() / f"{template}.copy.lock"):
        run_sql(
            server_url,
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
            # A test's commits need not wait for the disk: nothing here outlives the run.
            f'ALTER DATABASE "{name}" SET synchronous_commit = off',
        )
    return with_database(server_url, name)


if __name__ == "__main__":
    # python -m tests.databases POSTGRES_URL: check or make the migrated database there.
    migrated_postgres(sys.argv[1])
