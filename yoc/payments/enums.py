from enum import StrEnum


class PaymentState(StrEnum):
    """A payment only moves forward: pending → paid → refunded, or pending → closed
    (its checkout ended unpaid). A closed checkout can still be paid late: the buyer was
    on the payment page as it closed."""

    PENDING = "pending"
    PAID = "paid"
    CLOSED = "closed"
    REFUNDED = "refunded"


class WebhookOutcome(StrEnum):
    """What a provider's webhook event did, as the webhook answers it (logs and tests)."""

    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    NOT_PAID_YET = "not_paid_yet"
    # Paid, but not what its checkout asked for (amount, currency or session): staff look.
    MISMATCH = "mismatch"
