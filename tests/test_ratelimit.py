"""Both rate limiter backends count the same way."""

from __future__ import annotations

import os

import pytest

from yoc.ratelimit import DatabaseRateLimiter, RedisRateLimiter, Window, _verdict

REDIS_URL = os.environ.get("YOC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def redis_limiter():
    limiter = RedisRateLimiter(REDIS_URL)
    try:
        await limiter.redis.ping()
    except Exception:  # noqa: BLE001
        await limiter.close()
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield limiter
    await limiter.close()


async def _exercise(limiter) -> None:
    key = "test:login:ana"
    await limiter.reset(key)
    verdicts = [await limiter.hit(key, limit=3, window=60) for _ in range(4)]

    assert [v.allowed for v in verdicts] == [True, True, True, False]
    # The estimate lets the last window's attempts slide out evenly: after a burst, up
    # to twice the window.
    assert 1 <= verdicts[-1].retry_after <= 2 * 60
    other = await limiter.hit("test:login:beto", limit=3, window=60)
    assert other.allowed
    await limiter.reset(key)
    assert (await limiter.hit(key, limit=3, window=60)).allowed


async def _exercise_peek(limiter) -> None:
    """peek says whether the limit is reached, and records nothing."""
    key = "test:codes:ana"
    await limiter.reset(key)
    before = [await limiter.peek(key, limit=2, window=60) for _ in range(3)]
    await limiter.hit(key, limit=2, window=60)
    await limiter.hit(key, limit=2, window=60)
    after = await limiter.peek(key, limit=2, window=60)

    assert [v.allowed for v in before] == [True, True, True]
    assert not after.allowed
    assert 1 <= after.retry_after <= 2 * 60
    await limiter.reset(key)


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_retry_after_is_when_the_next_attempt_is_allowed(limit) -> None:
    """Told to wait n seconds, a client is refused at n - 1 and let in at n."""
    start = 6000.0
    for offset in (0.0, 7.5, 30.0, 59.0):
        for previous in range(0, 3 * limit):
            for current in range(1, 3 * limit):
                now = start + offset
                verdict = _verdict(Window(now, 60), previous, current, limit)
                if verdict.allowed:
                    continue

                def next_try(later: float, previous=previous, current=current) -> bool:
                    at = Window(later, 60)
                    # The next attempt, with this window's count where it then falls.
                    if at.starts == start:
                        counts = (previous, current + 1)
                    elif at.starts == start + 60:
                        counts = (current, 1)
                    else:
                        counts = (0, 1)
                    return _verdict(at, *counts, limit).allowed

                assert next_try(now + verdict.retry_after)
                assert verdict.retry_after == 1 or not next_try(now + verdict.retry_after - 1)


async def test_a_flood_of_attempts_adds_no_rows(app) -> None:
    from yoc.ratelimit import RateLimitCount

    limiter = DatabaseRateLimiter()
    for _ in range(50):
        await limiter.hit("test:flood", limit=3, window=600)

    assert await RateLimitCount.filter(key="test:flood").count() <= 2


async def test_attempts_now_and_then_forget_the_windows_that_no_longer_count(
    app, monkeypatch
) -> None:
    from yoc import ratelimit
    from yoc.ratelimit import RateLimitCount

    await RateLimitCount.create(key="test:old", starts=0, expires=60, hits=9)
    limiter = DatabaseRateLimiter()
    monkeypatch.setattr(ratelimit, "sweep_due", lambda: False)
    await limiter.hit("test:now", limit=3, window=60)
    assert await RateLimitCount.filter(key="test:old").exists()

    monkeypatch.setattr(ratelimit, "sweep_due", lambda: True)
    await limiter.hit("test:now", limit=3, window=60)
    assert not await RateLimitCount.filter(key="test:old").exists()
    assert await RateLimitCount.filter(key="test:now").exists()


async def test_database_limiter(app) -> None:
    await _exercise(DatabaseRateLimiter())
    await _exercise_peek(DatabaseRateLimiter())


async def test_redis_limiter(redis_limiter) -> None:
    await _exercise(redis_limiter)
    await _exercise_peek(redis_limiter)


async def test_redis_limiter_serves_the_app(settings, redis_limiter) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    from tests.conftest import _empty_tables, csrf_from
    from yoc.web import create_app

    keys = [
        "login:ip:127.0.0.1",
        "login:account:ana@example.org",
        "login:pair:ana@example.org:127.0.0.1",
    ]
    for key in keys:
        await redis_limiter.reset(key)
    app = create_app(settings.with_(redis_url=REDIS_URL))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 5000)),
            base_url="http://testserver",
        ) as client,
    ):
        await _empty_tables()
        token = csrf_from((await client.get("/login")).text)
        statuses = [
            (
                await client.post(
                    "/login",
                    data={"email": "ana@example.org", "password": "x", "csrf_token": token},
                )
            ).status_code
            for _ in range(11)
        ]

    assert statuses == [400] * 10 + [429]
    for key in keys:
        await redis_limiter.reset(key)
