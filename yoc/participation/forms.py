"""What people send about meetings, hours and reminders."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from yoc.accounts.forms import Language
from yoc.forms import FIRST_YEAR, LAST_YEAR, Form, Id, InYears, OneLine
from yoc.i18n import N_
from yoc.participation.enums import Presence, ReminderKind, Rsvp


def _blank_to_none(value: object) -> object:
    return None if value in ("", None) else value


def _hours(value: object) -> Decimal:
    """Hours as people type them: "2", "2.5", "2,5" (a decimal comma), quarters at least."""
    text = str(value or "").strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", text):
        raise ValueError(N_("Enter hours like 2 or 2.5."))
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(N_("Enter hours like 2 or 2.5.")) from None
    if not Decimal("0.25") <= hours <= 24:
        raise ValueError(N_("Enter from 0.25 to 24 hours for one day."))
    return hours


def _not_future(value: date) -> date:
    if value > date.today():
        raise ValueError(N_("Log hours once you have served them."))
    return value


Topic = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160), OneLine
]


class MeetingForm(Form):
    """A meeting, or the first of a weekly series (``weeks``)."""

    day: Annotated[date, InYears]
    start: time
    minutes: Annotated[int, Field(ge=15, le=480)] = 90
    place: Topic
    topic: Topic
    module_id: Annotated[Id | None, BeforeValidator(_blank_to_none)] = None
    weeks: Annotated[int, Field(ge=1, le=26)] = 1


class RsvpForm(Form):
    answer: Rsvp


def _tap_time(value: object) -> datetime:
    """When the mentor tapped, from the phone: ISO 8601 with an offset."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed and parsed.tzinfo and FIRST_YEAR <= parsed.year <= LAST_YEAR:
            return parsed.astimezone(UTC)
    raise ValueError(N_("This value is not valid."))


class MarkIn(Form):
    member_id: Id
    presence: Presence
    marked_at: Annotated[datetime, BeforeValidator(_tap_time)]


class MarksIn(Form):
    """Taps on the attendance page, sent at once or later in a batch."""

    marks: Annotated[list[MarkIn], Field(max_length=500)] = []


class HoursForm(Form):
    served_on: Annotated[date, InYears, AfterValidator(_not_future)]
    hours: Annotated[Decimal, BeforeValidator(_hours)]
    organisation: Topic
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class RejectForm(Form):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class LetterForm(Form):
    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
    lang: Language


def chosen_kinds(values: list[str]) -> set[ReminderKind]:
    """The reminder kinds ticked on a settings form (anything else is ignored)."""
    return {ReminderKind(v) for v in values if v in ReminderKind._value2member_map_}
