from tortoise import fields
from tortoise.models import Model

from yoc.soapbox.enums import Decision, SpeechLanguage, SpeechState


class Stage(Model):
    """A stage at an event, where speeches are given one after another."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="stages", on_delete=fields.CASCADE, db_index=True
    )
    name_en = fields.CharField(max_length=80)
    name_es = fields.CharField(max_length=80)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "soapbox_stages"
        ordering = ["position", "id"]


class Slot(Model):
    """A time on a stage that holds at most one speech."""

    id = fields.IntField(primary_key=True)
    stage: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Stage", related_name="slots", on_delete=fields.CASCADE, db_index=True
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "soapbox_slots"
        ordering = ["starts_at", "id"]


class Speech(Model):
    """A member's Soapbox Speech, from proposal to delivery."""

    id = fields.IntField(primary_key=True)
    speaker: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="speeches", on_delete=fields.CASCADE, db_index=True
    )
    title = fields.CharField(max_length=120)
    topic = fields.CharField(max_length=120, default="")
    summary = fields.TextField(default="")
    language = fields.CharEnumField(SpeechLanguage, max_length=10, default=SpeechLanguage.ENGLISH)
    minutes = fields.SmallIntField(default=3)
    content_notes = fields.TextField(default="")
    # Comma-separated AccessNeed values, plus anything else in words.
    access_needs = fields.CharField(max_length=100, default="")
    access_notes = fields.TextField(default="")
    state = fields.CharEnumField(
        SpeechState, max_length=20, default=SpeechState.DRAFT, db_index=True
    )
    # One speech per slot, held by the database: a unique column.
    slot: fields.OneToOneNullableRelation = fields.OneToOneField(
        "yoc.Slot", related_name="speech", null=True, on_delete=fields.SET_NULL
    )
    # The event whose Soapbox call the proposal answers (None: any event); its call says
    # which modules a member finishes before sending it.
    event: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="proposals", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    # The reflection the speech grew from: its text was the first draft of the summary.
    reflection: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.ActivityProgress",
        related_name="speeches",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    submitted_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "soapbox_speeches"
        ordering = ["-updated_at", "-id"]


class Availability(Model):
    """A window of time in which the speaker can give the speech."""

    id = fields.IntField(primary_key=True)
    speech: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Speech", related_name="availability", on_delete=fields.CASCADE, db_index=True
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()

    class Meta:
        table = "soapbox_availability"
        ordering = ["starts_at", "id"]


class SpeechEvent(Model):
    """One change of state of a speech: who moved it, when, and why."""

    id = fields.IntField(primary_key=True)
    speech: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Speech", related_name="history", on_delete=fields.CASCADE, db_index=True
    )
    from_state = fields.CharEnumField(SpeechState, max_length=20)
    to_state = fields.CharEnumField(SpeechState, max_length=20)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="speech_events",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    actor_name = fields.CharField(max_length=120)
    note = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "soapbox_speech_events"
        ordering = ["created_at", "id"]


class Review(Model):
    """A reviewer's decision with comments and the rubric the speaker sees."""

    id = fields.IntField(primary_key=True)
    speech: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Speech", related_name="reviews", on_delete=fields.CASCADE, db_index=True
    )
    reviewer: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="speech_reviews",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    reviewer_name = fields.CharField(max_length=120)
    decision = fields.CharEnumField(Decision, max_length=20)
    # Scores from 1 to 4. The pages ask for all three; an API decision may leave them out.
    clarity = fields.SmallIntField(null=True)
    voice = fields.SmallIntField(null=True)
    call_to_action = fields.SmallIntField(null=True)
    comments = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "soapbox_reviews"
        ordering = ["-created_at", "-id"]


class Release(Model):
    """A numbered publication of an event's schedule, with what changed since the last."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="releases", on_delete=fields.CASCADE, db_index=True
    )
    number = fields.IntField()
    # The released lineup: speech, stage and times per entry.
    entries = fields.JSONField(default=list)
    changes = fields.JSONField(default=list)
    published_by_name = fields.CharField(max_length=120)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "soapbox_releases"
        ordering = ["-number"]
        unique_together = (("event", "number"),)


class SpeakerCalendar(Model):
    """The secret addresses of a speaker's calendar feeds: one private, one public."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "yoc.User", related_name="speaker_calendar", on_delete=fields.CASCADE
    )
    private_key = fields.CharField(max_length=48, unique=True)
    public_key = fields.CharField(max_length=48, unique=True)

    class Meta:
        table = "soapbox_calendars"


class SoapboxCall(Model):
    """An event's call for Soapbox proposals: the modules a member finishes first."""

    id = fields.IntField(primary_key=True)
    event: fields.OneToOneRelation = fields.OneToOneField(
        "yoc.Event", related_name="soapbox_call", on_delete=fields.CASCADE
    )
    # Module ids; empty: anyone active may propose.
    required_modules = fields.JSONField(default=list)
    updated_by_name = fields.CharField(max_length=120, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "soapbox_calls"


class ReadinessWaiver(Model):
    """A mentor lets one member propose before finishing the required modules, and why."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="speech_waivers", on_delete=fields.CASCADE, db_index=True
    )
    granted_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="speech_waivers_granted",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    granted_by_name = fields.CharField(max_length=120)
    reason = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "soapbox_waivers"
        ordering = ["-created_at", "-id"]
