"""The shared input types: a single-line field (a name, a title, a subject) refuses line
breaks and other control characters, whichever form or API it is part of."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from yoc.accounts import forms as account_forms
from yoc.curriculum import forms as curriculum_forms
from yoc.errors import ValidationFailed
from yoc.events import forms as event_forms
from yoc.forms import ONE_LINE, parse
from yoc.members import forms as member_forms
from yoc.soapbox import forms as soapbox_forms
from yoc.tickets import forms as ticket_forms

ONE_LINE_TYPES = {
    "a person's name": account_forms.Name,
    "a token's name": account_forms.TokenName,
    "a profile's text": member_forms.Text,
    "a phone number": member_forms.Phone,
    "an event's name": event_forms.Name,
    "a speech's title": soapbox_forms.Title,
    "a short soapbox text": soapbox_forms.Short,
    "a soapbox name": soapbox_forms.Name,
    "a curriculum title": curriculum_forms.Title,
}
BROKEN = [
    "Eve\r\nBcc: x@example.org",
    "Eve\nSubject: hi",
    "Eve\rX",
    "Eve\x00",
    "Eve\x1b[31m",
    "Eve\u2028Bcc",  # a line separator
    "Eve\u0085next",  # NEL
    "\u202eve.exe",  # a right-to-left override, which disguises text
]


def model_of(kind: type) -> type[BaseModel]:
    class One(BaseModel):
        value: kind  # type: ignore[valid-type]

    return One


@pytest.mark.parametrize("kind", ONE_LINE_TYPES.values(), ids=ONE_LINE_TYPES.keys())
@pytest.mark.parametrize("value", BROKEN)
def test_single_line_fields_refuse_control_characters(kind: type, value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse(model_of(kind), {"value": value})

    assert refused.value.fields == {"value": ONE_LINE}


@pytest.mark.parametrize("kind", ONE_LINE_TYPES.values(), ids=ONE_LINE_TYPES.keys())
def test_single_line_fields_keep_accents_emoji_and_spaces(kind: type) -> None:
    # The rainbow flag is joined with a zero-width joiner, which must stay allowed.
    value = "María José 🏳️‍🌈" if kind is not member_forms.Phone else "(760) 555-0142"

    assert parse(model_of(kind), {"value": f"  {value} "}).value == value


def test_a_buyers_name_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse(
            ticket_forms.BuyerIn,
            {"name": "Eve\r\nBcc: x@example.org", "email": "eve@example.org"},
        )

    assert refused.value.fields == {"name": ONE_LINE}
