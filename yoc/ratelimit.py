"""Rate limits whose counts are shared by every process and machine.

The state lives in the database, or in Redis when ``YOC_REDIS_URL`` is set. Both count
the same way: a counter per key and fixed window, and the limit applied to a sliding
estimate (this window's count plus the last window's, weighted by how much of it still
overlaps the last ``window`` seconds). One attempt is one round trip, whatever the
number of attempts before it, and a flood of attempts adds no rows: it raises a count.

The count is incremented and read in one atomic statement, so two processes racing
each see the other: a race can only make the limit stricter, never looser.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

from tortoise import connections, fields
from tortoise.models import Model

from yoc.errors import TooManyRequests
from yoc.i18n import ngettext
from yoc.settings import Settings

# One in this many attempts also forgets the windows that no longer count.
SWEEP_EVERY = 64


def sweep_due() -> bool:
    """Whether this attempt also deletes the expired windows (one more statement)."""
    return secrets.randbelow(SWEEP_EVERY) == 0


class RateLimitCount(Model):
    """Attempts for one key in one fixed window."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=200)
    # The window's start and the moment its row no longer counts, in seconds since the
    # epoch (a window counts for the next window's estimate too).
    starts = fields.BigIntField()
    expires = fields.BigIntField(db_index=True)
    hits = fields.IntField(default=0)

    class Meta:
        table = "rate_limit_counts"
        unique_together = (("key", "starts"),)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


@dataclass(frozen=True)
class Window:
    """Where ``now`` falls in fixed windows of ``length`` seconds."""

    now: float
    length: int

    @property
    def starts(self) -> int:
        return int(self.now // self.length) * self.length

    @property
    def previous(self) -> int:
        return self.starts - self.length

    @property
    def expires(self) -> int:
        return self.starts + 2 * self.length

    def estimate(self, previous: int, current: int) -> float:
        """Attempts in the last ``length`` seconds, assuming the previous window's were
        spread evenly over it."""
        overlap = 1 - (self.now - self.starts) / self.length
        return previous * overlap + current

    def retry_after(self, previous: int, current: int, allowed: int) -> int:
        """Seconds until the estimate is down to ``allowed`` attempts."""
        if current <= allowed:
            # This window's count fits; wait until enough of the last one has slid out.
            waits = self.starts + self.length * (1 - (allowed - current) / previous)
        else:
            # Only once this window is the previous one, and enough of it slid out.
            waits = self.starts + self.length * (2 - allowed / current)
        return max(1, math.ceil(waits - self.now))


def _verdict(window: Window, previous: int, current: int, limit: int) -> Verdict:
    """``current`` includes the attempt being judged."""
    if window.estimate(previous, current) <= limit + 1e-9:  # the float's rounding
        return Verdict(True)
    return Verdict(False, window.retry_after(previous, current, limit - 1))


class RateLimiter(Protocol):
    async def hit(self, key: str, *, limit: int, window: int) -> Verdict: ...

    async def peek(self, key: str, *, limit: int, window: int) -> Verdict:
        """Whether ``limit`` attempts are already in the window, recording none (for
        limits that count only failures, checked before each try)."""
        ...

    async def reset(self, key: str) -> None: ...


class DatabaseRateLimiter:
    async def hit(self, key: str, *, limit: int, window: int) -> Verdict:
        at = Window(time.time(), window)
        conn = connections.get("default")
        sql = _COUNT if conn.capabilities.dialect != "postgres" else _numbered(_COUNT)
        [row] = await conn.execute_query_dict(sql, [key, at.starts, at.expires, key, at.previous])
        current, previous = row["current"], row["previous"] or 0
        if sweep_due():
            await RateLimitCount.filter(expires__lt=int(at.now)).delete()
        return _verdict(at, previous, current, limit)

    async def peek(self, key: str, *, limit: int, window: int) -> Verdict:
        at = Window(time.time(), window)
        counts = dict(
            await RateLimitCount.filter(key=key, starts__in=[at.previous, at.starts]).values_list(
                "starts", "hits"
            )
        )
        return _verdict(at, counts.get(at.previous, 0), counts.get(at.starts, 0) + 1, limit)

    async def reset(self, key: str) -> None:
        await RateLimitCount.filter(key=key).delete()


# Counts this attempt and reads both windows in one statement. On PostgreSQL the row
# lock orders racing attempts, and each sees the ones before it.
_COUNT = (
    "INSERT INTO rate_limit_counts (key, starts, expires, hits) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (key, starts) DO UPDATE SET hits = rate_limit_counts.hits + 1 "
    "RETURNING hits AS current, (SELECT p.hits FROM rate_limit_counts p "
    "WHERE p.key = ? AND p.starts = ?) AS previous"
)


def _numbered(sql: str) -> str:
    """PostgreSQL's placeholders are numbered: $1, $2, ..."""
    parts = sql.split("?")
    return parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis  # noqa: PLC0415 -- optional service

        self.redis = Redis.from_url(url)

    @staticmethod
    def _names(key: str, at: Window) -> tuple[str, str]:
        return f"yoc:rl:{key}:{at.previous}", f"yoc:rl:{key}:{at.starts}"

    async def hit(self, key: str, *, limit: int, window: int) -> Verdict:
        at = Window(time.time(), window)
        previous, current = self._names(key, at)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.get(previous)
            pipe.incr(current)
            pipe.expireat(current, at.expires)
            before, count, _ = await pipe.execute()
        return _verdict(at, int(before or 0), int(count), limit)

    async def peek(self, key: str, *, limit: int, window: int) -> Verdict:
        at = Window(time.time(), window)
        before, count = await self.redis.mget(self._names(key, at))
        return _verdict(at, int(before or 0), int(count or 0) + 1, limit)

    async def reset(self, key: str) -> None:
        names = [name async for name in self.redis.scan_iter(match=f"yoc:rl:{key}:*")]
        if names:
            await self.redis.delete(*names)

    async def close(self) -> None:
        await self.redis.aclose()


class TooManyEmails(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many emails asked for.", "rate_limited", retry_after=retry_after)

    def translated(self) -> str:
        return ngettext(
            "Too many emails were asked for. Please wait %(num)d minute and try again.",
            "Too many emails were asked for. Please wait %(num)d minutes and try again.",
            self.minutes,
        )


async def may_look_up(limiter: RateLimiter, settings: Settings, *, kind: str, ip: str) -> bool:
    """Count an answer that says something of an address (whether it has an account)
    without sending mail, against the same limit per client as the emails of ``kind``:
    whether it may be given. Past the limit, the answer says nothing of the address."""
    verdict = await limiter.hit(
        f"mail:{kind}:ip:{ip}", limit=settings.mail_client_limit, window=settings.mail_window
    )
    return verdict.allowed


async def count_mail(
    limiter: RateLimiter, settings: Settings, *, kind: str, to: str, ip: str
) -> None:
    """Count a request that sends an email of ``kind`` to ``to``: refused past the limit
    for that address (whoever asks), or for the client asking (whatever the address).
    Counted whether or not the address has an account, so a refusal reveals nothing."""
    window = settings.mail_window
    verdicts = [
        await limiter.hit(
            f"mail:{kind}:to:{to.strip().lower()}", limit=settings.mail_limit, window=window
        ),
        await limiter.hit(f"mail:{kind}:ip:{ip}", limit=settings.mail_client_limit, window=window),
    ]
    if blocked := [v for v in verdicts if not v.allowed]:
        raise TooManyEmails(max(v.retry_after for v in blocked))
