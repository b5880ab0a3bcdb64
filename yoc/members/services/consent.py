"""Consent: what a guardian (or an adult member) agreed to, when, and to which words.

Every answer of a guardian goes through ``guardian_answers``. A "no" is in force at once.
A "yes" to photos or a public name waits until staff have confirmed the guardian (a teen
can make up an email address, not a phone call with the YO-C team). A "yes" that would
overrule another guardian's "no" is not applied: it is held as a conflict for staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tortoise.transactions import in_transaction

from yoc import audit, mail
from yoc.accounts.models import User
from yoc.errors import DomainError, NotFound
from yoc.i18n import N_
from yoc.members import consent_texts
from yoc.members.enums import (
    NEEDS_CONFIRMED_GUARDIAN,
    ConsentPurpose,
    ConsentSource,
    ContactMethod,
    PublicNameChoice,
)
from yoc.members.models import (
    ConsentConflict,
    ConsentRecord,
    ConsentRequest,
    Guardian,
    MemberProfile,
)
from yoc.members.services.standing import consents_in_force, is_minor, update_status
from yoc.security import hash_token, new_token
from yoc.settings import Settings
from yoc.timeutil import utcnow

REQUEST_MAX_AGE = timedelta(days=14)
LINK_INVALID = N_(
    "This link has expired or has already been used. Please ask the YO-C team for a new one."
)
ANSWERED_ELSEWHERE = N_(
    "Another parent or guardian has already answered for %(name)s. You can see the "
    "answers on the family page, and the YO-C team can help with any change."
)


class Outcome(StrEnum):
    """What became of one answer."""

    APPLIED = "applied"  # in force now
    AWAITS_CONFIRMATION = "awaits_confirmation"  # in force once staff confirm the guardian
    HELD = "held"  # it contradicts another guardian's answer: staff decide
    UNCHANGED = "unchanged"  # this guardian's same answer was already in force


def exposure(purpose: ConsentPurpose, granted: bool, choice: PublicNameChoice | None) -> int:
    """How much an answer lets the world see of the member: more is a stronger yes."""
    if not granted:
        return 0
    if purpose == ConsentPurpose.PUBLIC_NAME and choice == PublicNameChoice.FULL_NAME:
        return 2
    return 1


async def record_decision(
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
    awaits_confirmation: bool = False,
    method: ContactMethod | None = None,
    decided_on: date | None = None,
    recorded_by_name: str = "",
    text_version: str = consent_texts.VERSION,
) -> ConsentRecord:
    """Write one decision; a "no" also withdraws the earlier yes answers to its purpose."""
    record = await ConsentRecord.create(
        member=member,
        purpose=purpose,
        granted=granted,
        source=source,
        guardian=guardian,
        granted_by_name=by_name,
        text_version=text_version,
        text_language=language,
        public_name_choice=public_name_choice,
        nickname=nickname,
        awaits_confirmation=awaits_confirmation,
        method=method,
        decided_on=decided_on,
        recorded_by_name=recorded_by_name,
    )
    if not granted:
        await (
            ConsentRecord.filter(
                member=member, purpose=purpose, granted=True, revoked_at__isnull=True
            )
            .exclude(id=record.id)
            .update(revoked_at=utcnow(), revoked_by_name=by_name)
        )
    if purpose == ConsentPurpose.PUBLIC_NAME:
        # The profile keeps a copy of the latest choice (for the member's data export);
        # what public pages show follows the records in force.
        await MemberProfile.filter(user=member).update(
            public_name_choice=public_name_choice
            if granted and public_name_choice
            else PublicNameChoice.FIRST_NAME_LAST_INITIAL,
            nickname=nickname if granted else "",
        )
    return record


def _same_answer(record: ConsentRecord, granted: bool, choice, nickname: str) -> bool:
    if record.granted != granted:
        return False
    if granted and record.purpose == ConsentPurpose.PUBLIC_NAME:
        return (record.public_name_choice, record.nickname) == (choice, nickname)
    return True


async def guardian_answers(
    guardian: Guardian,
    purpose: ConsentPurpose,
    granted: bool,
    *,
    language: str,
    public_name_choice: PublicNameChoice | None = None,
    nickname: str = "",
) -> Outcome:
    """One guardian's answer about one purpose, from the emailed form or the family page."""
    member: User = await guardian.member
    if purpose != ConsentPurpose.PUBLIC_NAME or not granted:
        public_name_choice, nickname = None, ""
    else:
        public_name_choice = public_name_choice or PublicNameChoice.FIRST_NAME_LAST_INITIAL
        if public_name_choice != PublicNameChoice.NICKNAME:
            nickname = ""
    in_force = (await consents_in_force(member)).get(purpose)
    if (
        in_force is not None
        and in_force.guardian_id == guardian.id
        and _same_answer(in_force, granted, public_name_choice, nickname)
    ):
        return Outcome.UNCHANGED
    if (
        in_force is not None
        and in_force.guardian_id not in (None, guardian.id)
        and exposure(purpose, granted, public_name_choice)
        > exposure(purpose, in_force.granted, in_force.public_name_choice)
    ):
        await ConsentConflict.create(
            member=member,
            purpose=purpose,
            guardian=guardian,
            by_name=guardian.name,
            granted=granted,
            public_name_choice=public_name_choice,
            nickname=nickname,
            text_version=consent_texts.VERSION,
            text_language=language,
            standing=in_force,
        )
        return Outcome.HELD
    awaits = granted and purpose in NEEDS_CONFIRMED_GUARDIAN and not guardian.confirmed
    await record_decision(
        member,
        purpose,
        granted,
        source=ConsentSource.GUARDIAN,
        by_name=guardian.name,
        language=language,
        guardian=guardian,
        public_name_choice=public_name_choice,
        nickname=nickname,
        awaits_confirmation=awaits,
    )
    return Outcome.AWAITS_CONFIRMATION if awaits else Outcome.APPLIED


