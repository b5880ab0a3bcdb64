"""Badges for finished tracks and milestone modules, and their Open Badges 3.0 credential."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from tortoise.exceptions import IntegrityError

from yoc.accounts.models import User
from yoc.cache import changing
from yoc.curriculum.enums import STAMP
from yoc.curriculum.models import Activity, Badge, Module, ModuleCompletion, Track
from yoc.db import fits
from yoc.errors import NotFound
from yoc.i18n import N_


async def _award(
    member_id: int,
    key: str,
    *,
    title_en: str,
    title_es: str,
    track: Track | None = None,
    module: Module | None = None,
    public: bool = False,
) -> Badge | None:
    if await Badge.filter(member_id=member_id, achievement_key=key).exists():
        return None
    try:
        return await Badge.create(
            uid=secrets.token_hex(12),
            member_id=member_id,
            achievement_key=key,
            title_en=title_en,
            title_es=title_es,
            track=track,
            module=module,
            salt=secrets.token_hex(8),
            public=public,
        )
    except IntegrityError:  # awarded a moment ago by a concurrent request
        return None


async def award_for_module(member_id: int, module_id: int) -> None:
    module = await Module.get(id=module_id).prefetch_related("track")
    if module.milestone:
        await _award(
            member_id,
            f"module:{module.id}",
            title_en=module.title_en,
            title_es=module.title_es,
            module=module,
        )
    track: Track = module.track
    modules = await Module.filter(track=track, retired_at__isnull=True).values_list("id", flat=True)
    done = await ModuleCompletion.filter(member_id=member_id, module_id__in=modules).count()
    if modules and done == len(modules):
        await _award(
            member_id,
            f"track:{track.id}",
            title_en=track.title_en,
            title_es=track.title_es,
            track=track,
        )


SPEECH_KEY = "speech:"
SPEECH_TITLES = ("Soapbox Speech delivered", "Discurso Soapbox pronunciado")
SPEECH_CRITERIA = {
    "en": "Gave a Soapbox Speech on stage, before the community, at a YO-C event.",
    "es": "Dio un Discurso Soapbox en el escenario, ante la comunidad, en un evento de YO-C.",
}


async def award_for_speech(member_id: int, speech_id: int) -> Badge | None:
    """The badge of a delivered Soapbox Speech, once per speech (None: already given).
    Public from the start: the speech itself was given in public."""
    title_en, title_es = SPEECH_TITLES
    async with changing(STAMP):
        return await _award(
            member_id,
            f"{SPEECH_KEY}{speech_id}",
            title_en=title_en,
            title_es=title_es,
            public=True,
        )


async def public_badges_of(member_id: int) -> list[Badge]:
    """The badges the member shares with anyone, the newest first."""
    return await Badge.filter(member_id=member_id, public=True).order_by("-awarded_at", "-id")


async def badges_of(member: User) -> list[Badge]:
    """The member's badges, the newest first."""
    return await Badge.filter(member=member).order_by("-awarded_at")


async def set_public(member: User, badge_id: int, public: bool) -> Badge:
    badge = await Badge.get_or_none(id=badge_id, member=member)
    if badge is None:
        raise NotFound(N_("We could not find that badge."), "not_found")
    badge.public = public
    async with changing(STAMP):
        await badge.save(update_fields=["public"])
    return badge


async def public_badge(uid: str) -> Badge:
    badge = (
        await Badge.get_or_none(uid=uid, public=True).select_related("member", "track", "module")
        if fits(Badge, uid=uid)
        else None
    )
    if badge is None:
        raise NotFound(N_("We could not find that badge."), "not_found")
    return badge


async def criteria(badge: Badge) -> dict[str, str]:
    """What it took, in both languages: the activities of the module or track."""
    if badge.achievement_key.startswith(SPEECH_KEY):
        return dict(SPEECH_CRITERIA)
    if badge.module_id:
        activities = await Activity.filter(module_id=badge.module_id, retired_at__isnull=True)
    else:
        activities = await Activity.filter(module__track_id=badge.track_id, retired_at__isnull=True)
    return {
        "en": "Completed: " + "; ".join(a.title_en for a in activities) + ".",
        "es": "Completó: " + "; ".join(a.title_es for a in activities) + ".",
    }


async def open_badge(badge: Badge, *, base_url: str, recipient_name: str | None) -> dict[str, Any]:
    """An Open Badges 3.0 credential (unsigned), with the recipient as a salted hash, and
    named only when a public-name consent allows it (None: no name)."""
    member: User = badge.member
    identity = "sha256$" + hashlib.sha256((member.email + badge.salt).encode()).hexdigest()
    url = f"{base_url}/badges/{badge.uid}"
    texts = await criteria(badge)
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{url}.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.title_en,
        "issuer": {
            "id": f"{base_url}/",
            "type": ["Profile"],
            "name": "Youth Organizing Council (YO-C)",
            "url": f"{base_url}/",
        },
        "validFrom": badge.awarded_at.isoformat(),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            **({"name": recipient_name} if recipient_name else {}),
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": badge.salt,
                }
            ],
            "achievement": {
                "id": f"{base_url}/achievements/{badge.achievement_key.replace(':', '-')}",
                "type": ["Achievement"],
                "name": badge.title_en,
                "description": f"{badge.title_en} / {badge.title_es}",
                "criteria": {"narrative": f"{texts['en']}\n\n{texts['es']}"},
                "inLanguage": "en",
                "otherLanguages": {"es": {"name": badge.title_es, "criteria": texts["es"]}},
            },
        },
    }
