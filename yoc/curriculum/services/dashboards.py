"""What members and mentors see at a glance. Late and overdue are derived, never stored."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.enums import FINISHED, ProgressState
from yoc.curriculum.models import (
    ActivityProgress,
    Assignment,
    Badge,
    Module,
    ModuleCompletion,
    ProgressEvent,
    Track,
)
from yoc.curriculum.services.catalog import live
from yoc.members.models import Cohort
from yoc.members.services.access import is_staff
from yoc.members.services.profiles import today


@dataclass
class ModuleStatus:
    module: Module
    assignment: Assignment
    total: int
    finished: int
    waiting_review: int
    completed: bool
    locked_by: list[Module]
    started: bool = False

    @property
    def overdue(self) -> bool:
        return bool(
            self.assignment.due_on and self.assignment.due_on < today() and not self.completed
        )

    @property
    def cell(self) -> str:
        if self.completed:
            return "done"
        if self.waiting_review:
            return "review"
        if self.overdue:
            return "overdue"
        if self.started:
            return "in_progress"
        return "not_started"


async def module_statuses(member: User) -> list[ModuleStatus]:
    assignments = await Assignment.filter(member=member).prefetch_related(
        "module", "module__activities", "module__prerequisites", "module__track"
    )
    completed = set(
        await ModuleCompletion.filter(member=member).values_list("module_id", flat=True)
    )
    states = dict(await ActivityProgress.filter(member=member).values_list("activity_id", "state"))
    out = []
    for a in assignments:
        activities = live(list(a.module.activities))
        out.append(
            ModuleStatus(
                module=a.module,
                assignment=a,
                total=len(activities),
                finished=sum(states.get(x.id) in FINISHED for x in activities),
                waiting_review=sum(states.get(x.id) == ProgressState.SUBMITTED for x in activities),
                completed=a.module.id in completed,
                locked_by=[
                    p
                    for p in a.module.prerequisites
                    if p.id not in completed and p.retired_at is None
                ],
                started=any(x.id in states for x in activities),
            )
        )
    out.sort(key=lambda s: (s.completed, s.assignment.due_on or date.max, s.module.position))
    return out


async def member_dashboard(member: User) -> dict:
    statuses = await module_statuses(member)
    per_track: dict[int, dict] = {}
    for s in statuses:
        entry = per_track.setdefault(
            s.module.track_id, {"track": s.module.track, "total": 0, "finished": 0}
        )
        entry["total"] += s.total
        entry["finished"] += s.total if s.completed else s.finished
    feedback = (
        await ProgressEvent.filter(
            progress__member=member,
            state__in=[ProgressState.APPROVED, ProgressState.RETURNED],
        )
        .exclude(text="")
        .order_by("-created_at")
        .limit(5)
        .prefetch_related("progress__activity")
    )
    return {
        "due_next": [s for s in statuses if not s.completed][:5],
        "tracks": list(per_track.values()),
        "feedback": feedback,
        "badges": await Badge.filter(member=member).order_by("-awarded_at"),
        "statuses": statuses,
    }


async def cohort_grid(cohort: Cohort) -> dict:
    """Members × modules given to the group, each cell one of: done, review, overdue,
    in_progress, not_started (or blank when the module was not assigned to that member)."""
    members = await cohort.members.filter(role=Role.MEMBER).order_by("name")
    member_ids = [m.id for m in members]
    assignments = await Assignment.filter(member_id__in=member_ids).prefetch_related(
        "module", "module__activities"
    )
    modules = sorted(
        {a.module.id: a.module for a in assignments}.values(),
        key=lambda m: (m.track_id, m.position, m.id),
    )
    completed = set(
        await ModuleCompletion.filter(member_id__in=member_ids).values_list(
            "member_id", "module_id"
        )
    )
    progress = await ActivityProgress.filter(member_id__in=member_ids).values_list(
        "member_id", "activity_id", "state"
    )
    states: dict[int, dict[int, str]] = defaultdict(dict)
    for member_id, activity_id, state in progress:
        states[member_id][activity_id] = state
    cells: dict[tuple[int, int], str] = {}
    for a in assignments:
        activities = live(list(a.module.activities))
        mine = states[a.member_id]
        if (a.member_id, a.module_id) in completed:
            cell = "done"
        elif any(mine.get(x.id) == ProgressState.SUBMITTED for x in activities):
            cell = "review"
        elif a.due_on and a.due_on < today():
            cell = "overdue"
        elif any(mine.get(x.id) for x in activities):
            cell = "in_progress"
        else:
            cell = "not_started"
        cells[(a.member_id, a.module_id)] = cell
    return {"members": members, "modules": modules, "cells": cells}


async def review_queue(mentor: User) -> list[ActivityProgress]:
    """Reflections waiting for review, the longest-waiting first."""
    query = ActivityProgress.filter(state=ProgressState.SUBMITTED)
    if not is_staff(mentor):
        query = query.filter(member__member_cohorts__mentors=mentor)
    return (
        await query.distinct()
        .order_by("submitted_at")
        .prefetch_related("member", "activity", "activity__module")
    )


async def tracks_with_modules() -> list[Track]:
    return await Track.filter(retired_at__isnull=True).prefetch_related("modules")
