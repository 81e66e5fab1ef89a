"""Sign-ins get an absolute end: existing ones end SESSION_LIFETIME after they started."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F

import signin.models


def _end_existing(apps, schema_editor) -> None:
    SignIn = apps.get_model("accounts", "SignIn")
    SignIn.objects.update(expires_at=F("created_at") + settings.SESSION_LIFETIME)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_jurisdiction_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="signin",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(_end_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signin",
            name="expires_at",
            field=models.DateTimeField(default=signin.models.session_end),
        ),
    ]
