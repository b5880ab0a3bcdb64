from enum import StrEnum

from yoc.i18n import N_


class Pricing(StrEnum):
    FIXED = "fixed"
    FREE = "free"
    SLIDING = "sliding"


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ORDER_STATUS_LABELS = {
    OrderStatus.PENDING: N_("waiting for payment"),
    OrderStatus.PAID: N_("paid"),
    OrderStatus.REFUNDED: N_("refunded"),
    OrderStatus.CANCELLED: N_("cancelled"),
    OrderStatus.EXPIRED: N_("expired"),
}


class PaymentMethod(StrEnum):
    FREE = "free"
    BOX_OFFICE = "box_office"
    STRIPE = "stripe"


PAYMENT_LABELS = {
    PaymentMethod.FREE: N_("Free"),
    PaymentMethod.BOX_OFFICE: N_("Pay at the door"),
    PaymentMethod.STRIPE: N_("Card"),
}


class TicketStatus(StrEnum):
    VALID = "valid"
    VOID = "void"  # refunded or cancelled
