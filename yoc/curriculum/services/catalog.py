"""The curriculum catalog, edited by staff: create, reorder and retire, never erase."""

from __future__ import annotations

import re
from typing import Any

from tortoise.models import Model

from yoc.cache import changing
from yoc.curriculum.enums import STAMP, ActivityKind, Completion
from yoc.curriculum.models import Activity, Module, Track
from yoc.errors import NotFound, ValidationFailed
from yoc.i18n import N_
from yoc.timeutil import utcnow


async def tracks(*, include_retired: bool = False) -> list[Track]:
    query = Track.all() if include_retired else Track.filter(retired_at__isnull=True)
    return await query.prefetch_related("modules", "modules__activities", "modules__prerequisites")


async def get_module(module_id: int) -> Module:
    module = await Module.get_or_none(id=module_id).prefetch_related(
        "track", "activities", "prerequisites"
    )
    if module is None:
        raise NotFound(N_("We could not find that module."), "not_found")
    return module


async def get_track(track_id: int) -> Track:
    """A track with its modules and their activities, retired ones too (for the editor)."""
    track = await Track.get_or_none(id=track_id).prefetch_related("modules", "modules__activities")
    if track is None:
        raise NotFound(N_("We could not find that track."), "not_found")
    return track


async def get_activity(activity_id: int, *, completion: Completion | None = None) -> Activity:
    """An activity, retired or not; with ``completion``, only one finished that way."""
    filters = {"completion": completion} if completion is not None else {}
    activity = await Activity.get_or_none(id=activity_id, **filters)
    if activity is None:
        raise NotFound(N_("We could not find that activity."), "not_found")
    return activity


def live(items: list) -> list:
    return [item for item in items if item.retired_at is None]


async def _next_position(model: type[Model], **scope: Any) -> int:
    last = await model.filter(**scope).order_by("-position").first()
    return (last.position + 1) if last else 0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70] or "track"


async def create_track(
    *, title_en: str, title_es: str, summary_en: str = "", summary_es: str = ""
) -> Track:
    base = slug = _slug(title_en)
    n = 1
    while await Track.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    async with changing(STAMP):
        return await Track.create(
            slug=slug,
            title_en=title_en,
            title_es=title_es,
            summary_en=summary_en,
            summary_es=summary_es,
            position=await _next_position(Track),
        )


async def update_track(track_id: int, **texts: str) -> Track:
    track = await Track.get_or_none(id=track_id)
    if track is None:
        raise NotFound(N_("We could not find that track."), "not_found")
    async with changing(STAMP):
        await track.update_from_dict(texts).save()
    return track


async def create_module(
    *,
    track_id: int,
    title_en: str,
    title_es: str,
    summary_en: str = "",
    summary_es: str = "",
    milestone: bool = False,
    prerequisite_ids: list[int] = (),
) -> Module:
    track = await Track.get_or_none(id=track_id)
    if track is None:
        raise NotFound(N_("We could not find that track."), "not_found")
    async with changing(STAMP):
        module = await Module.create(
            track=track,
            title_en=title_en,
            title_es=title_es,
            summary_en=summary_en,
            summary_es=summary_es,
            milestone=milestone,
            position=await _next_position(Module, track=track),
        )
        await set_prerequisites(module, prerequisite_ids)
    return module


async def update_module(
    module_id: int, *, prerequisite_ids: list[int] | None = None, **fields: Any
) -> Module:
    module = await get_module(module_id)
    async with changing(STAMP):
        await module.update_from_dict(fields).save()
        if prerequisite_ids is not None:
            await set_prerequisites(module, prerequisite_ids)
    return module


