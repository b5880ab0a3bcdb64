from tortoise import fields
from tortoise.models import Model

from yoc.members.enums import (
    ApplicationDecision,
    Community,
    ConflictOutcome,
    ConsentPurpose,
    ConsentSource,
    ContactMethod,
    DeletionState,
    MemberStatus,
    NoteVisibility,
    PublicNameChoice,
    Relationship,
)

# What a youth program needs and no more. By design there is no field for immigration
# status, citizenship or any government identifier, and no free-form "custom fields".


class MemberProfile(Model):
    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "yoc.User", related_name="profile", on_delete=fields.CASCADE
    )
    display_name = fields.CharField(max_length=80)
    pronouns = fields.CharField(max_length=40, default="")
    school = fields.CharField(max_length=120, default="")
    grade = fields.SmallIntField(null=True)
    community = fields.CharEnumField(Community, max_length=16, default=Community.OTHER)
    birth_date = fields.DateField()
    zip_code = fields.CharField(max_length=5, default="")
    interests = fields.CharField(max_length=300, default="")
    bio = fields.TextField(default="")
    decision = fields.CharEnumField(
        ApplicationDecision, max_length=10, default=ApplicationDecision.PENDING
    )
    decided_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(
        MemberStatus, max_length=20, default=MemberStatus.PENDING_APPROVAL, db_index=True
    )
    public_name_choice = fields.CharEnumField(
        PublicNameChoice, max_length=16, default=PublicNameChoice.FIRST_NAME_LAST_INITIAL
    )
    nickname = fields.CharField(max_length=40, default="")
    # From 16, a member may keep their learning progress off the family page. (A default in
    # the database as well, so the column can be added to a table that has rows.)
    hide_progress_from_guardians = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member_profiles"


class MemberPhoto(Model):
    """The photo of a member, re-encoded on upload, which also drops location metadata."""

    # A plain id as primary key: Tortoise's migration autodetector keeps re-detecting
    # models whose primary key is a one-to-one field.
    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "yoc.User", related_name="photo", on_delete=fields.CASCADE
    )
    content_type = fields.CharField(max_length=32, default="image/jpeg")
    data = fields.BinaryField()
    # Public pages link the photo by this random key, never by the member's id: a new
    # photo gets a new key, and the key serves nothing without a photo release in force.
    public_key = fields.CharField(max_length=32, unique=True, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member_photos"


class Guardian(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="guardians", on_delete=fields.CASCADE, db_index=True
    )
    name = fields.CharField(max_length=120)
    relationship = fields.CharEnumField(Relationship, max_length=16)
    email = fields.CharField(max_length=254, default="")
    phone = fields.CharField(max_length=30, default="")
    language = fields.CharField(max_length=5, default="es")
    created_at = fields.DatetimeField(auto_now_add=True)
    # Staff confirm that this really is the member's parent or guardian (a call, a signed
    # form, a visit). Until then their yes to photos or a public name is not in force.
    confirmed_at = fields.DatetimeField(null=True)
    confirmed_by_name = fields.CharField(max_length=160, default="", db_default="")
    confirmation_method = fields.CharEnumField(ContactMethod, max_length=10, null=True)
    confirmation_note = fields.TextField(default="", db_default="")

    class Meta:
        table = "guardians"
        ordering = ["id"]

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class ConsentRecord(Model):
    """One decision about one purpose. A revocation is recorded, never erased."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="consents", on_delete=fields.CASCADE, db_index=True
    )
    purpose = fields.CharEnumField(ConsentPurpose, max_length=16)
    granted = fields.BooleanField()
    source = fields.CharEnumField(ConsentSource, max_length=10)
    guardian: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.Guardian", related_name="consents", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    granted_by_name = fields.CharField(max_length=160)
    text_version = fields.CharField(max_length=20)
    text_language = fields.CharField(max_length=5)
    # For the public-name purpose: which form of the name may be shown.
    public_name_choice = fields.CharEnumField(PublicNameChoice, max_length=16, null=True)
    nickname = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    revoked_by_name = fields.CharField(max_length=160, default="")
    # A yes from a guardian whom staff have not confirmed yet, to a purpose that needs a
    # confirmed guardian: recorded, shown to staff, and in force once they confirm.
    awaits_confirmation = fields.BooleanField(default=False, db_default=False)
    # Recorded by staff (source "staff"): how the guardian told us, on which day, and who
    # wrote it down.
    method = fields.CharEnumField(ContactMethod, max_length=10, null=True)
    decided_on = fields.DateField(null=True)
    recorded_by_name = fields.CharField(max_length=160, default="", db_default="")

    class Meta:
        table = "consent_records"
        ordering = ["-created_at", "-id"]


class ConsentRequest(Model):
    """The one-time link emailed to a guardian."""

    id = fields.IntField(primary_key=True)
    guardian: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Guardian", related_name="requests", on_delete=fields.CASCADE, db_index=True
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    # Another guardian answered (or staff recorded a paper form) first.
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "consent_requests"


class ConsentConflict(Model):
    """A guardian's answer that would overrule another guardian's, held for staff.

    It is not a decision in force: staff talk to the family, then apply it or keep the
    answer that stands.
    """

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="consent_conflicts", on_delete=fields.CASCADE, db_index=True
    )
    purpose = fields.CharEnumField(ConsentPurpose, max_length=16)
    guardian: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.Guardian",
        related_name="conflicts",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    by_name = fields.CharField(max_length=160)
    granted = fields.BooleanField()
    public_name_choice = fields.CharEnumField(PublicNameChoice, max_length=16, null=True)
    nickname = fields.CharField(max_length=40, default="")
    text_version = fields.CharField(max_length=20)
    text_language = fields.CharField(max_length=5)
    # The decision in force that this answer contradicts.
    standing: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.ConsentRecord",
        related_name="conflicts",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by_name = fields.CharField(max_length=160, default="")
    outcome = fields.CharEnumField(ConflictOutcome, max_length=10, null=True)
    note = fields.TextField(default="")

    class Meta:
        table = "consent_conflicts"
        ordering = ["created_at", "id"]


class GuardianLink(Model):
    """A sign-in link emailed to a guardian's address: single-use, short-lived, hashed."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "guardian_links"


class GuardianSession(Model):
    """A guardian signed in on one browser, by their email address (not a user account).
    Deleting the row ends it."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "guardian_sessions"


class MentorNote(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="notes_about", on_delete=fields.CASCADE, db_index=True
    )
    author: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="notes_written",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    author_name = fields.CharField(max_length=120)
    visibility = fields.CharEnumField(NoteVisibility, max_length=10)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mentor_notes"
        ordering = ["-created_at", "-id"]


class DeletionRequest(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.User", related_name="deletion_requests", on_delete=fields.CASCADE, db_index=True
    )
    state = fields.CharEnumField(DeletionState, max_length=10, default=DeletionState.REQUESTED)
    reason = fields.TextField(default="")
    requested_at = fields.DatetimeField(auto_now_add=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "deletion_requests"
        ordering = ["requested_at"]


class Cohort(Model):
    """A group of members who go through the program together, with their mentors."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    slug = fields.CharField(max_length=80, unique=True)
    community = fields.CharEnumField(Community, max_length=16, null=True)
    starts_on = fields.DateField(null=True)
    ends_on = fields.DateField(null=True)
    members: fields.ManyToManyRelation = fields.ManyToManyField(
        "yoc.User", related_name="member_cohorts", through="cohort_members"
    )
    mentors: fields.ManyToManyRelation = fields.ManyToManyField(
        "yoc.User", related_name="mentor_cohorts", through="cohort_mentors"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cohorts"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
