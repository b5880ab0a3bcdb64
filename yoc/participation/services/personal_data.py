"""A member's meetings and hours: what their download shows, and what deleting their
data takes away (their answers, attendance, hours and reminder choices, and those of
their guardians' addresses)."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from yoc.accounts.models import User
from yoc.participation.models import MeetingAttendance, MeetingRsvp, ReminderChoice, ServiceHours
from yoc.participation.services.choices import guardian_key

# Each section of the download, and the tables it is read from.
SECTIONS: dict[str, tuple[type, ...]] = {
    "meetings": (MeetingRsvp, MeetingAttendance),
    "service_hours": (ServiceHours,),
    "reminder_choices": (ReminderChoice,),
}


async def export(member: User) -> dict[str, Any]:
    answers = await MeetingRsvp.filter(member=member).select_related("meeting__cohort")
    marks = await MeetingAttendance.filter(member=member).select_related("meeting__cohort")
    meetings: dict[int, dict[str, Any]] = {}
    for row in [*answers, *marks]:
        m = row.meeting
        meetings.setdefault(
            m.id,
            {
                "group": m.cohort.name,
                "starts_at": m.starts_at,
                "place": m.place,
                "topic": m.topic,
                "answer": None,
                "attendance": None,
            },
        )
    for row in answers:
        meetings[row.meeting_id]["answer"] = row.answer
    for row in marks:
        meetings[row.meeting_id]["attendance"] = row.presence
    hours = await ServiceHours.filter(member=member).order_by("served_on", "id")
    choices = await ReminderChoice.filter(user=member).first()
    return {
        "meetings": sorted(meetings.values(), key=lambda m: m["starts_at"]),
        "service_hours": [
            {
                "served_on": h.served_on,
                "minutes": h.minutes,
                "organisation": h.organisation,
                "description": h.description,
                "state": h.state,
                "reviewed_by": h.reviewer_name,
                "reviewed_at": h.reviewed_at,
                "reason": h.reason,
                "logged_at": h.created_at,
            }
            for h in hours
        ],
        "reminder_choices": None
        if choices is None
        else {
            "due_dates": choices.due_dates,
            "speeches": choices.speeches,
            "meetings": choices.meetings,
        },
    }


async def erase(member: User, guardian_emails: list[str]) -> None:
    """Her answers, attendance, hours and reminder choices go; so do the reminder
    choices kept under her guardians' addresses."""
    async with in_transaction():
        await MeetingRsvp.filter(member=member).delete()
        await MeetingAttendance.filter(member=member).delete()
        await ServiceHours.filter(member=member).delete()
        await ReminderChoice.filter(user=member).delete()
        owners = [guardian_key(e) for e in guardian_emails if e]
        if owners:
            await ReminderChoice.filter(owner__in=owners).delete()
