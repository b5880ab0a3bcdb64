from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    """Indexes for lists read a page at a time: an event's orders newest first (with or
    without a status), and members by name."""

    dependencies = [('yoc', '0020_activity_content')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['event_id', 'created_at', 'id']),
        ),
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['event_id', 'status', 'created_at', 'id']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['role', 'name', 'id']),
        ),
    ]
