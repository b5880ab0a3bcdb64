from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class IndexForeignKey(ops.AlterField):
    """Index a foreign key column. SQLite alters a field by rebuilding its table, which
    drops the table's unique constraints: there, only the index is created."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is None or state_editor.DIALECT != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)
            return
        model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        table = model._meta.db_table
        column = model._meta.fields_map[self.name].source_field
        await state_editor.client.execute_script(
            f'CREATE INDEX IF NOT EXISTS "idx_{table}_{column}" ON "{table}" ("{column}")'
        )


class Migration(migrations.Migration):
    dependencies = [('yoc', '0006_soapbox')]

    initial = False

    operations = [
        IndexForeignKey(
            model_name='Activity',
            name='module',
            field=fields.ForeignKeyField('yoc.Module', source_field='module_id', db_index=True, db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='ActivityProgress',
            name='activity',
            field=fields.ForeignKeyField('yoc.Activity', source_field='activity_id', db_index=True, db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='ActivityProgress',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='ApiToken',
            name='user',
            field=fields.ForeignKeyField('yoc.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Assignment',
            name='assigned_by',
            field=fields.ForeignKeyField('yoc.User', source_field='assigned_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='assignments_made', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='Assignment',
            name='cohort_assignment',
            field=fields.ForeignKeyField('yoc.CohortAssignment', source_field='cohort_assignment_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='Assignment',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Assignment',
            name='module',
            field=fields.ForeignKeyField('yoc.Module', source_field='module_id', db_index=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='AuditEntry',
            name='actor',
            field=fields.ForeignKeyField('yoc.User', source_field='actor_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='audit_actions', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='AuditEntry',
            name='subject',
            field=fields.ForeignKeyField('yoc.User', source_field='subject_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='audit_subject_of', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='Availability',
            name='speech',
            field=fields.ForeignKeyField('yoc.Speech', source_field='speech_id', db_index=True, db_constraint=True, to_field='id', related_name='availability', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Badge',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Badge',
            name='module',
            field=fields.ForeignKeyField('yoc.Module', source_field='module_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='Badge',
            name='track',
            field=fields.ForeignKeyField('yoc.Track', source_field='track_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='CheckIn',
            name='event',
            field=fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='scans', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='CheckIn',
            name='ticket',
            field=fields.ForeignKeyField('yoc.Ticket', source_field='ticket_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='scans', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='CohortAssignment',
            name='assigned_by',
            field=fields.ForeignKeyField('yoc.User', source_field='assigned_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='cohort_assignments_made', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='CohortAssignment',
            name='cohort',
            field=fields.ForeignKeyField('yoc.Cohort', source_field='cohort_id', db_index=True, db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='CohortAssignment',
            name='module',
            field=fields.ForeignKeyField('yoc.Module', source_field='module_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='cohort_assignments', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='CohortAssignment',
            name='track',
            field=fields.ForeignKeyField('yoc.Track', source_field='track_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='cohort_assignments', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='ConsentRecord',
            name='guardian',
            field=fields.ForeignKeyField('yoc.Guardian', source_field='guardian_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='ConsentRecord',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='ConsentRequest',
            name='guardian',
            field=fields.ForeignKeyField('yoc.Guardian', source_field='guardian_id', db_index=True, db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='DeletionRequest',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='deletion_requests', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Guardian',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='guardians', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='MentorNote',
            name='author',
            field=fields.ForeignKeyField('yoc.User', source_field='author_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='notes_written', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='MentorNote',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='notes_about', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Module',
            name='track',
            field=fields.ForeignKeyField('yoc.Track', source_field='track_id', db_index=True, db_constraint=True, to_field='id', related_name='modules', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='ModuleCompletion',
            name='member',
            field=fields.ForeignKeyField('yoc.User', source_field='member_id', db_index=True, db_constraint=True, to_field='id', related_name='module_completions', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='ModuleCompletion',
            name='module',
            field=fields.ForeignKeyField('yoc.Module', source_field='module_id', db_index=True, db_constraint=True, to_field='id', related_name='completions', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='OneTimeToken',
            name='user',
            field=fields.ForeignKeyField('yoc.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='one_time_tokens', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Order',
            name='event',
            field=fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='OrderItem',
            name='order',
            field=fields.ForeignKeyField('yoc.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='OrderItem',
            name='ticket_type',
            field=fields.ForeignKeyField('yoc.TicketType', source_field='ticket_type_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='OrderLog',
            name='order',
            field=fields.ForeignKeyField('yoc.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='log', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='ProgressEvent',
            name='actor',
            field=fields.ForeignKeyField('yoc.User', source_field='actor_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='progress_events', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='ProgressEvent',
            name='progress',
            field=fields.ForeignKeyField('yoc.ActivityProgress', source_field='progress_id', db_index=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Refund',
            name='order',
            field=fields.ForeignKeyField('yoc.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Release',
            name='event',
            field=fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='releases', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Review',
            name='reviewer',
            field=fields.ForeignKeyField('yoc.User', source_field='reviewer_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='speech_reviews', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='Review',
            name='speech',
            field=fields.ForeignKeyField('yoc.Speech', source_field='speech_id', db_index=True, db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Slot',
            name='stage',
            field=fields.ForeignKeyField('yoc.Stage', source_field='stage_id', db_index=True, db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Speech',
            name='speaker',
            field=fields.ForeignKeyField('yoc.User', source_field='speaker_id', db_index=True, db_constraint=True, to_field='id', related_name='speeches', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='SpeechEvent',
            name='actor',
            field=fields.ForeignKeyField('yoc.User', source_field='actor_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='speech_events', on_delete=OnDelete.SET_NULL),
        ),
        IndexForeignKey(
            model_name='SpeechEvent',
            name='speech',
            field=fields.ForeignKeyField('yoc.Speech', source_field='speech_id', db_index=True, db_constraint=True, to_field='id', related_name='history', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Stage',
            name='event',
            field=fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='stages', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Ticket',
            name='order',
            field=fields.ForeignKeyField('yoc.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.CASCADE),
        ),
        IndexForeignKey(
            model_name='Ticket',
            name='ticket_type',
            field=fields.ForeignKeyField('yoc.TicketType', source_field='ticket_type_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='TicketType',
            name='event',
            field=fields.ForeignKeyField('yoc.Event', source_field='event_id', db_index=True, db_constraint=True, to_field='id', related_name='ticket_types', on_delete=OnDelete.RESTRICT),
        ),
        IndexForeignKey(
            model_name='UserSession',
            name='user',
            field=fields.ForeignKeyField('yoc.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE),
        ),
    ]
