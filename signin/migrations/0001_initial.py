"""SignIn, UsedSignInProof and PendingInvalidation, moved here from ``accounts``.

State only: their tables, indexes and constraints exist since ``accounts`` 0001-0006 and
keep their names (``db_table``). ``accounts`` 0007 removes them from its own state once
this has added them here, and 0008 moves their content types.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import signin.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The tables as accounts left them.
        ("accounts", "0006_pending_invalidation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PendingInvalidation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("user_id", models.UUIDField()),
                    ],
                    options={
                        "db_table": "accounts_pendinginvalidation",
                    },
                ),
                migrations.CreateModel(
                    name="UsedSignInProof",
                    fields=[
                        (
                            "key",
                            models.CharField(max_length=160, primary_key=True, serialize=False),
                        ),
                        ("expires_at", models.DateTimeField(db_index=True)),
                    ],
                    options={
                        "db_table": "accounts_usedsigninproof",
                    },
                ),
                migrations.CreateModel(
                    name="SignIn",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("last_used_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField(default=signin.models.session_end)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("user_agent", models.CharField(blank=True, default="", max_length=255)),
                        ("refresh_jti", models.CharField(max_length=64)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_reason", models.CharField(blank=True, default="", max_length=32)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sign_ins",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_signin",
                        "indexes": [
                            models.Index(
                                fields=["user", "revoked_at"], name="signin_user_revoked_idx"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
