"""Shift and sign-up input, shared by the staff pages and the public form."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from yoc.accounts.forms import Email, Language
from yoc.accounts.forms import Name as PersonName
from yoc.events.forms import When, bilingual
from yoc.forms import FieldError, Form, OneLine
from yoc.i18n import N_
from yoc.members.forms import Checkbox, Phone
from yoc.volunteers.enums import ShiftRole

Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), OneLine]
# A shift longer than this is a typing mistake (an end on the wrong day).
LONGEST_SHIFT = timedelta(hours=16)


class ShiftForm(Form):
    _bilingual = bilingual("place")

    role: ShiftRole
    place_en: Place = ""
    place_es: Place = ""
    starts_at: When
    ends_at: When
    needed: Annotated[int, Field(ge=1, le=500)]

    @model_validator(mode="after")
    def checks(self) -> ShiftForm:
        if self.ends_at <= self.starts_at:
            raise FieldError("ends_at", N_("The end must be after the start."))
        if self.ends_at - self.starts_at > LONGEST_SHIFT:
            raise FieldError("ends_at", N_("A shift lasts at most 16 hours."))
        return self


class GuestSignupIn(Form):
    """An adult without an account, on the public event page."""

    shift: Annotated[int, Field(ge=1, le=2_147_483_647)]
    name: PersonName
    email: Email
    phone: Phone = ""
    language: Language = "en"
    adult: Checkbox = False

    @model_validator(mode="after")
    def checks(self) -> GuestSignupIn:
        if not self.adult:
            raise FieldError(
                "adult",
                N_(
                    "Volunteers who sign up here must be 18 or older. Younger members "
                    "sign up from their dashboard."
                ),
            )
        return self


class StaffAddIn(Form):
    """Staff put someone on a shift: a member or mentor by their account's email, or an
    adult without an account by name (and email, to hear from us)."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = ""
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), OneLine] = ""
    phone: Phone = ""
    language: Language = "en"
