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
