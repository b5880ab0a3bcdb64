from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StrictInt,
    StringConstraints,
    model_validator,
)

from yoc.accounts.forms import Email, Language
from yoc.accounts.forms import Name as PersonName
from yoc.errors import ValidationFailed
from yoc.events.forms import MAX_CAPACITY, Cents, MaybeWhen, Name, Text, bilingual
from yoc.forms import (
    BAD_AMOUNT,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_ID,
    FieldError,
    Form,
    Id,
    InYears,
    OneLine,
    cents,
    clean_email,
    parse,
    parse_dollars,
)
from yoc.i18n import N_
from yoc.members.forms import Phone
from yoc.tickets.enums import DOOR_PAYMENTS, OrderStatus, PaymentMethod, Pricing
from yoc.tickets.services import reports
from yoc.tickets.services.box_office import Sale, Then
from yoc.tickets.services.pricing import Line, OrderRequest


class ResendForm(Form):
    email: Email


class BuyerIn(Form):
    name: PersonName
    email: Email
    phone: Phone = ""
    language: Language = "en"


class ItemIn(BaseModel):
    ticket_type: Id
    quantity: Annotated[int, Field(ge=0, le=50)]
    price_cents: Cents | None = None  # on a sliding scale: the price the buyer chose


# More lines than an event has ticket types is no order anybody means to place.
MAX_LINES = 30


class OrderIn(Form):
    """An order, as the checkout form and the API both send it. How many donated tickets
    one may give or take is the quote's rule (tickets.services.pricing), not a bound here,
    so that both say it the same way.

    Lines of one ticket type become one line, so that its limit per order counts them
    all; lines of no tickets are dropped."""

    buyer: BuyerIn
    items: list[ItemIn] = []
    donate: int = 0
    claim: int = 0
    payment: PaymentMethod | None = None
    access_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""

    @model_validator(mode="after")
    def one_line_per_type(self) -> OrderIn:
        merged: dict[int, ItemIn] = {}
        for item in self.items:
            if item.quantity == 0:
                continue
            same = merged.get(item.ticket_type)
            if same is None:
                merged[item.ticket_type] = item
            elif same.price_cents != item.price_cents:
                raise FieldError("items", N_("Choose one price for each ticket type."))
            else:
                merged[item.ticket_type] = same.model_copy(
                    update={"quantity": same.quantity + item.quantity}
                )
        if len(merged) > MAX_LINES:
            raise FieldError("items", N_("An order can have at most 30 lines."))
        # The model is frozen: the merged lines replace the ones sent.
        object.__setattr__(self, "items", list(merged.values()))
        return self

    def to_request(self) -> OrderRequest:
        return OrderRequest(
            buyer_name=self.buyer.name,
            buyer_email=self.buyer.email,
            buyer_phone=self.buyer.phone,
            language=self.buyer.language,
            lines=[Line(i.ticket_type, i.quantity, i.price_cents) for i in self.items],
            donate=self.donate,
            claim=self.claim,
            payment=self.payment,
            access_code=self.access_code,
        )


class TicketNameIn(Form):
    """The name of who uses a ticket, as its buyer changes it."""

    holder_name: PersonName


class OrderMoveIn(Form):
    """Staff give an order to another buyer."""

    buyer_name: PersonName
    buyer_email: Email
    language: Language = "en"


class WaitlistJoinIn(Form):
    """A place on a sold-out ticket type's waiting list; how many is bounded by the
    type's limit per order (checked by the service, which knows the type)."""

    name: PersonName
    email: Email
    language: Language = "en"
    quantity: Annotated[int, Field(ge=1, le=50)] = 1


def _blank(value: object) -> object:
    return None if value == "" else value


def _email_filter(value: str) -> str:
    return clean_email(value) if value.strip() else ""


class OrderQuery(Form):
    """The filters of an event's orders, on the staff page and in the API. An empty
    value is no filter; the dates are days where the app is, both included."""

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    status: Annotated[OrderStatus | None, BeforeValidator(_blank)] = None
    email: Annotated[str, Field(max_length=254), AfterValidator(_email_filter)] = ""
    created_from: Annotated[date | None, BeforeValidator(_blank), InYears] = Field(
        None, alias="from"
    )
    created_to: Annotated[date | None, BeforeValidator(_blank), InYears] = Field(None, alias="to")

    @model_validator(mode="after")
    def _in_order(self) -> OrderQuery:
        if self.created_from and self.created_to and self.created_to < self.created_from:
            raise FieldError("to", N_("The end date must be after the start date."))
        return self

    def filters(self) -> reports.OrderFilters:
        return reports.OrderFilters(
            q=self.q,
            status=self.status,
            email=self.email,
            created_from=self.created_from,
            created_to=self.created_to,
        )


