"""Who really is a member's guardian: the checks on a guardian's email, staff confirming a
guardian, the conflicts between two guardians' answers, and what staff hear by phone or on
paper. Also which guardians an email address speaks for (the family page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from yoc import audit
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from yoc.i18n import N_
from yoc.members.enums import (
    NEEDS_CONFIRMED_GUARDIAN,
    ConflictOutcome,
    ConsentPurpose,
    ConsentSource,
    ContactMethod,
)
from yoc.members.models import ConsentConflict, ConsentRecord, Guardian, MemberProfile
from yoc.members.services import consent
from yoc.members.services.access import is_staff
from yoc.members.services.standing import ADULT_AGE, age_on, is_minor, today, update_status
from yoc.timeutil import utcnow

OWN_EMAIL = N_("This is your own email. Give your parent or guardian’s email.")
# From this age a member may keep their learning progress off the family page.
HIDE_PROGRESS_AGE = 16
ACCOUNT_EMAIL = N_(
    "This email belongs to a YO-C account. Give another email for your parent or guardian, "
    "or only their phone number."
)


def _require_staff(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(N_("Only staff can do this."), "forbidden")


async def check_guardian_email(email: str, *, member_email: str, field: str = "email") -> None:
    """A guardian's email is never the member's own, nor any account's: a teen must not
    be able to answer for herself with a second address she controls."""
    if not email:
        return
    email = email.strip().lower()
    if email == member_email.strip().lower():
        raise ValidationFailed({field: OWN_EMAIL}, code="guardian_email_is_own")
    if await User.filter(email=email).exists():
        raise ValidationFailed({field: ACCOUNT_EMAIL}, code="guardian_email_is_an_account")


# Confirming a guardian ------------------------------------------------------------------


async def confirm_guardian(
    *, actor: User, member: User, guardian_id: int, method: ContactMethod, note: str
) -> Guardian:
    """Staff confirm that a guardian is who they say (a call, a signed form, a visit);
    the guardian's yes to photos and a public name then comes into force."""
    _require_staff(actor)
    guardian = await consent.guardian_of(member, guardian_id)
    if guardian.confirmed:
        raise Conflict(N_("This guardian is already confirmed."), "already_confirmed")
    async with in_transaction():
        guardian.confirmed_at = utcnow()
        guardian.confirmed_by_name = actor.name
        guardian.confirmation_method = method
        guardian.confirmation_note = note
        await guardian.save(
            update_fields=[
                "confirmed_at",
                "confirmed_by_name",
                "confirmation_method",
                "confirmation_note",
            ]
        )
        await ConsentRecord.filter(
            guardian=guardian, awaits_confirmation=True, revoked_at__isnull=True
        ).update(awaits_confirmation=False)
        await update_status(member)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=await is_minor(member),
            guardian_confirmed=guardian.id,
            method=method.value,
        )
    return guardian


# Conflicts between guardians ----------------------------------------------------------------


async def open_conflicts(member: User) -> list[ConsentConflict]:
    """Answers held because they contradict another guardian's, oldest first."""
    return await ConsentConflict.filter(member=member, resolved_at__isnull=True).prefetch_related(
        "standing"
    )


async def resolve_conflict(
    *, actor: User, member: User, conflict_id: int, apply: bool, note: str
) -> ConsentConflict:
    """Staff, having talked to the family, apply the held answer or keep the one in force."""
    _require_staff(actor)
    conflict = await ConsentConflict.get_or_none(id=conflict_id, member=member).prefetch_related(
        "guardian"
    )
    if conflict is None:
        raise NotFound(N_("We could not find that conflict."), "not_found")
    if conflict.resolved_at is not None:
        raise Conflict(N_("Someone already resolved this conflict."), "already_resolved")
    async with in_transaction():
        if not await ConsentConflict.filter(id=conflict.id, resolved_at__isnull=True).update(
            resolved_at=utcnow(),
            resolved_by_name=actor.name,
            outcome=ConflictOutcome.APPLIED if apply else ConflictOutcome.KEPT,
            note=note,
        ):
            raise Conflict(N_("Someone already resolved this conflict."), "already_resolved")
        guardian: Guardian | None = conflict.guardian
        if apply:
            await consent.record_decision(
                member,
                conflict.purpose,
                conflict.granted,
                source=ConsentSource.GUARDIAN,
                by_name=conflict.by_name,
                language=conflict.text_language,
                text_version=conflict.text_version,
                guardian=guardian,
                public_name_choice=conflict.public_name_choice,
                nickname=conflict.nickname,
                awaits_confirmation=conflict.granted
                and conflict.purpose in NEEDS_CONFIRMED_GUARDIAN
                and not (guardian and guardian.confirmed),
                recorded_by_name=actor.name,
            )
        await update_status(member)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=await is_minor(member),
            conflict=conflict.id,
            outcome=(ConflictOutcome.APPLIED if apply else ConflictOutcome.KEPT).value,
        )
    return await ConsentConflict.get(id=conflict.id)


# What staff hear by phone or on paper -----------------------------------------------------------


