"""Tortoise ORM configuration, migrations and database checks."""

from __future__ import annotations

import os
from typing import Any

from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
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
    "yoc.mail",
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
    This app takes no advisory locks, keeps no cursors, listens to nothing and sets no
    session settings, so there is nothing to undo. asyncpg still rolls back a transaction
    left open before it calls this.
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


async def database_answers() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False
    return True
