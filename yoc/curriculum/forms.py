from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, StringConstraints, model_validator

from yoc.curriculum.enums import ActivityKind, Completion
from yoc.forms import FieldError, Form, Id, InYears, OneLine
from yoc.i18n import N_
from yoc.members.services.standing import today

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160), OneLine
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Checkbox = Annotated[bool, BeforeValidator(lambda v: v in ("1", "on", "yes", True))]
OptionalDate = Annotated[date | None, BeforeValidator(lambda v: None if v == "" else v), InYears]


class TrackForm(Form):
    title_en: Title
    title_es: Title
    summary_en: LongText = ""
    summary_es: LongText = ""


class ModuleForm(TrackForm):
    milestone: Checkbox = False
    prerequisite_ids: list[Id] = []


def web_address(value: str) -> str:
    """An address a browser opens as a page: http or https, with a host (never
    ``javascript:`` or ``data:``, which run in the page that links them)."""
    if not value:
        return value
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or parts.username is not None  # "https://trusted.example@elsewhere.example"
        or any(c.isspace() or not c.isprintable() for c in value)
    ):
        raise ValueError(N_("Enter the video's web address, starting with https:// (or http://)."))
    return value


Reading = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]
WebAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(web_address)
]


class ActivityForm(Form):
    title_en: Title
    title_es: Title
    prompt_en: LongText = ""
    prompt_es: LongText = ""
    kind: ActivityKind
    completion: Completion
    # What there is to read (Markdown), and a video to watch.
    body_en: Reading = ""
    body_es: Reading = ""
    video_url: WebAddress = ""


Target = Annotated[str, StringConstraints(pattern=r"^(cohort|member):[0-9]{1,9}$")]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class AssignForm(Form):
    """``target`` is "cohort:ID" or "member:ID"; ``what`` is "module:ID" or "track:ID"."""

    target: Target
    what: Annotated[str, StringConstraints(pattern=r"^(module|track):[0-9]{1,9}$")]
    due_on: OptionalDate = None
    note: Note = ""

    @model_validator(mode="after")
    def due_in_future(self) -> AssignForm:
        if self.due_on and self.due_on < today():
            raise FieldError("due_on", N_("Choose a due date from today on."))
        return self

    def parts(self) -> tuple[str, int, str, int]:
        kind, target_id = self.target.split(":")
        what, what_id = self.what.split(":")
        return kind, int(target_id), what, int(what_id)


class AssignmentChangeForm(Form):
    """A correction of an assignment: who it is given to ("cohort:ID" or "member:ID"), its
    due date (empty or null: none) and its note. A field left out stays as it is."""

    target: Target | None = None
    due_on: OptionalDate = None
    note: Note | None = None

    def changes(self) -> dict[str, object]:
        """The fields given, as ``assignments.change`` takes them."""
        given = {name: getattr(self, name) for name in self.model_fields_set}
        return {k: v for k, v in given.items() if v is not None or k == "due_on"}


class ReflectionForm(Form):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]


class ReviewForm(Form):
    decision: Annotated[str, StringConstraints(pattern="^(approve|return)$")]
    feedback: LongText = ""


Score = Annotated[int, BeforeValidator(lambda v: None if v == "" else v)]


class PracticeForm(Form):
    """A practice speech, scored on the Soapbox rubric (1 to 4 per criterion)."""

    clarity: Score | None = None
    voice: Score | None = None
    call_to_action: Score | None = None
    comments: LongText = ""

    def scores(self) -> dict[str, int]:
        found = {
            "clarity": self.clarity,
            "voice": self.voice,
            "call_to_action": self.call_to_action,
        }
        return {key: value for key, value in found.items() if value is not None}
