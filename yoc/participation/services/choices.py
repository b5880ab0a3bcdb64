"""Which reminders each person wants. A member gets every kind until they choose; a
guardian gets none until they choose some (they did not sign up for email)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc.accounts.models import User
from yoc.participation.enums import ReminderKind
from yoc.participation.models import ReminderChoice

KINDS = [kind.value for kind in ReminderKind]


def member_key(user_id: int) -> str:
    return f"member:{user_id}"


def guardian_key(email: str) -> str:
    return f"guardian:{email.strip().lower()}"


def _chosen(row: ReminderChoice) -> set[ReminderKind]:
    return {kind for kind in ReminderKind if getattr(row, kind.value)}


async def for_member(user: User) -> set[ReminderKind]:
    return (await for_members([user.id]))[user.id]


async def for_members(user_ids: list[int]) -> dict[int, set[ReminderKind]]:
    rows = {r.user_id: r for r in await ReminderChoice.filter(user_id__in=user_ids)}
    return {i: _chosen(rows[i]) if i in rows else set(ReminderKind) for i in user_ids}


async def for_guardian(email: str) -> set[ReminderKind]:
    return (await for_guardians([email]))[email.strip().lower()]


async def for_guardians(emails: list[str]) -> dict[str, set[ReminderKind]]:
    keys = {guardian_key(e): e.strip().lower() for e in emails}
    rows = {r.owner: r for r in await ReminderChoice.filter(owner__in=list(keys))}
    return {email: _chosen(rows[key]) if key in rows else set() for key, email in keys.items()}


async def _save(owner: str, chosen: set[ReminderKind], **who: object) -> None:
    values = {kind.value: kind in chosen for kind in ReminderKind}
    if await ReminderChoice.filter(owner=owner).update(**values):
        return
    try:
        async with in_transaction():
            await ReminderChoice.create(owner=owner, **who, **values)
    except IntegrityError:
        await ReminderChoice.filter(owner=owner).update(**values)  # saved twice at once


async def choose_for_member(user: User, chosen: set[ReminderKind]) -> None:
    await _save(member_key(user.id), chosen, user=user)


async def choose_for_guardian(email: str, chosen: set[ReminderKind]) -> None:
    email = email.strip().lower()
    await _save(guardian_key(email), chosen, guardian_email=email)
