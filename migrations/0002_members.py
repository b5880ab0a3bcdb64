from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from yoc.audit import AuditAction
from yoc.members.enums import ApplicationDecision, Community, ConsentPurpose, ConsentSource, DeletionState, MemberStatus, NoteVisibility, PublicNameChoice, Relationship
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor', fields.ForeignKeyField('yoc.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit_actions', on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(max_length=160)),
                ('subject', fields.ForeignKeyField('yoc.User', source_field='subject_id', null=True, db_constraint=True, to_field='id', related_name='audit_subject_of', on_delete=OnDelete.SET_NULL)),
                ('subject_label', fields.CharField(max_length=160)),
                ('subject_is_minor', fields.BooleanField(default=False)),
                ('action', fields.CharEnumField(description='VIEW: view\nUPDATE: update\nCONSENT: consent\nAPPROVE: approve\nDECLINE: decline\nNOTE: note\nEXPORT: export\nCOHORT: cohort\nDELETE: delete', enum_type=AuditAction, max_length=16)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'audit_entries', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeletionRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='deletion_requests', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(default=DeletionState.REQUESTED, description='REQUESTED: requested\nCOMPLETED: completed\nCANCELLED: cancelled', enum_type=DeletionState, max_length=10)),
                ('reason', fields.TextField(default='', unique=False)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'deletion_requests', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Guardian',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='guardians', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('relationship', fields.CharEnumField(description='MOTHER: mother\nFATHER: father\nLEGAL_GUARDIAN: legal_guardian\nGRANDPARENT: grandparent\nOTHER_RELATIVE: other_relative\nOTHER: other', enum_type=Relationship, max_length=16)),
                ('email', fields.CharField(default='', max_length=254)),
                ('phone', fields.CharField(default='', max_length=30)),
                ('language', fields.CharField(default='es', max_length=5)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'guardians', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsentRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(description='PARTICIPATION: participation\nPHOTO_RELEASE: photo_release\nPUBLIC_NAME: public_name\nTEXT_MESSAGES: text_messages', enum_type=ConsentPurpose, max_length=16)),
                ('granted', fields.BooleanField()),
                ('source', fields.CharEnumField(description='GUARDIAN: guardian\nMEMBER: member\nSTAFF: staff', enum_type=ConsentSource, max_length=10)),
                ('guardian', fields.ForeignKeyField('yoc.Guardian', source_field='guardian_id', null=True, db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.SET_NULL)),
                ('granted_by_name', fields.CharField(max_length=160)),
                ('text_version', fields.CharField(max_length=20)),
                ('text_language', fields.CharField(max_length=5)),
                ('public_name_choice', fields.CharEnumField(null=True, description='FULL_NAME: full_name\nFIRST_NAME_LAST_INITIAL: first_initial\nNICKNAME: nickname', enum_type=PublicNameChoice, max_length=16)),
                ('nickname', fields.CharField(default='', max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_by_name', fields.CharField(default='', max_length=160)),
            ],
            options={'table': 'consent_records', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'One decision about one purpose. A revocation is recorded, never erased.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsentRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guardian', fields.ForeignKeyField('yoc.Guardian', source_field='guardian_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_requests', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'The one-time link emailed to a guardian.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('yoc.User', source_field='user_id', db_constraint=True, to_field='id', related_name='photo', on_delete=OnDelete.CASCADE)),
                ('content_type', fields.CharField(default='image/jpeg', max_length=32)),
                ('data', fields.BinaryField()),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member_photos', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'The photo of a member, re-encoded on upload, which also drops location metadata.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('yoc.User', source_field='user_id', db_constraint=True, to_field='id', related_name='profile', on_delete=OnDelete.CASCADE)),
                ('display_name', fields.CharField(max_length=80)),
                ('pronouns', fields.CharField(default='', max_length=40)),
                ('school', fields.CharField(default='', max_length=120)),
                ('grade', fields.SmallIntField(null=True)),
                ('community', fields.CharEnumField(default=Community.OTHER, description='NORTH_SHORE: north_shore\nMECCA: mecca\nTHERMAL: thermal\nOASIS: oasis\nCOACHELLA: coachella\nINDIO: indio\nOTHER: other', enum_type=Community, max_length=16)),
                ('birth_date', fields.DateField()),
                ('zip_code', fields.CharField(default='', max_length=5)),
                ('interests', fields.CharField(default='', max_length=300)),
                ('bio', fields.TextField(default='', unique=False)),
                ('decision', fields.CharEnumField(default=ApplicationDecision.PENDING, description='PENDING: pending\nAPPROVED: approved\nDECLINED: declined', enum_type=ApplicationDecision, max_length=10)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=MemberStatus.PENDING_APPROVAL, db_index=True, description='PENDING_CONSENT: pending_consent\nPENDING_APPROVAL: pending_approval\nACTIVE: active\nDECLINED: declined', enum_type=MemberStatus, max_length=20)),
                ('public_name_choice', fields.CharEnumField(default=PublicNameChoice.FIRST_NAME_LAST_INITIAL, description='FULL_NAME: full_name\nFIRST_NAME_LAST_INITIAL: first_initial\nNICKNAME: nickname', enum_type=PublicNameChoice, max_length=16)),
                ('nickname', fields.CharField(default='', max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member_profiles', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MentorNote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='notes_about', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('yoc.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='notes_written', on_delete=OnDelete.SET_NULL)),
                ('author_name', fields.CharField(max_length=120)),
                ('visibility', fields.CharEnumField(description='MENTORS: mentors\nMEMBER: member', enum_type=NoteVisibility, max_length=10)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mentor_notes', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Cohort',
            name='community',
            field=fields.CharEnumField(null=True, description='NORTH_SHORE: north_shore\nMECCA: mecca\nTHERMAL: thermal\nOASIS: oasis\nCOACHELLA: coachella\nINDIO: indio\nOTHER: other', enum_type=Community, max_length=16),
        ),
    ]