async def record_revocation(
    *,
    actor: User,
    member: User,
    purpose: ConsentPurpose,
    guardian_id: int | None,
    method: ContactMethod,
    decided_on: date,
    note: str = "",
) -> ConsentRecord:
    """Staff write down a withdrawal that a guardian (or the member) made by phone, on
    paper or in person: who, how and on which day. It is in force at once."""
    _require_staff(actor)
    guardian = await consent.guardian_of(member, guardian_id) if guardian_id else None
    granted = ConsentRecord.filter(
        member=member, purpose=purpose, granted=True, revoked_at__isnull=True
    )
    if not await granted.exists():
        raise DomainError(N_("There is no consent to withdraw."), "nothing_to_withdraw")
    by = guardian.name if guardian else member.name
    async with in_transaction():
        record = await consent.record_decision(
            member,
            purpose,
            False,
            source=ConsentSource.STAFF,
            by_name=by,
            language=guardian.language if guardian else member.language,
            guardian=guardian,
            method=method,
            decided_on=decided_on,
            recorded_by_name=actor.name,
        )
        await update_status(member)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.CONSENT,
            subject=member,
            minor=await is_minor(member),
            revoked=purpose.value,
            by=by,
            method=method.value,
            decided_on=decided_on.isoformat(),
        )
    return record


@dataclass
class ConsentWork:
    """A member whose consent needs staff: guardians to confirm, conflicts to resolve."""

    member: User
    unconfirmed: list[str]  # names of guardians who answered but are not confirmed
    conflicts: int


async def consent_work_queue() -> list[ConsentWork]:
    """Every member with a guardian who answered but whom staff have not confirmed, or with
    two guardians' answers in conflict; a fixed number of queries."""
    answered = await ConsentRecord.filter(
        source=ConsentSource.GUARDIAN,
        revoked_at__isnull=True,
        guardian__confirmed_at__isnull=True,
    ).values_list("member_id", "guardian__name")
    open_conflicts = await ConsentConflict.filter(resolved_at__isnull=True).values_list(
        "member_id", flat=True
    )
    unconfirmed: dict[int, list[str]] = {}
    for member_id, name in answered:
        if name and name not in unconfirmed.setdefault(member_id, []):
            unconfirmed[member_id].append(name)
    ids = set(unconfirmed) | set(open_conflicts)
    members = await User.filter(id__in=list(ids), is_active=True).order_by("name", "id")
    return [
        ConsentWork(
            member=m,
            unconfirmed=sorted(unconfirmed.get(m.id, [])),
            conflicts=sum(1 for i in open_conflicts if i == m.id),
        )
        for m in members
    ]


async def awaiting_confirmation(member: User) -> list[ConsentRecord]:
    """Yes answers that wait for staff to confirm the guardian who gave them."""
    return await ConsentRecord.filter(
        member=member, awaits_confirmation=True, revoked_at__isnull=True
    )


async def guardians_to_tell(member: User) -> list[Guardian]:
    """Who hears where and when a minor will be: guardians with an email whom staff have
    confirmed (an address a teen typed, or mistyped, learns nothing of the kind)."""
    return await Guardian.filter(member=member, confirmed_at__isnull=False).exclude(email="")


# The family page: which teens an email address is a guardian of -------------------------------


@dataclass
class Guardianship:
    """One teen a guardian's email speaks for."""

    guardian: Guardian
    member: User
    profile: MemberProfile
    age: int

    @property
    def confirmed(self) -> bool:
        return self.guardian.confirmed

    @property
    def progress_hidden(self) -> bool:
        return self.profile.hide_progress_from_guardians and self.age >= HIDE_PROGRESS_AGE


async def guardianships(email: str) -> list[Guardianship]:
    """Every minor whose guardian has this email, confirmed or not (a confirmed row first
    when a member lists the address twice). Adults and closed accounts are left out."""
    rows = (
        await Guardian.filter(
            email__iexact=email.strip(),
            member__role=Role.MEMBER,
            member__is_active=True,
        )
        .exclude(email="")
        .order_by("id")
        .prefetch_related("member")
    )
    profiles = {
        p.user_id: p for p in await MemberProfile.filter(user_id__in=[g.member_id for g in rows])
    }
    now = today()
    found: dict[int, Guardianship] = {}
    for guardian in rows:
        profile = profiles.get(guardian.member_id)
        if profile is None:
            continue
        age = age_on(profile.birth_date, now)
        if age >= ADULT_AGE:
            continue
        known = found.get(guardian.member_id)
        if known is None or (guardian.confirmed and not known.confirmed):
            found[guardian.member_id] = Guardianship(guardian, guardian.member, profile, age)
    return sorted(found.values(), key=lambda g: (g.member.name, g.member.id))


async def guardianship(email: str, member_id: int) -> Guardianship:
    """The teen ``member_id``, if this email is their guardian's; otherwise not found."""
    for found in await guardianships(email):
        if found.member.id == member_id:
            return found
    raise NotFound(N_("We could not find that member."), "not_found")


async def guardians_to_remind(member_ids: list[int]) -> dict[int, list[Guardianship]]:
    """For each minor among ``member_ids``: their confirmed guardians with an email (the
    people who may hear where and when the teen will be), one per address."""
    rows = (
        await Guardian.filter(member_id__in=member_ids, confirmed_at__isnull=False)
        .exclude(email="")
        .order_by("id")
        .prefetch_related("member")
    )
    profiles = {
        p.user_id: p for p in await MemberProfile.filter(user_id__in=[g.member_id for g in rows])
    }
    now = today()
    found: dict[int, dict[str, Guardianship]] = {}
    for guardian in rows:
        profile = profiles.get(guardian.member_id)
        if profile is None or age_on(profile.birth_date, now) >= ADULT_AGE:
            continue
        age = age_on(profile.birth_date, now)
        found.setdefault(guardian.member_id, {}).setdefault(
            guardian.email.lower(), Guardianship(guardian, guardian.member, profile, age)
        )
    return {member_id: list(by_email.values()) for member_id, by_email in found.items()}