async def set_prerequisites(module: Module, prerequisite_ids: list[int]) -> None:
    ids = set(prerequisite_ids) - {module.id}
    required = await Module.filter(id__in=ids)
    # A prerequisite that (directly or not) requires this module would lock both forever.
    for candidate in required:
        if module.id in await _all_prerequisites(candidate):
            raise ValidationFailed(
                {
                    "prerequisite_ids": N_(
                        "These prerequisites would make a circle: a module cannot require itself."
                    )
                }
            )
    await module.prerequisites.clear()
    if required:
        await module.prerequisites.add(*required)


async def _all_prerequisites(module: Module) -> set[int]:
    seen: set[int] = set()
    frontier = [module.id]
    while frontier:
        rows = await Module.filter(unlocks__id__in=frontier).values_list("id", flat=True)
        frontier = [r for r in rows if r not in seen]
        seen.update(frontier)
    return seen


async def create_activity(
    *,
    module_id: int,
    kind: ActivityKind,
    completion: Completion,
    title_en: str,
    title_es: str,
    prompt_en: str = "",
    prompt_es: str = "",
    body_en: str = "",
    body_es: str = "",
    video_url: str = "",
) -> Activity:
    module = await get_module(module_id)
    async with changing(STAMP):
        return await Activity.create(
            module=module,
            kind=kind,
            completion=completion,
            title_en=title_en,
            title_es=title_es,
            prompt_en=prompt_en,
            prompt_es=prompt_es,
            body_en=body_en,
            body_es=body_es,
            video_url=video_url,
            position=await _next_position(Activity, module=module),
        )


async def update_activity(activity_id: int, **fields: Any) -> Activity:
    activity = await Activity.get_or_none(id=activity_id)
    if activity is None:
        raise NotFound(N_("We could not find that activity."), "not_found")
    async with changing(STAMP):
        await activity.update_from_dict(fields).save()
    return activity


MODELS: dict[str, type[Model]] = {"track": Track, "module": Module, "activity": Activity}
SCOPES = {"track": (), "module": ("track_id",), "activity": ("module_id",)}


async def move(kind: str, item_id: int, direction: int) -> None:
    """Swap an item with its neighbour above (-1) or below (+1)."""
    model = MODELS[kind]
    item = await model.get_or_none(id=item_id)
    if item is None:
        raise NotFound(N_("We could not find that item."), "not_found")
    scope = {name: getattr(item, name) for name in SCOPES[kind]}
    siblings = await model.filter(**scope).order_by("position", "id")
    index = [s.id for s in siblings].index(item.id)
    other = index + direction
    if not 0 <= other < len(siblings):
        return
    async with changing(STAMP):
        ordered = list(siblings)
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, sibling in enumerate(ordered):
            if sibling.position != position:
                await model.filter(id=sibling.id).update(position=position)


async def set_retired(kind: str, item_id: int, retired: bool) -> None:
    """Retired items leave the catalog but keep every completion and badge earned."""
    model = MODELS[kind]
    async with changing(STAMP):
        if not await model.filter(id=item_id).update(retired_at=utcnow() if retired else None):
            raise NotFound(N_("We could not find that item."), "not_found")


async def speech_module_ids() -> list[int]:
    """The live modules where a member writes their Soapbox Speech (a live "speech"
    activity): in the starter curriculum, "Public speaking and the Soapbox Speech"."""
    return sorted(
        set(
            await Activity.filter(
                kind=ActivityKind.SPEECH,
                retired_at__isnull=True,
                module__retired_at__isnull=True,
                module__track__retired_at__isnull=True,
            ).values_list("module_id", flat=True)
        )
    )


async def modules_by_ids(module_ids: list[int]) -> list[Module]:
    """These modules, in the curriculum's order (retired ones too: a call may name one)."""
    if not module_ids:
        return []
    return await Module.filter(id__in=module_ids).order_by("track__position", "position", "id")


async def live_modules() -> list[Module]:
    """Every live module of a live track, in the curriculum's order, with its track."""
    return (
        await Module.filter(retired_at__isnull=True, track__retired_at__isnull=True)
        .order_by("track__position", "track_id", "position", "id")
        .select_related("track")
    )
