"""Consent: what a guardian (or an adult member) agreed to, when, and to which words."""

from __future__ import annotations

from datetime import timedelta

from tortoise.transactions import in_transaction

from yoc import audit, mail
from yoc.accounts.models import User
from yoc.errors import DomainError, NotFound
from yoc.i18n import N_
from yoc.members import consent_texts
from yoc.members.enums import ConsentPurpose, ConsentSource, PublicNameChoice
from yoc.members.models import ConsentRecord, ConsentRequest, Guardian, MemberProfile
from yoc.members.services.standing import is_minor, update_status
from yoc.security import hash_token, new_token
from yoc.settings import Settings
from yoc.timeutil import utcnow

REQUEST_MAX_AGE = timedelta(days=14)
LINK_INVALID = N_(
    "This link has expired or has already been used. Please ask the YO-C team for a new one."
)


async def _record(
    member: User,
    purpose: ConsentPurpose,
    granted: bool,
    *,
    source: ConsentSource,
    by_name: str,
    language: str,
    guardian: Guardian | None = None,
    public_name_choice: PublicNameChoice | None = None,
    nickname: str = "",
) -> ConsentRecord:
    return await ConsentRecord.create(
        member=member,
        purpose=purpose,
        granted=granted,
        source=source,
        guardian=guardian,
        granted_by_name=by_name,
        text_version=consent_texts.VERSION,
        text_language=language,
        public_name_choice=public_name_choice,
        nickname=nickname,
    )


async def send_request(guardian: Guardian, member: User, *, settings: Settings) -> None:
    """Email the guardian a one-time link to the consent page, in their language."""
    token = new_token()
    await ConsentRequest.create(
        guardian=guardian, token_hash=hash_token(token), expires_at=utcnow() + REQUEST_MAX_AGE
    )
    await mail.queue_mail(
        to=guardian.email,
        template="guardian_consent",
        language=guardian.language,
        context={
            "guardian_name": guardian.name,
            "member_name": member.name,
            "link": f"{settings.base_url}/consent/{token}",
            "days": REQUEST_MAX_AGE.days,
        },
    )


async def open_request(token: str) -> ConsentRequest:
    request = (
        await ConsentRequest.filter(token_hash=hash_token(token))
        .select_related("guardian", "guardian__member")
        .first()
    )
    if request is None or request.used_at is not None or request.expires_at <= utcnow():
        raise DomainError(LINK_INVALID, "link_invalid")
    return request


async def guardian_decides(
    token: str,
    *,
    participation: bool,
    photo_release: bool,
    text_messages: bool,
    public_name_choice: PublicNameChoice,
    nickname: str,
    language: str,
) -> ConsentRequest:
    """Record a guardian's answers from the consent page; the link then stops working."""
    request = await open_request(token)
    guardian: Guardian = request.guardian
    member: User = guardian.member
    async with in_transaction():
        if not await ConsentRequest.filter(id=request.id, used_at__isnull=True).update(
            used_at=utcnow()
        ):
            raise DomainError(LINK_INVALID, "link_invalid")
        by = guardian.name
        common = {
            "source": ConsentSource.GUARDIAN,
            "by_name": by,
            "language": language,
            "guardian": guardian,
        }
        await _record(member, ConsentPurpose.PARTICIPATION, participation, **common)
        if participation:
            await _record(member, ConsentPurpose.PHOTO_RELEASE, photo_release, **common)
            await _record(member, ConsentPurpose.TEXT_MESSAGES, text_messages, **common)
            await _record(
                member,
                ConsentPurpose.PUBLIC_NAME,
                True,
                **common,
                public_name_choice=public_name_choice,
                nickname=nickname,
            )
            await MemberProfile.filter(user=member).update(
                public_name_choice=public_name_choice, nickname=nickname
            )
        await update_status(member)
        await audit.record(
            actor=None,
            actor_label="guardian, through the emailed link",
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=True,
            relationship=guardian.relationship.value,
            participation=participation,
            photo_release=photo_release,
            text_messages=text_messages,
            public_name=public_name_choice.value,
        )
    return request


async def member_consents_for_self(member: User, *, language: str) -> None:
    """An adult member agrees to take part, for themselves."""
    await _record(
        member,
        ConsentPurpose.PARTICIPATION,
        True,
        source=ConsentSource.MEMBER,
        by_name=member.name,
        language=language,
    )


async def set_own(
    member: User, purpose: ConsentPurpose, granted: bool, *, language: str
) -> ConsentRecord:
    """An adult member decides for themselves about photos, texts or their public name."""
    return await _record(
        member,
        purpose,
        granted,
        source=ConsentSource.MEMBER,
        by_name=member.name,
        language=language,
    )


async def revoke(*, actor: User, member: User, purpose: ConsentPurpose) -> None:
    """Withdraw a consent. Anyone entitled to see it may withdraw it; granting is stricter."""
    async with in_transaction():
        changed = await ConsentRecord.filter(
            member=member, purpose=purpose, revoked_at__isnull=True
        ).update(revoked_at=utcnow(), revoked_by_name=actor.name)
        if not changed:
            raise NotFound(N_("There is no consent to withdraw."), "not_found")
        await update_status(member)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=await is_minor(member),
            revoked=purpose.value,
        )


async def guardian_of(member: User, guardian_id: int) -> Guardian:
    """One of the member's guardians; another member's guardian is not found."""
    guardian = await Guardian.get_or_none(id=guardian_id, member=member)
    if guardian is None:
        raise NotFound(N_("We could not find that guardian."), "not_found")
    return guardian


async def record_paper_consent(
    *,
    actor: User,
    member: User,
    guardian: Guardian,
    photo_release: bool,
    text_messages: bool,
    public_name_choice: PublicNameChoice,
    nickname: str,
) -> None:
    """Staff record a consent form that a guardian signed on paper."""
    async with in_transaction():
        by = guardian.name  # who signed; who recorded it is in the audit log
        common = {
            "source": ConsentSource.STAFF,
            "by_name": by,
            "language": guardian.language,
            "guardian": guardian,
        }
        await _record(member, ConsentPurpose.PARTICIPATION, True, **common)
        await _record(member, ConsentPurpose.PHOTO_RELEASE, photo_release, **common)
        await _record(member, ConsentPurpose.TEXT_MESSAGES, text_messages, **common)
        await _record(
            member,
            ConsentPurpose.PUBLIC_NAME,
            True,
            **common,
            public_name_choice=public_name_choice,
            nickname=nickname,
        )
        await MemberProfile.filter(user=member).update(
            public_name_choice=public_name_choice, nickname=nickname
        )
        await update_status(member)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=True,
            paper_form=True,
        )
