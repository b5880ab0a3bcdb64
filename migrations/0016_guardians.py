from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from yoc.members.enums import ConflictOutcome, ConsentPurpose, ContactMethod, PublicNameChoice
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0015_two_factor')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConsentConflict',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='consent_conflicts', on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(description='PARTICIPATION: participation\nPHOTO_RELEASE: photo_release\nPUBLIC_NAME: public_name\nTEXT_MESSAGES: text_messages', enum_type=ConsentPurpose, max_length=16)),
                ('guardian', fields.ForeignKeyField('yoc.Guardian', source_field='guardian_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='conflicts', on_delete=OnDelete.SET_NULL)),
                ('by_name', fields.CharField(max_length=160)),
                ('granted', fields.BooleanField()),
                ('public_name_choice', fields.CharEnumField(null=True, description='FULL_NAME: full_name\nFIRST_NAME_LAST_INITIAL: first_initial\nNICKNAME: nickname', enum_type=PublicNameChoice, max_length=16)),
                ('nickname', fields.CharField(default='', max_length=40)),
                ('text_version', fields.CharField(max_length=20)),
                ('text_language', fields.CharField(max_length=5)),
                ('standing', fields.ForeignKeyField('yoc.ConsentRecord', source_field='standing_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='conflicts', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_by_name', fields.CharField(default='', max_length=160)),
                ('outcome', fields.CharEnumField(null=True, description='KEPT: kept\nAPPLIED: applied', enum_type=ConflictOutcome, max_length=10)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'consent_conflicts', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "A guardian's answer that would overrule another guardian's, held for staff."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuardianLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(db_index=True, max_length=254)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guardian_links', 'app': 'yoc', 'pk_attr': 'id', 'table_description': "A sign-in link emailed to a guardian's address: single-use, short-lived, hashed."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuardianSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('email', fields.CharField(db_index=True, max_length=254)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guardian_sessions', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A guardian signed in on one browser, by their email address (not a user account).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ConsentRecord',
            name='awaits_confirmation',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='ConsentRecord',
            name='decided_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='ConsentRecord',
            name='method',
            field=fields.CharEnumField(null=True, description='PHONE: phone\nPAPER: paper\nIN_PERSON: in_person', enum_type=ContactMethod, max_length=10),
        ),
        ops.AddField(
            model_name='ConsentRecord',
            name='recorded_by_name',
            field=fields.CharField(default='', db_default='', max_length=160),
        ),
        ops.AddField(
            model_name='ConsentRequest',
            name='cancelled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Guardian',
            name='confirmation_method',
            field=fields.CharEnumField(null=True, description='PHONE: phone\nPAPER: paper\nIN_PERSON: in_person', enum_type=ContactMethod, max_length=10),
        ),
        ops.AddField(
            model_name='Guardian',
            name='confirmation_note',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Guardian',
            name='confirmed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Guardian',
            name='confirmed_by_name',
            field=fields.CharField(default='', db_default='', max_length=160),
        ),
        ops.AddField(
            model_name='MemberProfile',
            name='hide_progress_from_guardians',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        # Guardians whose signed paper form staff recorded were checked by staff: they
        # count as confirmed by that paper form, as recording one does from now on.
        ops.RunSQL(
            "UPDATE guardians SET confirmation_method = 'paper', "
            "confirmed_by_name = 'paper form on file', "
            "confirmed_at = (SELECT MIN(c.created_at) FROM consent_records c "
            "WHERE c.guardian_id = guardians.id AND c.source = 'staff') "
            "WHERE confirmed_at IS NULL AND EXISTS (SELECT 1 FROM consent_records c "
            "WHERE c.guardian_id = guardians.id AND c.source = 'staff')",
            reverse_sql=ops.RunSQL.noop,
        ),
        # A yes to photos or a public name that came through an emailed link, from a
        # guardian nobody has confirmed, is no longer in force: it waits for staff.
        ops.RunSQL(
            "UPDATE consent_records SET awaits_confirmation = TRUE "
            "WHERE source = 'guardian' AND granted = TRUE AND revoked_at IS NULL "
            "AND purpose IN ('photo_release', 'public_name') "
            "AND (guardian_id IS NULL OR guardian_id IN "
            "(SELECT id FROM guardians WHERE confirmed_at IS NULL))",
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
