"""Stripe as the tests meet it: a local stand-in for its API (stripe_fake.py) that the
real `stripe` library talks to over HTTP, and webhooks signed with the library's own
helper. The tickets tests use these fixtures too (tests/tickets/conftest.py imports them)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import stripe
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from tests.conftest import _empty_tables
from tests.payments.stripe_fake import FakeStripe
from yoc.payments.models import Payment
from yoc.settings import Settings
from yoc.tickets.models import Order
from yoc.web import create_app

# stripe 16's HTTPXClient still posts its form with httpx's deprecated `data=<str>`
# (stripe-python fixed only the SSL warning for httpx 0.28): ignore exactly that one.
# A test module that talks to Stripe sets `pytestmark = IGNORE_STRIPE_HTTPX_WARNING`.
IGNORE_STRIPE_HTTPX_WARNING = pytest.mark.filterwarnings(
    r"ignore:Use 'content=<\.\.\.>' to upload raw bytes/text content\.:DeprecationWarning"
)


SECRET_KEY = "sk_test_yoc_local_stand_in"
WEBHOOK_SECRET = "whsec_test"
WEBHOOK = "/payments/stripe/webhook"


# Fixtures ------------------------------------------------------------------------


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe(api_key=SECRET_KEY)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def stripe_settings(settings: Settings, fake_stripe: FakeStripe) -> Settings:
    return settings.with_(
        stripe_secret_key=SECRET_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=fake_stripe.url,
        # Short, so that tests of a Stripe that hangs end soon.
        stripe_timeout_seconds=1.0,
    )


@pytest.fixture
async def stripe_app(stripe_settings: Settings) -> AsyncIterator[Starlette]:
    """The app with Stripe keys, built like the shared ``app`` fixture (Tortoise has one
    global context, so never both in one test)."""
    application = create_app(stripe_settings)
    async with LifespanManager(application):
        await _empty_tables()
        yield application


@pytest.fixture
async def stripe_client(stripe_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=stripe_app), base_url="http://testserver"
    ) as c:
        yield c


# Helpers -------------------------------------------------------------------------


async def session_of(order: Order) -> str:
    """The Stripe Checkout Session of the order's latest card payment."""
    return (await Payment.filter(subject=order.code).order_by("-id").first()).reference


async def deliver(
    client: httpx.AsyncClient,
    event: dict,
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
) -> httpx.Response:
    """POST a webhook event the way Stripe does: JSON body, signed header."""
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return await client.post(
        WEBHOOK,
        content=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def outcome(value: str) -> dict:
    return {"received": True, "outcome": value}
