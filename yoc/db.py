"""Tortoise ORM configuration, migrations and database checks."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.exceptions import DBConnectionError
from tortoise.migrations.api import migrate as migrate_api
from tortoise.models import Model

from yoc.settings import Settings

MODEL_MODULES = [
    "yoc.accounts.models",
    "yoc.members.models",
    "yoc.curriculum.models",
    "yoc.events.models",
    "yoc.tickets.models",
    "yoc.payments.models",
    "yoc.soapbox.models",
    "yoc.impact.models",
    "yoc.volunteers.models",
    "yoc.participation.models",
    "yoc.mail",
    "yoc.health",
    "yoc.ratelimit",
    "yoc.audit",
    "yoc.cache",
]
APP_LABEL = "yoc"


def fits(model: type[Model], **values: str) -> bool:
    """Whether each value fits its CharField. A longer one was never stored, so a lookup
    by it finds nothing (and Tortoise refuses to run one: a 500 for a long address); nor
    was one with a NUL byte (which PostgreSQL refuses even to compare)."""
    for name, value in values.items():
        limit = getattr(model._meta.fields_map[name], "max_length", None)
        if (limit is not None and len(value) > limit) or "\x00" in value:
            return False
    return True


def normalise_url(url: str) -> str:
    # Tortoise names the PostgreSQL driver "asyncpg"; accept the common postgres:// too.
    if url.startswith("postgresql://"):
        return "asyncpg://" + url[len("postgresql://") :]
    if url.startswith("postgres://"):
        return "asyncpg://" + url[len("postgres://") :]
    return url


async def _keep_session(connection: Any) -> None:
    """What a pooled PostgreSQL connection needs between two uses: nothing more.

    By default asyncpg sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`` each time a connection goes back to the pool, and Tortoise takes one from
    the pool for each query outside a transaction: a second round trip for every query.
    This app keeps no cursors, listens to nothing and sets no session settings, and its
    only advisory locks (``only_one``) end with their transaction, so there is nothing to
    undo. asyncpg still rolls back a transaction left open before it calls this.
    """


def connection_config(database_url: str) -> str | dict[str, Any]:
    url = normalise_url(database_url)
    if not url.startswith("asyncpg://"):
        return url
    config = expand_db_url(url)
    config["credentials"]["reset"] = _keep_session
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by the `tortoise` command (makemigrations) through [tool.tortoise] in pyproject.toml.
TORTOISE_ORM = tortoise_config(os.environ.get("YOC_DATABASE_URL", Settings.database_url))


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def migrate(settings: Settings) -> None:
    """Apply every migration that the database has not seen yet."""
    config = tortoise_config(settings.database_url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await migrate_api(config=config)


def _lock_key(name: str) -> int:
    """A stable 64-bit advisory lock key for ``name``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def only_one(name: str) -> AsyncIterator[bool]:
    """Whether this process, of all those sharing the database, holds the lock ``name``
    while the block runs; it never waits for it.

    On PostgreSQL it is an advisory lock held by a transaction of its own, on a pooled
    connection that does nothing else: it ends with that transaction, whatever happens
    to the block (an error, a cancellation) or to the process (the connection closes).
    The block's own queries use other connections (the pool holds five unless the URL
    says ``maxsize``; one would leave the block none). SQLite serves one process, which
    always holds it.
    """
    conn = connections.get("default")
    if conn.capabilities.dialect != "postgres":
        yield True
        return
    async with conn.acquire_connection() as raw, raw.transaction():
        yield await raw.fetchval("SELECT pg_try_advisory_xact_lock($1)", _lock_key(name))


# What PostgreSQL and its driver say while the server cannot be reached, is restarting,
# or has ended the connection: the database is away for now, nothing is wrong with the
# request. (Not QueryCanceledError, a sibling: that is a statement that ran too long.)
_AWAY = (
    DBConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)
_DRIVERS = ("asyncpg", "tortoise.backends")


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached right now (refused, cut
    off, restarting) rather than that a query or the code was wrong."""
    seen = 0
    found: BaseException | None = error
    while found is not None and seen < 5:
        if isinstance(found, _AWAY):
            return True
        if isinstance(found, asyncpg.InterfaceError) and "closed" in str(found):
            return True
        # A pooled connection that PostgreSQL ended while it was idle (a restart) fails its
        # next query so ("cannot switch to state ..."), then the pool replaces it.
        if type(found) is asyncpg.InternalClientError:
            return True
        # Refused, reset, unreachable or timed out: the network's errors, when it was
        # the database driver that met them (a file or another service is not the
        # database).
        if isinstance(found, OSError) and _raised_in(found, _DRIVERS):
            return True
        found, seen = found.__cause__ or found.__context__, seen + 1
    return False


def _raised_in(error: BaseException, modules: tuple[str, ...]) -> bool:
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(modules):
            return True
        tb = tb.tb_next
    return False


class WhileAway(logging.Filter):
    """The database driver's own log lines about a database that is away (its pool
    failing to reconnect in the background) become one line each, without a traceback,
    like the app's "database unavailable"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] and unavailable(record.exc_info[1]):
            error = record.exc_info[1]
            record.msg = f"database unavailable: {record.getMessage()} ({type(error).__name__})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_while_away() -> None:
    """Install ``WhileAway`` on the driver's loggers (once)."""
    for name in ("asyncpg", "asyncpg.pool"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, WhileAway) for f in logger.filters):
            logger.addFilter(WhileAway())