class RefundIn(Form):
    """A refund: of the whole order, or of the tickets named; the reason goes in the
    order's log, so it is required."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    tickets: list[Annotated[StrictInt, Field(ge=1, le=MAX_ID)]] = []


def _offline_time(value: object) -> datetime | None:
    """When a scan made without signal happened: ISO 8601 with an offset, else unknown
    (and unknown too from a phone whose clock says a year no festival falls in)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not parsed.tzinfo or not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None
    return parsed


# A scan's own id, chosen by the phone; none (or an empty one) gets a fresh one.
ScanId = Annotated[
    Annotated[str, StringConstraints(max_length=64)] | None,
    BeforeValidator(lambda v: str(v) if v else None),
]


class ScanIn(Form):
    """One scan at the door: from the scanner page (form or JSON), an offline scan
    synced later, or the check-in API (which calls the code ``secret``)."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] = ""
    # The scanner page's name search names a ticket by its id (never its secret).
    ticket_id: Annotated[Id | None, BeforeValidator(lambda v: None if v in ("", None) else v)] = (
        None
    )
    gate: Annotated[str, BeforeValidator(lambda v: str(v or "")[:40])] = ""
    scan_id: ScanId = None
    scanned_at: Annotated[datetime | None, BeforeValidator(_offline_time)] = None


class SyncIn(Form):
    """Scans made while offline, sent together when the network is back."""

    scans: list[ScanIn] = []


class CheckinIn(Form):
    """The check-in API: a ticket's code (``secret``) at an event's door."""

    event: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
    secret: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] = ""
    gate: Annotated[str, BeforeValidator(lambda v: str(v or "")[:40])] = ""
    scan_id: ScanId = None
    scanned_at: Annotated[datetime | None, BeforeValidator(_offline_time)] = None


# A count as people type one: plain digits, a few of them. (str.isdigit() also takes
# "²" and other digits int() refuses, and int() refuses more than 4300 digits.)
_COUNT = re.compile(r"[0-9]{1,4}")


def _count(text: str | None, field: str, errors: dict[str, str]) -> int:
    if not text:
        return 0
    if not _COUNT.fullmatch(text.strip()):
        errors[field] = N_("Enter a whole number.")
        return 0
    return int(text)


def _items(values: dict[str, str], type_ids: list[int], errors: dict[str, str]) -> list[dict]:
    """The checkout form's lines: a quantity, and a price, per ticket type."""
    items = []
    for type_id in type_ids:
        quantity = _count(values.get(f"qty_{type_id}"), f"qty_{type_id}", errors)
        price = None
        if quantity and values.get(f"price_{type_id}", "").strip():
            try:
                price = cents(values[f"price_{type_id}"])
            except ValueError:
                errors[f"price_{type_id}"] = BAD_AMOUNT
        items.append({"ticket_type": type_id, "quantity": quantity, "price_cents": price})
    return items


def order_from_form(values: dict[str, str], type_ids: list[int], language: str) -> OrderIn:
    """The checkout form (one quantity, and a price, per ticket type; dollars as typed)
    as the order the API takes; errors come back named after the form's fields."""
    errors: dict[str, str] = {}
    items = _items(values, type_ids, errors)
    buyer = {
        "name": values.get("buyer_name", ""),
        "email": values.get("buyer_email", ""),
        "phone": values.get("buyer_phone", ""),
        "language": values.get("language") or language,
    }
    try:
        parse(BuyerIn, buyer)
    except ValidationFailed as failed:
        errors.update({f"buyer_{name}": message for name, message in failed.fields.items()})
    donate = _count(values.get("donate"), "donate", errors)
    claim = _count(values.get("claim"), "claim", errors)
    try:
        order = parse(
            OrderIn,
            {
                "buyer": buyer,
                "items": items,
                "donate": donate,
                "claim": claim,
                "payment": values.get("payment") or None,
                "access_code": values.get("access_code", ""),
            },
        )
    except ValidationFailed as failed:
        fields = {k: v for k, v in failed.fields.items() if k != "buyer"}
        # A quantity past any limit: the page has no one field to show it beside.
        if "items" in fields:
            fields["__all__"] = fields.pop("items")
        errors = {**fields, **errors}
    if errors:
        raise ValidationFailed(errors)
    return order