# The emailed form ----------------------------------------------------------------------


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
            "family_link": f"{settings.base_url}/family/sign-in",
            "days": REQUEST_MAX_AGE.days,
            "contact_email": settings.contact_email,
            "contact_mailto": f"mailto:{settings.contact_email}",
            "contact_phone": settings.contact_phone,
            "contact_tel": settings.contact_phone_uri,
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
    if request.cancelled_at is not None:
        raise DomainError(
            ANSWERED_ELSEWHERE, "answered_elsewhere", name=request.guardian.member.name
        )
    return request


async def _cancel_pending_links(member: User, *, but: int | None = None) -> None:
    """Once the form is answered (by a guardian or on paper), the other links stop working:
    a later answer has to come through staff or the family page, where it cannot silently
    overrule the first."""
    pending = ConsentRequest.filter(
        guardian__member_id=member.id, used_at__isnull=True, cancelled_at__isnull=True
    )
    if but is not None:
        pending = pending.exclude(id=but)
    ids = await pending.values_list("id", flat=True)
    if ids:
        await ConsentRequest.filter(id__in=list(ids)).update(cancelled_at=utcnow())


@dataclass
class Answered:
    """A guardian's answer to the emailed form, purpose by purpose."""

    member: User
    outcomes: dict[ConsentPurpose, Outcome]

    @property
    def held(self) -> list[ConsentPurpose]:
        return [p for p, o in self.outcomes.items() if o == Outcome.HELD]

    @property
    def awaiting(self) -> bool:
        return Outcome.AWAITS_CONFIRMATION in self.outcomes.values()


async def guardian_decides(
    token: str,
    *,
    participation: bool,
    photo_release: bool,
    text_messages: bool,
    public_name_choice: PublicNameChoice,
    nickname: str,
    language: str,
) -> Answered:
    """Record a guardian's answers from the consent page; the link then stops working,
    and so do the other guardians' links for this member."""
    request = await open_request(token)
    guardian: Guardian = request.guardian
    member: User = guardian.member
    async with in_transaction():
        if not await ConsentRequest.filter(
            id=request.id, used_at__isnull=True, cancelled_at__isnull=True
        ).update(used_at=utcnow()):
            raise DomainError(LINK_INVALID, "link_invalid")
        await _cancel_pending_links(member, but=request.id)
        answers: list[tuple[ConsentPurpose, bool, dict]] = [
            (ConsentPurpose.PARTICIPATION, participation, {})
        ]
        if participation:
            answers += [
                (ConsentPurpose.PHOTO_RELEASE, photo_release, {}),
                (ConsentPurpose.TEXT_MESSAGES, text_messages, {}),
                (
                    ConsentPurpose.PUBLIC_NAME,
                    True,
                    {"public_name_choice": public_name_choice, "nickname": nickname},
                ),
            ]
        outcomes = {
            purpose: await guardian_answers(guardian, purpose, granted, language=language, **more)
            for purpose, granted, more in answers
        }
        await update_status(member)
        await audit.record(
            actor=None,
            # No name: whoever opened the emailed link (shown as "a parent or guardian").
            actor_label="guardian",
            via="emailed_link",
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=True,
            relationship=guardian.relationship.value,
            participation=participation,
            photo_release=photo_release,
            text_messages=text_messages,
            public_name=public_name_choice.value,
            outcomes={p.value: o.value for p, o in outcomes.items()},
        )
    return Answered(member, outcomes)


# Adults, for themselves ------------------------------------------------------------------


async def member_consents_for_self(member: User, *, language: str) -> None:
    """An adult member agrees to take part, for themselves."""
    await record_decision(
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
    return await record_decision(
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


# Staff ------------------------------------------------------------------------------------


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
    """Staff record a consent form that a guardian signed on paper. Staff saw the signed
    form, so it also confirms the guardian, and it ends the pending emailed links."""
    async with in_transaction():
        if not guardian.confirmed:
            guardian.confirmed_at = utcnow()
            guardian.confirmed_by_name = actor.name
            guardian.confirmation_method = ContactMethod.PAPER
            await guardian.save(
                update_fields=["confirmed_at", "confirmed_by_name", "confirmation_method"]
            )
        await _cancel_pending_links(member)
        by = guardian.name  # who signed; who recorded it is in the audit log
        common = {
            "source": ConsentSource.STAFF,
            "by_name": by,
            "language": guardian.language,
            "guardian": guardian,
            "method": ContactMethod.PAPER,
            "recorded_by_name": actor.name,
        }
        await record_decision(member, ConsentPurpose.PARTICIPATION, True, **common)
        await record_decision(member, ConsentPurpose.PHOTO_RELEASE, photo_release, **common)
        await record_decision(member, ConsentPurpose.TEXT_MESSAGES, text_messages, **common)
        await record_decision(
            member,
            ConsentPurpose.PUBLIC_NAME,
            True,
            **common,
            public_name_choice=public_name_choice,
            nickname=nickname,
        )
        await update_status(member)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=True,
            paper_form=True,
        )
