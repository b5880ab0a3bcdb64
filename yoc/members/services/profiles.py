"""Member applications and profiles, their status and photo, and how they are named."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from tortoise.transactions import in_transaction

from yoc import audit
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from yoc.i18n import N_
from yoc.members.enums import (
    ApplicationDecision,
    ConsentPurpose,
    MemberStatus,
    PublicNameChoice,
    Relationship,
)
from yoc.members.models import Cohort, ConsentRecord, Guardian, MemberPhoto, MemberProfile
from yoc.members.services import consent, guardianship
from yoc.members.services.access import audit_read, can_see, is_staff
from yoc.members.services.standing import (
    ADULT_AGE,
    age_on,
    consents_in_force,
    effective_records,
    has_consent,
    is_minor,
    today,
    update_status,
)
from yoc.security import new_token, password_problem
from yoc.settings import Settings
from yoc.timeutil import utcnow

MIN_AGE = 13
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_SIZE = 512
# Decoding takes 3 to 4 bytes a pixel whatever the file's size (a 10 KB PNG can hold 81
# million): a picture's size is read from its header, and over this it is not decoded.
PHOTO_MAX_PIXELS = 25_000_000
TOO_MANY_PIXELS = N_(
    "This picture is too large to use: choose one under 25 megapixels, or a smaller copy."
)
PROFILE_FIELDS = (
    "display_name",
    "pronouns",
    "school",
    "grade",
    "community",
    "zip_code",
    "interests",
    "bio",
)


class TooYoung(DomainError):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "Thank you for your interest in YO-C! Members are 13 or older. We would love "
                "to see you again when you turn 13."
            ),
            "too_young",
        )


GUARDIAN_NAME_MISSING = N_("Tell us who your parent or guardian is.")
GUARDIAN_CONTACT_MISSING = N_("Give your guardian’s email or phone number.")


def needs_guardian(birth_date: date, on: date) -> bool:
    """Whether someone born on ``birth_date`` who applies ``on`` that day needs a
    guardian's permission (younger than 13 cannot apply at all)."""
    return MIN_AGE <= age_on(birth_date, on) < ADULT_AGE


def guardian_missing(guardian: dict[str, Any] | None) -> dict[str, str]:
    """What a minor's application lacks about their guardian, per field."""
    guardian = guardian or {}
    missing = {}
    if not guardian.get("name"):
        missing["guardian_name"] = GUARDIAN_NAME_MISSING
    if not (guardian.get("email") or guardian.get("phone")):
        missing["guardian_email"] = GUARDIAN_CONTACT_MISSING
    return missing


async def apply(
    *,
    name: str,
    email: str,
    password: str,
    language: str,
    birth_date: date,
    community: str,
    guardian: dict[str, Any] | None,
    settings: Settings,
) -> None:
    """A young person applies: the account opens once they confirm their email, and a
    minor's guardian is asked for consent by email. When the address already has an
    account, its owner is told instead; the caller cannot tell which happened (nor,
    from the time it takes, anyone watching)."""
    age = age_on(birth_date, today(settings.timezone))
    if age < MIN_AGE:
        raise TooYoung()
    minor = age < ADULT_AGE
    # Every problem at once: the guardian's and the password's.
    problems = guardian_missing(guardian) if minor else {}
    if minor and "guardian_email" not in problems:
        try:
            await guardianship.check_guardian_email(
                (guardian or {}).get("email", ""), member_email=email, field="guardian_email"
            )
        except ValidationFailed as error:
            problems.update(error.fields)
    if problem := password_problem(password, email=email, name=name):
        problems["password"] = problem
    if problems:
        raise ValidationFailed(problems)
    try:
        await _create_applicant(
            name=name,
            email=email,
            password=password,
            language=language,
            birth_date=birth_date,
            community=community,
            guardian=guardian if minor else None,
            settings=settings,
        )
    except accounts.EmailTaken:
        await accounts.tell_owner_of_signup(email, settings=settings)


