"""What a guardian sends from the family page."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints, model_validator

from yoc.accounts.forms import Email
from yoc.forms import FieldError, Form
from yoc.i18n import N_
from yoc.members.enums import PublicNameChoice


class SignInLinkForm(Form):
    email: Email


class ConsentChangeForm(Form):
    """Give or withdraw one consent; for the public name, in which form."""

    decision: Annotated[str, StringConstraints(pattern="^(grant|withdraw)$")]
    public_name_choice: PublicNameChoice = PublicNameChoice.FIRST_NAME_LAST_INITIAL
    nickname: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""

    @model_validator(mode="after")
    def nickname_given(self) -> ConsentChangeForm:
        if (
            self.decision == "grant"
            and self.public_name_choice == PublicNameChoice.NICKNAME
            and not self.nickname
        ):
            raise FieldError("nickname", N_("Write the nickname to show."))
        return self

    @property
    def granted(self) -> bool:
        return self.decision == "grant"
