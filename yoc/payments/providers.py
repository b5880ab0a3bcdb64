"""Payment providers behind one interface: free, box office (pay at the door), Stripe.

A provider knows nothing of orders: it is asked to take an amount (a ``Charge``) and
answers with its own reference for the checkout and where to send the payer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

import stripe

from yoc.settings import Settings
from yoc.timeutil import utcnow

# Stripe refuses Checkout Sessions that expire sooner than 30 minutes after creation; a
# minute more keeps clear of that edge.
STRIPE_MIN_SESSION = timedelta(minutes=31)

FREE, BOX_OFFICE, STRIPE = "free", "box_office", "stripe"
# Walk-up sales at the door, paid in cash or by the door's card reader.
DOOR_CASH, DOOR_CARD = "door_cash", "door_card"


class ProviderUnavailable(Exception):
    """The provider could not be reached, or failed on its side: try again later."""


@dataclass(frozen=True)
class Charge:
    """What to ask a payer for."""

    amount_cents: int
    description: str
    email: str
    language: str
    success_url: str
    cancel_url: str
    currency: str = "usd"
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Started:
    """A checkout begun: the provider's reference, and where to send the payer."""

    reference: str
    redirect_url: str


@dataclass(frozen=True)
class Confirmation:
    """A provider's word that a checkout is paid, and its name for the money taken."""

    paid: bool
    charge_ref: str = ""


class PaymentProvider(Protocol):
    name: str
    # Whether money moves through the provider (then each checkout is a Payment row).
    online: bool

    async def begin(self, charge: Charge) -> Started:
        """Start a checkout."""

    async def open_checkout(self, reference: str) -> str | None:
        """Where to send the payer back to, while the checkout can still be paid."""

    async def confirmation(self, reference: str) -> Confirmation:
        """Ask the provider whether the checkout is paid (the success page's check)."""

    async def refund(
        self,
        *,
        reference: str,
        charge_ref: str,
        amount_cents: int,
        metadata: dict[str, str],
        idempotency_key: str | None = None,
    ) -> str:
        """Give money back; return the provider's reference for the refund. The same
        ``idempotency_key`` never gives back twice."""

    async def cancel(self, reference: str) -> None:
        """The checkout must not be paid any more."""


class FreeProvider:
    """Nothing to pay: no checkout, nothing to give back."""

    name = FREE
    online = False

    async def begin(self, charge: Charge) -> Started:
        raise NotImplementedError("nothing is paid online")

    async def open_checkout(self, reference: str) -> str | None:
        return None

    async def confirmation(self, reference: str) -> Confirmation:
        return Confirmation(paid=False)

    async def refund(
        self,
        *,
        reference: str,
        charge_ref: str,
        amount_cents: int,
        metadata: dict[str, str],
        idempotency_key: str | None = None,
    ) -> str:
        return ""

    async def cancel(self, reference: str) -> None:
        return None


class BoxOfficeProvider(FreeProvider):
    """Reserve now, pay at the door: money changes hands there, and back there too."""

    name = BOX_OFFICE

    async def refund(
        self,
        *,
        reference: str,
        charge_ref: str,
        amount_cents: int,
        metadata: dict[str, str],
        idempotency_key: str | None = None,
    ) -> str:
        return "returned at the box office"


class DoorSaleProvider(BoxOfficeProvider):
    """A walk-up sale at the door, paid there in cash or by the door's card reader."""

    def __init__(self, name: str) -> None:
        self.name = name


class StripeProvider:
    """Stripe Checkout, through the official library's async client."""

    name = STRIPE
    online = True

    def __init__(self, settings: Settings) -> None:
        base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
        # A buyer waits on these calls: a short timeout and one retry, so that a Stripe
        # that hangs or fails is reported in seconds, not minutes.
        self.client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses=base,
            http_client=stripe.HTTPXClient(timeout=settings.stripe_timeout_seconds),
            max_network_retries=1,
        )

    async def begin(self, charge: Charge) -> Started:
        with _unavailable_on_failure():
            session = await self._create_session(charge)
        return Started(reference=session.id, redirect_url=session.url)

    async def _create_session(self, charge: Charge) -> Any:
        return await self.client.v1.checkout.sessions.create_async(
            params={
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": charge.currency,
                            "unit_amount": charge.amount_cents,
                            "product_data": {"name": charge.description},
                        },
                    }
                ],
                "customer_email": charge.email,
                "client_reference_id": next(iter(charge.metadata.values()), None),
                "metadata": charge.metadata,
                # On the payment too, so that its refunds (charge.refunded) say whose it is.
                "payment_intent_data": {"metadata": charge.metadata},
                "locale": "es" if charge.language == "es" else "en",
                "expires_at": int((utcnow() + STRIPE_MIN_SESSION).timestamp()),
                "success_url": charge.success_url,
                "cancel_url": charge.cancel_url,
            },
        )

    async def _session(self, reference: str) -> Any:
        with _unavailable_on_failure():
            return await self.client.v1.checkout.sessions.retrieve_async(reference)

    async def open_checkout(self, reference: str) -> str | None:
        session = await self._session(reference)
        return session.url if session.status == "open" else None

    async def confirmation(self, reference: str) -> Confirmation:
        session = await self._session(reference)
        return Confirmation(
            paid=session.payment_status == "paid", charge_ref=session.payment_intent or ""
        )

    async def refund(
        self,
        *,
        reference: str,
        charge_ref: str,
        amount_cents: int,
        metadata: dict[str, str],
        idempotency_key: str | None = None,
    ) -> str:
        if not charge_ref:
            charge_ref = (await self._session(reference)).payment_intent
        with _unavailable_on_failure():
            refund = await self.client.v1.refunds.create_async(
                params={"payment_intent": charge_ref, "amount": amount_cents, "metadata": metadata},
                options={"idempotency_key": idempotency_key} if idempotency_key else {},
            )
        return refund.id

    async def cancel(self, reference: str) -> None:
        try:
            await self.client.v1.checkout.sessions.expire_async(reference)
        except stripe.InvalidRequestError:
            pass  # already completed or expired: the webhook tells us which


@contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    """Stripe unreachable, too slow, or failing on its side: ProviderUnavailable."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
        raise ProviderUnavailable(str(exc)) from exc


@dataclass
class Payments:
    """The providers this app takes payments with, by name."""

    providers: dict[str, PaymentProvider]

    @classmethod
    def from_settings(cls, settings: Settings) -> Payments:
        providers: dict[str, PaymentProvider] = {
            FREE: FreeProvider(),
            BOX_OFFICE: BoxOfficeProvider(),
            DOOR_CASH: DoorSaleProvider(DOOR_CASH),
            DOOR_CARD: DoorSaleProvider(DOOR_CARD),
        }
        if settings.stripe_enabled:
            providers[STRIPE] = StripeProvider(settings)
        return cls(providers)

    def get(self, name: str) -> PaymentProvider:
        return self.providers[str(name)]

    def offers(self, name: str) -> bool:
        return str(name) in self.providers
