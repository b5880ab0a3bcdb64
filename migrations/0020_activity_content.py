from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0019_waiting_list')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActivityAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.OneToOneField('yoc.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='attachment', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=120)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('data', fields.BinaryField()),
                ('uploaded_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'activity_attachments', 'app': 'yoc', 'pk_attr': 'id', 'table_description': 'A file staff attach to an activity, in a table apart so lists never read it.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Activity',
            name='body_en',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Activity',
            name='body_es',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Activity',
            name='video_url',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
    ]
