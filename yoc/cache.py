"""In-process caches, and the stamps that tell every worker when a cached copy is old.

A ``TTLCache`` entry is never older than a fixed number of seconds. Each worker process
holds its own: what one worker clears, another may still serve, but never past the time
limit. That limit is the staleness bound of whatever is cached that way.

A ``Stamp`` is a counter in the database that moves forward, in the same transaction,
whenever a kind of data changes. A copy cached under the stamp's value it was built
with is never served after a change, by any worker: a request reads the stamp first (or
in the same statement as the data) and looks for a copy under the current value. The
order matters: a copy built from data newer than its stamp is harmless, one built from
older data is not possible.

The public pages that anonymous visitors share are kept in a ``TTLCache`` under a
``PageGeneration``: with Redis (``YOC_REDIS_URL``) a counter there that a staff change
moves forward, so that every process and machine stops serving the old copies at once;
without Redis, each process's copies live out their time limit
(``YOC_PUBLIC_PAGE_SECONDS``) after a change made elsewhere.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from typing import Any, Protocol

from tortoise import fields
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

log = logging.getLogger("yoc.cache")


class TTLCache:
    def __init__(self, ttl: float, *, max_entries: int = 512) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        # Values being computed right now, for callers who would rather wait than repeat.
        self.building: dict[Hashable, Any] = {}

    def get(self, key: Hashable) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[key]
            return None
        return entry[1]

    def set(self, key: Hashable, value: Any) -> None:
        if self.ttl <= 0:
            return
        self._entries[key] = (time.monotonic() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class Stamp(Model):
    """A counter that moves forward whenever the data it is named after changes."""

    name = fields.CharField(max_length=40, primary_key=True)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "stamps"


async def bump(name: str) -> None:
    """Mark the data called ``name`` as changed. Call it inside the transaction that
    changes the data, as its last statement: the stamp's row stays locked until the
    commit, and every writer of that data waits for it."""
    if await Stamp.filter(name=name).update(version=F("version") + 1):
        return
    # The first change ever (or since the table was emptied): make the row, unless a
    # concurrent writer just did, then move it forward in either case.
    await Stamp.bulk_create([Stamp(name=name, version=0)], ignore_conflicts=True)
    await Stamp.filter(name=name).update(version=F("version") + 1)


@asynccontextmanager
async def changing(name: str) -> AsyncIterator[None]:
    """A transaction that changes the data called ``name``: the stamp moves forward last,
    and only if the transaction's body succeeded (otherwise all of it rolls back)."""
    async with in_transaction():
        yield
        await bump(name)


async def version(name: str) -> int:
    """The stamp's value now; read it before reading the data a copy is built from."""
    values = await Stamp.filter(name=name).limit(1).values_list("version", flat=True)
    return values[0] if values else 0


class PageGeneration(Protocol):
    """The generation of the public pages that anonymous visitors share (``TTLCache``
    copies kept under it): it moves forward when staff change what they show."""

    async def current(self) -> int | None:
        """The generation now; None when it cannot be known (then share nothing)."""
        ...

    async def advance(self) -> None: ...

    async def close(self) -> None: ...


class LocalGeneration:
    """Without Redis: each process clears its own copies after a change it made, and
    every other process's copies end with their time limit (the staleness bound)."""

    async def current(self) -> int | None:
        return 0

    async def advance(self) -> None:
        return None

    async def close(self) -> None:
        return None


class RedisGeneration:
    """With Redis: one counter for every process and machine, read once per shared page
    (one round trip, far less than rendering the page) and moved forward after a change
    is committed, before its answer leaves. A request that starts after that answer
    reads the new generation, finds no copy under it, and renders the change."""

    KEY = "yoc:pages:generation"

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis  # noqa: PLC0415 -- optional service

        self.redis = Redis.from_url(url)

    async def current(self) -> int | None:
        try:
            return int(await self.redis.get(self.KEY) or 0)
        except Exception:  # noqa: BLE001 - whatever Redis says, the page is still served
            log.warning("Redis did not answer: public pages are not shared for now")
            return None

    async def advance(self) -> None:
        try:
            await self.redis.incr(self.KEY)
        except Exception:  # noqa: BLE001 - the change is made; only the news is late
            # Other processes stop serving their copies within the time limit anyway.
            log.exception("could not tell other processes that public pages changed")

    async def close(self) -> None:
        await self.redis.aclose()
