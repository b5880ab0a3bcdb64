"""Tortoise ORM configuration, migrations and database checks."""

from __future__ import annotations

import os
from typing import Any

from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as migrate_api

from yoc.settings import Settings

MODEL_MODULES = [
    "yoc.accounts.models",
    "yoc.members.models",
    "yoc.curriculum.models",
    "yoc.events.models",
    "yoc.tickets.models",
    "yoc.soapbox.models",
    "yoc.mail",
    "yoc.ratelimit",
    "yoc.audit",
    "yoc.cache",
]
APP_LABEL = "yoc"


def normalise_url(url: str) -> str:
    # Tortoise names the PostgreSQL driver "asyncpg"; accept the common postgres:// too.
    if url.startswith("postgresql://"):
        return "asyncpg://" + url[len("postgresql://") :]
    if url.startswith("postgres://"):
        return "asyncpg://" + url[len("postgres://") :]
    return url


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": normalise_url(database_url)},
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
