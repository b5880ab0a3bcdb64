"""Public pages that anonymous visitors share, seen from several processes.

Each process keeps its own copies (for a minute here). With Redis, a change anywhere
moves a generation counter there, and a process that reads a newer generation serves no
older copy; a staff change made through this process moves the counter before its
answer leaves. Without Redis, a change made elsewhere shows when the copy's time is up.
tests/test_two_servers.py does the same with two real servers on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis

from tests.conftest import _empty_tables
from tests.factories import make_user
from tests.tickets.factories import bearer_for, make_event
from yoc.accounts.enums import Role
from yoc.cache import RedisGeneration
from yoc.events import services as events
from yoc.events.forms import EventForm
from yoc.settings import Settings
from yoc.web import create_app

REDIS_URL = os.environ.get("YOC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# A port where nothing listens: Redis "down".
NO_REDIS_URL = "redis://127.0.0.1:9/0"


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except Exception:  # noqa: BLE001
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    finally:
        await redis.aclose()
    yield REDIS_URL


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.with_(public_page_seconds=60))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        await _empty_tables()
        yield client


@pytest.fixture
async def with_redis(settings: Settings, redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(settings.with_(redis_url=redis_url)):
        yield client


@pytest.fixture
async def without_redis(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(settings):
        yield client


async def rename_elsewhere(slug: str, name: str) -> None:
    """What staff do through another process: the change, committed."""
    event = await events.get_event(slug)
    values = {k: getattr(event, k) for k in EventForm.model_fields}
    await events.update_event(event, EventForm(**{**values, "name_en": name}))


async def test_with_redis_a_change_made_elsewhere_shows_at_once(with_redis, redis_url) -> None:
    event = await make_event(name_en="The Hue at the park")
    before = await with_redis.get(f"/events/{event.slug}")

    await rename_elsewhere(event.slug, "The Hue at the library")
    generation = RedisGeneration(redis_url)
    try:
        await generation.advance()
    finally:
        await generation.close()
    after = await with_redis.get(f"/events/{event.slug}")

    assert (before.status_code, after.status_code) == (200, 200)
    assert "The Hue at the park" in before.text
    assert "The Hue at the library" in after.text


async def test_with_redis_a_staff_change_here_moves_the_generation_before_answering(
    with_redis, redis_url
) -> None:
    event = await make_event()
    staff = await bearer_for(await make_user(role=Role.STAFF))
    redis = Redis.from_url(redis_url)
    try:
        before = int(await redis.get(RedisGeneration.KEY) or 0)
        created = await with_redis.post(
            f"/api/v1/events/{event.slug}/ticket-types",
            json={"name": {"en": "Early bird", "es": "Madrugador"}, "pricing": "free"},
            headers=staff,
        )
        after = int(await redis.get(RedisGeneration.KEY) or 0)
        read = await with_redis.get(f"/api/v1/events/{event.slug}")
        unchanged = int(await redis.get(RedisGeneration.KEY) or 0)
    finally:
        await redis.aclose()

    assert created.status_code == 201, created.text
    assert read.status_code == 200
    assert (after - before, unchanged) == (1, after)


async def test_without_redis_a_change_made_elsewhere_waits_for_the_time_limit(
    without_redis,
) -> None:
    event = await make_event(name_en="The Hue at the park")
    before = await without_redis.get(f"/events/{event.slug}")

    await rename_elsewhere(event.slug, "The Hue at the library")
    after = await without_redis.get(f"/events/{event.slug}")
    uncached = await without_redis.get(f"/events/{event.slug}?fresh=1")

    assert "The Hue at the park" in before.text
    # The documented bound: this process's copy lives out its minute.
    assert "The Hue at the park" in after.text
    assert "The Hue at the library" in uncached.text


async def test_when_redis_does_not_answer_public_pages_are_still_served(settings) -> None:
    async for client in _client(settings.with_(redis_url=NO_REDIS_URL)):
        event = await make_event(name_en="The Hue at the park")
        first = await client.get(f"/events/{event.slug}")
        await rename_elsewhere(event.slug, "The Hue at the library")
        second = await client.get(f"/events/{event.slug}")

        assert (first.status_code, second.status_code) == (200, 200)
        # Nothing is shared while the generation cannot be read.
        assert "The Hue at the library" in second.text
