"""Event and ticket-type input, shared by the staff pages and the API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from yoc.forms import FieldError, Form, InYears, OneLine, parse_dollars
from yoc.i18n import N_

LA = ZoneInfo("America/Los_Angeles")
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160), OneLine
]


def _local_datetime(value: object) -> object:
    """A browser's datetime-local ("2027-09-12T16:00") is Eastern Coachella Valley time;
    the API sends ISO 8601 with an offset."""
    if value in ("", None):
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(N_("Enter a date and time.")) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=LA)
    return value


def local_input(value: datetime | None) -> str:
    """A stored time as a datetime-local input shows it, in the valley's time."""
    return value.astimezone(LA).strftime("%Y-%m-%dT%H:%M") if value else ""


When = Annotated[datetime, BeforeValidator(_local_datetime), InYears]
MaybeWhen = Annotated[datetime | None, BeforeValidator(_local_datetime), InYears]
Cents = Annotated[int, Field(ge=0, le=10_000_00)]
# The most people an event (and so any of its ticket types) may be for.
MAX_CAPACITY = 100_000


def bilingual(*names: str):
    """A before-validator that also takes ``{"name": {"en": …, "es": …}}``, the API's
    shape, for the flat ``name_en`` and ``name_es`` of the staff form."""

    def flatten(data: object) -> object:
        if not isinstance(data, dict):
            return data
        flat = {k: v for k, v in data.items() if k not in names or not isinstance(v, dict)}
        for name in names:
            value = data.get(name)
            if isinstance(value, dict):
                flat[f"{name}_en"] = value.get("en", "")
                flat[f"{name}_es"] = value.get("es", "")
        return flat

    return model_validator(mode="before")(classmethod(lambda cls, data: flatten(data)))


def _slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        raise ValueError(N_("Use lowercase letters, numbers and dashes, like the-hue-2027."))
    return value


class EventForm(Form):
    _bilingual = bilingual("name", "description", "accessibility", "cost_note")

    slug: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=3, max_length=80),
        BeforeValidator(lambda v: v.lower() if isinstance(v, str) else v),
    ]
    name_en: Name
    name_es: Name
    description_en: Text = ""
    description_es: Text = ""
    venue: Name
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=255), OneLine] = ""
    accessibility_en: Text = ""
    accessibility_es: Text = ""
    cost_note_en: Text = ""
    cost_note_es: Text = ""
    starts_at: When
    ends_at: When
    capacity: Annotated[int, Field(ge=1, le=MAX_CAPACITY)]
    published: Annotated[bool, BeforeValidator(lambda v: v in ("1", "on", True, "true"))] = False
    sales_start: MaybeWhen = None
    sales_end: MaybeWhen = None
    donation_price_cents: Cents = 0
    # Pay-at-the-door reservations: seats that may be held unpaid (blank: a quarter of the
    # capacity) and when the unpaid ones lapse (blank: an hour after doors open).
    unpaid_limit: Annotated[
        Annotated[int, Field(ge=0, le=MAX_CAPACITY)] | None,
        BeforeValidator(lambda v: None if v == "" else v),
    ] = None
    unpaid_until: MaybeWhen = None
    minor_curfew: Annotated[
        str,
        BeforeValidator(lambda v: "21:00" if v in ("", None) else str(v)[:5]),
        StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    ] = "21:00"

    @model_validator(mode="after")
    def checks(self) -> EventForm:
        try:
            _slug(self.slug)
        except ValueError as error:
            raise FieldError("slug", str(error)) from None
        if self.ends_at <= self.starts_at:
            raise FieldError("ends_at", N_("The end must be after the start."))
        if self.sales_start and self.sales_end and self.sales_end <= self.sales_start:
            raise FieldError("sales_end", N_("The end must be after the start."))
        if self.unpaid_limit is not None and self.unpaid_limit > self.capacity:
            raise FieldError("unpaid_limit", N_("This cannot be more than the capacity."))
        return self


# The staff form's amounts, typed in dollars, and the fields in cents they fill.
EVENT_PRICES = {"donation_price": "donation_price_cents"}


def event_from_form(values: dict[str, str]) -> EventForm:
    """The staff form's event (the donated ticket's price in dollars, empty for none) as
    the input the API takes; errors come back named after the form's fields."""
    return parse_dollars(EventForm, values, EVENT_PRICES)


class EventQuery(Form):
    """The filter of the API's list of events: all of them, upcoming or past ones."""

    when: Literal["", "upcoming", "past"] = ""
