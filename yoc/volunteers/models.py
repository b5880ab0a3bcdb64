from tortoise import fields
from tortoise.models import Model

from yoc.volunteers.enums import ShiftRole


class Shift(Model):
    """A stretch of work at an event: a role, a place, times, and how many people."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="shifts", on_delete=fields.CASCADE, db_index=True
    )
    role = fields.CharEnumField(ShiftRole, max_length=12)
    place_en = fields.CharField(max_length=120, default="")
    place_es = fields.CharField(max_length=120, default="")
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    needed = fields.IntField()
    # People signed up: raised only by a conditional update against ``needed``, in the
    # transaction that adds the person, so a shift is never over-filled.
    taken = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def gap(self) -> int:
        return max(self.needed - self.taken, 0)

    class Meta:
        table = "volunteer_shifts"
        ordering = ["starts_at", "id"]


class ShiftSignup(Model):
    """A person on a shift: an account, or an adult without one."""

    # With an account, the name, address and language are the account's.

    id = fields.IntField(primary_key=True)
    shift: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Shift", related_name="signups", on_delete=fields.CASCADE, db_index=True
    )
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "yoc.User",
        related_name="shift_signups",
        null=True,
        on_delete=fields.CASCADE,
        db_index=True,
    )
    name = fields.CharField(max_length=120, default="")
    # Lowercased; None for an account's sign-up (its address is the account's).
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=30, default="")
    language = fields.CharField(max_length=5, default="en")
    # Who put them on the shift: "self", or the staff member's label.
    added_by = fields.CharField(max_length=160, default="self")
    # Set when the reminder is queued (or was not needed): set once, by a conditional
    # update, so no reminder goes twice.
    reminded_at = fields.DatetimeField(null=True, db_index=True)
    # Staff mark someone who did not come: their hours are not counted.
    no_show = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "volunteer_signups"
        ordering = ["id"]
        unique_together = (("shift", "user"), ("shift", "email"))
