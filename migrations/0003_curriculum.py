from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from yoc.curriculum.enums import ActivityKind, Completion, ProgressState
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0002_members')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Track',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=80)),
                ('title_en', fields.CharField(max_length=160)),
                ('title_es', fields.CharField(max_length=160)),
                ('summary_en', fields.TextField(default='', unique=False)),
                ('summary_es', fields.TextField(default='', unique=False)),
                ('position', fields.IntField(default=0)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tracks', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Module',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('track', fields.ForeignKeyField('yoc.Track', source_field='track_id', db_constraint=True, to_field='id', related_name='modules', on_delete=OnDelete.RESTRICT)),
                ('title_en', fields.CharField(max_length=160)),
                ('title_es', fields.CharField(max_length=160)),
                ('summary_en', fields.TextField(default='', unique=False)),
                ('summary_es', fields.TextField(default='', unique=False)),
                ('position', fields.IntField(default=0)),
                ('milestone', fields.BooleanField(default=False)),
                ('prerequisites', fields.ManyToManyField('yoc.Module', unique=True, db_constraint=True, through='module_prerequisites', forward_key='prerequisite_id', backward_key='module_id', related_name='unlocks', on_delete=OnDelete.CASCADE)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'modules', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Activity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('module', fields.ForeignKeyField('yoc.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='READ: read\nDISCUSS: discuss\nPRACTICE: practice\nREFLECT: reflect\nATTEND: attend\nPROJECT: project\nSPEECH: speech', enum_type=ActivityKind, max_length=10)),
                ('completion', fields.CharEnumField(description='SELF: self\nREFLECTION: reflection\nATTENDANCE: attendance', enum_type=Completion, max_length=10)),
                ('title_en', fields.CharField(max_length=160)),
                ('title_es', fields.CharField(max_length=160)),
                ('prompt_en', fields.TextField(default='', unique=False)),
                ('prompt_es', fields.TextField(default='', unique=False)),
                ('position', fields.IntField(default=0)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'activities', 'app': 'yoc', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActivityProgress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.CASCADE)),
                ('activity', fields.ForeignKeyField('yoc.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(default=ProgressState.IN_PROGRESS, description='NOT_STARTED: not_started\nIN_PROGRESS: in_progress\nSUBMITTED: submitted\nRETURNED: returned\nAPPROVED: approved\nDONE: done', enum_type=ProgressState, max_length=12)),
                ('body', fields.TextField(default='', unique=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'activity_progress', 'app': 'yoc', 'unique_together': (('member', 'activity'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Badge',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=32)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.CASCADE)),
                ('track', fields.ForeignKeyField('yoc.Track', source_field='track_id', null=True, db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.RESTRICT)),
                ('module', fields.ForeignKeyField('yoc.Module', source_field='module_id', null=True, db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.RESTRICT)),
                ('achievement_key', fields.CharField(max_length=40)),
                ('title_en', fields.CharField(max_length=160)),
                ('title_es', fields.CharField(max_length=160)),
                ('salt', fields.CharField(max_length=32)),
                ('public', fields.BooleanField(default=False)),
                ('awarded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'badges', 'app': 'yoc', 'unique_together': (('member', 'achievement_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CohortAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cohort', fields.ForeignKeyField('yoc.Cohort', source_field='cohort_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('module', fields.ForeignKeyField('yoc.Module', source_field='module_id', null=True, db_constraint=True, to_field='id', related_name='cohort_assignments', on_delete=OnDelete.RESTRICT)),
                ('track', fields.ForeignKeyField('yoc.Track', source_field='track_id', null=True, db_constraint=True, to_field='id', related_name='cohort_assignments', on_delete=OnDelete.RESTRICT)),
                ('due_on', fields.DateField(null=True)),
                ('note', fields.TextField(default='', unique=False)),
                ('assigned_by', fields.ForeignKeyField('yoc.User', source_field='assigned_by_id', null=True, db_constraint=True, to_field='id', related_name='cohort_assignments_made', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'cohort_assignments', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A module or track given to a whole group. Late joiners get it when they join.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Assignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('module', fields.ForeignKeyField('yoc.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT)),
                ('cohort_assignment', fields.ForeignKeyField('yoc.CohortAssignment', source_field='cohort_assignment_id', null=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.SET_NULL)),
                ('due_on', fields.DateField(null=True)),
                ('note', fields.TextField(default='', unique=False)),
                ('assigned_by', fields.ForeignKeyField('yoc.User', source_field='assigned_by_id', null=True, db_constraint=True, to_field='id', related_name='assignments_made', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assignments', 'app': 'yoc', 'unique_together': (('member', 'module'),), 'pk_attr': 'id', 'table_description': 'A module given to one member (a track assignment gives one row per module).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModuleCompletion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('yoc.User', source_field='member_id', db_constraint=True, to_field='id', related_name='module_completions', on_delete=OnDelete.CASCADE)),
                ('module', fields.ForeignKeyField('yoc.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='completions', on_delete=OnDelete.RESTRICT)),
                ('completed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'module_completions', 'app': 'yoc', 'unique_together': (('member', 'module'),), 'pk_attr': 'id', 'table_description': 'Recorded once, when a member finishes a module. Later edits do not undo it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgressEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('progress', fields.ForeignKeyField('yoc.ActivityProgress', source_field='progress_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(description='NOT_STARTED: not_started\nIN_PROGRESS: in_progress\nSUBMITTED: submitted\nRETURNED: returned\nAPPROVED: approved\nDONE: done', enum_type=ProgressState, max_length=12)),
                ('actor', fields.ForeignKeyField('yoc.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='progress_events', on_delete=OnDelete.SET_NULL)),
                ('actor_name', fields.CharField(max_length=120)),
                ('text', fields.TextField(default='', unique=False)),
                ('activity_title', fields.CharField(default='', max_length=160)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'progress_events', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'The history of an activity for a member: every submission, review and feedback.'},
            bases=['Model'],
        ),
    ]
