from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0007_foreign_key_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Stamp',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('version', fields.BigIntField(default=0)),
            ],
            options={'table': 'stamps', 'app': 'yoc', 'pk_attr': 'name', 'table_description': 'A counter that moves forward whenever the data it is named after changes.'},
            bases=['Model'],
        ),
    ]
