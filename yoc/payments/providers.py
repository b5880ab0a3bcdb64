"""Payment providers behind one interface: free, box office (pay at the door), Stripe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import stripe

from yoc.events.models import Event
from yoc.settings import Settings
from yoc.tickets.enums import PaymentMethod
from yoc.tickets.models import Order
from yoc.timeutil import utcnow

# Stripe refuses Checkout Sessions that expire sooner than 30 minutes after creation; a
# minute more keeps clear of that edge.
STRIPE_MIN_SESSION = timedelta(minutes=31)


class PaymentProvider(Protocol):
    method: PaymentMethod

    async def begin(self, order: Order) -> str | None:
        """Start paying; return where to send the buyer, or None to stay with us."""

    async def refund(self, order: Order, amount_cents: int) -> str:
        """Give money back; return the provider's reference."""

    async def cancel(self, order: Order) -> None:
        """The order will not be paid any more (its hold ended)."""

    async def paid(self, order: Order) -> bool:
        """Ask the provider whether the order is paid (the success page's check)."""


class FreeProvider:
    method = PaymentMethod.FREE

    async def begin(self, order: Order) -> str | None:
        return None

    async def refund(self, order: Order, amount_cents: int) -> str:
        return ""

    async def cancel(self, order: Order) -> None:
        return None

    async def paid(self, order: Order) -> bool:
        return False


class BoxOfficeProvider(FreeProvider):
    """Reserve now, pay at the door: money changes hands there, and back there too."""

    method = PaymentMethod.BOX_OFFICE

    async def refund(self, order: Order, amount_cents: int) -> str:
        return "returned at the box office"


class StripeProvider:
    method = PaymentMethod.STRIPE

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
        self.client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses=base,
            http_client=stripe.HTTPXClient(),
            max_network_retries=2,
        )

    async def begin(self, order: Order) -> str | None:
        if order.stripe_session_id:
            # Back to the same checkout while it is open, so nobody pays twice.
            session = await self._session(order)
            if session.status == "open":
                return session.url
        event = await Event.get(id=order.event_id)
        base = self.settings.base_url
        name = event.name_es if order.language == "es" else event.name_en
        session = await self.client.v1.checkout.sessions.create_async(
            params={
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": order.total_cents,
                            "product_data": {"name": f"{name} · {order.code}"},
                        },
                    }
                ],
                "customer_email": order.buyer_email,
                "client_reference_id": order.code,
                "metadata": {"order_code": order.code},
                "payment_intent_data": {"metadata": {"order_code": order.code}},
                "locale": "es" if order.language == "es" else "en",
                "expires_at": int((utcnow() + STRIPE_MIN_SESSION).timestamp()),
                "success_url": f"{base}/orders/{order.code}/{order.key}?checkout=done",
                "cancel_url": f"{base}/orders/{order.code}/{order.key}?checkout=cancelled",
            },
        )
        await Order.filter(id=order.id).update(stripe_session_id=session.id)
        order.stripe_session_id = session.id
        return session.url

    async def _session(self, order: Order) -> Any:
        return await self.client.v1.checkout.sessions.retrieve_async(order.stripe_session_id)

    async def refund(self, order: Order, amount_cents: int) -> str:
        intent = order.stripe_payment_intent
        if not intent and order.stripe_session_id:
            intent = (await self._session(order)).payment_intent
        refund = await self.client.v1.refunds.create_async(
            params={
                "payment_intent": intent,
                "amount": amount_cents,
                "metadata": {"order_code": order.code},
            }
        )
        return refund.id

    async def cancel(self, order: Order) -> None:
        if not order.stripe_session_id:
            return
        try:
            await self.client.v1.checkout.sessions.expire_async(order.stripe_session_id)
        except stripe.InvalidRequestError:
            pass  # already completed or expired: the webhook tells us which

    async def paid(self, order: Order) -> bool:
        if not order.stripe_session_id:
            return False
        session = await self._session(order)
        return session.payment_status == "paid"


@dataclass
class Payments:
    """The providers this app takes payments with."""

    providers: dict[PaymentMethod, PaymentProvider]

    @classmethod
    def from_settings(cls, settings: Settings) -> Payments:
        providers: dict[PaymentMethod, PaymentProvider] = {
            PaymentMethod.FREE: FreeProvider(),
            PaymentMethod.BOX_OFFICE: BoxOfficeProvider(),
        }
        if settings.stripe_enabled:
            providers[PaymentMethod.STRIPE] = StripeProvider(settings)
        return cls(providers)

    def for_order(self, order: Order) -> PaymentProvider:
        return self.providers[order.payment]

    def stripe(self) -> StripeProvider | None:
        provider = self.providers.get(PaymentMethod.STRIPE)
        return provider if isinstance(provider, StripeProvider) else None
