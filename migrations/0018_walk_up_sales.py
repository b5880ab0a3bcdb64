from tortoise import migrations
from tortoise.migrations import operations as ops
from yoc.tickets.enums import PaymentMethod
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0017_outbox_leases_heartbeats')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DoorGrant',
            name='name',
            field=fields.CharField(default='', db_default='', max_length=80),
        ),
        ops.AlterField(
            model_name='Order',
            name='payment',
            field=fields.CharEnumField(description='FREE: free\nBOX_OFFICE: box_office\nSTRIPE: stripe\nDOOR_CASH: door_cash\nDOOR_CARD: door_card', enum_type=PaymentMethod, max_length=12),
        ),
        ops.AddField(
            model_name='Order',
            name='seller',
            field=fields.CharField(default='', db_default='', db_index=True, max_length=40),
        ),
        ops.AddField(
            model_name='Order',
            name='sold_by',
            field=fields.CharField(default='', db_default='', max_length=160),
        ),
        ops.AddField(
            model_name='Order',
            name='sold_gate',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
    ]
