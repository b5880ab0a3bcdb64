from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing, TicketStatus, WaitState


class TicketType(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="ticket_types", on_delete=fields.RESTRICT, db_index=True
    )
    name_en = fields.CharField(max_length=120)
    name_es = fields.CharField(max_length=120)
    description_en = fields.TextField(default="")
    description_es = fields.TextField(default="")
    pricing = fields.CharEnumField(Pricing, max_length=8)
    price_cents = fields.IntField(default=0)  # fixed price
    min_cents = fields.IntField(default=0)  # sliding scale
    suggested_cents = fields.IntField(default=0)
    max_cents = fields.IntField(default=0)
    quota = fields.IntField(null=True)  # besides the event's capacity
    sold = fields.IntField(default=0)  # held + sold, like Event.sold
    # People on its waiting list who have not been offered seats yet: while there are
    # any, seats that come back are theirs, and the type is sold out to everyone else.
    waiting = fields.IntField(default=0, db_default=0)
    max_per_order = fields.IntField(default=10)
    sales_start = fields.DatetimeField(null=True)
    sales_end = fields.DatetimeField(null=True)
    # Hidden types are offered only to buyers who enter this code (partner groups).
    access_code = fields.CharField(max_length=40, default="")
    position = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "ticket_types"
        ordering = ["position", "id"]


class Order(Model):
    id = fields.IntField(primary_key=True)
    # Short, readable, for the phone and the door: "YOC-7KM4QX9P".
    code = fields.CharField(max_length=16, unique=True)
    # The secret part of the order page's link.
    key = fields.CharField(max_length=40, unique=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="orders", on_delete=fields.RESTRICT, db_index=True
    )
    status = fields.CharEnumField(
        OrderStatus, max_length=10, default=OrderStatus.PENDING, db_index=True
    )
    payment = fields.CharEnumField(PaymentMethod, max_length=12)
    buyer_name = fields.CharField(max_length=120)
    buyer_email = fields.CharField(max_length=254, db_index=True)
    buyer_phone = fields.CharField(max_length=30, default="")
    language = fields.CharField(max_length=5, default="en")
    total_cents = fields.IntField()
    tickets_count = fields.IntField()  # seats this order holds in the event's capacity
    donated_count = fields.IntField(default=0)  # of which donated to the pool
    claimed_count = fields.IntField(default=0)  # tickets taken from the donated pool
    hold_expires_at = fields.DatetimeField(null=True, db_index=True)
    # "<event id>:<email>" while this is an open pay-at-the-door reservation, else None:
    # unique, so one email holds at most one at an event, however many ask at once.
    open_reservation = fields.CharField(max_length=270, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)
    # A walk-up sale at the door: the gate, and who sold it (a name to show, and a key
    # that stays the same for one person's shift: "user:<id>" or "grant:<id>").
    sold_gate = fields.CharField(max_length=40, default="", db_default="")
    sold_by = fields.CharField(max_length=160, default="", db_default="")
    seller = fields.CharField(max_length=40, default="", db_default="", db_index=True)

    class Meta:
        table = "orders"
        ordering = ["-created_at", "-id"]
        # The staff lists of an event's orders, newest first, a page at a time
        # (tickets.services.reports.ORDERS), with or without a status.
        indexes = (
            Index(fields=("event_id", "created_at", "id")),
            Index(fields=("event_id", "status", "created_at", "id")),
        )

    @property
    def donation_only(self) -> bool:
        """Only pay-it-forward tickets: the buyer has no ticket to bring to the gate."""
        return (
            bool(self.donated_count)
            and self.tickets_count == self.donated_count
            and not self.claimed_count
        )


class OrderItem(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "yoc.Order", related_name="items", on_delete=fields.CASCADE, db_index=True
    )
    ticket_type: fields.ForeignKeyNullableRelation[TicketType] = fields.ForeignKeyField(
        "yoc.TicketType", related_name="items", null=True, on_delete=fields.RESTRICT, db_index=True
    )
    # Kinds: a ticket of a type, a donated ticket for the pool, a claim from the pool.
    kind = fields.CharField(max_length=10, default="ticket")
    quantity = fields.IntField()
    unit_price_cents = fields.IntField()

    class Meta:
        table = "order_items"


class Ticket(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "yoc.Order", related_name="tickets", on_delete=fields.CASCADE, db_index=True
    )
    ticket_type: fields.ForeignKeyNullableRelation[TicketType] = fields.ForeignKeyField(
        "yoc.TicketType",
        related_name="tickets",
        null=True,
        on_delete=fields.RESTRICT,
        db_index=True,
    )
    label_en = fields.CharField(max_length=120)
    label_es = fields.CharField(max_length=120)
    secret = fields.CharField(max_length=40, unique=True)
    status = fields.CharEnumField(TicketStatus, max_length=8, default=TicketStatus.VALID)
    price_cents = fields.IntField(default=0)
    # Who uses the ticket, when the buyer named someone else (empty: the buyer).
    holder_name = fields.CharField(max_length=120, default="", db_default="")
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_gate = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tickets"
        ordering = ["id"]


