"""A member's learning record: what their download shows, and what deleting their data
takes away (assignments, progress with its reflections and feedback, completions and
badges)."""

from __future__ import annotations

from typing import Any

from yoc.accounts.models import User
from yoc.cache import changing
from yoc.curriculum.enums import FINISHED, STAMP, Completion
from yoc.curriculum.models import (
    ActivityProgress,
    Assignment,
    Badge,
    ModuleCompletion,
    PracticeFeedback,
    ProgressEvent,
)

# Each section of the download, and the tables it is read from.
SECTIONS: dict[str, tuple[type, ...]] = {
    "assignments": (Assignment,),
    "activities": (ActivityProgress, ProgressEvent, PracticeFeedback),
    "completed_modules": (ModuleCompletion,),
    "badges": (Badge,),
    "attendance": (ActivityProgress, ProgressEvent),
}


def _both(row: Any, field: str) -> dict[str, str] | None:
    """A bilingual text as {"en": ..., "es": ...}."""
    if row is None:
        return None
    return {"en": getattr(row, f"{field}_en"), "es": getattr(row, f"{field}_es")}


def _practice(row: PracticeFeedback | None) -> dict[str, Any] | None:
    """A practice speech as the mentor scored it (the Soapbox rubric, 1 to 4)."""
    if row is None:
        return None
    return {
        "by": row.mentor_name,
        "scores": row.scores,
        "comments": row.comments,
        "at": row.delivered_at,
    }


async def export(member: User) -> dict[str, Any]:
    """The member's learning record, section by section."""
    assignments = (
        await Assignment.filter(member=member)
        .order_by("created_at", "id")
        .prefetch_related("module__track", "assigned_by")
    )
    progress = (
        await ActivityProgress.filter(member=member)
        .order_by("id")
        .prefetch_related("activity__module", "events")
    )
    practice = {
        row.progress_id: row for row in await PracticeFeedback.filter(progress__member=member)
    }
    activities = []
    attendance = []
    for row in progress:
        history = sorted(row.events, key=lambda e: (e.created_at, e.id))
        activities.append(
            {
                "activity": _both(row.activity, "title"),
                "module": _both(row.activity.module, "title"),
                "kind": row.activity.kind,
                "completion": row.activity.completion,
                "state": row.state,
                "reflection": row.body,
                "submitted_at": row.submitted_at,
                "updated_at": row.updated_at,
                "practice": _practice(practice.get(row.id)),
                "history": [
                    {"state": e.state, "by": e.actor_name, "text": e.text, "at": e.created_at}
                    for e in history
                ],
            }
        )
        if row.activity.completion == Completion.ATTENDANCE and row.state in FINISHED:
            marked = [e for e in history if e.state in FINISHED][-1:]
            attendance.append(
                {
                    "activity": _both(row.activity, "title"),
                    "module": _both(row.activity.module, "title"),
                    "recorded_by": marked[0].actor_name if marked else "",
                    "at": marked[0].created_at if marked else row.updated_at,
                }
            )
    completions = (
        await ModuleCompletion.filter(member=member)
        .order_by("completed_at", "id")
        .prefetch_related("module")
    )
    badges = await Badge.filter(member=member).order_by("awarded_at", "id")
    return {
        "assignments": [
            {
                "module": _both(a.module, "title"),
                "track": _both(a.module.track, "title"),
                "due_on": a.due_on,
                "note": a.note,
                "assigned_by": a.assigned_by.name if a.assigned_by else "",
                "at": a.created_at,
            }
            for a in assignments
        ],
        "activities": activities,
        "completed_modules": [
            {"module": _both(c.module, "title"), "at": c.completed_at} for c in completions
        ],
        "badges": [
            {
                "title": _both(b, "title"),
                "awarded_at": b.awarded_at,
                "shared": b.public,
                "address": f"/badges/{b.uid}" if b.public else None,
            }
            for b in badges
        ],
        "attendance": attendance,
    }


async def erase(member: User, *, label: str) -> None:
    """Delete the member's learning record; where they acted on someone else's progress,
    ``label`` stands for their name."""
    async with changing(STAMP):
        progress = await ActivityProgress.filter(member=member).values_list("id", flat=True)
        await ProgressEvent.filter(progress_id__in=progress).delete()
        await PracticeFeedback.filter(progress_id__in=progress).delete()
        await ActivityProgress.filter(id__in=progress).delete()
        for model in (Assignment, ModuleCompletion, Badge):
            await model.filter(member=member).delete()
        await ProgressEvent.filter(actor=member).update(actor_name=label)
        await PracticeFeedback.filter(mentor=member).update(mentor_name=label)
