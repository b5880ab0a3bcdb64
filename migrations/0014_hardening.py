from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from yoc.accounts.enums import TokenPurpose
from yoc.permissions import TokenScope
from tortoise import fields


async def date_old_tokens(apps, schema_editor):
    """Tokens made before they had a scope and an end keep the power they had (all of
    it) until 90 days after they were made: the oldest stop at once."""
    if schema_editor.DIALECT == "sqlite":
        # Stored as Tortoise stores datetimes in SQLite: ISO text in UTC.
        ends = "strftime('%Y-%m-%d %H:%M:%f+00:00', created_at, '+90 days')"
    else:
        ends = "created_at + INTERVAL '90 days'"
    await schema_editor.client.execute_script(
        f"UPDATE api_tokens SET scope = 'write', expires_at = {ends}"
    )

class Migration(migrations.Migration):
    dependencies = [('yoc', '0013_rate_counts_photo_keys')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='OneTimeToken',
            name='purpose',
            field=fields.CharEnumField(description='PASSWORD_RESET: password_reset\nINVITE: invite\nCONFIRM_EMAIL: confirm_email', enum_type=TokenPurpose, max_length=32),
        ),
        ops.AddField(
            model_name='User',
            name='email_verified_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # Accounts made before sign-ups were confirmed by email keep working.
        ops.RunSQL("UPDATE users SET email_verified_at = created_at"),
        ops.AddField(
            model_name='ApiToken',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='scope',
            field=fields.CharEnumField(default=TokenScope.READ, description='READ: read\nCHECKIN: checkin\nWRITE: write', db_default='read', enum_type=TokenScope, max_length=8),
        ),
        ops.RunPython(date_old_tokens),
        ops.CreateModel(
            name='DoorGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('event', fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='door_grants', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'door_grants', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "A door volunteer's phone, let in with an event's door code: scanning for that"},
            bases=['Model'],
        ),
    ]
