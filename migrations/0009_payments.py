from tortoise import migrations
from tortoise.migrations import operations as ops
from yoc.payments.enums import PaymentState
from tortoise import fields


async def copy_payments(apps, schema_editor):
    """Each order's Stripe checkout becomes a Payment row; processed events move over."""
    client = schema_editor.client
    await client.execute_script(
        "INSERT INTO payments (provider, subject, reference, charge_ref, amount_cents, currency,"
        " refunded_cents, state, created_at, paid_at)"
        " SELECT 'stripe', code, stripe_session_id, COALESCE(stripe_payment_intent, ''),"
        " total_cents, 'usd', 0,"
        " CASE WHEN status IN ('paid', 'refunded') THEN 'paid'"
        " WHEN status = 'pending' THEN 'pending' ELSE 'closed' END,"
        " created_at, paid_at"
        " FROM orders WHERE stripe_session_id IS NOT NULL"
    )
    await client.execute_script(
        "INSERT INTO webhook_events (event_id, type, received_at)"
        " SELECT event_id, type, received_at FROM stripe_events"
    )


class RemoveFieldKeepingRows(ops.RemoveField):
    """SQLite cannot drop a UNIQUE column, so it rebuilds the table: with foreign keys
    off, or dropping the old table would delete the rows of every table that refers to
    it (ON DELETE CASCADE), and with the table's indexes made again afterwards, since the
    rebuild leaves them out. Elsewhere, a plain DROP COLUMN."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is None or state_editor.DIALECT != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)
            return
        model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
        table = model._meta.db_table
        column = model._meta.fields_map[self.name].source_field or self.name
        client = state_editor.client
        indexes = await client.execute_query_dict(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            [table],
        )
        await client.execute_script("PRAGMA foreign_keys = OFF")
        try:
            await super().database_forward(app_label, old_state, new_state, state_editor)
            for index in indexes:
                if f'"{column}"' not in index["sql"]:
                    await client.execute_script(index["sql"])
        finally:
            await client.execute_script("PRAGMA foreign_keys = ON")


class Migration(migrations.Migration):
    dependencies = [('yoc', '0008_stamps')]

    initial = False
    # PRAGMA foreign_keys (above) has no effect inside a transaction.
    atomic = False

    operations = [
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('provider', fields.CharField(max_length=20)),
                ('subject', fields.CharField(db_index=True, max_length=40)),
                ('reference', fields.CharField(unique=True, max_length=255)),
                ('charge_ref', fields.CharField(default='', max_length=255)),
                ('amount_cents', fields.IntField()),
                ('currency', fields.CharField(default='usd', max_length=3)),
                ('refunded_cents', fields.IntField(default=0)),
                ('state', fields.CharEnumField(default=PaymentState.PENDING, description='PENDING: pending\nPAID: paid\nCLOSED: closed\nREFUNDED: refunded', enum_type=PaymentState, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'One checkout with a provider that takes money online (Stripe).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.CharField(unique=True, max_length=255)),
                ('type', fields.CharField(max_length=80)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_events', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'Each provider event id is processed once, however often it is delivered. The same'},
            bases=['Model'],
        ),
        ops.RunPython(copy_payments),
        RemoveFieldKeepingRows(model_name='Order', name='stripe_payment_intent'),
        RemoveFieldKeepingRows(model_name='Order', name='stripe_session_id'),
        ops.DeleteModel(name='StripeEvent'),
    ]
