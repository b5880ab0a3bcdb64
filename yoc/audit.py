"""Who viewed or changed a member's record, and when."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditAction(StrEnum):
    VIEW = "view"
    UPDATE = "update"
    CONSENT = "consent"
    APPROVE = "approve"
    DECLINE = "decline"
    NOTE = "note"
    EXPORT = "export"
    COHORT = "cohort"
    DELETE = "delete"


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


async def record(
    *,
    actor: Any | None,
    action: AuditAction,
    subject: Any | None = None,
    subject_label: str = "",
    actor_label: str = "",
    minor: bool = False,
    **detail: Any,
) -> AuditEntry:
    """Write one line of the audit log; ``actor`` and ``subject`` are users."""
    return await AuditEntry.create(
        actor=actor,
        actor_label=actor_label or (f"{actor.name} <{actor.email}>" if actor else "system"),
        subject=subject,
        subject_label=subject_label or (subject.name if subject else ""),
        subject_is_minor=minor,
        action=action,
        detail=detail,
    )
