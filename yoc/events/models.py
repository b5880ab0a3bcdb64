from datetime import datetime, timedelta

from tortoise import fields
from tortoise.models import Model


class Event(Model):
    """A festival or community event, with its overall capacity and sales window."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=80, unique=True)
    name_en = fields.CharField(max_length=160)
    name_es = fields.CharField(max_length=160)
    description_en = fields.TextField(default="")
    description_es = fields.TextField(default="")
    venue = fields.CharField(max_length=160)
    address = fields.CharField(max_length=255, default="")
    accessibility_en = fields.TextField(default="")
    accessibility_es = fields.TextField(default="")
    # What one ticket really costs the organisation, shown beside the sliding scale.
    cost_note_en = fields.TextField(default="")
    cost_note_es = fields.TextField(default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    # Seats held by pending orders plus seats sold: raised and lowered only by
    # conditional updates, so it can never pass the capacity.
    sold = fields.IntField(default=0)
    published = fields.BooleanField(default=False)
    sales_start = fields.DatetimeField(null=True)
    sales_end = fields.DatetimeField(null=True)
    # Donated (pay-it-forward) tickets: seats paid by donors, free to claim.
    donated = fields.IntField(default=0)
    donated_claimed = fields.IntField(default=0)
    donation_price_cents = fields.IntField(default=0)
    # Pay-at-the-door reservations: at most this many seats held unpaid (None: a quarter
    # of the capacity), lapsing at this time (None: an hour after doors open).
    unpaid_limit = fields.IntField(null=True)
    unpaid_until = fields.DatetimeField(null=True)
    # Seats held by open pay-at-the-door reservations: raised only by a conditional
    # update against the limit, in the order's transaction, like ``sold``.
    unpaid_held = fields.IntField(default=0)
    # Door volunteers sign in to the scanner with this code; it grants scanning only.
    door_code = fields.CharField(max_length=16, null=True)
    # Ed25519 key that signs the tickets' QR codes, so a scanner can check them offline.
    signing_key = fields.CharField(max_length=64, null=True)
    # Minors are not scheduled to speak past this local time ("HH:MM").
    minor_curfew = fields.CharField(max_length=5, default="21:00")
    created_at = fields.DatetimeField(auto_now_add=True)

    @property
    def unpaid_seats_allowed(self) -> int:
        return self.capacity // 4 if self.unpaid_limit is None else self.unpaid_limit

    @property
    def unpaid_lapse_at(self) -> datetime:
        return self.unpaid_until or self.starts_at + timedelta(hours=1)

    class Meta:
        table = "events"
        ordering = ["starts_at"]
