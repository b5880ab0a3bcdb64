"""The Impact page's date range, and the figures staff publish for a year."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, model_validator

from yoc.forms import FIRST_YEAR, LAST_YEAR, FieldError, Form, InYears
from yoc.i18n import N_
from yoc.impact.services.figures import BY_KEY
from yoc.tally import Month, Period

# Long enough for a few years side by side; short enough that a chart stays readable and
# its query stays small (an aggregate per month).
MOST_MONTHS = 60


def _blank(value: object) -> object:
    return None if value == "" else value


def last_twelve_months(today: date) -> Period:
    """From the first day of the month eleven months ago until today."""
    first = Month(today.replace(day=1))
    for _ in range(11):
        year, month = divmod(first.first_day.month - 2, 12)
        first = Month(date(first.first_day.year + year, month + 1, 1))
    return Period(first.first_day, today)


class RangeQuery(Form):
    """Days where the app is, both included. Without an end, until today (``today`` in
    the validation context); without a start, the twelve months up to the end."""

    start: Annotated[date | None, BeforeValidator(_blank), InYears] = Field(None, alias="from")
    end: Annotated[date | None, BeforeValidator(_blank), InYears] = Field(None, alias="to")
    today: date = Field(default_factory=date.today, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _today(cls, data: object, info: ValidationInfo) -> object:
        today = (info.context or {}).get("today")
        if isinstance(data, dict) and today is not None:
            return {**data, "today": today}
        return data

    @model_validator(mode="after")
    def _a_range(self) -> RangeQuery:
        period = self.period()
        if period.end < period.start:
            raise FieldError("to", N_("The end date must be after the start date."))
        if len(period.months()) > MOST_MONTHS:
            raise FieldError("to", N_("Choose a range of at most five years."))
        return self

    def period(self) -> Period:
        end = self.end or self.today
        return Period(self.start or last_twelve_months(end).start, end)


FigureKey = Literal[tuple(BY_KEY)]  # type: ignore[valid-type]


class PublishIn(Form):
    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
    figures: list[FigureKey] = []
