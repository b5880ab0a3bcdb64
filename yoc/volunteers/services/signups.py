"""Putting people on shifts and taking them off: members and mentors from their
dashboard, adults without an account from the public event page, and staff for anyone.

A shift never takes more people than it needs, on SQLite or on PostgreSQL with many
workers: its ``taken`` count is raised by one conditional update (``WHERE taken <
needed``) in the transaction that adds the person, so of two people for the last place,
one gets it. Unique constraints keep a person (account or email) on a shift once.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from yoc import mail
from yoc.accounts.models import User
from yoc.errors import Conflict, NotFound, ValidationFailed
from yoc.forms import clean_email
from yoc.i18n import N_
from yoc.settings import Settings
from yoc.timeutil import utcnow
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import links, reminders, rules

FULL = N_("This shift is full. Choose another one.")
ALREADY = N_("You are already on this shift.")
STARTED = N_("This shift has already started.")
BUSY = N_("You are already on another shift at that time.")
LINK_INVALID = N_("This link does not work any more: the shift may have been cancelled.")


async def from_token(token: str, settings: Settings) -> ShiftSignup:
    """The sign-up a cancel link names, with its shift and event."""
    signup_id = links.signup_id_in(token, settings)
    found = None
    if signup_id is not None:
        found = await ShiftSignup.get_or_none(id=signup_id).select_related("shift__event")
    if found is None:
        raise NotFound(LINK_INVALID, "not_found")
    return found


@dataclass(frozen=True)
class Guest:
    """An adult without an account."""

    name: str
    email: str
    phone: str = ""
    language: str = "en"


async def sign_up_member(
    shift: Shift, user: User, *, settings: Settings, added_by: str = "self"
) -> ShiftSignup:
    """Put a member (or mentor) on ``shift`` (with its event loaded), within the rules
    for minors; they get a confirmation in their language."""
    if await ShiftSignup.filter(shift_id=shift.id, user_id=user.id).exists():
        raise Conflict(ALREADY, "already_signed_up")
    await rules.check_person(shift, user)
    mine = ShiftSignup.filter(user_id=user.id).exclude(shift_id=shift.id)
    if await mine.filter(
        shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at
    ).exists():
        raise Conflict(BUSY, "busy")
    signup = await _place(shift, user_id=user.id, language=user.language, added_by=added_by)
    await _confirm(signup, shift, to=user.email, name=user.name, settings=settings)
    return signup


async def sign_up_guest(
    shift: Shift, guest: Guest, *, settings: Settings, added_by: str = "self"
) -> ShiftSignup | None:
    """Put an adult without an account on ``shift``; they get a confirmation with a
    link to cancel. For an address already on the shift, nothing changes and None is
    returned (the page says the same either way, so it tells nobody who signed up)."""
    email = guest.email.strip().lower()
    if await ShiftSignup.filter(shift_id=shift.id, email=email).exists():
        return None
    try:
        signup = await _place(
            shift,
            name=guest.name,
            email=email,
            phone=guest.phone,
            language=guest.language,
            added_by=added_by,
        )
    except Conflict as error:
        if error.code == "already_signed_up":
            return None
        raise
    await _confirm(signup, shift, to=email, name=guest.name, settings=settings)
    return signup


async def _place(shift: Shift, **fields: object) -> ShiftSignup:
    if shift.starts_at <= utcnow():
        raise Conflict(STARTED, "shift_started")
    # Within a day of the shift, the confirmation is the reminder.
    reminded = utcnow() if reminders.due_by(shift, utcnow()) else None
    try:
        async with in_transaction() as conn:
            took = (
                await Shift.filter(id=shift.id, taken__lt=F("needed"))
                .using_db(conn)
                .update(taken=F("taken") + 1)
            )
            if not took:
                raise Conflict(FULL, "shift_full")
            return await ShiftSignup.create(
                using_db=conn, shift_id=shift.id, reminded_at=reminded, **fields
            )
    except IntegrityError:
        # The same person at the same moment in two tabs: the transaction is undone.
        raise Conflict(ALREADY, "already_signed_up") from None


async def _confirm(
    signup: ShiftSignup, shift: Shift, *, to: str, name: str, settings: Settings
) -> None:
    await mail.queue_mail(
        to=to,
        template="shift_confirmed",
        language=signup.language,
        context={
            "name": name,
            "shift": shift,
            "event": shift.event,
            "cancel_link": links.cancel_link(signup.id, settings) if signup.user_id is None else "",
            "dashboard_link": f"{settings.base_url}/me/shifts" if signup.user_id else "",
        },
    )


async def cancel(signup: ShiftSignup) -> bool:
    """Take someone off a shift; False if they were not on it any more."""
    async with in_transaction() as conn:
        return await _cancel(signup, conn)


async def _cancel(signup: ShiftSignup, conn: BaseDBAsyncClient) -> bool:
    gone = await ShiftSignup.filter(id=signup.id).using_db(conn).delete()
    if gone:
        await (
            Shift.filter(id=signup.shift_id, taken__gt=0)
            .using_db(conn)
            .update(taken=F("taken") - 1)
        )
    return bool(gone)


async def take_off(signup: ShiftSignup, *, settings: Settings) -> bool:
    """Staff take someone off a shift; False if they were not on it any more. The person
    is told in the same transaction."""
    shift = await Shift.get(id=signup.shift_id).select_related("event")
    async with in_transaction() as conn:
        gone = await _cancel(signup, conn)
        if gone:
            await tell_taken_off(signup, shift, settings=settings, shift_removed=False)
    return gone


async def tell_taken_off(
    signup: ShiftSignup, shift: Shift, *, settings: Settings, shift_removed: bool
) -> None:
    """Write, in their language, to someone whom staff took off ``shift`` or whose shift
    they removed (``shift.event`` loaded): unless it has ended, nobody should come to a
    place where they are no longer expected. A person added by name alone has no
    address; staff have their phone on the roster."""
    if shift.ends_at <= utcnow():
        return
    user = await User.get_or_none(id=signup.user_id) if signup.user_id else None
    to = user.email if user else signup.email
    if not to:
        return
    await mail.queue_mail(
        to=to,
        template="shift_cancelled",
        language=user.language if user else signup.language,
        context={
            "name": user.name if user else signup.name,
            "shift": shift,
            "event": shift.event,
            "shift_removed": shift_removed,
            "contact_email": settings.contact_email,
            "contact_mailto": f"mailto:{settings.contact_email}",
            "contact_phone": settings.contact_phone,
            "dashboard_link": f"{settings.base_url}/me/shifts" if user else "",
            "volunteer_link": ""
            if user
            else f"{settings.base_url}/events/{shift.event.slug}/volunteer",
        },
    )


async def cancel_own(user: User, signup_id: int) -> ShiftSignup:
    """A member takes themself off one of their shifts (before it starts)."""
    signup = await ShiftSignup.get_or_none(id=signup_id, user_id=user.id).select_related(
        "shift__event"
    )
    if signup is None:
        raise NotFound(N_("You are not on that shift."), "not_found")
    if signup.shift.starts_at <= utcnow():
        raise Conflict(STARTED, "shift_started")
    await cancel(signup)
    return signup


async def get_signup(signup_id: int) -> ShiftSignup:
    signup = await ShiftSignup.get_or_none(id=signup_id).select_related("shift__event")
    if signup is None:
        raise NotFound(N_("That person is not on the shift any more."), "not_found")
    return signup


async def set_no_show(signup: ShiftSignup, no_show: bool) -> None:
    """Staff say someone did not come (their hours do not count), or did after all."""
    await ShiftSignup.filter(id=signup.id).update(no_show=no_show)


async def staff_add(
    shift: Shift,
    *,
    email: str,
    name: str,
    phone: str,
    language: str,
    actor: User,
    settings: Settings,
) -> ShiftSignup | None:
    """Staff put someone on a shift (the same rules and places as anyone's sign-up): the
    account with ``email`` if there is one, else an adult without an account."""
    label = f"{actor.name} <{actor.email}>"
    address = email.strip().lower()
    user = await User.get_or_none(email=address, is_active=True) if address else None
    if user is not None:
        return await sign_up_member(shift, user, settings=settings, added_by=label)
    if not name:
        raise ValidationFailed(
            {"name": N_("No account has this email: write the person's name to add them.")}
        )
    if address:
        try:
            address = clean_email(address)
        except ValueError as error:
            raise ValidationFailed({"email": str(error)}) from None
    guest = Guest(name=name, email=address, phone=phone, language=language)
    if not address:
        # No address: nobody to write to, and nothing to keep them on the shift once.
        return await _place(shift, name=name, phone=phone, language=language, added_by=label)
    return await sign_up_guest(shift, guest, settings=settings, added_by=label)
