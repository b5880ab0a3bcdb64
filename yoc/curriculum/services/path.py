"""A member's whole path ("My path", at /learn): every track and module of the curriculum,
and where the member is in each, finished ones included, with due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yoc.accounts.models import User
from yoc.curriculum.enums import ModuleState
from yoc.curriculum.models import Module, ModuleCompletion, Track
from yoc.curriculum.services import dashboards
from yoc.curriculum.services.dashboards import ModuleStatus


@dataclass
class PathModule:
    module: Module
    # None: not assigned to the member (a module they finished before it was taken back
    # has ``completed_at``).
    status: ModuleStatus | None
    completed_at: datetime | None

    @property
    def assigned(self) -> bool:
        return self.status is not None

    @property
    def state(self) -> ModuleState:
        if self.completed_at is not None:
            return ModuleState.DONE
        return self.status.state if self.status else ModuleState.NOT_ASSIGNED


@dataclass
class PathTrack:
    track: Track
    modules: list[PathModule]

    @property
    def given(self) -> int:
        """The modules that are the member's: assigned, or finished."""
        return sum(m.assigned or m.completed_at is not None for m in self.modules)

    @property
    def done(self) -> int:
        return sum(m.state == ModuleState.DONE for m in self.modules)


@dataclass
class MyPath:
    tracks: list[PathTrack]

    @property
    def started(self) -> bool:
        """Whether anything was ever given to the member."""
        return any(t.given for t in self.tracks)


async def my_path(member: User) -> MyPath:
    """Every live track and module, in the curriculum's order, and the retired ones the
    member had (assigned or finished)."""
    statuses = {s.module.id: s for s in await dashboards.module_statuses(member)}
    completed = dict(
        await ModuleCompletion.filter(member=member).values_list("module_id", "completed_at")
    )
    mine = statuses.keys() | completed.keys()
    tracks = []
    for track in await Track.all().prefetch_related("modules"):
        modules = [m for m in track.modules if m.retired_at is None or m.id in mine]
        if not modules or (track.retired_at is not None and not mine & {m.id for m in modules}):
            continue
        tracks.append(
            PathTrack(
                track,
                [PathModule(m, statuses.get(m.id), completed.get(m.id)) for m in modules],
            )
        )
    return MyPath(tracks)
