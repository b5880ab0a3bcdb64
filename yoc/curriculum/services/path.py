"""A member's whole path ("My path", at /learn): every track and module of the curriculum,
and where the member is in each, finished ones included, with due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yoc.accounts.models import User
from yoc.curriculum.enums import Completion, ModuleState, ProgressState
from yoc.curriculum.models import Badge, Module, ModuleCompletion, ProgressEvent, Track
from yoc.curriculum.services import dashboards, practice
from yoc.curriculum.services.dashboards import ModuleStatus
from yoc.i18n import N_


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


# What each step of the curriculum says on the journey (translated where it is shown).
REFLECTION_SENT = N_("Reflection sent")
REFLECTION_APPROVED = N_("Reflection approved")
BADGE_EARNED = N_("Badge earned")
PRACTICE_DELIVERED = N_("Practice speech delivered")
MODULE_FINISHED = N_("Module finished")


@dataclass(frozen=True)
class JourneyStep:
    at: datetime
    words: str  # one of the texts above, untranslated
    title_en: str
    title_es: str
    link: str
    scores: dict | None = None  # practice: the rubric's scores, by criterion
    comments: str = ""


async def journey(member: User) -> list[JourneyStep]:
    """The member's steps in the curriculum, with dates: reflections sent and approved,
    modules finished, practice speeches, badges; oldest first."""
    steps: list[JourneyStep] = []
    sent: set[int] = set()
    for event in await ProgressEvent.filter(
        progress__member=member,
        state__in=[ProgressState.SUBMITTED, ProgressState.APPROVED],
        progress__activity__completion=Completion.REFLECTION,
    ).select_related("progress__activity"):
        activity = event.progress.activity
        if event.state == ProgressState.SUBMITTED:
            if event.progress_id in sent:
                continue  # sent again after changes: the first sending is the step
            sent.add(event.progress_id)
        steps.append(
            JourneyStep(
                event.created_at,
                REFLECTION_SENT if event.state == ProgressState.SUBMITTED else REFLECTION_APPROVED,
                activity.title_en,
                activity.title_es,
                f"/learn/modules/{activity.module_id}#activity-{activity.id}",
            )
        )
    for done in await ModuleCompletion.filter(member=member).select_related("module"):
        steps.append(
            JourneyStep(
                done.completed_at,
                MODULE_FINISHED,
                done.module.title_en,
                done.module.title_es,
                f"/learn/modules/{done.module_id}",
            )
        )
    for feedback in await practice.feedback_of(member):
        activity = feedback.progress.activity
        steps.append(
            JourneyStep(
                feedback.delivered_at,
                PRACTICE_DELIVERED,
                activity.title_en,
                activity.title_es,
                f"/learn/modules/{activity.module_id}#activity-{activity.id}",
                scores=feedback.scores,
                comments=feedback.comments,
            )
        )
    for badge in await Badge.filter(member=member):
        steps.append(
            JourneyStep(badge.awarded_at, BADGE_EARNED, badge.title_en, badge.title_es, "/badges")
        )
    return sorted(steps, key=lambda s: s.at)
