from tortoise import fields
from tortoise.models import Model

from yoc.participation.enums import HoursState, Presence, Rsvp


class Meeting(Model):
    """A group's meeting: when, where, and what it is about."""

    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Cohort", related_name="meetings", on_delete=fields.CASCADE, db_index=True
    )
    starts_at = fields.DatetimeField(db_index=True)
    minutes = fields.SmallIntField(default=90)
    place = fields.CharField(max_length=160)
    topic = fields.CharField(max_length=160)
    # The module the meeting works on, if any (its title shows in each reader's language).
    module: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.Module",
        related_name="meetings",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    # Meetings made together as a weekly series share this key.
    series = fields.CharField(max_length=16, default="", db_index=True)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="meetings_made",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meetings"
        ordering = ["starts_at", "id"]


class MeetingRsvp(Model):
    """A member’s answer about one meeting: a new answer replaces the old."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "yoc.Meeting", related_name="rsvps", on_delete=fields.CASCADE, db_index=True
    )
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="meeting_rsvps", on_delete=fields.CASCADE, db_index=True
    )
    answer = fields.CharEnumField(Rsvp, max_length=8)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "meeting_rsvps"
        unique_together = (("meeting", "member"),)


class MeetingAttendance(Model):
    """Whether a member came, as a mentor marked it. ``marked_at`` is when the mentor
    tapped (on a phone that may have been offline): the latest tap wins."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "yoc.Meeting", related_name="attendance", on_delete=fields.CASCADE, db_index=True
    )
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="meeting_attendance", on_delete=fields.CASCADE, db_index=True
    )
    presence = fields.CharEnumField(Presence, max_length=8)
    marked_at = fields.DatetimeField()
    marked_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="attendance_marked",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )

    class Meta:
        table = "meeting_attendance"
        unique_together = (("meeting", "member"),)


class ServiceHours(Model):
    """Hours of service or volunteering a member logged, for a mentor to verify."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="service_hours", on_delete=fields.CASCADE, db_index=True
    )
    served_on = fields.DateField(db_index=True)
    # Minutes, so that sums are exact (a form takes hours such as 2.5).
    minutes = fields.IntField()
    organisation = fields.CharField(max_length=160)
    description = fields.TextField(default="")
    state = fields.CharEnumField(
        HoursState, max_length=10, default=HoursState.PENDING, db_index=True
    )
    reviewed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="hours_reviewed",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    # Kept as written when verified: the letter of hours is signed with this name.
    reviewer_name = fields.CharField(max_length=120, default="")
    reviewed_at = fields.DatetimeField(null=True)
    reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "service_hours"
        ordering = ["-served_on", "-id"]


class ReminderChoice(Model):
    """Which reminders a member (``user``) or a guardian (by email) wants. Without a row,
    a member gets every kind and a guardian none: a guardian chooses in."""

    id = fields.IntField(primary_key=True)
    # "member:<id>" or "guardian:<email>": one row per person.
    owner = fields.CharField(max_length=280, unique=True)
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="reminder_choices",
        null=True,
        on_delete=fields.CASCADE,
        db_index=True,
    )
    guardian_email = fields.CharField(max_length=254, default="")
    due_dates = fields.BooleanField(default=True)
    speeches = fields.BooleanField(default=True)
    meetings = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reminder_choices"


class ReminderSent(Model):
    """One reminder queued: its key (what, to whom) is unique, so that of two workers
    that find it due at once only one queues it."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reminders_sent"
