from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0011_refund_due')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OrderRetryKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=255)),
                ('fingerprint', fields.CharField(max_length=64)),
                ('order', fields.ForeignKeyField('yoc.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='retry_keys', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'order_retry_keys', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "An API client's Idempotency-Key for placing an order: a retry of the same request"},
            bases=['Model'],
        ),
    ]
