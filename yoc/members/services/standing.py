"""Where a member stands: their age, the consent in force, and the status those decide.

A consent given or withdrawn and a decision by staff both recompute the status, so it
lives here, below ``consent`` and ``profiles``, which both import it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.queryset import QuerySet

from yoc import audit
from yoc.accounts.models import User
from yoc.members.enums import ApplicationDecision, ConsentPurpose, MemberStatus
from yoc.members.models import ConsentRecord, MemberProfile

ADULT_AGE = 18


def today(tz: str = "America/Los_Angeles") -> date:
    return datetime.now(ZoneInfo(tz)).date()


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


async def is_minor(member: User) -> bool:
    profile = await MemberProfile.get_or_none(user=member)
    return bool(profile and age_on(profile.birth_date, today()) < ADULT_AGE)


audit.judge_minors_with(is_minor)


async def minor_on(member_id: int, on: date) -> bool:
    """Whether the member will be under 18 on ``on`` (no profile: an adult's account)."""
    births = await MemberProfile.filter(user_id=member_id).values_list("birth_date", flat=True)
    return bool(births) and age_on(births[0], on) < ADULT_AGE


def adult_birthday_cutoff(on: date) -> date:
    """Whoever was born after this date is a minor ``on`` that day."""
    try:
        return on.replace(year=on.year - ADULT_AGE)
    except ValueError:  # 29 February, in a year that has none
        return on.replace(year=on.year - ADULT_AGE, day=28)


async def minors_among(user_ids: list[int]) -> set[int]:
    """Which of these users are minors today, in one query."""
    if not user_ids:
        return set()
    return set(
        await MemberProfile.filter(
            user_id__in=user_ids, birth_date__gt=adult_birthday_cutoff(today())
        ).values_list("user_id", flat=True)
    )


def effective_records() -> QuerySet[ConsentRecord]:
    """Decisions that count: not revoked, and not a yes waiting for staff to confirm the
    guardian who gave it. Every reader of consent (status, public names and photos,
    badges, the lineup and calendars) starts here."""
    return ConsentRecord.filter(revoked_at__isnull=True, awaits_confirmation=False)


async def consents_in_force(member: User) -> dict[ConsentPurpose, ConsentRecord]:
    """The decision in force per purpose: the latest one that counts."""
    decisions: dict[ConsentPurpose, ConsentRecord] = {}
    for record in await effective_records().filter(member=member):
        decisions.setdefault(record.purpose, record)  # newest first, by the model's ordering
    return decisions


async def has_consent(member: User, purpose: ConsentPurpose) -> bool:
    record = (await consents_in_force(member)).get(purpose)
    return bool(record and record.granted)


async def features_open(member: User) -> bool:
    """Whether the member may use member features (learning, Soapbox): approved by staff
    and, for a minor, with a guardian's consent in force."""
    status = await MemberProfile.filter(user=member).values_list("status", flat=True)
    return status == [MemberStatus.ACTIVE]


async def update_status(member: User) -> MemberStatus:
    """The one place a member's status is decided, from the decision and the consent."""
    profile = await MemberProfile.get(user=member)
    if profile.decision == ApplicationDecision.DECLINED:
        status = MemberStatus.DECLINED
    elif not await has_consent(member, ConsentPurpose.PARTICIPATION):
        status = MemberStatus.PENDING_CONSENT
    elif profile.decision == ApplicationDecision.PENDING:
        status = MemberStatus.PENDING_APPROVAL
    else:
        status = MemberStatus.ACTIVE
    if status != profile.status:
        profile.status = status
        await profile.save(update_fields=["status"])
    return status
