"""Soapbox input, shared by the pages and the API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from yoc.events.forms import LA, When
from yoc.forms import FieldError, Form, Id, InYears, OneLine
from yoc.i18n import N_
from yoc.soapbox.enums import AccessNeed, Decision, SpeechLanguage, SpeechState

AVAILABILITY_ROWS = 5
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), OneLine
]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), OneLine]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Score = Annotated[int, Field(ge=1, le=4)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), OneLine
]


def _parse_time(value: str) -> time | None:
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


class Window(Form):
    starts_at: Annotated[datetime, InYears]
    ends_at: Annotated[datetime, InYears]


def read_windows(values: dict[str, Any]) -> tuple[list[Window], dict[str, str]]:
    """The availability rows of the proposal form: a date, from, to (local time)."""
    windows: list[Window] = []
    errors: dict[str, str] = {}
    for n in range(AVAILABILITY_ROWS):
        day, start, end = (
            str(values.get(f"avail_{part}_{n}", "")).strip() for part in ("date", "from", "to")
        )
        if not (day or start or end):
            continue
        try:
            on = date.fromisoformat(day)
        except ValueError:
            errors[f"avail_date_{n}"] = N_("Enter a date.")
            continue
        begins, finishes = _parse_time(start), _parse_time(end)
        if begins is None or finishes is None:
            errors[f"avail_from_{n}"] = N_(
                "Give the time you can start and the time you must leave."
            )
            continue
        if finishes <= begins:
            errors[f"avail_from_{n}"] = N_("The end must be after the start.")
            continue
        windows.append(
            Window(
                starts_at=datetime.combine(on, begins, LA),
                ends_at=datetime.combine(on, finishes, LA),
            )
        )
    return windows, errors


def _minutes(value: object) -> object:
    return 3 if value in ("", None) else value


class ProposalForm(Form):
    """A draft may be saved with only a title; submitting asks for the rest."""

    title: Title
    topic: Short = ""
    summary: LongText = ""
    language: SpeechLanguage = SpeechLanguage.ENGLISH
    minutes: Annotated[int, BeforeValidator(_minutes), Field(ge=1, le=10)] = 3
    content_notes: LongText = ""
    access_needs: list[AccessNeed] = []
    access_notes: LongText = ""
    windows: list[Window] = []
    # The event whose call it answers (None: any), and the reflection it grew from.
    event_id: Annotated[Id | None, BeforeValidator(lambda v: None if v == "" else v)] = None
    reflection_id: Annotated[Id | None, BeforeValidator(lambda v: None if v == "" else v)] = None

    @model_validator(mode="before")
    @classmethod
    def from_html(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "windows" in data:
            return data
        data = dict(data)
        if "access_needs" not in data:
            data["access_needs"] = [n.value for n in AccessNeed if data.get(f"access_{n.value}")]
        windows, errors = read_windows(data)
        if errors:
            field, message = next(iter(errors.items()))
            raise FieldError(field, message)
        data["windows"] = windows
        return data


class ReviewForm(Form):
    decision: Decision
    clarity: Score
    voice: Score
    call_to_action: Score
    comments: LongText = ""

    @model_validator(mode="after")
    def explain(self) -> ReviewForm:
        if self.decision != Decision.ACCEPT and not self.comments:
            raise FieldError(
                "comments", N_("Tell the speaker what to change, or why, in a few words.")
            )
        return self


class StageForm(Form):
    name_en: Name
    name_es: Name


class SlotForm(Form):
    """One slot, or a run of equal slots one after another."""

    stage_id: Id
    starts_at: When
    minutes: Annotated[int, Field(ge=1, le=60)] = 5
    count: Annotated[
        int, BeforeValidator(lambda v: 1 if v in ("", None) else v), Field(ge=1, le=30)
    ] = 1
    gap_minutes: Annotated[
        int, BeforeValidator(lambda v: 0 if v in ("", None) else v), Field(ge=0, le=60)
    ] = 0

    def times(self) -> list[tuple[datetime, datetime]]:
        step = timedelta(minutes=self.minutes + self.gap_minutes)
        length = timedelta(minutes=self.minutes)
        return [
            (self.starts_at + i * step, self.starts_at + i * step + length)
            for i in range(self.count)
        ]


class PlaceForm(Form):
    speech_id: Id
    slot_id: Id


class TransitionIn(Form):
    to: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
    note: LongText = ""
    slot: Id | None = None
    rubric: dict[str, Score] | None = None


def _blank(value: object) -> object:
    return None if value == "" else value


class SpeechQuery(Form):
    """The filter of the API's list of speeches: one state, or all."""

    state: Annotated[SpeechState | None, BeforeValidator(_blank)] = None


class WaiverForm(Form):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class CallForm(Form):
    """The modules an event's Soapbox call asks for (none: anyone may propose)."""

    module_ids: list[Id] = []
