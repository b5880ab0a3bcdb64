"""Sliding-window rate limits whose counts are shared by every process and machine.

The state lives in the database, or in Redis when ``YOC_REDIS_URL`` is set. Each
attempt is recorded first and counted after, so two processes racing each see the
other: a race can only make the limit stricter, never looser.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from tortoise import fields
from tortoise.models import Model

from yoc.errors import TooManyRequests
from yoc.i18n import ngettext
from yoc.settings import Settings
from yoc.timeutil import utcnow


class RateLimitHit(Model):
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=200)
    at = fields.DatetimeField()

    class Meta:
        table = "rate_limit_hits"
        indexes = (("key", "at"),)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


class RateLimiter(Protocol):
    async def hit(self, key: str, *, limit: int, window: int) -> Verdict: ...

    async def peek(self, key: str, *, limit: int, window: int) -> Verdict:
        """Whether ``limit`` attempts are already in the window, recording none (for
        limits that count only failures, checked before each try)."""
        ...

    async def reset(self, key: str) -> None: ...


class DatabaseRateLimiter:
    async def hit(self, key: str, *, limit: int, window: int) -> Verdict:
        now = utcnow()
        since = now - timedelta(seconds=window)
        await RateLimitHit.filter(key=key, at__lt=since).delete()
        await RateLimitHit.create(key=key, at=now)
        recent = RateLimitHit.filter(key=key, at__gte=since)
        if await recent.count() <= limit:
            return Verdict(True)
        # Allowed again once the (count - limit)-th oldest attempt leaves the window.
        hits = await recent.order_by("at").values_list("at", flat=True)
        frees_at = hits[len(hits) - limit - 1] + timedelta(seconds=window)
        return Verdict(False, max(1, math.ceil((frees_at - now).total_seconds())))

    async def peek(self, key: str, *, limit: int, window: int) -> Verdict:
        now = utcnow()
        recent = RateLimitHit.filter(key=key, at__gte=now - timedelta(seconds=window))
        if await recent.count() < limit:
            return Verdict(True)
        hits = await recent.order_by("at").values_list("at", flat=True)
        frees_at = hits[len(hits) - limit] + timedelta(seconds=window)
        return Verdict(False, max(1, math.ceil((frees_at - now).total_seconds())))

    async def reset(self, key: str) -> None:
        await RateLimitHit.filter(key=key).delete()


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis  # noqa: PLC0415 -- optional service

        self.redis = Redis.from_url(url)

    async def hit(self, key: str, *, limit: int, window: int) -> Verdict:
        now = time.time()
        name = f"yoc:rl:{key}"
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(name, 0, now - window)
            pipe.zadd(name, {member: now})
            pipe.expire(name, window)
            pipe.zrange(name, 0, -1, withscores=True)
            *_, hits = await pipe.execute()
        if len(hits) <= limit:
            return Verdict(True)
        frees_at = hits[len(hits) - limit - 1][1] + window
        return Verdict(False, max(1, math.ceil(frees_at - now)))

    async def peek(self, key: str, *, limit: int, window: int) -> Verdict:
        now = time.time()
        hits = await self.redis.zrangebyscore(
            f"yoc:rl:{key}", now - window, "+inf", withscores=True
        )
        if len(hits) < limit:
            return Verdict(True)
        frees_at = hits[len(hits) - limit][1] + window
        return Verdict(False, max(1, math.ceil(frees_at - now)))

    async def reset(self, key: str) -> None:
        await self.redis.delete(f"yoc:rl:{key}")

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
