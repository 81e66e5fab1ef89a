"""AuditEvent, moved here from ``accounts``.

State only: its table and indexes exist since ``accounts`` 0003-0004 and keep their names
(``db_table``). ``accounts`` 0007 removes it from its own state once this has added it
here, and 0008 moves its content type.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The table as accounts left it.
        ("accounts", "0006_pending_invalidation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        (
                            "created_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, editable=False
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("sign_in.succeeded", "Sign-in succeeded"),
                                    ("sign_in.failed", "Sign-in failed"),
                                    ("sign_in.logout", "Logout"),
                                    ("sign_in.refresh_reused", "Refresh token reuse detected"),
                                    ("sign_in.revoked", "Sessions revoked"),
                                    ("user.registered", "User registered"),
                                    ("user.deleted", "User deleted"),
                                    ("user.updated", "User edited by staff"),
                                    ("user.banned", "User banned"),
                                    ("user.unbanned", "User unbanned"),
                                    ("user.role_changed", "Role changed"),
                                    ("staff.sign_in.succeeded", "Staff sign-in to the admin site"),
                                    (
                                        "staff.sign_in.failed",
                                        "Staff sign-in to the admin site failed",
                                    ),
                                    ("staff.logout", "Staff logout from the admin site"),
                                    ("jurisdiction.blocked", "Country blocked"),
                                    ("jurisdiction.updated", "Blocked country edited"),
                                    ("jurisdiction.unblocked", "Country unblocked"),
                                    ("admin.action", "Other staff action"),
                                ],
                                db_index=True,
                                max_length=40,
                            ),
                        ),
                        ("actor_uuid", models.UUIDField(blank=True, db_index=True, null=True)),
                        ("subject_uuid", models.UUIDField(blank=True, db_index=True, null=True)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("user_agent", models.CharField(blank=True, default="", max_length=255)),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit_events_done",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "subject",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit_events",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_auditevent",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["action", "created_at"], name="audit_action_created_idx"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
