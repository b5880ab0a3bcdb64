"""A speaker's public page: their talks on released lineups, their public badges, and
since when they are a member, only while a public-name consent is in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yoc.curriculum.services import badges
from yoc.db import fits
from yoc.errors import NotFound
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.members.services.profiles import member_since, public_identities
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import SpeakerCalendar, Speech
from yoc.soapbox.services import public

NO_SPEAKER = N_("We could not find that speaker.")


@dataclass
class Talk:
    event: Event
    item: public.Item
    delivered: bool


@dataclass
class SpeakerPage:
    key: str
    name: str
    photo: str | None
    since: datetime | None
    talks: list[Talk]
    badges: list


async def speaker_page(key: str) -> SpeakerPage:
    """Not found, as if there were no such page, when the speaker's public-name consent
    is not in force (never given, or revoked)."""
    keys = (
        await SpeakerCalendar.get_or_none(public_key=key)
        if fits(SpeakerCalendar, public_key=key)
        else None
    )
    identity = (await public_identities([keys.user_id])).get(keys.user_id) if keys else None
    if keys is None or identity is None or not identity.name:
        raise NotFound(NO_SPEAKER, "not_found")
    talks = []
    events = await Event.filter(
        published=True, stages__slots__speech__speaker_id=keys.user_id
    ).distinct()
    for event in events:
        for item in (await public.lineup(event)).items:
            if item.speaker_id == keys.user_id:
                talks.append(Talk(event, item, False))
    delivered = set(
        await Speech.filter(
            id__in=[t.item.speech_id for t in talks], state=SpeechState.DELIVERED
        ).values_list("id", flat=True)
    )
    for talk in talks:
        talk.delivered = talk.item.speech_id in delivered
    talks.sort(key=lambda t: t.item.starts_at, reverse=True)
    return SpeakerPage(
        key=key,
        name=identity.name,
        photo=identity.photo,
        since=await member_since(keys.user_id),
        talks=talks,
        badges=await badges.public_badges_of(keys.user_id),
    )


async def speaker_keys(user_ids: list[int]) -> dict[int, str]:
    """The public page's key of each of these speakers that has one."""
    if not user_ids:
        return {}
    return dict(
        await SpeakerCalendar.filter(user_id__in=user_ids).values_list("user_id", "public_key")
    )
