"""The plain text of the emails keeps its lines: a line that ends in a template tag must
not lose its line break (the mail templates trim the one after a tag), or a place runs
into the event's name and a link into the sentence before it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.soapbox.factories import la_today, local, make_evening_event
from tests.volunteers.factories import make_shift
from yoc import mail
from yoc.settings import PROJECT_DIR
from yoc.volunteers.services import signups
from yoc.volunteers.services.signups import Guest

TAG = re.compile(r"{%.*?%}")


def test_a_line_that_prints_something_and_ends_in_a_tag_keeps_its_line_break() -> None:
    """``{% endif +%}`` keeps the line break that ``{% endif %}`` would take away."""
    swallowed = []
    for path in sorted((PROJECT_DIR / "templates" / "emails").glob("*.txt")):
        for number, line in enumerate(Path(path).read_text().splitlines(), 1):
            if line.endswith(("+%}", "{% endblock %}")) or not line.endswith("%}"):
                continue
            if TAG.sub("", line).strip():
                swallowed.append(f"{path.name}:{number}")
    assert swallowed == []


async def test_a_shift_confirmation_has_the_shift_the_event_and_the_link_on_lines_of_their_own(
    app, settings
) -> None:
    shift = await make_shift()
    await signups.sign_up_guest(
        shift, Guest(name="Rosa Díaz", email="rosa@example.org", language="en"), settings=settings
    )
    [message] = await mail.OutboxMessage.filter(template="shift_confirmed")
    lines = message.body_text.splitlines()

    assert any(line.endswith("· North gate") for line in lines)
    assert f"{shift.event.name_en} · {shift.event.venue}" in lines
    # Paragraphs are apart, and the cancel link follows its sentence.
    assert "" in lines[lines.index(f"{shift.event.name_en} · {shift.event.venue}") + 1 :][:1]
    assert any(
        re.fullmatch(r"If you cannot come, cancel here .*: http://testserver/\S+", line)
        for line in lines
    )


async def test_each_change_of_a_schedule_and_its_link_are_on_lines_of_their_own(app) -> None:
    event = await make_evening_event(la_today())
    at = local(la_today(), 18)
    changes = [
        {"kind": "added", "title": "Clean air", "after": {"starts_at": at, "stage_en": "Main"}},
        {"kind": "retitled", "title": "Our water"},
    ]
    message = await mail.queue_mail(
        to="itzel@example.org",
        template="schedule_changed",
        language="en",
        context={
            "name": "Itzel",
            "event": event,
            "number": 2,
            "changes": changes,
            "link": "http://testserver/events/x/soapbox",
        },
    )
    lines = message.body_text.splitlines()

    assert [line.split(":")[0] for line in lines if line.startswith("- ")] == [
        "- “Clean air”",
        "- “Our water”",
    ]
    assert "http://testserver/events/x/soapbox" in lines
