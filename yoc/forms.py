"""Input validation shared by HTML forms and the JSON API (pydantic)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from starlette.requests import Request

from yoc.errors import ValidationFailed
from yoc.i18n import N_

M = TypeVar("M", bound=BaseModel)

REQUIRED = N_("This field is required.")
# PostgreSQL cannot keep a NUL byte in text, and no one types one: it comes from a broken
# client or someone probing, and is refused wherever input comes in.
NO_NUL = N_("This contains a character that cannot be stored (a NUL byte).")

ONE_LINE = N_("Write this on one line, without line breaks or special characters.")
BAD_AMOUNT = N_("Enter an amount like 15 or 15.50.")
_MESSAGES = {
    "missing": REQUIRED,
    "string_too_short": REQUIRED,
    "string_too_long": N_("This is too long."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "string_pattern_mismatch": N_("Choose one of the options."),
    "int_parsing": N_("Enter a whole number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too big."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_parsing": N_("Enter a date."),
}


# Right-to-left and isolate overrides, which make text read other than it is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(value: str) -> str:
    """Refuse line breaks and other control characters: names and titles end up in email
    headers, logs and CSV files, where a line break starts something new. Zero-width
    joiners stay (emoji such as the rainbow flag are made with them)."""
    for char in value:
        if unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in _BIDI_CONTROLS:
            raise ValueError(ONE_LINE)
    return value


# For every single-line field: names, titles, subjects, short texts.
OneLine = AfterValidator(one_line)


# Row ids are 32-bit; a number beyond is no row, and the databases refuse to look for it.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
_WHOLE = re.compile(r"[0-9]{1,10}")

# The years a date typed into the app may fall in: wide enough for any event, due date or
# group, and far from the ends of the calendar, where date arithmetic and time zones
# overflow (9999-12-31 in another time zone is an OverflowError).
FIRST_YEAR, LAST_YEAR = 2000, 2100
OUT_OF_RANGE = N_("Enter a date between 2000 and 2100.")


def within_years(value: date | None) -> date | None:
    """Refuse a date or a time outside FIRST_YEAR..LAST_YEAR (None passes)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(OUT_OF_RANGE)
    return value


# For every date or time a person or a client types (birth dates have their own rule).
InYears = AfterValidator(within_years)


def whole_number(text: object) -> int | None:
    """A count or an id as typed in a form or a query string: plain digits that fit a
    row id, else None. (``str.isdigit()`` takes "²", which ``int()`` refuses.)"""
    if not isinstance(text, str) or not _WHOLE.fullmatch(text.strip()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class FieldError(ValueError):
    """A rule across fields, reported on one of them (e.g. a confirmation field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def nul_fields(data: object, name: str = "__all__") -> list[str]:
    """The names of the fields (top level) of ``data`` whose names or values, at any
    depth, hold a NUL byte."""
    if isinstance(data, str):
        return [name] if "\x00" in data else []
    if isinstance(data, dict):
        top = name == "__all__"
        return [
            found
            for key, value in data.items()
            for found in nul_fields(str(key), "__all__" if top else name)
            + nul_fields(value, str(key) if top else name)
        ]
    if isinstance(data, list | tuple):
        return [found for value in data for found in nul_fields(value, name)]
    return []


def refuse_nul(data: object) -> None:
    """Raise ValidationFailed, naming the fields, when ``data`` holds a NUL byte."""
    if found := nul_fields(data):
        raise ValidationFailed(dict.fromkeys(found, NO_NUL), message=NO_NUL)


class Form(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: object) -> object:
        if found := nul_fields(data):
            raise FieldError(found[0], NO_NUL)
        return data


def parse(model: type[M], data: dict[str, Any], *, context: dict[str, Any] | None = None) -> M:
    """Validate ``data`` or raise ValidationFailed with one message id per field.
    ``context`` reaches the model's validators (``info.context``)."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "__all__"
            if error["type"] == "value_error":
                cause = error["ctx"]["error"]
                name = getattr(cause, "field", name)
                fields.setdefault(name, str(cause))
            else:
                fields.setdefault(
                    name, _MESSAGES.get(error["type"], N_("This value is not valid."))
                )
        raise ValidationFailed(fields) from None


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


def dollars(amount_cents: int) -> str:
    """Cents as a form shows them to be edited: "10.50"."""
    return f"{amount_cents // 100}.{amount_cents % 100:02d}"


def parse_dollars(
    model: type[M],
    values: Mapping[str, Any],
    amounts: Mapping[str, str],
    *,
    required: Iterable[str] = (),
) -> M:
    """Parse a form whose amounts are typed in dollars into ``model``, which keeps cents.

    ``amounts`` maps each form field to the model's field in cents. An empty amount is
    left to the model's default unless it is ``required``. Every error is named after
    the form's field, so the page shows it beside what was typed.
    """
    data = {k: v for k, v in values.items() if k not in amounts}
    errors: dict[str, str] = {}
    for name, field in amounts.items():
        text = str(values.get(name) or "").strip()
        if not text:
            if name in required:
                errors[name] = REQUIRED
            continue
        try:
            data[field] = cents(text)
        except ValueError:
            errors[name] = BAD_AMOUNT
    try:
        parsed = parse(model, data)
    except ValidationFailed as failed:
        form_names = {field: name for name, field in amounts.items()}
        errors = {**{form_names.get(k, k): v for k, v in failed.fields.items()}, **errors}
    if errors:
        raise ValidationFailed(errors)
    return parsed


def clean_email(value: str) -> str:
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(N_("Enter an email address like name@example.com.")) from None
    return result.normalized.lower()


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object, without NUL bytes."""
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # RecursionError: nested thousands of levels deep
        body = None
    if not isinstance(body, dict):
        raise ValidationFailed({"__all__": N_("Send a JSON object.")})
    refuse_nul(body)
    return body
