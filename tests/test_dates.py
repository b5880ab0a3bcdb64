"""Dates as people read them: written out ("Dec 2, 2026", "2 dic 2026"), never numbers
alone (2/12/2026 is 2 December in Spanish and February 12 in English), and times of day
without seconds; on every page and in every email, through the shared filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_member
from tests.soapbox.factories import make_speech
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.accounts.enums import Role
from yoc.i18n import format_date, format_datetime, use_language
from yoc.soapbox.models import SpeechEvent
from yoc.templating import TEMPLATE_DIR
from yoc.tickets.models import Order

# 3:04:05 PM in the Coachella Valley on Wednesday 2 December 2026.
MOMENT = datetime(2026, 12, 2, 23, 4, 5, tzinfo=UTC)
WRITTEN = {"en": "Dec 2, 2026, 3:04\u202fPM", "es": "2 dic 2026, 3:04\u202fp.m."}
NUMERIC = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
SECONDS = re.compile(r"\b\d{1,2}:\d\d:\d\d\b")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_day_and_time_are_written_out_without_seconds(language) -> None:
    with use_language(language):
        assert format_datetime(MOMENT) == WRITTEN[language]
        assert format_date(MOMENT) == {"en": "Dec 2, 2026", "es": "2 dic 2026"}[language]


def test_a_date_in_numbers_alone_is_refused() -> None:
    with pytest.raises(ValueError, match="written out"):
        format_datetime(MOMENT, "short")
    with pytest.raises(ValueError, match="written out"):
        format_date(MOMENT, "short")


def test_no_template_formats_a_date_by_itself() -> None:
    """Every date goes through the filters (date, datetime, when, clock), which write it
    out in the reader's language: no strftime, isoformat or short formats in templates."""
    offending = []
    for path in TEMPLATE_DIR.rglob("*"):
        if path.suffix not in (".html", ".txt"):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"strftime|isoformat|\|(date|datetime)\(\s*[\"']short", line):
                offending.append(f"{path.relative_to(TEMPLATE_DIR)}:{n}")
    assert offending == []


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_speech_history_shows_written_out_dates(client, language) -> None:
    ana = await make_member(email="ana@example.org", language=language)
    speech = await make_speech(ana)
    await SpeechEvent.filter(speech=speech).update(created_at=MOMENT)
    await log_in(client, "ana@example.org", PASSWORD)

    page = await client.get(f"/speeches/{speech.id}")

    assert page.status_code == 200
    history = re.search(r'<ol class="history">(.*?)</ol>', page.text, re.S).group(1)
    assert WRITTEN[language] in history
    assert NUMERIC.findall(history) == []
    assert SECONDS.findall(history) == []


@pytest.mark.parametrize("language", ["en", "es"])
async def test_staff_lists_show_written_out_dates_without_seconds(
    client, settings, language
) -> None:
    await make_user(role=Role.STAFF, email="sam@example.org", language=language)
    event = await make_event(starts_at=MOMENT, ends_at=MOMENT.replace(hour=23, minute=59))
    order = await make_order(event, settings, {await make_ticket_type(event): 1})
    await Order.filter(id=order.id).update(created_at=MOMENT)
    await log_in(client, "sam@example.org", PASSWORD)

    orders = await client.get(f"/staff/events/{event.slug}/orders")
    events = await client.get("/staff/events")

    for page in (orders, events):
        assert page.status_code == 200
        main = page.text.split('<main id="main"', 1)[1]
        assert WRITTEN[language] in main
        assert NUMERIC.findall(main) == []
        assert SECONDS.findall(main) == []
