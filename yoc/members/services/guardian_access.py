"""Guardians sign in to the family page with a link emailed to their address: no password
and no user account. The link works once, for a short time; the session is a row of its
own, named by a random key whose hash alone is stored, like every token here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from yoc import mail
from yoc.errors import DomainError
from yoc.i18n import N_
from yoc.members.models import Guardian, GuardianLink, GuardianSession
from yoc.members.services.guardianship import guardianships
from yoc.ratelimit import RateLimiter
from yoc.security import hash_token, new_token
from yoc.settings import Settings
from yoc.timeutil import utcnow

LINK_MAX_AGE = timedelta(minutes=30)
SESSION_MAX_AGE = timedelta(hours=12)
# Links asked for one address in an hour: enough for a lost email, too few to flood a
# family's inbox from someone else's keyboard.
LINKS_PER_HOUR = 5
LINK_INVALID = N_(
    "This sign-in link has expired or has already been used. Ask for a new one below."
)


@dataclass(frozen=True)
class Visitor:
    """A guardian signed in on the family page: known by their email address."""

    email: str
    name: str
    language: str


def _clean(email: str) -> str:
    return email.strip().lower()


async def request_link(email: str, *, settings: Settings, limiter: RateLimiter) -> None:
    """Email a sign-in link if the address is a guardian's of a current member; say
    nothing either way, so the page never tells who is a guardian here."""
    email = _clean(email)
    verdict = await limiter.hit(f"guardian-link:{email}", limit=LINKS_PER_HOUR, window=3600)
    if not verdict.allowed:
        return
    found = await guardianships(email)
    if not found:
        return
    token = new_token()
    await GuardianLink.create(
        email=email, token_hash=hash_token(token), expires_at=utcnow() + LINK_MAX_AGE
    )
    guardian = found[0].guardian
    await mail.queue_mail(
        to=email,
        template="guardian_sign_in",
        language=guardian.language,
        context={
            "name": guardian.name,
            "link": f"{settings.base_url}/family/sign-in/{token}",
            "minutes": int(LINK_MAX_AGE.total_seconds() // 60),
        },
    )


async def _valid_link(token: str) -> GuardianLink:
    link = await GuardianLink.get_or_none(token_hash=hash_token(token))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise DomainError(LINK_INVALID, "link_invalid")
    return link


async def check_link(token: str) -> Visitor:
    """Who a sign-in link is for, while it can still be used (it is not used up here:
    mail scanners open links too)."""
    link = await _valid_link(token)
    visitor = await _visitor(link.email)
    if visitor is None:
        raise DomainError(LINK_INVALID, "link_invalid")
    return visitor


async def link_language(token: str) -> str | None:
    """The language of the guardian a link was sent to, even once it no longer works (so
    that the page saying so speaks the email's language)."""
    link = await GuardianLink.get_or_none(token_hash=hash_token(token))
    visitor = await _visitor(link.email) if link else None
    return visitor.language if visitor else None


async def sign_in(token: str) -> str:
    """Use a sign-in link, once; return the key of a new session."""
    link = await _valid_link(token)
    key = new_token()
    async with in_transaction():
        # The conditional update makes the link single-use, even when two requests race.
        if not await GuardianLink.filter(id=link.id, used_at__isnull=True).update(used_at=utcnow()):
            raise DomainError(LINK_INVALID, "link_invalid")
        await GuardianSession.create(
            key_hash=hash_token(key), email=link.email, expires_at=utcnow() + SESSION_MAX_AGE
        )
    return key


async def _visitor(email: str) -> Visitor | None:
    guardian = await Guardian.filter(email__iexact=email).exclude(email="").order_by("-id").first()
    if guardian is None:
        return None
    return Visitor(email=email, name=guardian.name, language=guardian.language)


async def visitor_for_session(key: str | None) -> Visitor | None:
    """The guardian signed in with this session key, or None (unknown or expired)."""
    if not key:
        return None
    session = await GuardianSession.get_or_none(key_hash=hash_token(key), expires_at__gt=utcnow())
    return await _visitor(session.email) if session else None


async def sign_out(key: str | None) -> None:
    if key:
        await GuardianSession.filter(key_hash=hash_token(key)).delete()


async def forget_address(email: str) -> None:
    """An address that is no longer any member's guardian keeps no links or sessions."""
    if not await Guardian.filter(email__iexact=email).exists():
        await GuardianLink.filter(email=_clean(email)).delete()
        await GuardianSession.filter(email=_clean(email)).delete()
