"""Reminders by email, sent by the worker: an assignment due in two days, a Soapbox slot
still waiting for confirmation 48 hours before, a group meeting the day before. Each goes
to the member and to the guardians who chose it, in each one's language, and once only:
its key (what, to whom) is written in the same transaction as the message, and the key
is unique, so of two workers that find it due at once only one queues it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc import i18n, mail
from yoc.accounts.models import User
from yoc.curriculum.services import assignments
from yoc.members.services.guardianship import Guardianship, guardians_to_remind
from yoc.participation.enums import ReminderKind, Rsvp
from yoc.participation.models import Meeting, MeetingRsvp, ReminderSent
from yoc.participation.services import choices
from yoc.settings import Settings
from yoc.soapbox.services import public as soapbox
from yoc.timeutil import utcnow

DUE_DAYS = 2
SPEECH_HOURS = 48


@dataclass
class Reminder:
    key: str
    kind: ReminderKind
    to: str
    language: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class _About:
    """One thing to remind a member (and their guardians) of."""

    key: str
    kind: ReminderKind
    member_id: int
    template: str
    context: dict[str, Any]
    # False: the guardians do not hear of it (a teen who keeps their progress private).
    tell_guardians: bool = True


async def _due_dates(today: datetime, base_url: str) -> list[_About]:
    found = await assignments.due_between(today.date(), today.date() + timedelta(days=DUE_DAYS))
    return [
        _About(
            f"due:{a.id}:{a.due_on.isoformat()}",
            ReminderKind.DUE_DATES,
            a.member_id,
            "reminder_due",
            {
                "title_en": a.title_en,
                "title_es": a.title_es,
                "due_on": a.due_on,
                "link": f"{base_url}/learn/modules/{a.module_id}",
            },
        )
        for a in found
    ]


async def _speeches(base_url: str) -> list[_About]:
    speeches = await soapbox.awaiting_confirmation(timedelta(hours=SPEECH_HOURS))
    return [
        _About(
            f"speech:{s.id}:{s.slot_id}",
            ReminderKind.SPEECHES,
            s.speaker_id,
            "reminder_speech",
            {
                "title": s.title,
                "starts_at": s.slot.starts_at,
                "event_en": s.slot.stage.event.name_en,
                "event_es": s.slot.stage.event.name_es,
                "venue": s.slot.stage.event.venue,
                "link": f"{base_url}/speeches/{s.id}",
            },
        )
        for s in speeches
    ]


async def _meetings(today: datetime, base_url: str) -> list[_About]:
    """Meetings of tomorrow (and any of today still to start), for each member of the
    group who has not said they cannot come."""
    until = today + timedelta(days=2)
    meetings = await Meeting.filter(
        starts_at__gt=utcnow(), starts_at__lt=until.astimezone(UTC)
    ).prefetch_related("cohort__members", "module")
    declined = set(
        await MeetingRsvp.filter(
            meeting_id__in=[m.id for m in meetings], answer=Rsvp.NO
        ).values_list("meeting_id", "member_id")
    )
    found = []
    for meeting in meetings:
        for member in meeting.cohort.members:
            if (meeting.id, member.id) in declined:
                continue
            found.append(
                _About(
                    # A meeting moved to another time is reminded of again.
                    f"meeting:{meeting.id}:{meeting.starts_at:%Y%m%d%H%M}:m{member.id}",
                    ReminderKind.MEETINGS,
                    member.id,
                    "reminder_meeting",
                    {
                        "group": meeting.cohort.name,
                        "starts_at": meeting.starts_at,
                        "place": meeting.place,
                        "topic": meeting.topic,
                        "module_en": meeting.module.title_en if meeting.module else "",
                        "module_es": meeting.module.title_es if meeting.module else "",
                        "link": f"{base_url}/meetings#meeting-{meeting.id}",
                    },
                )
            )
    return found


async def due(settings: Settings) -> list[Reminder]:
    """Every reminder due now that was not sent yet, to whoever chose it."""
    today = datetime.combine(
        datetime.now(ZoneInfo(settings.timezone)).date(), time(), ZoneInfo(settings.timezone)
    )
    base = settings.base_url
    about = [*await _due_dates(today, base), *await _speeches(base), *await _meetings(today, base)]
    member_ids = list({a.member_id for a in about})
    members = {u.id: u for u in await User.filter(id__in=member_ids, is_active=True)}
    wanted = await choices.for_members(member_ids)
    guardians = await guardians_to_remind(member_ids)
    emails = [g.guardian.email for found in guardians.values() for g in found]
    guardian_wants = await choices.for_guardians(emails)
    reminders: list[Reminder] = []
    for item in about:
        member = members.get(item.member_id)
        if member is None:
            continue
        if item.kind in wanted[member.id]:
            reminders.append(_to_member(item, member))
        for teen in guardians.get(member.id, []):
            if item.kind == ReminderKind.DUE_DATES and teen.progress_hidden:
                continue
            if item.kind in guardian_wants[teen.guardian.email.lower()]:
                reminders.append(_to_guardian(item, teen, base))
    sent = set(
        await ReminderSent.filter(key__in=[r.key for r in reminders]).values_list("key", flat=True)
    )
    return [r for r in reminders if r.key not in sent]


def _to_member(item: _About, member: User) -> Reminder:
    return Reminder(
        f"{item.key}:m",
        item.kind,
        member.email,
        member.language,
        item.template,
        {**item.context, "name": member.name, "for_guardian": False},
    )


def _to_guardian(item: _About, teen: Guardianship, base_url: str) -> Reminder:
    return Reminder(
        f"{item.key}:g{teen.guardian.id}",
        item.kind,
        teen.guardian.email.lower(),
        teen.guardian.language,
        item.template,
        {
            **item.context,
            "name": teen.guardian.name,
            "member": teen.member.name,
            "for_guardian": True,
            "link": f"{base_url}/family/teens/{teen.member.id}",
            "choices_link": f"{base_url}/family/reminders",
        },
    )


async def send_due(settings: Settings) -> int:
    """Queue every reminder that is due; how many were queued."""
    i18n.set_timezone(settings.timezone)
    queued = 0
    for reminder in await due(settings):
        try:
            async with in_transaction():
                await ReminderSent.create(key=reminder.key)
                await mail.queue_mail(
                    to=reminder.to,
                    template=reminder.template,
                    language=reminder.language,
                    context={
                        **reminder.context,
                        "choices_link": reminder.context.get(
                            "choices_link", f"{settings.base_url}/me/reminders"
                        ),
                    },
                )
        except IntegrityError:
            continue  # another worker queued it first
        queued += 1
    return queued
