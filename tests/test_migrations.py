"""The migrations in migrations/ describe exactly the models in the code."""

import importlib
from types import SimpleNamespace

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from yoc.db import tortoise_config


async def test_models_have_no_changes_missing_a_migration(app) -> None:
    config = tortoise_config("sqlite://:memory:")
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])

    pending = await detector.changes()

    described = [
        f"{writer.app_label}: {[type(op).__name__ for op in writer.operations]}"
        for writer in pending
    ]
    assert described == [], (
        "The models changed without a migration. Run `.venv/bin/tortoise makemigrations` "
        f"and commit the file. Pending: {described}"
    )


async def test_every_model_table_exists_after_migrating(app) -> None:

    for model in Tortoise.apps["yoc"].values():
        # A query on each table proves the migration created it with the model's columns.
        rows = await model.all().limit(1)
        assert rows == []


async def test_records_written_in_english_become_codes_and_figures(app, settings) -> None:
    """Migration 0019: what the order log, refunds, gates and audit log held in English
    (or in the volunteer's language) becomes codes and figures that read in any language."""
    from tortoise import connections

    from tests.tickets.factories import make_event, make_order, make_ticket_type
    from yoc import audit
    from yoc.tickets.models import CheckIn, OrderLog, Refund, Ticket

    migration = importlib.import_module("migrations.0022_language_neutral_records")
    event = await make_event()
    order = await make_order(event, settings, {await make_ticket_type(event): 2})
    await OrderLog.all().delete()
    notes = [
        "box_office, 8000 cents",
        "late payment: webhook evt_123",
        "refunded 1 ticket(s), 4000 cents: rain",
        "late payment refunded: order was cancelled",
        "Family emergency",
    ]
    for note in notes:
        await OrderLog.create(order=order, to_status="paid", actor_label="system", note=note)
    await Refund.create(
        order=order, amount_cents=500, actor_label="stripe", reason="refunded in Stripe"
    )
    first, second = await Ticket.filter(order=order).order_by("id")
    await Ticket.filter(id=first.id).update(checked_in_gate="Main gate")
    await Ticket.filter(id=second.id).update(checked_in_gate="Entrada principal")
    await CheckIn.create(
        scan_id="s1", event=event, gate="Entrada principal", result="ok", scanned_at=event.starts_at
    )
    await audit.AuditEntry.create(
        actor_label="guardian, through the emailed link",
        subject_label="Itzel",
        action="consent",
        detail={"granted": True},
    )
    await audit.AuditEntry.create(
        actor_label="María <maria@example.org>, guardian, on the family page",
        subject_label="Itzel",
        action="consent",
        detail={},
    )
    await audit.AuditEntry.create(
        actor_label="Sam <sam@example.org>",
        subject_label="5 members",
        action="export",
        detail={"filters": {}},
    )

    await migration.neutral_records(None, SimpleNamespace(client=connections.get("default")))

    assert [
        (e.code, e.details, e.note) for e in await OrderLog.filter(order=order).order_by("id")
    ] == [
        ("placed", {"payment": "box_office", "amount_cents": 8000}, ""),
        ("paid_by_webhook", {"late": True, "reference": "evt_123"}, ""),
        ("tickets_refunded", {"count": 1, "amount_cents": 4000}, "rain"),
        ("late_payment_refunded", {"why": "cancelled"}, ""),
        ("", None, "Family emergency"),
    ]
    assert await Refund.filter(order=order).values_list("code", "reason") == [
        ("refunded_in_stripe", "")
    ]
    assert await Ticket.filter(order=order).values_list("checked_in_gate", flat=True) == ["", ""]
    assert await CheckIn.all().values_list("gate", flat=True) == [""]
    assert [
        (e.actor_label, e.subject_label, e.detail)
        for e in await audit.AuditEntry.all().order_by("id")
    ] == [
        ("guardian", "Itzel", {"via": "emailed_link", "granted": True}),
        ("María <maria@example.org>", "Itzel", {"via": "family_page"}),
        ("Sam <sam@example.org>", "", {"filters": {}, "count": 5}),
    ]
