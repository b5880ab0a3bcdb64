"""An event as a calendar entry (.ics) for a ticket holder's calendar: its times in the
event's time zone, with that zone's rules (VTIMEZONE), so that it is right across a
change to or from daylight saving time."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import icalendar

from yoc.events.models import Event
from yoc.timeutil import utcnow


def event_ics(event: Event, *, timezone: str, language: str, link: str) -> bytes:
    zone = ZoneInfo(timezone)
    name = event.name_es if language == "es" else event.name_en
    cal = icalendar.Calendar()
    cal.add("prodid", "-//YO-C//Tickets//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    item = icalendar.Event()
    item.add("uid", f"event-{event.id}@yoc")
    item.add("summary", name)
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("dtstamp", utcnow().astimezone(UTC))
    item.add("location", event.venue)
    item.add("url", link)
    item.add("description", link)
    cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()
