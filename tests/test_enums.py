"""Labelled enums: a member is stored as its value and read out as its label, translated
in the current language, and templates reach them by name."""

from __future__ import annotations

import pytest
from tortoise import connections

from yoc.enums import LabelledEnum
from yoc.i18n import N_, gettext, use_language
from yoc.mail import MailStatus, OutboxMessage
from yoc.members.enums import Community
from yoc.roles import Role
from yoc.soapbox.enums import RubricScore
from yoc.templating import environment
from yoc.timeutil import utcnow


def test_label_is_translated_when_it_is_read() -> None:
    with use_language("en"):
        english = Community.OTHER.label
    with use_language("es"):
        spanish = Community.OTHER.label

    assert (english, spanish) == ("Another community", gettext_es("Another community"))
    assert spanish != english


def test_roles_are_translated_in_their_context_apart_from_the_counted_nouns() -> None:
    with use_language("es"):
        choices = Role.choices()

    # "member" and "mentor" are also plural nouns ("3 members"); the "role" context finds
    # the role's own translation.
    assert choices == [
        ("member", "integrante"),
        ("mentor", "mentor(a)"),
        ("staff", "personal"),
        ("admin", "administrador(a)"),
    ]


def test_choices_pair_each_value_with_its_label_in_order() -> None:
    with use_language("en"):
        choices = RubricScore.choices()

    assert choices == [
        ("1", "Just starting"),
        ("2", "Getting there"),
        ("3", "Strong"),
        ("4", "Outstanding"),
    ]


def test_a_value_read_as_text_finds_its_member() -> None:
    assert Community("mecca") is Community.MECCA
    assert Community.MECCA == "mecca"
    assert RubricScore(3) is RubricScore.STRONG


async def test_a_labelled_enum_is_stored_as_its_plain_value(app) -> None:
    message = await OutboxMessage.create(
        to_email="ana@example.org",
        subject="Hi",
        body_text="Hi",
        template="test",
        language="en",
        next_attempt_at=utcnow(),
    )

    rows = await connections.get("default").execute_query_dict(
        f"SELECT status FROM outbox_messages WHERE id = {int(message.id)}"
    )
    stored = await OutboxMessage.get(id=message.id)

    assert rows == [{"status": "queued"}]
    assert stored.status is MailStatus.QUEUED


def test_templates_reach_a_labelled_enum_by_its_name() -> None:
    template = environment().from_string(
        "{{ enums.Community('mecca').label }} · {{ enums.MailStatus.FAILED.label }}"
    )

    with use_language("es"):
        text = template.render()

    assert text == f"Mecca · {gettext_es('could not be sent')}"


def test_two_labelled_enums_may_not_share_a_name() -> None:
    with pytest.raises(TypeError, match="share a name"):

        class Community(LabelledEnum):
            HERE = "here", N_("Here")


def gettext_es(message: str) -> str:
    with use_language("es"):
        return gettext(message)