def lines_to_check(values: dict[str, str], type_ids: list[int]) -> OrderRequest:
    """What can be read of a checkout form that was refused, as an order without a buyer:
    its lines, donations and way to pay can still be checked (and their problems told with
    the buyer's, not on the next try). Lines whose numbers cannot be read are left out:
    the form's own errors say why."""
    errors: dict[str, str] = {}
    items = _items(values, type_ids, errors)
    unread = {int(name.split("_", 1)[1]) for name in errors}
    lines = [
        Line(i["ticket_type"], i["quantity"], i["price_cents"])
        for i in items
        if i["quantity"] and i["ticket_type"] not in unread
    ]
    try:
        payment = PaymentMethod(values.get("payment") or "")
    except ValueError:
        payment = None
    return OrderRequest(
        buyer_name="",
        buyer_email="",
        buyer_phone="",
        language="en",
        lines=lines,
        donate=_count(values.get("donate"), "donate", errors),
        claim=_count(values.get("claim"), "claim", errors),
        payment=payment,
        access_code=values.get("access_code", "").strip()[:40],
    )


class TicketTypeForm(Form):
    _bilingual = bilingual("name", "description")

    name_en: Name
    name_es: Name
    description_en: Text = ""
    description_es: Text = ""
    pricing: Pricing
    price_cents: Cents = 0
    min_cents: Cents = 0
    suggested_cents: Cents = 0
    max_cents: Cents = 0
    # Empty: only the event's capacity limits the type.
    quota: Annotated[
        Annotated[int, Field(ge=0, le=MAX_CAPACITY)] | None,
        BeforeValidator(lambda v: None if v == "" else v),
    ] = None
    max_per_order: Annotated[int, Field(ge=1, le=50)] = 10
    sales_start: MaybeWhen = None
    sales_end: MaybeWhen = None
    access_code: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=40, to_upper=True)
    ] = ""

    @model_validator(mode="after")
    def prices(self) -> TicketTypeForm:
        if self.pricing == Pricing.FIXED and self.price_cents <= 0:
            raise FieldError("price_cents", N_("A fixed price must be more than zero."))
        if self.pricing == Pricing.SLIDING and not (
            0 <= self.min_cents <= self.suggested_cents <= self.max_cents and self.max_cents > 0
        ):
            raise FieldError(
                "suggested_cents",
                N_(
                    "The lowest price must not be above the suggested one, nor that above the "
                    "highest."
                ),
            )
        return self


# The staff form's prices, typed in dollars, and the fields in cents they fill: only those
# the type's pricing uses are read (a free type has no price at all).
TYPE_PRICES: dict[str, dict[str, str]] = {
    Pricing.FREE: {},
    Pricing.FIXED: {"price": "price_cents"},
    Pricing.SLIDING: {
        "min_price": "min_cents",
        "suggested_price": "suggested_cents",
        "max_price": "max_cents",
    },
}


def type_from_form(values: dict[str, str]) -> TicketTypeForm:
    """The staff form's ticket type (prices in dollars) as the input the API takes;
    errors come back named after the form's fields. An empty lowest price is zero."""
    return parse_dollars(
        TicketTypeForm,
        values,
        TYPE_PRICES.get(values.get("pricing", ""), {}),
        required=("price", "suggested_price", "max_price"),
    )


def _blank_is_none(value: object) -> object:
    return None if value in ("", None) else value


class WalkUpIn(Form):
    """A walk-up sale at the door: one ticket type, paid there in cash or by card; the
    buyer's name and email are optional (the email, to send the tickets)."""

    ticket_type: Annotated[Id | None, BeforeValidator(_blank_is_none)] = None
    quantity: Annotated[int, Field(ge=1, le=50)] = 1
    price_cents: Cents | None = None  # on a sliding scale: the price the buyer chose
    payment: Annotated[PaymentMethod | None, BeforeValidator(_blank_is_none)] = None
    buyer_name: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=120), OneLine
    ] = ""
    buyer_email: Annotated[Email | None, BeforeValidator(_blank_is_none)] = None
    language: Language = "en"
    then: Then = Then.ADMIT
    # The form's own key: the same form sent twice (a double tap) is one sale.
    sale_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{0,64}$")] = ""

    @model_validator(mode="after")
    def complete(self) -> WalkUpIn:
        if self.ticket_type is None:
            raise FieldError("ticket_type", N_("Choose a ticket type."))
        if self.payment is not None and self.payment not in DOOR_PAYMENTS:
            raise FieldError("payment", N_("Choose one of the options."))
        if self.then == Then.EMAIL and not self.buyer_email:
            raise FieldError("buyer_email", N_("Type the email address to send the tickets to."))
        return self

    def to_sale(self) -> Sale:
        return Sale(
            ticket_type=self.ticket_type or 0,
            quantity=self.quantity,
            price_cents=self.price_cents,
            payment=self.payment,
            buyer_name=self.buyer_name,
            buyer_email=self.buyer_email or "",
            language=self.language,
            then=self.then,
        )


def walk_up_from_form(values: dict[str, str]) -> WalkUpIn:
    """The door's sale form (the price typed in dollars); errors named after its fields."""
    return parse_dollars(WalkUpIn, values, {"price": "price_cents"})
