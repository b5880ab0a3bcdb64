from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from yoc.accounts.enums import Role, TokenPurpose
from yoc.permissions import TokenScope
from yoc.timeutil import utcnow


class User(Model):
    id = fields.IntField(primary_key=True)
    # Stored lower-cased, so uniqueness is case-insensitive on every database.
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=120)
    role = fields.CharEnumField(Role, max_length=16, default=Role.MEMBER)
    language = fields.CharField(max_length=5, default="en")
    # Empty until an invited person chooses a password.
    password_hash = fields.CharField(max_length=255, null=True)
    is_active = fields.BooleanField(default=True)
    # Set once the person showed they read mail at this address (a sign-up's link, a
    # password reset, an invitation); a member who signed up cannot sign in before.
    email_verified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"
        ordering = ["name"]
        # Lists of members by name, a page at a time (members.services.directory.MEMBERS).
        indexes = (Index(fields=("role", "name", "id")),)

    def __str__(self) -> str:
        return self.name


class UserSession(Model):
    """A signed-in browser: deleting the row ends that session at once."""

    # No semicolons in model docstrings: they become SQL table comments, and Tortoise
    # splits SQLite migration scripts on ";".

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "yoc.User", related_name="sessions", on_delete=fields.CASCADE, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)
    user_agent = fields.CharField(max_length=200, default="")
    # When the person last proved who they are here (password, or an authenticator code):
    # sensitive actions want this to be recent. (Both are filled in for every session; the
    # columns allow empty only because sessions older than them had none.)
    authenticated_at = fields.DatetimeField(null=True, default=utcnow)
    # The last request, kept to the minute (the idle timeout reads it).
    last_seen_at = fields.DatetimeField(null=True, default=utcnow)
    # When a second factor was last shown in this session (at sign-in, or by setting one
    # up); empty when none was.
    second_factor_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_sessions"


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "yoc.User", related_name="api_tokens", on_delete=fields.CASCADE, db_index=True
    )
    name = fields.CharField(max_length=80)
    token_hash = fields.CharField(max_length=64, unique=True)
    # The first characters, shown in lists so an owner can tell tokens apart.
    prefix = fields.CharField(max_length=12)
    # A database default too, so that the column can be added to a table with rows.
    scope = fields.CharEnumField(
        TokenScope, max_length=8, default=TokenScope.READ, db_default=TokenScope.READ.value
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # Always set when a token is made; a token without one (from before) works no more.
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    # Also set when the owner's password or role changes, or they are deactivated.
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
        ordering = ["-created_at"]

    @property
    def expired(self) -> bool:
        return self.expires_at is None or self.expires_at <= utcnow()


class OneTimeToken(Model):
    """A link sent by email (password reset, invitation) that works once."""

    id = fields.IntField(primary_key=True)
    purpose = fields.CharEnumField(TokenPurpose, max_length=32)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "yoc.User", related_name="one_time_tokens", on_delete=fields.CASCADE, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_tokens"


class TwoFactor(Model):
    """A person's authenticator app: the shared secret of its time-based codes (TOTP)."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "yoc.User", related_name="two_factor", on_delete=fields.CASCADE
    )
    # Encrypted with a key derived from YOC_SECRET_KEY: a copy of the database alone
    # cannot make codes.
    secret = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Empty while it is being set up: it counts once a first code has been entered.
    confirmed_at = fields.DatetimeField(null=True)
    # The time step of the last code accepted: that code, and older ones, are refused.
    last_step = fields.BigIntField(null=True)

    class Meta:
        table = "two_factor"


class RecoveryCode(Model):
    """A single-use code for signing in without the authenticator app (stored hashed)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "yoc.User", related_name="recovery_codes", on_delete=fields.CASCADE, db_index=True
    )
    code_hash = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_codes"
