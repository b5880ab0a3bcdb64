from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0026_meetings_hours')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PublishedFigure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.SmallIntField()),
                ('figure', fields.CharField(max_length=40)),
                ('published_by_name', fields.CharField(max_length=160)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'published_figures', 'app': 'yoc', 'unique_together': (('year', 'figure'),), 'pk_attr': 'id', 'table_description': 'A figure staff chose to show on the public "Our year in numbers" page for a year.'},
            bases=['Model'],
        ),
    ]
