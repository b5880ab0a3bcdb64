"""Health: whether this deployment can do its work, and the worker's heartbeat.

``/healthz`` asks a few cheap questions: does the database answer, are all migrations
applied, is mail going out, has a worker finished a round lately. ``/livez`` asks
nothing of the database: the process is up.
"""

from __future__ import annotations

import re
from functools import cache

from tortoise import connections, fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from yoc.db import APP_LABEL
from yoc.mail import MailStatus, OutboxMessage
from yoc.settings import PROJECT_DIR, Settings
from yoc.timeutil import utcnow

OK = "ok"
# Mail waits in the outbox without a mail server: how development runs, not a failure.
NO_SMTP = "not sent: no mail server (YOC_SMTP_URL)"
WORKER = "worker"
_MIGRATION_FILE = re.compile(r"^(\d{4}_\w+)\.py$")


class Heartbeat(Model):
    """When a kind of background process last finished a round."""

    name = fields.CharField(max_length=40, primary_key=True)
    ran_at = fields.DatetimeField()

    class Meta:
        table = "heartbeats"


async def beat(name: str = WORKER) -> None:
    """Record that ``name`` finished a round just now (one UPDATE, once a row exists)."""
    now = utcnow()
    if await Heartbeat.filter(name=name).update(ran_at=now):
        return
    try:
        await Heartbeat.create(name=name, ran_at=now)
    except IntegrityError:
        # Another worker wrote the first one at the same moment: that one will do.
        await Heartbeat.filter(name=name).update(ran_at=now)


@cache
def shipped_migrations() -> frozenset[str]:
    """The migrations this version of the app comes with."""
    return frozenset(
        match.group(1)
        for path in (PROJECT_DIR / "migrations").iterdir()
        if (match := _MIGRATION_FILE.match(path.name))
    )


def _ago(seconds: float) -> str:
    return f"{int(seconds)} s ago"


async def _migrations() -> str:
    try:
        rows = await connections.get("default").execute_query_dict(
            f"SELECT name FROM tortoise_migrations WHERE app = '{APP_LABEL}'"  # noqa: S608 - a constant
        )
    except Exception:  # noqa: BLE001 - no table of applied migrations: none applied
        rows = []
    missing = sorted(shipped_migrations() - {row["name"] for row in rows})
    if missing:
        return f"{len(missing)} not applied: {', '.join(missing)} (run `yoc migrate`)"
    return OK


async def _outbox(settings: Settings) -> str:
    if not settings.smtp_url:
        return NO_SMTP
    oldest = (
        await OutboxMessage.filter(status=MailStatus.QUEUED)
        .order_by("created_at")
        .first()
        .values_list("created_at", flat=True)
    )
    if oldest is None:
        return OK
    waiting = (utcnow() - oldest).total_seconds()
    if waiting > settings.health_outbox_seconds:
        return f"oldest unsent message queued {_ago(waiting)}"
    return OK


async def _worker(settings: Settings) -> str:
    ran_at = await Heartbeat.filter(name=WORKER).first().values_list("ran_at", flat=True)
    if ran_at is None:
        return "never ran (start `yoc worker`)"
    since = (utcnow() - ran_at).total_seconds()
    if since > settings.health_worker_seconds:
        return f"last finished a round {_ago(since)}"
    return OK


async def report(settings: Settings) -> dict[str, str]:
    """Each check and "ok" or what is wrong; the database first, since the rest need it."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database does not answer
        return {"database": "unavailable"}
    checks = {"database": OK, "migrations": await _migrations()}
    for name, check in (("outbox", _outbox), ("worker", _worker)):
        try:
            checks[name] = await check(settings)
        except Exception as exc:  # noqa: BLE001 - a table missing (migrations) and the like
            checks[name] = f"cannot be checked: {type(exc).__name__}"
    return checks


def healthy(checks: dict[str, str]) -> bool:
    """Whether nothing in the report keeps the app from doing its work."""
    return all(value in (OK, NO_SMTP) for value in checks.values())
