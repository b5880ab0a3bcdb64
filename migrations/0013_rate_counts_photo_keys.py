import secrets

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def give_photos_keys(apps, schema_editor):
    """Each photo already stored gets its random public key."""
    client = schema_editor.client
    _, rows = await client.execute_query("SELECT id FROM member_photos")
    for row in rows:
        await client.execute_script(
            f"UPDATE member_photos SET public_key = '{secrets.token_urlsafe(18)}'"
            f" WHERE id = {int(row[0])}"
        )


class Migration(migrations.Migration):
    dependencies = [("yoc", "0012_order_retry_keys")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RateLimitCount",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("key", fields.CharField(max_length=200)),
                ("starts", fields.BigIntField()),
                ("expires", fields.BigIntField(db_index=True)),
                ("hits", fields.IntField(default=0)),
            ],
            options={
                "table": "rate_limit_counts",
                "app": "yoc",
                "unique_together": (("key", "starts"),),
                "pk_attr": "id",
                "table_description": "Attempts for one key in one fixed window.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="MemberPhoto",
            name="public_key",
            field=fields.CharField(null=True, unique=True, max_length=32),
        ),
        ops.RunPython(give_photos_keys),
        ops.DeleteModel(name="RateLimitHit"),
    ]
