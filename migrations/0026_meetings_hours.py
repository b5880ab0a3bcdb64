from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from yoc.participation.enums import HoursState, Presence, Rsvp
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0025_speaking_path')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('yoc.Cohort', source_field='cohort_id', db_index=True, db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('minutes', fields.SmallIntField(default=90)),
                ('place', fields.CharField(max_length=160)),
                ('topic', fields.CharField(max_length=160)),
                ('module', fields.ForeignKeyField('yoc.Module', source_field='module_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.SET_NULL)),
                ('series', fields.CharField(default='', db_index=True, max_length=16)),
                ('created_by', fields.ForeignKeyField('yoc.User', source_field='created_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='meetings_made', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meetings', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "A group's meeting: when, where, and what it is about."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingAttendance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('yoc.Meeting', source_field='meeting_id', db_index=True, db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='meeting_attendance', on_delete=OnDelete.CASCADE)),
                ('presence', fields.CharEnumField(description='PRESENT: present\nABSENT: absent\nEXCUSED: excused', enum_type=Presence, max_length=8)),
                ('marked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('marked_by', fields.ForeignKeyField('yoc.User', source_field='marked_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='attendance_marked', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'meeting_attendance', 'app': 'yoc', 'unique_together': (('meeting', 'member'),), 'pk_attr': 'id', 'table_description': 'Whether a member came, as a mentor marked it. ``marked_at`` is when the mentor'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingRsvp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('yoc.Meeting', source_field='meeting_id', db_index=True, db_constraint=True, to_field='id', related_name='rsvps', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='meeting_rsvps', on_delete=OnDelete.CASCADE)),
                ('answer', fields.CharEnumField(description='YES: yes\nMAYBE: maybe\nNO: no', enum_type=Rsvp, max_length=8)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'meeting_rsvps', 'app': 'yoc', 'unique_together': (('meeting', 'member'),), 'pk_attr': 'id', 'table_description': 'A member’s answer about one meeting: a new answer replaces the old.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReminderChoice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.CharField(unique=True, max_length=280)),
                ('user', fields.ForeignKeyField('yoc.User', source_field='user_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='reminder_choices', on_delete=OnDelete.CASCADE)),
                ('guardian_email', fields.CharField(default='', max_length=254)),
                ('due_dates', fields.BooleanField(default=True)),
                ('speeches', fields.BooleanField(default=True)),
                ('meetings', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'reminder_choices', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'Which reminders a member (``user``) or a guardian (by email) wants. Without a row,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReminderSent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reminders_sent', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'One reminder queued: its key (what, to whom) is unique, so that of two workers'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceHours',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='service_hours', on_delete=OnDelete.CASCADE)),
                ('served_on', fields.DateField(db_index=True)),
                ('minutes', fields.IntField()),
                ('organisation', fields.CharField(max_length=160)),
                ('description', fields.TextField(default='', unique=False)),
                ('state', fields.CharEnumField(default=HoursState.PENDING, db_index=True, description='PENDING: pending\nVERIFIED: verified\nREJECTED: rejected', enum_type=HoursState, max_length=10)),
                ('reviewed_by', fields.ForeignKeyField('yoc.User', source_field='reviewed_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='hours_reviewed', on_delete=OnDelete.SET_NULL)),
                ('reviewer_name', fields.CharField(default='', max_length=120)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_hours', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'Hours of service or volunteering a member logged, for a mentor to verify.'},
            bases=['Model'],
        ),
    ]
