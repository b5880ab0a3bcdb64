"""Demo meetings, attendance, service hours and reminder choices: each group meets
weekly (two past meetings with attendance taken, the next ones planned through the
service as a mentor would), members answered some, logged hours that mentors verified,
rejected or have still to look at, and a guardian chose her reminders."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from yoc.accounts.models import User
from yoc.members.models import Cohort
from yoc.participation.enums import Presence, ReminderKind, Rsvp
from yoc.participation.models import Meeting
from yoc.participation.services import attendance, choices, hours, meetings
from yoc.settings import Settings

NS, MT = "summer-2027-north-shore", "summer-2027-mecca-thermal"


def _next(weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """The next ``weekday`` (0 = Monday) at ``at``, at least two days away."""
    today = datetime.now(tz).date() + timedelta(days=2)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return datetime.combine(day, at, tz)


async def _module(title: str) -> int | None:
    for module_id, title_en, _ in await meetings.module_choices():
        if title.lower() in title_en.lower():
            return module_id
    return None


async def seed(users: dict[str, User], cohorts: dict[str, Cohort], settings: Settings) -> None:
    tz = ZoneInfo(settings.timezone)
    lucia = users["mentor.lucia@demo.yoc.example"]
    daniel = users["mentor.daniel@demo.yoc.example"]
    ana, beto = users["ana@demo.yoc.example"], users["beto@demo.yoc.example"]
    dani = users["dani@demo.yoc.example"]
    speaking = await _module("speaking")

    # North Shore meets on Tuesdays at the library: two meetings already held...
    tuesday = _next(1, time(16, 30), tz)
    for weeks_ago, topic in [(2, "Our stories, our power"), (1, "Writing a two-minute speech")]:
        held = await Meeting.create(
            cohort=cohorts[NS],
            starts_at=tuesday - timedelta(weeks=weeks_ago),
            place="North Shore Library, Community Room",
            topic=topic,
            module_id=speaking,
            created_by=lucia,
        )
        taken = held.starts_at + timedelta(minutes=10)
        await attendance.record_marks(
            mentor=lucia,
            meeting_id=held.id,
            marks=[
                attendance.Mark(ana.id, Presence.PRESENT, taken),
                attendance.Mark(
                    beto.id, Presence.PRESENT if weeks_ago == 2 else Presence.EXCUSED, taken
                ),
            ],
        )
    # ...and the next six planned as a series.
    planned = await meetings.plan_meetings(
        actor=lucia,
        cohort_id=cohorts[NS].id,
        plan=meetings.Plan(
            starts_at=tuesday,
            minutes=90,
            place="North Shore Library, Community Room",
            topic="Practice night: the Soapbox in two minutes",
            module_id=speaking,
            weeks=6,
        ),
    )
    await meetings.answer(ana, planned[0].id, Rsvp.YES)
    await meetings.answer(beto, planned[0].id, Rsvp.MAYBE)
    # Mecca & Thermal meets on Thursdays at the park's community center.
    await meetings.plan_meetings(
        actor=daniel,
        cohort_id=cohorts[MT].id,
        plan=meetings.Plan(
            starts_at=_next(3, time(17, 0), tz),
            minutes=75,
            place="Mecca Community Center, Room 2",
            topic="Mapping the air quality monitors near the Salton Sea",
            weeks=4,
        ),
    )
    await meetings.answer(
        dani, (await meetings.upcoming_for(dani, limit=1))[0].meeting.id, Rsvp.YES
    )

    # Service hours, this year.
    day = datetime.now(tz).date()
    logged = [
        (
            ana,
            40,
            "2.5",
            "North Shore Food Bank",
            "Sorted donations and packed boxes for 60 families.",
        ),
        (
            ana,
            26,
            "3",
            "Salton Sea clean-up day",
            "Picked up trash along the shore with my cousins.",
        ),
        (ana, 5, "1.5", "Escuela Saul Martinez: reading buddies", "Read with second graders."),
        (beto, 12, "4", "Youth soccer league", "Coached the under-10 team."),
        (dani, 20, "5", "Pride Festival set-up", "Put up the stage banners and the info table."),
    ]
    entries = []
    for member, days_ago, amount, organisation, description in logged:
        entries.append(
            await hours.log_hours(
                member,
                served_on=day - timedelta(days=days_ago),
                hours=Decimal(amount),
                organisation=organisation,
                description=description,
            )
        )
    await hours.review(actor=lucia, hours_id=entries[0].id, verified=True)
    await hours.review(actor=lucia, hours_id=entries[1].id, verified=True)
    await hours.review(
        actor=lucia,
        hours_id=entries[3].id,
        verified=False,
        reason="Coaching a paid league does not count as service. Log the clinic you volunteer at.",
    )
    await hours.review(actor=daniel, hours_id=entries[4].id, verified=True)

    # Ana's mother wants to hear about meetings and Soapbox slots; Beto wants no emails
    # about meetings.
    await choices.choose_for_guardian(
        "maria.family@demo.yoc.example", {ReminderKind.MEETINGS, ReminderKind.SPEECHES}
    )
    await choices.choose_for_member(beto, {ReminderKind.DUE_DATES, ReminderKind.SPEECHES})
