from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from yoc.tickets.enums import WaitState
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0018_walk_up_sales')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WaitlistEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='waitlist', on_delete=OnDelete.CASCADE)),
                ('ticket_type', fields.ForeignKeyField('yoc.TicketType', source_field='ticket_type_id', db_index=True, db_constraint=True, to_field='id', related_name='waitlist', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('email', fields.CharField(max_length=254)),
                ('language', fields.CharField(default='en', max_length=5)),
                ('quantity', fields.IntField()),
                ('key', fields.CharField(unique=True, max_length=40)),
                ('state', fields.CharEnumField(default=WaitState.WAITING, db_index=True, description='WAITING: waiting\nOFFERED: offered\nBOUGHT: bought\nEXPIRED: expired\nWITHDRAWN: withdrawn', enum_type=WaitState, max_length=10)),
                ('offered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('offer_expires_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('order', fields.ForeignKeyField('yoc.Order', source_field='order_id', null=True, db_constraint=True, to_field='id', related_name='waitlist_entries', on_delete=OnDelete.SET_NULL)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_by', fields.CharField(default='', max_length=160)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'waitlist_entries', 'app': 'yoc', 'unique_together': (('ticket_type', 'email'),), 'pk_attr': 'id', 'table_description': "A place on a sold-out ticket type's waiting list. Its place in line is its id."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OrderLog',
            name='change',
            field=fields.CharField(default='', db_default='', max_length=20),
        ),
        ops.AddField(
            model_name='OrderLog',
            name='detail',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Ticket',
            name='holder_name',
            field=fields.CharField(default='', db_default='', max_length=120),
        ),
        ops.AddField(
            model_name='TicketType',
            name='waiting',
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