class OrderLog(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "yoc.Order", related_name="log", on_delete=fields.CASCADE, db_index=True
    )
    from_status = fields.CharField(max_length=10, default="")
    to_status = fields.CharField(max_length=10)
    # "system", "stripe", "buyer", the buyer's email or "Name <email>" of staff.
    actor_label = fields.CharField(max_length=160)
    # What happened, in no language (an OrderNote, its figures in ``details``); ``note``
    # is what a person wrote, such as a refund's reason.
    code = fields.CharField(max_length=32, default="", db_default="")
    details = fields.JSONField(null=True)
    note = fields.TextField(default="")
    # A change that is not a move between states (OrderChange), and what it changed;
    # stored without words, so the log is shown in the reader's language.
    change = fields.CharField(max_length=20, default="", db_default="")
    detail = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "order_log"
        ordering = ["created_at", "id"]


class OrderRetryKey(Model):
    """An API client's Idempotency-Key for placing an order: a retry of the same request
    answers the same order, however many workers serve it."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=255, unique=True)
    # A hash of what was asked (event and body): the key is refused for anything else.
    fingerprint = fields.CharField(max_length=64)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "yoc.Order", related_name="retry_keys", on_delete=fields.CASCADE, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "order_retry_keys"


class Refund(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "yoc.Order", related_name="refunds", on_delete=fields.CASCADE, db_index=True
    )
    amount_cents = fields.IntField()
    tickets = fields.JSONField(default=list)  # ids of the tickets it covers
    reason = fields.TextField(default="")
    # A refund nobody wrote a reason for (an OrderNote): a late payment, one in Stripe.
    code = fields.CharField(max_length=32, default="", db_default="")
    actor_label = fields.CharField(max_length=160)
    provider_ref = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refunds"


class CheckIn(Model):
    """One scan at the door. A retried scan (same scan id) is recorded once."""

    id = fields.IntField(primary_key=True)
    scan_id = fields.CharField(max_length=64, unique=True)
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "yoc.Ticket", related_name="scans", null=True, on_delete=fields.CASCADE, db_index=True
    )
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="scans", on_delete=fields.CASCADE, db_index=True
    )
    gate = fields.CharField(max_length=40, default="")
    result = fields.CharField(max_length=24)
    detail = fields.JSONField(default=dict)
    scanned_at = fields.DatetimeField()
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "checkins"


class DoorGrant(Model):
    """A door volunteer's phone, let in with an event's door code: scanning for that
    event until the end of the event day, or until staff make a new code (which deletes
    the rows). The phone's session cookie carries only the key."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="door_grants", on_delete=fields.CASCADE, db_index=True
    )
    # The name the volunteer gave, for the box office's shift summary (may be empty).
    name = fields.CharField(max_length=80, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "door_grants"


class WaitlistEntry(Model):
    """A place on a sold-out ticket type's waiting list. Its place in line is its id.

    An offer holds ``quantity`` seats of the type (counted in ``sold``, as a hold) until
    ``offer_expires_at``: the person may order them through the link with ``key``."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="waitlist", on_delete=fields.CASCADE, db_index=True
    )
    ticket_type: fields.ForeignKeyRelation[TicketType] = fields.ForeignKeyField(
        "yoc.TicketType", related_name="waitlist", on_delete=fields.CASCADE, db_index=True
    )
    name = fields.CharField(max_length=120)
    email = fields.CharField(max_length=254)
    language = fields.CharField(max_length=5, default="en")
    quantity = fields.IntField()
    # The secret part of the links in its emails (the offer, leaving the list).
    key = fields.CharField(max_length=40, unique=True)
    state = fields.CharEnumField(WaitState, max_length=10, default=WaitState.WAITING, db_index=True)
    offered_at = fields.DatetimeField(null=True)
    offer_expires_at = fields.DatetimeField(null=True, db_index=True)
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "yoc.Order", related_name="waitlist_entries", null=True, on_delete=fields.SET_NULL
    )
    ended_at = fields.DatetimeField(null=True)
    ended_by = fields.CharField(max_length=160, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "waitlist_entries"
        ordering = ["id"]
        unique_together = (("ticket_type", "email"),)


class DoorConflict(Model):
    """A ticket let in twice: a scan made offline, synced after another admission of the
    same ticket (at another gate, or on another phone). It stays on the scanners and on
    the live counts until somebody at the door acknowledges it."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "yoc.Event", related_name="door_conflicts", on_delete=fields.CASCADE, db_index=True
    )
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "yoc.Ticket", related_name="door_conflicts", on_delete=fields.CASCADE, db_index=True
    )
    # The synced scan that found it: unique, so a sync sent twice records it once.
    scan_id = fields.CharField(max_length=64, unique=True)
    # The entry that counts (the earliest) and the other one.
    first_gate = fields.CharField(max_length=40, default="")
    first_at = fields.DatetimeField()
    second_gate = fields.CharField(max_length=40, default="")
    second_at = fields.DatetimeField()
    found_at = fields.DatetimeField(auto_now_add=True)
    acknowledged_at = fields.DatetimeField(null=True)
    # "Name <email>" of staff, or the volunteer's name: who said they dealt with it.
    acknowledged_by = fields.CharField(max_length=160, default="")

    class Meta:
        table = "door_conflicts"
        ordering = ["found_at", "id"]
