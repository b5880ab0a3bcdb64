"""Who viewed or changed a member's record, and when."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from tortoise import fields
from tortoise.models import Model

from yoc.enums import LabelledEnum
from yoc.i18n import N_
from yoc.redaction import pattern, redact


class AuditAction(LabelledEnum):
    VIEW = "view", N_("viewed the record")
    UPDATE = "update", N_("changed the record")
    CONSENT = "consent", N_("recorded a consent")
    APPROVE = "approve", N_("approved the application")
    DECLINE = "decline", N_("declined the application")
    NOTE = "note", N_("wrote a note")
    EXPORT = "export", N_("exported a list")
    COHORT = "cohort", N_("changed a group")
    DELETE = "delete", N_("deletion of the data")


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="audit_actions",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    # Kept as text too, so the log still reads after an account is anonymised.
    actor_label = fields.CharField(max_length=160)
    subject: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="audit_subject_of",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    subject_label = fields.CharField(max_length=160)
    subject_is_minor = fields.BooleanField(default=False)
    action = fields.CharEnumField(AuditAction, max_length=16)
    detail = fields.JSONField(default=dict)

    class Meta:
        table = "audit_entries"
        ordering = ["-at", "-id"]


# Says whether a user is a minor. The members domain, which keeps birth dates, sets it
# (``judge_minors_with``), so that a line written without saying is still flagged.
_is_minor: Callable[[Any], Awaitable[bool]] | None = None


def judge_minors_with(judge: Callable[[Any], Awaitable[bool]]) -> None:
    global _is_minor  # noqa: PLW0603 -- set once, by the members domain at import
    _is_minor = judge


def _actor_label(actor: Any | None) -> str:
    return f"{actor.name} <{actor.email}>" if actor else "system"


async def record(
    *,
    actor: Any | None,
    action: AuditAction,
    subject: Any | None = None,
    subject_label: str = "",
    actor_label: str = "",
    minor: bool | None = None,
    **detail: Any,
) -> AuditEntry:
    """Write one line of the audit log; ``actor`` and ``subject`` are users. Whether the
    subject is a minor is looked up unless the caller says."""
    if minor is None:
        minor = bool(subject is not None and _is_minor is not None and await _is_minor(subject))
    return await AuditEntry.create(
        actor=actor,
        actor_label=actor_label or _actor_label(actor),
        subject=subject,
        subject_label=subject_label or (subject.name if subject else ""),
        subject_is_minor=minor,
        action=action,
        detail=detail,
    )


async def record_many(
    *, actor: Any, action: AuditAction, subjects: Iterable[Any], minor: bool, **detail: Any
) -> None:
    """One line per subject (users, or anything with ``id`` and ``name``), in one insert."""
    label = _actor_label(actor)
    await AuditEntry.bulk_create(
        [
            AuditEntry(
                actor_id=actor.id,
                actor_label=label,
                subject_id=subject.id,
                subject_label=subject.name,
                subject_is_minor=minor,
                action=action,
                detail=detail,
            )
            for subject in subjects
        ]
    )


async def forget(person_id: int, words: Iterable[str], label: str) -> None:
    """Let the log go on counting what happened to a person, without naming them: their
    labels become ``label``, and each of ``words`` (their names, addresses, phone numbers)
    becomes ``label`` in every entry, whoever it is about."""
    await AuditEntry.filter(subject_id=person_id).update(subject_label=label)
    await AuditEntry.filter(actor_id=person_id).update(actor_label=label)
    naming = pattern(words)
    if naming is None:
        return
    # The details are JSON, which each database stores and searches differently: read
    # the log in batches and look here.
    after = 0
    while rows := (
        await AuditEntry.filter(id__gt=after)
        .order_by("id")
        .limit(500)
        .values_list("id", "actor_label", "subject_label", "detail")
    ):
        for entry_id, actor_label, subject_label, detail in rows:
            clean = (
                redact(actor_label, naming, label),
                redact(subject_label, naming, label),
                redact(detail, naming, label),
            )
            if clean != (actor_label, subject_label, detail):
                await AuditEntry.filter(id=entry_id).update(
                    actor_label=clean[0], subject_label=clean[1], detail=clean[2]
                )
        after = rows[-1][0]
