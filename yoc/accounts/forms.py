from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from yoc.accounts.enums import Role
from yoc.forms import Form, OneLine, clean_email
from yoc.i18n import LANGUAGES, N_
from yoc.permissions import TokenScope
from yoc.security import password_problem

Email = Annotated[str, Field(min_length=1, max_length=254), AfterValidator(clean_email)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), OneLine
]
TokenName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), OneLine
]
# Passwords are not stripped: spaces are allowed and count.
Password = Annotated[str, Field(min_length=1, max_length=1024)]


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValueError(N_("Choose one of the options."))
    return value


Language = Annotated[str, AfterValidator(_language)]


class LoginForm(Form):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    password: Password


class PasswordResetRequestForm(Form):
    email: Email


def same_password(value: str, info: ValidationInfo) -> str:
    """A confirmation field: the same as ``password`` before it, when that one is valid
    (so that the mismatch shows with every other problem, not after them)."""
    if "password" in info.data and value != info.data["password"]:
        raise ValueError(N_("The two passwords do not match."))
    return value


class NewPasswordForm(Form):
    password: Password
    password_confirm: Password

    @field_validator("password")
    @classmethod
    def strong_enough(cls, value: str) -> str:
        # The rules that need no name or email; the service checks those too.
        if problem := password_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("password_confirm")
    @classmethod
    def passwords_match(cls, value: str, info: ValidationInfo) -> str:
        return same_password(value, info)


class ChangePasswordForm(NewPasswordForm):
    current_password: Password


class LanguageForm(Form):
    lang: Language


# A code from an authenticator app (6 digits) or a recovery code (10 characters), as typed:
# spaces and dashes are allowed.
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class CodeForm(Form):
    code: Code


class DisableTwoFactorForm(Form):
    password: Password
    code: Code


class TokenForm(Form):
    name: TokenName
    scope: TokenScope = TokenScope.READ
    # Blank: the site's default (settings.api_token_days).
    days: Annotated[
        Annotated[int, Field(ge=1, le=365)] | None,
        BeforeValidator(lambda v: None if v in ("", None) else v),
    ] = None


class InviteForm(Form):
    name: Name
    email: Email
    role: Role
    language: Language = "en"


class RoleForm(Form):
    role: Role
