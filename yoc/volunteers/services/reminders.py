"""Reminders the day before a shift: sent by the jobs worker, in each person's
language, once. "The day before" is the 24 hours before the shift starts; whoever signs
up within them gets no reminder (their confirmation just came)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from yoc import mail
from yoc.settings import Settings
from yoc.timeutil import utcnow
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import links

AHEAD = timedelta(hours=24)


def due_by(shift: Shift, now: datetime) -> bool:
    """Whether the reminder of ``shift`` is due at ``now``."""
    return shift.starts_at - AHEAD <= now


async def send_due(settings: Settings, *, now: datetime | None = None) -> int:
    """Queue the reminders now due; how many. Each is claimed by a conditional update
    in the transaction that queues it, so two workers never send one twice."""
    now = now or utcnow()
    due = await ShiftSignup.filter(
        reminded_at__isnull=True,
        shift__starts_at__gt=now,
        shift__starts_at__lte=now + AHEAD,
    ).select_related("shift__event", "user")
    sent = 0
    for signup in due:
        # The mail is queued in the claim's transaction: both happen, or neither.
        async with in_transaction() as conn:
            claimed = (
                await ShiftSignup.filter(id=signup.id, reminded_at__isnull=True)
                .using_db(conn)
                .update(reminded_at=now)
            )
            if not claimed:
                continue  # another worker has it
            await _remind(signup, settings)
            sent += 1
    return sent


async def _remind(signup: ShiftSignup, settings: Settings) -> None:
    user = signup.user
    await mail.queue_mail(
        to=user.email if user else signup.email,
        template="shift_reminder",
        language=user.language if user else signup.language,
        context={
            "name": user.name if user else signup.name,
            "shift": signup.shift,
            "event": signup.shift.event,
            "cancel_link": "" if user else links.cancel_link(signup.id, settings),
            "dashboard_link": f"{settings.base_url}/me/shifts" if user else "",
        },
    )
