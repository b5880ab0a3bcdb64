from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0009_payments')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Event',
            name='unpaid_held',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Event',
            name='unpaid_limit',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Event',
            name='unpaid_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='open_reservation',
            field=fields.CharField(null=True, unique=True, max_length=270),
        ),
    ]
