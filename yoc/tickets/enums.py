from enum import StrEnum

from yoc.enums import LabelledEnum
from yoc.i18n import N_


class Pricing(StrEnum):
    FIXED = "fixed"
    FREE = "free"
    SLIDING = "sliding"


class OrderStatus(LabelledEnum):
    PENDING = "pending", N_("waiting for payment")
    PAID = "paid", N_("paid")
    REFUNDED = "refunded", N_("refunded")
    CANCELLED = "cancelled", N_("cancelled")
    EXPIRED = "expired", N_("expired")


class PaymentMethod(LabelledEnum):
    FREE = "free", N_("Free")
    BOX_OFFICE = "box_office", N_("Pay at the door")
    STRIPE = "stripe", N_("Card")
    # Walk-up sales at the door, paid there and then: no reservation, no online payment.
    DOOR_CASH = "door_cash", N_("Cash at the door")
    DOOR_CARD = "door_card", N_("Card at the door")


# What a walk-up sale at the door may be paid with.
DOOR_PAYMENTS = (PaymentMethod.DOOR_CASH, PaymentMethod.DOOR_CARD)


class TicketStatus(LabelledEnum):
    VALID = "valid", N_("valid")
    # refunded or cancelled
    VOID = "void", N_("no longer valid")


class WaitState(LabelledEnum):
    """A place on a ticket type's waiting list."""

    WAITING = "waiting", N_("waiting")
    OFFERED = "offered", N_("offered")
    BOUGHT = "bought", N_("bought")
    EXPIRED = "expired", N_("offer expired")
    WITHDRAWN = "withdrawn", N_("withdrawn")


class OrderChange(LabelledEnum):
    """Changes to an order that do not change its state, as its log names them."""

    TICKET_RENAMED = "ticket_renamed", N_("name on a ticket changed")
    ORDER_MOVED = "order_moved", N_("order moved to another buyer")
    FROM_WAITING_LIST = "waitlist", N_("bought from the waiting list")
    LET_IN_TWICE = "let_in_twice", N_("a ticket was let in twice at the door")
    DOUBLE_ENTRY_ACKNOWLEDGED = "double_entry_ok", N_("a ticket let in twice was acknowledged")


class OrderNote(StrEnum):
    """What happened to an order, as the order log and the refunds keep it: a code, with
    its figures (amounts in cents, the payment method, a provider's reference) in the
    entry's ``details``. The staff order page says it in the reader's language; the
    ``note`` beside it holds only what a person wrote (a refund's reason)."""

    PLACED = "placed"  # payment, amount_cents
    FREE = "free"
    WALK_UP = "walk_up"  # gate ("" for the main gate)
    CARD_UNAVAILABLE = "card_unavailable"
    PAID_ON_RETURN = "paid_on_return"  # late?
    PAID_BY_WEBHOOK = "paid_by_webhook"  # reference, late?
    PAID_AT_DOOR = "paid_at_door"
    HOLD_ENDED = "hold_ended"
    CHECKOUT_ENDED = "checkout_ended"  # kind
    REFUNDED = "refunded"  # amount_cents
    TICKETS_REFUNDED = "tickets_refunded"  # count, amount_cents
    REFUNDED_IN_STRIPE = "refunded_in_stripe"  # reference
    SECOND_PAYMENT_REFUNDED = "second_payment_refunded"  # reference
    LATE_PAYMENT_REFUNDED = "late_payment_refunded"  # why: "sold_out" or the order's status
    PAYMENT_MISMATCH = "payment_mismatch"  # reference; paid_cents, expected_cents, currencies
