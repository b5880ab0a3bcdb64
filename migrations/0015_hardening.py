from tortoise import migrations
from tortoise.migrations import operations as ops
from yoc.accounts.enums import TokenPurpose
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('yoc', '0012_order_retry_keys')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='OneTimeToken',
            name='purpose',
            field=fields.CharEnumField(description='PASSWORD_RESET: password_reset\nINVITE: invite\nCONFIRM_EMAIL: confirm_email', enum_type=TokenPurpose, max_length=32),
        ),
        ops.AddField(
            model_name='User',
            name='email_verified_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # Accounts made before sign-ups were confirmed by email keep working.
        ops.RunSQL("UPDATE users SET email_verified_at = created_at"),
    ]
