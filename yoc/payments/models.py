"""What payments keep of their own: each attempt to take money through a provider, and
each provider event processed. An order (or anything else that is paid for) is named
here only by its ``subject``, a plain string its domain chooses."""

from tortoise import fields
from tortoise.models import Model

from yoc.payments.enums import PaymentState


class Payment(Model):
    """One checkout with a provider that takes money online (Stripe)."""

    id = fields.IntField(primary_key=True)
    provider = fields.CharField(max_length=20)
    # What is paid for, as its domain names it (an order's code).
    subject = fields.CharField(max_length=40, db_index=True)
    # The provider's name for this checkout (a Stripe Checkout Session id).
    reference = fields.CharField(max_length=255, unique=True)
    # The provider's name for the money taken (a Stripe PaymentIntent), once paid.
    charge_ref = fields.CharField(max_length=255, default="")
    amount_cents = fields.IntField()
    currency = fields.CharField(max_length=3, default="usd")
    refunded_cents = fields.IntField(default=0)
    # Money the app owes back on this payment and has not yet seen the provider return:
    # retried (by the background worker) until the provider confirms it.
    refund_due_cents = fields.IntField(default=0)
    state = fields.CharEnumField(PaymentState, max_length=10, default=PaymentState.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payments"
        ordering = ["id"]


class WebhookEvent(Model):
    """Each provider event id is processed once, however often it is delivered. The same
    unique key also lets exactly one of several racing requests do a one-off action
    (``services.once``)."""

    id = fields.IntField(primary_key=True)
    event_id = fields.CharField(max_length=255, unique=True)
    type = fields.CharField(max_length=80)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_events"
