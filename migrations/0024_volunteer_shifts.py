from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from yoc.volunteers.enums import ShiftRole
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0023_door_conflicts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Shift',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='shifts', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='DOOR: door\nSTAGE_CREW: stage_crew\nINFO_TENT: info_tent\nOTHER: other', enum_type=ShiftRole, max_length=12)),
                ('place_en', fields.CharField(default='', max_length=120)),
                ('place_es', fields.CharField(default='', max_length=120)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('needed', fields.IntField()),
                ('taken', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'volunteer_shifts', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A stretch of work at an event: a role, a place, times, and how many people.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShiftSignup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shift', fields.ForeignKeyField('yoc.Shift', source_field='shift_id', db_index=True, db_constraint=True, to_field='id', related_name='signups', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('yoc.User', source_field='user_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='shift_signups', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=120)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('phone', fields.CharField(default='', max_length=30)),
                ('language', fields.CharField(default='en', max_length=5)),
                ('added_by', fields.CharField(default='self', max_length=160)),
                ('reminded_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('no_show', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'volunteer_signups', 'app': 'yoc', 'unique_together': (('shift', 'user'), ('shift', 'email')), 'pk_attr': 'id', 'table_description': 'A person on a shift: an account, or an adult without one.'},
            bases=['Model'],
        ),
    ]
