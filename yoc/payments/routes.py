from __future__ import annotations

import logging

import stripe
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.payments import webhooks

log = logging.getLogger("yoc.payments")


async def stripe_webhook(request: Request) -> Response:
    settings = request.app.state.settings
    if not settings.stripe_enabled:
        return JSONResponse({"error": "stripe_not_configured"}, status_code=400)
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(
            payload, request.headers.get("stripe-signature", ""), settings.stripe_webhook_secret
        )
    except ValueError:
        return JSONResponse({"error": "invalid_payload"}, status_code=400)
    except stripe.SignatureVerificationError:
        return JSONResponse({"error": "invalid_signature"}, status_code=400)
    outcome = await webhooks.handle(
        event.to_dict(), settings=settings, payments=request.app.state.payments
    )
    log.info("stripe event %s %s: %s", event.id, event.type, outcome)
    return JSONResponse({"received": True, "outcome": outcome})


routes = [
    Route(
        "/payments/stripe/webhook", stripe_webhook, methods=["POST"], name="payments:stripe_webhook"
    ),
]
