"""Response shapes of the API, which also make its OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from yoc import paging
from yoc.accounts.enums import Role


class Me(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    language: str


class MemberOut(BaseModel):
    id: int
    name: str
    display_name: str
    email: str
    pronouns: str
    language: str
    community: str | None
    school: str
    grade: int | None
    status: str | None
    minor: bool


class MemberList(BaseModel):
    members: list[MemberOut]
    next: str | None = Field(description=paging.NEXT)


class CohortOut(BaseModel):
    id: int
    name: str
    slug: str
    community: str | None
    starts_on: date | None
    ends_on: date | None
    members: int
    mentors: list[str]


class CohortList(BaseModel):
    cohorts: list[CohortOut]
    next: str | None = Field(description=paging.NEXT)


class TrackList(BaseModel):
    tracks: list[dict]


class ModuleProgress(BaseModel):
    module: int
    title: dict[str, str]
    status: str
    activities: int
    finished: int
    waiting_review: int
    completed: bool
    overdue: bool
    due_on: date | None
    locked_by: list[int]


class MemberProgress(BaseModel):
    member: int
    modules: list[ModuleProgress]


class AssignmentOut(BaseModel):
    target: str
    what: str
    cohort_assignment: int | None = None
    # Member assignments made, and already there and updated (due date and note).
    created: int
    updated: int


class AssignmentItem(BaseModel):
    """Something given: ``kind`` "cohort" (a module or track given to a group) or "member"
    (a module given to one member); change or take it back at /api/v1/assignments/{kind}/{id}."""

    kind: str
    id: int
    target: str
    what: str
    due_on: date | None
    note: str
    members: int


class AssignmentList(BaseModel):
    assignments: list[AssignmentItem]


class AssignmentRemoved(BaseModel):
    # Member assignments removed, and how many of those members still have the module
    # through another of their groups. Their progress and reflections are kept.
    removed: int
    still_given: int


class Bilingual(BaseModel):
    en: str
    es: str


class PublicSpeech(BaseModel):
    id: int
    title: str
    language: str
    minutes: int
    stage: Bilingual
    starts_at: datetime
    ends_at: datetime
    speaker: str | None  # null: the speaker has not agreed to be named in public


class PublicSchedule(BaseModel):
    event: str
    release: int | None
    released_at: datetime | None
    speeches: list[PublicSpeech]


class SpeechSlot(BaseModel):
    id: int
    event: str
    stage: Bilingual
    starts_at: datetime
    ends_at: datetime


class Speaker(BaseModel):
    id: int
    name: str


class SpeechOut(BaseModel):
    id: int
    title: str
    topic: str
    summary: str
    language: str
    minutes: int
    state: str
    speaker: Speaker
    slot: SpeechSlot | None
    allowed_transitions: list[str]


class SpeechList(BaseModel):
    speeches: list[SpeechOut]
    next: str | None = Field(description=paging.NEXT)


class TransitionOut(SpeechOut):
    warnings: list[str]
