"""Signed-in sessions: the idle timeout, the list a person sees, ending them, and proving
again who one is before a sensitive action."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from yoc.accounts.enums import Role
from yoc.accounts.models import User, UserSession
from yoc.errors import NotFound
from yoc.i18n import N_
from yoc.security import hash_token
from yoc.settings import Settings
from yoc.timeutil import utcnow

# Last activity is written at most this often per session, not on every request.
SEEN_EVERY = timedelta(minutes=1)


def idle_limit(role: Role, settings: Settings) -> timedelta:
    """How long a session of ``role`` may go without a request."""
    seconds = settings.idle_timeout_member if role == Role.MEMBER else settings.idle_timeout_staff
    return timedelta(seconds=seconds)


async def active_session(key: str, *, settings: Settings) -> UserSession | None:
    """The live session for ``key`` with its user, or None when it has expired, sat idle
    too long or belongs to a deactivated account. Every signed-in request runs this."""
    now = utcnow()
    found = (
        await UserSession.filter(key_hash=hash_token(key), expires_at__gt=now, user__is_active=True)
        .select_related("user")
        .first()
    )
    if found is None:
        return None
    seen = found.last_seen_at or found.created_at
    if now - seen > idle_limit(found.user.role, settings):
        await UserSession.filter(id=found.id).delete()
        return None
    if now - seen > SEEN_EVERY:
        await UserSession.filter(id=found.id).update(last_seen_at=now)
        found.last_seen_at = now
    return found


def is_recent(found: UserSession | None, settings: Settings) -> bool:
    """Whether the person proved who they are in this session within
    ``settings.reauth_seconds``."""
    if found is None or found.authenticated_at is None:
        return False
    return utcnow() - found.authenticated_at <= timedelta(seconds=settings.reauth_seconds)


async def renew(found: UserSession, *, new_key: str, second_factor: bool = False) -> None:
    """The person proved who they are again: a new key (the old cookie is worth nothing),
    and the time."""
    now = utcnow()
    changes: dict = {"key_hash": hash_token(new_key), "authenticated_at": now, "last_seen_at": now}
    if second_factor:
        changes["second_factor_at"] = now
    await UserSession.filter(id=found.id).update(**changes)
    for name, value in changes.items():
        setattr(found, name, value)


async def note_second_factor(key: str) -> None:
    """This session has seen a second factor (at sign-in, or by setting one up)."""
    await UserSession.filter(key_hash=hash_token(key)).update(second_factor_at=utcnow())


def needs_second_factor(found: UserSession, settings: Settings) -> bool:
    """Whether this session must set up two-factor sign-in before anything else: its
    person's role requires it, and no second factor was shown here."""
    return found.second_factor_at is None and found.user.role in settings.require_two_factor_for


# The list on the account page ------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    id: int
    device: str
    user_agent: str
    started: datetime
    last_active: datetime
    current: bool


async def list_sessions(user: User, *, current_key: str | None) -> list[SessionView]:
    """``user``'s live sessions, this one first, then the most recently active."""
    current_hash = hash_token(current_key) if current_key else ""
    rows = await UserSession.filter(user=user, expires_at__gt=utcnow())
    views = [
        SessionView(
            id=row.id,
            device=describe_device(row.user_agent),
            user_agent=row.user_agent,
            started=row.created_at,
            last_active=row.last_seen_at or row.created_at,
            current=row.key_hash == current_hash,
        )
        for row in rows
    ]
    return sorted(views, key=lambda v: (not v.current, -v.last_active.timestamp()))


async def end_session_of(user: User, session_id: int) -> None:
    """End one of ``user``'s sessions (someone else's is "not found")."""
    if not await UserSession.filter(id=session_id, user=user).delete():
        raise NotFound(N_("We could not find that session."), "not_found")


async def end_other_sessions(user: User, *, current_key: str) -> int:
    """Sign ``user`` out everywhere but here; the number of sessions ended."""
    return await UserSession.filter(user=user).exclude(key_hash=hash_token(current_key)).delete()


_BROWSERS = [
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
]
_SYSTEMS = [
    ("Android", re.compile(r"Android")),
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Macintosh|Mac OS X")),
    ("Linux", re.compile(r"Linux")),
]


def describe_device(user_agent: str) -> str:
    """A short name for a browser ("Chrome, Android"), or "" when it is not recognised."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return ", ".join(part for part in (browser, system) if part)
