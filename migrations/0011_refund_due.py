from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0010_order_limits')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payment',
            name='refund_due_cents',
            field=fields.IntField(default=0),
        ),
    ]
