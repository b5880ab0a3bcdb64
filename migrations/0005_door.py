from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0004_tickets')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scan_id', fields.CharField(unique=True, max_length=64)),
                ('ticket', fields.ForeignKeyField('yoc.Ticket', source_field='ticket_id', null=True, db_constraint=True, to_field='id', related_name='scans', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('yoc.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='scans', on_delete=OnDelete.CASCADE)),
                ('gate', fields.CharField(default='', max_length=40)),
                ('result', fields.CharField(max_length=24)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('scanned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'checkins', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'One scan at the door. A retried scan (same scan id) is recorded once.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Event',
            name='door_code',
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name='Event',
            name='signing_key',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='attachments',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