async def _create_applicant(
    *,
    name: str,
    email: str,
    password: str,
    language: str,
    birth_date: date,
    community: str,
    guardian: dict[str, Any] | None,
    settings: Settings,
) -> None:
    minor = guardian is not None
    async with in_transaction():
        user = await accounts.sign_up_member(
            name=name, email=email, password=password, language=language
        )
        await MemberProfile.create(
            user=user,
            display_name=name.split()[0][:80],
            birth_date=birth_date,
            community=community,
        )
        if minor:
            record = await Guardian.create(member=user, **guardian)  # type: ignore[arg-type]
            if record.email:
                await consent.send_request(record, user, settings=settings)
        else:
            await consent.member_consents_for_self(user, language=language)
        await update_status(user)
        await audit.record(
            actor=user, action=audit.AuditAction.UPDATE, subject=user, minor=minor, change="applied"
        )
        await accounts.send_signup_link(user, settings=settings)


async def decide(*, actor: User, member: User, approve: bool) -> MemberStatus:
    """Staff approve or decline an application."""
    if not is_staff(actor):
        raise PermissionDenied(N_("Only staff can decide on applications."), "forbidden")
    async with in_transaction():
        await MemberProfile.filter(user=member).update(
            decision=ApplicationDecision.APPROVED if approve else ApplicationDecision.DECLINED,
            decided_at=utcnow(),
        )
        status = await update_status(member)
        await audit.record(
            actor=actor,
            subject=member,
            minor=await is_minor(member),
            action=audit.AuditAction.APPROVE if approve else audit.AuditAction.DECLINE,
        )
    return status


