from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0022_language_neutral_records')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DoorConflict',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='door_conflicts', on_delete=OnDelete.CASCADE)),
                ('ticket', fields.ForeignKeyField('yoc.Ticket', source_field='ticket_id', db_index=True, db_constraint=True, to_field='id', related_name='door_conflicts', on_delete=OnDelete.CASCADE)),
                ('scan_id', fields.CharField(unique=True, max_length=64)),
                ('first_gate', fields.CharField(default='', max_length=40)),
                ('first_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('second_gate', fields.CharField(default='', max_length=40)),
                ('second_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('found_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('acknowledged_by', fields.CharField(default='', max_length=160)),
            ],
            options={'table': 'door_conflicts', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A ticket let in twice: a scan made offline, synced after another admission of the'},
            bases=['Model'],
        ),
    ]
