from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from yoc.accounts.forms import Email, Language, Name, Password, same_password
from yoc.forms import MAX_ID, FieldError, Form, Id, InYears, OneLine, clean_email
from yoc.i18n import N_
from yoc.members.enums import (
    Community,
    ConsentPurpose,
    ContactMethod,
    MemberStatus,
    NoteVisibility,
    PublicNameChoice,
    Relationship,
)
from yoc.members.services import guardianship, profiles
from yoc.members.services.standing import today
from yoc.security import password_problem


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


def _zip(value: str) -> str:
    if value and not re.fullmatch(r"\d{5}", value):
        raise ValueError(N_("Enter a 5-digit ZIP code."))
    return value


def _optional_email(value: str) -> str:
    return clean_email(value) if value else ""


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if value and not 10 <= len(digits) <= 15:
        raise ValueError(N_("Enter a phone number with its area code."))
    return value


def _grade(value: int | None) -> int | None:
    if value is not None and not 6 <= value <= 12:
        raise ValueError(N_("Enter a grade from 6 to 12."))
    return value


def _past_date(value: date) -> date:
    if value >= date.today() or value.year < 1900:
        raise ValueError(N_("Enter your real birth date."))
    return value


def _not_in_the_future(value: date) -> date:
    if value > date.today() or value.year < 2000:
        raise ValueError(N_("Enter the day it happened: today or earlier."))
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), OneLine]
StaffNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
OptionalEmail = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_optional_email)
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=30), OneLine, AfterValidator(_phone)
]
Checkbox = Annotated[bool, BeforeValidator(lambda v: v in ("1", "on", "yes", True))]


class ApplicationForm(Form):
    """Sign-up. Each rule reads only the fields before it (``info.data``), so that every
    problem shows at once, not one round after another: the password's with the
    guardian's. Pass ``context={"today": ...}`` (the site's date) to judge the age."""

    name: Name
    email: Email
    password: Password
    password_confirm: Password
    language: Language = "en"
    birth_date: Annotated[date, AfterValidator(_past_date)]
    community: Community
    guardian_name: Text = ""
    guardian_relationship: Relationship = Relationship.MOTHER
    guardian_email: OptionalEmail = ""
    guardian_phone: Phone = ""
    guardian_language: Language = "es"

    @field_validator("password")
    @classmethod
    def strong_password(cls, value: str, info: ValidationInfo) -> str:
        name, email = info.data.get("name", ""), info.data.get("email", "")
        if problem := password_problem(value, email=email, name=name):
            raise ValueError(problem)
        return value

    @field_validator("password_confirm")
    @classmethod
    def passwords_match(cls, value: str, info: ValidationInfo) -> str:
        return same_password(value, info)

    @field_validator("guardian_name")
    @classmethod
    def guardian_named(cls, value: str, info: ValidationInfo) -> str:
        if _needs_guardian(info) and not value:
            raise ValueError(profiles.GUARDIAN_NAME_MISSING)
        return value

    @field_validator("guardian_email")
    @classmethod
    def not_own_email(cls, value: str, info: ValidationInfo) -> str:
        # Whether it is another account's is for the service to say (it asks the database).
        if value and value == info.data.get("email"):
            raise ValueError(guardianship.OWN_EMAIL)
        return value

    @field_validator("guardian_phone")
    @classmethod
    def guardian_reachable(cls, value: str, info: ValidationInfo) -> str:
        # After the email: a mistyped email keeps its own message (parse keeps the first).
        if _needs_guardian(info) and not (value or info.data.get("guardian_email")):
            raise FieldError("guardian_email", profiles.GUARDIAN_CONTACT_MISSING)
        return value

    def guardian(self) -> dict | None:
        if not (self.guardian_name or self.guardian_email or self.guardian_phone):
            return None
        return {
            "name": self.guardian_name,
            "relationship": self.guardian_relationship,
            "email": self.guardian_email,
            "phone": self.guardian_phone,
            "language": self.guardian_language,
        }


def _needs_guardian(info: ValidationInfo) -> bool:
    birth_date = info.data.get("birth_date")
    on = (info.context or {}).get("today") or today()
    return birth_date is not None and profiles.needs_guardian(birth_date, on)


class ProfileForm(Form):
    display_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), OneLine
    ]
    pronouns: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), OneLine] = ""
    school: Text = ""
    grade: Annotated[int | None, BeforeValidator(_blank_to_none), AfterValidator(_grade)] = None
    community: Community
    zip_code: Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_zip)] = ""
    interests: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    bio: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class GuardianForm(Form):
    name: Name
    relationship: Relationship
    email: OptionalEmail = ""
    phone: Phone = ""
    language: Language = "es"

    @model_validator(mode="after")
    def reachable(self) -> GuardianForm:
        if not (self.email or self.phone):
            raise FieldError("email", N_("Give an email or a phone number."))
        return self


class GuardianConsentForm(Form):
    participation: Annotated[str, StringConstraints(pattern="^(agree|decline)$")]
    photo_release: Checkbox = False
    text_messages: Checkbox = False
    public_name_choice: PublicNameChoice = PublicNameChoice.FIRST_NAME_LAST_INITIAL
    nickname: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), OneLine] = ""

    @model_validator(mode="after")
    def nickname_given(self) -> GuardianConsentForm:
        if self.public_name_choice == PublicNameChoice.NICKNAME and not self.nickname:
            raise FieldError("nickname", N_("Write the nickname to show."))
        return self


class PaperConsentForm(GuardianConsentForm):
    participation: str = "agree"
    guardian_id: Id


class ConfirmGuardianForm(Form):
    """Staff confirm a guardian: how they checked, and anything worth keeping."""

    method: ContactMethod
    note: StaffNote = ""


class ResolveConflictForm(Form):
    outcome: Annotated[str, StringConstraints(pattern="^(apply|keep)$")]
    note: StaffNote = ""


class StaffRevocationForm(Form):
    """A withdrawal a guardian (or the member: no guardian) made by phone, on paper or in
    person, as staff write it down."""

    purpose: ConsentPurpose
    guardian_id: Annotated[Id | None, BeforeValidator(_blank_to_none)] = None
    method: ContactMethod
    decided_on: Annotated[date, AfterValidator(_not_in_the_future)]
    note: StaffNote = ""


class NoteForm(Form):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    visibility: NoteVisibility = NoteVisibility.MENTORS


class CohortForm(Form):
    name: Name
    community: Annotated[Community | None, BeforeValidator(_blank_to_none)] = None
    starts_on: Annotated[date | None, BeforeValidator(_blank_to_none), InYears] = None
    ends_on: Annotated[date | None, BeforeValidator(_blank_to_none), InYears] = None


class AddPersonForm(Form):
    email: Email


class DeletionForm(Form):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    password: Password


class MemberQuery(Form):
    """The filters of the API's lists of members: a group, a status, a search."""

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    group: Annotated[
        Annotated[int, Field(ge=1, le=MAX_ID)] | None, BeforeValidator(_blank_to_none)
    ] = None
    state: Annotated[MemberStatus | None, BeforeValidator(_blank_to_none)] = None