async def update_profile(*, actor: User, member: User, changes: dict[str, Any]) -> MemberProfile:
    profile = await MemberProfile.get(user=member)
    changed = {k: v for k, v in changes.items() if k in PROFILE_FIELDS and getattr(profile, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(profile, key, value)
        async with in_transaction():
            await profile.save(update_fields=list(changed))
            await audit.record(
                actor=actor,
                action=audit.AuditAction.UPDATE,
                subject=member,
                minor=await is_minor(member),
                fields=sorted(changed),
            )
    return profile


async def set_language(member: User, language: str) -> None:
    await accounts.set_language(member, language)


def _reencode(data: bytes) -> bytes:
    try:
        # Opening reads the header only; nothing is decoded before the size is known.
        # (Pillow's own bomb check, which only warns below twice its limit, refuses too.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
        with opened as image:
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise ValueError(image.format)
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise ValidationFailed({"photo": TOO_MANY_PIXELS})
            # A JPEG can be decoded at a fraction of its size, which is all we keep.
            image.draft("RGB", (PHOTO_SIZE, PHOTO_SIZE))
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((PHOTO_SIZE, PHOTO_SIZE))
            out = io.BytesIO()
            # Saving a fresh JPEG carries no EXIF: no camera, time or GPS position.
            image.save(out, "JPEG", quality=85, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed({"photo": TOO_MANY_PIXELS}) from None
    except (UnidentifiedImageError, ValueError, OSError):
        raise ValidationFailed({"photo": N_("Choose a JPEG, PNG or WebP picture.")}) from None
    return out.getvalue()


async def set_photo(*, actor: User, member: User, data: bytes) -> None:
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationFailed({"photo": N_("The picture is too big. Choose one under 5 MB.")})
    clean = _reencode(data)
    async with in_transaction():
        await MemberPhoto.filter(user=member).delete()
        await MemberPhoto.create(
            user=member, data=clean, content_type="image/jpeg", public_key=new_token(18)
        )
        await audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            subject=member,
            minor=await is_minor(member),
            fields=["photo"],
        )


async def remove_photo(*, actor: User, member: User) -> None:
    async with in_transaction():
        await MemberPhoto.filter(user=member).delete()
        await audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            subject=member,
            minor=await is_minor(member),
            fields=["photo"],
            removed=True,
        )


NO_PHOTO = N_("There is no photo.")


async def photo_for(viewer: User | None, member_id: int, *, via: str) -> MemberPhoto:
    """The photo for a private page: the member's own, their mentors' and staff's (a read
    of the record, audited like one). Public pages link it by its key instead
    (``public_photo``)."""
    member = await User.get_or_none(id=member_id, role=Role.MEMBER)
    photo = await MemberPhoto.get_or_none(user=member) if member else None
    if photo is None or viewer is None or not await can_see(viewer, member):
        raise NotFound(NO_PHOTO, "not_found")
    await audit_read(viewer, member, via=via)
    return photo


async def public_photo(key: str) -> MemberPhoto:
    """The photo behind a public page's link, while public pages may show it. The link
    names no member, and a new photo gets a new one."""
    photo = await MemberPhoto.get_or_none(public_key=key) if 0 < len(key) <= 32 else None
    if photo is None:
        raise NotFound(NO_PHOTO, "not_found")
    identity = (await public_identities([photo.user_id])).get(photo.user_id)
    if identity is None or identity.photo != key:
        raise NotFound(NO_PHOTO, "not_found")
    return photo


async def public_photo_allowed(member: User) -> bool:
    """Public pages show a photo only while a photo release is in force."""
    return await has_consent(member, ConsentPurpose.PHOTO_RELEASE)


# What public pages say in place of a name withheld.
WITHHELD = N_("A YO-C member")


async def public_name(member: User) -> str | None:
    """The name public pages (the lineup, calendars, shared badges) may show: only the
    form a public-name consent in force allows. None: the name is withheld."""
    identity = (await public_identities([member.id])).get(member.id)
    return identity.name if identity else None


async def member_since(member_id: int) -> datetime | None:
    """When the member joined YO-C: their application's approval (else its sending)."""
    row = await MemberProfile.filter(user_id=member_id).values_list("decided_at", "created_at")
    if not row:
        return None
    decided, created = row[0]
    return decided or created


@dataclass
class PublicIdentity:
    """How public pages may show a person: a name (None: withheld) and a photo or not."""

    name: str | None
    photo: str | None  # the public key of the photo's link; None: no photo shown


def _first_and_initial(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] + (f" {parts[-1][0]}." if len(parts) > 1 else "")


def _public_form_of_name(full_name: str, record: ConsentRecord) -> str:
    if record.public_name_choice == PublicNameChoice.FULL_NAME:
        return full_name
    if record.public_name_choice == PublicNameChoice.NICKNAME and record.nickname:
        return record.nickname
    return _first_and_initial(full_name)


async def public_identities(user_ids: list[int]) -> dict[int, PublicIdentity]:
    """For public listings (the Soapbox lineup): strictly what consent allows, for many
    people in three queries. Without a public-name consent in force, no name at all."""
    ids = list(set(user_ids))
    names = dict(await User.filter(id__in=ids).values_list("id", "name"))
    in_force: dict[tuple[int, ConsentPurpose], ConsentRecord] = {}
    for record in await effective_records().filter(
        member_id__in=ids,
        purpose__in=[ConsentPurpose.PUBLIC_NAME, ConsentPurpose.PHOTO_RELEASE],
    ):
        in_force.setdefault((record.member_id, record.purpose), record)  # newest first
    photos = dict(
        await MemberPhoto.filter(user_id__in=ids, public_key__isnull=False).values_list(
            "user_id", "public_key"
        )
    )
    found = {}
    for user_id, full_name in names.items():
        name_record = in_force.get((user_id, ConsentPurpose.PUBLIC_NAME))
        photo_record = in_force.get((user_id, ConsentPurpose.PHOTO_RELEASE))
        found[user_id] = PublicIdentity(
            name=_public_form_of_name(full_name, name_record)
            if name_record and name_record.granted
            else None,
            photo=photos.get(user_id) if photo_record and photo_record.granted else None,
        )
    return found


async def add_guardian(
    *,
    actor: User,
    member: User,
    name: str,
    relationship: Relationship,
    email: str,
    phone: str,
    language: str,
    settings: Settings,
) -> Guardian:
    if actor.id != member.id and not is_staff(actor):
        raise PermissionDenied(N_("You cannot change this member’s guardians."), "forbidden")
    await guardianship.check_guardian_email(email, member_email=member.email)
    async with in_transaction():
        guardian = await Guardian.create(
            member=member,
            name=name,
            relationship=relationship,
            email=email,
            phone=phone,
            language=language,
        )
        if email and not await has_consent(member, ConsentPurpose.PARTICIPATION):
            await consent.send_request(guardian, member, settings=settings)
        await audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            subject=member,
            minor=await is_minor(member),
            fields=["guardian"],
        )
    return guardian


