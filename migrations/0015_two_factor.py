from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from yoc.timeutil import utcnow


async def date_existing_sessions(apps, schema_editor):
    """Sessions from before these columns: counted from when they started."""
    await schema_editor.client.execute_script(
        "UPDATE user_sessions SET authenticated_at = created_at, last_seen_at = created_at"
    )


class Migration(migrations.Migration):
    dependencies = [("yoc", "0014_hardening")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RecoveryCode",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "yoc.User",
                        source_field="user_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="recovery_codes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code_hash", fields.CharField(max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "recovery_codes",
                "app": "yoc",
                "pk_attr": "id",
                "table_description": "A single-use code for signing in without the authenticator app (stored hashed).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TwoFactor",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.OneToOneField(
                        "yoc.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="two_factor",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("secret", fields.CharField(max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "confirmed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_step", fields.BigIntField(null=True)),
            ],
            options={
                "table": "two_factor",
                "app": "yoc",
                "pk_attr": "id",
                "table_description": "A person's authenticator app: the shared secret of its time-based codes (TOTP).",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="UserSession",
            name="authenticated_at",
            field=fields.DatetimeField(
                null=True, default=utcnow, auto_now=False, auto_now_add=False
            ),
        ),
        ops.AddField(
            model_name="UserSession",
            name="last_seen_at",
            field=fields.DatetimeField(
                null=True, default=utcnow, auto_now=False, auto_now_add=False
            ),
        ),
        ops.AddField(
            model_name="UserSession",
            name="second_factor_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(date_existing_sessions),
    ]
