from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from yoc.soapbox.enums import Decision, SpeechLanguage, SpeechState
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0005_door')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Release',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('yoc.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='releases', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('entries', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('changes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('published_by_name', fields.CharField(max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'soapbox_releases', 'app': 'yoc', 'unique_together': (('event', 'number'),), 'pk_attr': 'id', 'table_description': "A numbered publication of an event's schedule, with what changed since the last."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SpeakerCalendar',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('yoc.User', source_field='user_id', db_constraint=True, to_field='id', related_name='speaker_calendar', on_delete=OnDelete.CASCADE)),
                ('private_key', fields.CharField(unique=True, max_length=48)),
                ('public_key', fields.CharField(unique=True, max_length=48)),
            ],
            options={'table': 'soapbox_calendars', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "The secret addresses of a speaker's calendar feeds: one private, one public."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Stage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('yoc.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='stages', on_delete=OnDelete.CASCADE)),
                ('name_en', fields.CharField(max_length=80)),
                ('name_es', fields.CharField(max_length=80)),
                ('position', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'soapbox_stages', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A stage at an event, where speeches are given one after another.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Slot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('stage', fields.ForeignKeyField('yoc.Stage', source_field='stage_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'soapbox_slots', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A time on a stage that holds at most one speech.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Speech',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('speaker', fields.ForeignKeyField('yoc.User', source_field='speaker_id', db_constraint=True, to_field='id', related_name='speeches', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=120)),
                ('topic', fields.CharField(default='', max_length=120)),
                ('summary', fields.TextField(default='', unique=False)),
                ('language', fields.CharEnumField(default=SpeechLanguage.ENGLISH, description='ENGLISH: en\nSPANISH: es\nBILINGUAL: bilingual', enum_type=SpeechLanguage, max_length=10)),
                ('minutes', fields.SmallIntField(default=3)),
                ('content_notes', fields.TextField(default='', unique=False)),
                ('access_needs', fields.CharField(default='', max_length=100)),
                ('access_notes', fields.TextField(default='', unique=False)),
                ('state', fields.CharEnumField(default=SpeechState.DRAFT, db_index=True, description='DRAFT: draft\nSUBMITTED: submitted\nACCEPTED: accepted\nCHANGES_REQUESTED: changes_requested\nDECLINED: declined\nSCHEDULED: scheduled\nCONFIRMED: confirmed\nDELIVERED: delivered\nWITHDRAWN: withdrawn', enum_type=SpeechState, max_length=20)),
                ('slot', fields.OneToOneField('yoc.Slot', source_field='slot_id', null=True, db_constraint=True, to_field='id', related_name='speech', on_delete=OnDelete.SET_NULL)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'soapbox_speeches', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "A member's Soapbox Speech, from proposal to delivery."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Availability',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('speech', fields.ForeignKeyField('yoc.Speech', source_field='speech_id', db_constraint=True, to_field='id', related_name='availability', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'soapbox_availability', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A window of time in which the speaker can give the speech.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('speech', fields.ForeignKeyField('yoc.Speech', source_field='speech_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.CASCADE)),
                ('reviewer', fields.ForeignKeyField('yoc.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name='speech_reviews', on_delete=OnDelete.SET_NULL)),
                ('reviewer_name', fields.CharField(max_length=120)),
                ('decision', fields.CharEnumField(description='ACCEPT: accepted\nCHANGES: changes_requested\nDECLINE: declined', enum_type=Decision, max_length=20)),
                ('clarity', fields.SmallIntField(null=True)),
                ('voice', fields.SmallIntField(null=True)),
                ('call_to_action', fields.SmallIntField(null=True)),
                ('comments', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'soapbox_reviews', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "A reviewer's decision with comments and the rubric the speaker sees."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SpeechEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('speech', fields.ForeignKeyField('yoc.Speech', source_field='speech_id', db_constraint=True, to_field='id', related_name='history', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='DRAFT: draft\nSUBMITTED: submitted\nACCEPTED: accepted\nCHANGES_REQUESTED: changes_requested\nDECLINED: declined\nSCHEDULED: scheduled\nCONFIRMED: confirmed\nDELIVERED: delivered\nWITHDRAWN: withdrawn', enum_type=SpeechState, max_length=20)),
                ('to_state', fields.CharEnumField(description='DRAFT: draft\nSUBMITTED: submitted\nACCEPTED: accepted\nCHANGES_REQUESTED: changes_requested\nDECLINED: declined\nSCHEDULED: scheduled\nCONFIRMED: confirmed\nDELIVERED: delivered\nWITHDRAWN: withdrawn', enum_type=SpeechState, max_length=20)),
                ('actor', fields.ForeignKeyField('yoc.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='speech_events', on_delete=OnDelete.SET_NULL)),
                ('actor_name', fields.CharField(max_length=120)),
                ('note', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'soapbox_speech_events', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'One change of state of a speech: who moved it, when, and why.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Event',
            name='minor_curfew',
            field=fields.CharField(default='21:00', max_length=5),
        ),
    ]
