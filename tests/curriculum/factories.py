"""Curriculum rows for tests: tracks, modules and activities made through the catalog
service the staff editor uses, modules given to members, and the small courses several
test files start from (a module with a prerequisite, a reflection, a milestone)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from yoc import cache
from yoc.accounts.models import User
from yoc.curriculum.enums import STAMP, ActivityKind, Completion
from yoc.curriculum.models import Activity, Assignment, Module, Track
from yoc.curriculum.services import catalog

_counter = itertools.count(1)

KIND_FOR = {
    Completion.SELF: ActivityKind.READ,
    Completion.REFLECTION: ActivityKind.REFLECT,
    Completion.ATTENDANCE: ActivityKind.ATTEND,
}


async def make_track(title_en: str = "", title_es: str = "") -> Track:
    n = next(_counter)
    return await catalog.create_track(
        title_en=title_en or f"Track {n}", title_es=title_es or f"Ruta {n}"
    )


async def make_module(
    track: Track,
    title_en: str = "",
    title_es: str = "",
    *,
    milestone: bool = False,
    prerequisites: Iterable[Module] = (),
) -> Module:
    n = next(_counter)
    return await catalog.create_module(
        track_id=track.id,
        title_en=title_en or f"Module {n}",
        title_es=title_es or f"Módulo {n}",
        milestone=milestone,
        prerequisite_ids=[m.id for m in prerequisites],
    )


async def make_activity(
    module: Module,
    title_en: str = "",
    title_es: str = "",
    *,
    completion: Completion = Completion.SELF,
    prompt_en: str = "",
    prompt_es: str = "",
) -> Activity:
    """An activity finished the ``completion`` way (the member marks it done by default)."""
    n = next(_counter)
    return await catalog.create_activity(
        module_id=module.id,
        kind=KIND_FOR[completion],
        completion=completion,
        title_en=title_en or f"Activity {n}",
        title_es=title_es or f"Actividad {n}",
        prompt_en=prompt_en,
        prompt_es=prompt_es,
    )


async def give(member: User, *modules: Module, due_on: date | None = None) -> list[Assignment]:
    """Assign modules to one member directly (as a mentor's assignment would, stamp too)."""
    async with cache.changing(STAMP):
        return [
            await Assignment.create(member=member, module=module, due_on=due_on)
            for module in modules
        ]


@dataclass
class TwoModules:
    basics: Module
    advanced: Module
    basics_activity: Activity
    advanced_activity: Activity
    advanced_reflection: Activity


async def make_path(member: User) -> TwoModules:
    """ "Basics", then "Advanced", which requires it; both given to ``member``."""
    track = await make_track("Speak Up", "Alza la voz")
    basics = await make_module(track, "Basics", "Lo básico")
    advanced = await make_module(track, "Advanced", "Avanzado", prerequisites=[basics])
    path = TwoModules(
        basics=basics,
        advanced=advanced,
        basics_activity=await make_activity(basics, "Read the guide", "Lee la guía"),
        advanced_activity=await make_activity(advanced, "Give the speech", "Da el discurso"),
        advanced_reflection=await make_activity(
            advanced, "What changed?", "¿Qué cambió?", completion=Completion.REFLECTION
        ),
    )
    await give(member, basics, advanced)
    return path


async def reflection_for(member: User) -> Activity:
    module = await make_module(await make_track(), "My community", "Mi comunidad")
    activity = await make_activity(
        module, "A place I love", "Un lugar que quiero", completion=Completion.REFLECTION
    )
    await give(member, module)
    return activity


async def milestone_for(member: User, activities: int = 2) -> tuple[Module, list[Activity]]:
    """A milestone module in a track with another module, so only the module's badge is
    at stake."""
    track = await make_track("Organize", "Organiza")
    milestone = await make_module(track, "First campaign", "Primera campaña", milestone=True)
    other = await make_module(track)
    await make_activity(other)
    made = [await make_activity(milestone) for _ in range(activities)]
    await give(member, milestone, other)
    return milestone, made
