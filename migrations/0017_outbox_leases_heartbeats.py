from tortoise import migrations
from tortoise.migrations import operations as ops
from yoc.mail import MailStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0016_guardians')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Heartbeat',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('ran_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'heartbeats', 'app': 'yoc', 'pk_attr': 'name', 'table_description': 'When a kind of background process last finished a round.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='OutboxMessage',
            name='status',
            field=fields.CharEnumField(default=MailStatus.QUEUED, db_index=True, description='QUEUED: queued\nSENT: sent\nFAILED: failed', enum_type=MailStatus, max_length=10),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='lease_owner',
            field=fields.CharField(default='', db_default='', max_length=16),
        ),
    ]
