from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import StringConstraints

from yoc.accounts.forms import Email, Language, Name
from yoc.errors import ValidationFailed
from yoc.forms import Form, parse
from yoc.i18n import N_
from yoc.members.forms import Phone
from yoc.tickets.enums import PaymentMethod
from yoc.tickets.services.pricing import Line, OrderRequest


class ResendForm(Form):
    email: Email


class BuyerForm(Form):
    buyer_name: Name
    buyer_email: Email
    buyer_phone: Phone = ""
    language: Language = "en"
    payment: PaymentMethod | None = None
    access_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""


def cents(text: str) -> int:
    """Dollars as a person types them ("15", "15.50", "$15,50") into integer cents."""
    cleaned = text.strip().replace("$", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma, as many Spanish readers write
    if not re.fullmatch(r"\d{1,6}(\.\d{1,2})?", cleaned):
        raise ValueError(cleaned)
    try:
        return int(Decimal(cleaned) * 100)
    except InvalidOperation:
        raise ValueError(cleaned) from None


def _count(text: str | None, field: str, errors: dict[str, str]) -> int:
    if not text:
        return 0
    if not text.strip().isdigit():
        errors[field] = N_("Enter a whole number.")
        return 0
    return int(text)


def order_request(values: dict[str, str], type_ids: list[int], language: str) -> OrderRequest:
    """Read the checkout form: buyer details, and a quantity (and price) per ticket type."""
    errors: dict[str, str] = {}
    lines = []
    for type_id in type_ids:
        quantity = _count(values.get(f"qty_{type_id}"), f"qty_{type_id}", errors)
        price = None
        if quantity and values.get(f"price_{type_id}", "").strip():
            try:
                price = cents(values[f"price_{type_id}"])
            except ValueError:
                errors[f"price_{type_id}"] = N_("Enter an amount like 15 or 15.50.")
        lines.append(Line(type_id, quantity, price))
    donate = _count(values.get("donate"), "donate", errors)
    claim = _count(values.get("claim"), "claim", errors)
    try:
        buyer = parse(
            BuyerForm,
            {
                **values,
                "language": values.get("language") or language,
                "payment": values.get("payment") or None,
            },
        )
    except ValidationFailed as failed:
        errors.update(failed.fields)
        buyer = None
    if errors or buyer is None:
        raise ValidationFailed(errors)
    return OrderRequest(
        buyer_name=buyer.buyer_name,
        buyer_email=buyer.buyer_email,
        buyer_phone=buyer.buyer_phone,
        language=buyer.language,
        lines=lines,
        donate=donate,
        claim=claim,
        payment=buyer.payment,
        access_code=buyer.access_code,
    )