async def guardian_addresses(member: User) -> list[str]:
    """The addresses a new consent request for ``member`` goes to."""
    return list(
        await Guardian.filter(member=member).exclude(email="").values_list("email", flat=True)
    )


async def resend_consent_request(*, actor: User, member: User, settings: Settings) -> int:
    """Send the consent link again to every guardian with an email; return how many."""
    guardians = await Guardian.filter(member=member).exclude(email="")
    for guardian in guardians:
        await consent.send_request(guardian, member, settings=settings)
    await audit.record(
        actor=actor,
        action=audit.AuditAction.CONSENT,
        subject=member,
        minor=await is_minor(member),
        resent=len(guardians),
    )
    return len(guardians)


async def member_overview(member: User) -> dict[str, Any]:
    """Everything a profile page shows about a member."""
    profile = await MemberProfile.get_or_none(user=member)
    return {
        "member": member,
        "profile": profile,
        "minor": profile is not None and age_on(profile.birth_date, today()) < ADULT_AGE,
        "age": age_on(profile.birth_date, today()) if profile else None,
        "guardians": await Guardian.filter(member=member),
        "consents": await consents_in_force(member),
        "has_photo": await MemberPhoto.filter(user=member).exists(),
        "cohorts": await Cohort.filter(members=member).prefetch_related("mentors"),
        "public_name": await public_name(member),
        "can_hide_progress": profile is not None
        and guardianship.HIDE_PROGRESS_AGE <= age_on(profile.birth_date, today()) < ADULT_AGE,
    }


async def consent_work(member: User) -> dict[str, Any]:
    """What staff see besides the profile: answers waiting for a guardian's confirmation
    and answers held because two guardians disagree."""
    return {
        "awaiting": await guardianship.awaiting_confirmation(member),
        "conflicts": await guardianship.open_conflicts(member),
    }


@dataclass(frozen=True)
class GroupCard:
    name: str
    mentor_names: list[str]


async def member_home(member: User) -> dict[str, Any]:
    """What a member's own dashboard shows about them: fewer queries than the profile."""
    profile = await MemberProfile.get_or_none(user=member)
    waiting = profile is not None and profile.status == MemberStatus.PENDING_CONSENT
    active = profile is not None and profile.status == MemberStatus.ACTIVE
    return {
        "profile": profile,
        # Only a member still waiting for consent is told about their guardians.
        "guardians": await Guardian.filter(member=member) if waiting else [],
        "cohorts": await _groups(member) if active else [],
    }


async def _groups(member: User) -> list[GroupCard]:
    groups = await Cohort.filter(members=member).order_by("name", "id").values_list("id", "name")
    mentors: dict[int, list[str]] = {}
    for cohort_id, name in (
        await User.filter(mentor_cohorts__members=member)
        .order_by("name", "id")
        .values_list("mentor_cohorts__id", "name")
    ):
        mentors.setdefault(cohort_id, []).append(name)
    return [GroupCard(name, mentors.get(cohort_id, [])) for cohort_id, name in groups]


async def set_progress_hidden(member: User, hidden: bool) -> None:
    """From 16, a member decides whether the family page shows their learning progress."""
    profile = await MemberProfile.get(user=member)
    if age_on(profile.birth_date, today()) < guardianship.HIDE_PROGRESS_AGE:
        raise PermissionDenied(
            N_("From 16, you can choose this yourself. Until then, your family sees it."),
            "too_young_to_hide",
        )
    if profile.hide_progress_from_guardians != hidden:
        profile.hide_progress_from_guardians = hidden
        async with in_transaction():
            await profile.save(update_fields=["hide_progress_from_guardians"])
            await audit.record(
                actor=member,
                action=audit.AuditAction.UPDATE,
                subject=member,
                minor=True,
                fields=["hide_progress_from_guardians"],
            )


def require_member(user: User) -> None:
    if user.role != Role.MEMBER:
        raise PermissionDenied(N_("This page is for members."), "forbidden")
