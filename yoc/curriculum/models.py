from tortoise import fields
from tortoise.models import Model

from yoc.curriculum.enums import ActivityKind, Completion, ProgressState


class Track(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=80, unique=True)
    title_en = fields.CharField(max_length=160)
    title_es = fields.CharField(max_length=160)
    summary_en = fields.TextField(default="")
    summary_es = fields.TextField(default="")
    position = fields.IntField(default=0)
    retired_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tracks"
        ordering = ["position", "id"]


class Module(Model):
    id = fields.IntField(primary_key=True)
    track: fields.ForeignKeyRelation[Track] = fields.ForeignKeyField(
        "yoc.Track", related_name="modules", on_delete=fields.RESTRICT, db_index=True
    )
    title_en = fields.CharField(max_length=160)
    title_es = fields.CharField(max_length=160)
    summary_en = fields.TextField(default="")
    summary_es = fields.TextField(default="")
    position = fields.IntField(default=0)
    # Completing a milestone module awards a badge, as completing a track does.
    milestone = fields.BooleanField(default=False)
    prerequisites: fields.ManyToManyRelation["Module"] = fields.ManyToManyField(
        "yoc.Module",
        related_name="unlocks",
        through="module_prerequisites",
        forward_key="prerequisite_id",
        backward_key="module_id",
    )
    retired_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "modules"
        ordering = ["position", "id"]


class Activity(Model):
    id = fields.IntField(primary_key=True)
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "yoc.Module", related_name="activities", on_delete=fields.RESTRICT, db_index=True
    )
    kind = fields.CharEnumField(ActivityKind, max_length=20)
    completion = fields.CharEnumField(Completion, max_length=10)
    title_en = fields.CharField(max_length=160)
    title_es = fields.CharField(max_length=160)
    prompt_en = fields.TextField(default="")
    prompt_es = fields.TextField(default="")
    # What there is to read, written by staff in Markdown (yoc.richtext shows it), and a
    # video to watch (an http or https address).
    body_en = fields.TextField(default="", db_default="")
    body_es = fields.TextField(default="", db_default="")
    video_url = fields.CharField(max_length=500, default="", db_default="")
    position = fields.IntField(default=0)
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "activities"
        ordering = ["position", "id"]


class ActivityAttachment(Model):
    """A file staff attach to an activity, in a table apart so lists never read it."""

    id = fields.IntField(primary_key=True)
    activity: fields.OneToOneRelation[Activity] = fields.OneToOneField(
        "yoc.Activity", related_name="attachment", on_delete=fields.CASCADE
    )
    filename = fields.CharField(max_length=120)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    data = fields.BinaryField()
    uploaded_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "activity_attachments"


class CohortAssignment(Model):
    """A module or track given to a whole group. Late joiners get it when they join."""

    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Cohort", related_name="assignments", on_delete=fields.CASCADE, db_index=True
    )
    module: fields.ForeignKeyNullableRelation[Module] = fields.ForeignKeyField(
        "yoc.Module",
        related_name="cohort_assignments",
        null=True,
        on_delete=fields.RESTRICT,
        db_index=True,
    )
    track: fields.ForeignKeyNullableRelation[Track] = fields.ForeignKeyField(
        "yoc.Track",
        related_name="cohort_assignments",
        null=True,
        on_delete=fields.RESTRICT,
        db_index=True,
    )
    due_on = fields.DateField(null=True)
    note = fields.TextField(default="")
    assigned_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="cohort_assignments_made",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cohort_assignments"


class Assignment(Model):
    """A module given to one member (a track assignment gives one row per module)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="assignments", on_delete=fields.CASCADE, db_index=True
    )
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "yoc.Module", related_name="assignments", on_delete=fields.RESTRICT, db_index=True
    )
    cohort_assignment: fields.ForeignKeyNullableRelation[CohortAssignment] = fields.ForeignKeyField(
        "yoc.CohortAssignment",
        related_name="assignments",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    due_on = fields.DateField(null=True)
    note = fields.TextField(default="")
    assigned_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="assignments_made",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "assignments"
        unique_together = (("member", "module"),)


class ActivityProgress(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="progress", on_delete=fields.CASCADE, db_index=True
    )
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "yoc.Activity", related_name="progress", on_delete=fields.RESTRICT, db_index=True
    )
    state = fields.CharEnumField(ProgressState, max_length=12, default=ProgressState.IN_PROGRESS)
    # The latest reflection text, and when it was submitted (the review queue's order).
    body = fields.TextField(default="")
    submitted_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "activity_progress"
        unique_together = (("member", "activity"),)


class ProgressEvent(Model):
    """The history of an activity for a member: every submission, review and feedback."""

    id = fields.IntField(primary_key=True)
    progress: fields.ForeignKeyRelation[ActivityProgress] = fields.ForeignKeyField(
        "yoc.ActivityProgress", related_name="events", on_delete=fields.CASCADE, db_index=True
    )
    state = fields.CharEnumField(ProgressState, max_length=12)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="progress_events",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    actor_name = fields.CharField(max_length=120)
    text = fields.TextField(default="")
    # The activity's title when this happened, so later edits do not rewrite history.
    activity_title = fields.CharField(max_length=160, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "progress_events"
        ordering = ["created_at", "id"]


class ModuleCompletion(Model):
    """Recorded once, when a member finishes a module. Later edits do not undo it."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="module_completions", on_delete=fields.CASCADE, db_index=True
    )
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "yoc.Module", related_name="completions", on_delete=fields.RESTRICT, db_index=True
    )
    completed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "module_completions"
        unique_together = (("member", "module"),)


class Badge(Model):
    id = fields.IntField(primary_key=True)
    # Unguessable: the public address of a shared badge.
    uid = fields.CharField(max_length=32, unique=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="badges", on_delete=fields.CASCADE, db_index=True
    )
    track: fields.ForeignKeyNullableRelation[Track] = fields.ForeignKeyField(
        "yoc.Track", related_name="badges", null=True, on_delete=fields.RESTRICT, db_index=True
    )
    module: fields.ForeignKeyNullableRelation[Module] = fields.ForeignKeyField(
        "yoc.Module", related_name="badges", null=True, on_delete=fields.RESTRICT, db_index=True
    )
    # One badge per member and achievement, even when two requests finish it at once.
    achievement_key = fields.CharField(max_length=40)
    title_en = fields.CharField(max_length=160)
    title_es = fields.CharField(max_length=160)
    salt = fields.CharField(max_length=32)
    public = fields.BooleanField(default=False)
    awarded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "badges"
        unique_together = (("member", "achievement_key"),)


class PracticeFeedback(Model):
    """A practice speech a member gave at a practice night, as the mentor heard it: scored on
    the Soapbox review's rubric (keys and 1-4 scores), with comments."""

    id = fields.IntField(primary_key=True)
    progress: fields.OneToOneRelation[ActivityProgress] = fields.OneToOneField(
        "yoc.ActivityProgress", related_name="practice", on_delete=fields.CASCADE
    )
    mentor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="practice_feedback_given",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    mentor_name = fields.CharField(max_length=120)
    scores = fields.JSONField(default=dict)
    comments = fields.TextField(default="")
    delivered_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "practice_feedback"
