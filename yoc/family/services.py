"""One teen as their guardian sees them: consents (members), where and when they will
speak (soapbox), and how their learning goes (curriculum)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from yoc.curriculum.services import badges, dashboards
from yoc.members.services import guardian_view
from yoc.members.services.guardianship import Guardianship, guardianships
from yoc.soapbox.services import public

if TYPE_CHECKING:
    from yoc.curriculum.models import Badge
    from yoc.events.models import Event
    from yoc.soapbox.models import Speech


@dataclass
class Plan:
    """An event the teen will speak at, with their speeches there, soonest first."""

    event: Event
    speeches: list[Speech] = field(default_factory=list)


@dataclass
class Progress:
    modules_done: int
    modules_total: int
    badges: list[Badge]


@dataclass
class TeenPage:
    teen: Guardianship
    consents: list[guardian_view.ConsentLine]
    # None while staff have not confirmed the guardian: where and when a minor will be,
    # and how they are doing, are for a confirmed guardian only.
    plans: list[Plan] | None
    # None as well when the teen (16 or older) keeps it private.
    progress: Progress | None


async def teens(email: str) -> list[Guardianship]:
    """The teens this guardian's email speaks for."""
    return await guardianships(email)


async def plans(teen: Guardianship) -> list[Plan]:
    found: dict[int, Plan] = {}
    for speech in await public.upcoming_slots(teen.member):
        event = speech.slot.stage.event
        found.setdefault(event.id, Plan(event)).speeches.append(speech)
    return list(found.values())


async def progress(teen: Guardianship) -> Progress:
    statuses = await dashboards.module_statuses(teen.member)
    return Progress(
        modules_done=sum(1 for s in statuses if s.completed),
        modules_total=len(statuses),
        badges=await badges.badges_of(teen.member),
    )


async def teen_page(teen: Guardianship) -> TeenPage:
    confirmed = teen.confirmed
    return TeenPage(
        teen=teen,
        consents=await guardian_view.consent_lines(teen),
        plans=await plans(teen) if confirmed else None,
        progress=await progress(teen) if confirmed and not teen.progress_hidden else None,
    )
