"""Who may see a speech and in which capacity: its speaker, a reviewer (a mentor of one
of the speaker's groups), staff."""

from __future__ import annotations

from enum import StrEnum

from tortoise.queryset import QuerySet

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.errors import NotFound
from yoc.i18n import N_
from yoc.members.models import Cohort
from yoc.members.services.access import is_staff
from yoc.soapbox.models import Speech

NOT_FOUND = N_("We could not find that speech.")


class Capacity(StrEnum):
    SPEAKER = "speaker"
    REVIEWER = "reviewer"
    STAFF = "staff"


async def capacities(user: User, speech: Speech) -> frozenset[Capacity]:
    found: set[Capacity] = set()
    if user.id == speech.speaker_id:
        found.add(Capacity.SPEAKER)
    else:
        if is_staff(user):
            found.add(Capacity.STAFF)
        if (
            user.role == Role.MENTOR
            and await Cohort.filter(members__id=speech.speaker_id, mentors=user).exists()
        ):
            found.add(Capacity.REVIEWER)
    return frozenset(found)


def listed_capacities(user: User, speech: Speech) -> frozenset[Capacity]:
    """``capacities`` for a speech taken from ``visible_speeches(user)``, without a query:
    a mentor lists only their groups' speeches."""
    if user.id == speech.speaker_id:
        return frozenset({Capacity.SPEAKER})
    found = {Capacity.STAFF} if is_staff(user) else set()
    if user.role == Role.MENTOR:
        found.add(Capacity.REVIEWER)
    return frozenset(found)


def visible_speeches(user: User) -> QuerySet[Speech]:
    """Speeches ``user`` may list: their own, their groups' (mentors), all (staff).
    Other people's drafts stay private."""
    if is_staff(user):
        return Speech.exclude(state="draft")
    if user.role == Role.MENTOR:
        return (
            Speech.filter(speaker__member_cohorts__mentors=user).exclude(state="draft").distinct()
        )
    return Speech.filter(speaker=user)


async def visible_speech(user: User, speech_id: int) -> tuple[Speech, frozenset[Capacity]]:
    speech = await Speech.get_or_none(id=speech_id).select_related("speaker")
    if speech is None:
        raise NotFound(NOT_FOUND, "not_found")
    found = await capacities(user, speech)
    if not found or (speech.state == "draft" and Capacity.SPEAKER not in found):
        raise NotFound(NOT_FOUND, "not_found")
    return speech, found
