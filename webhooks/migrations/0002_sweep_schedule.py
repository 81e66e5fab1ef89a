"""The worker's periodic sweep: every minute ``webhooks.tasks.sweep`` reports the sessions
that expired and sends the events whose wake-up was lost and the deliveries due for a
retry."""

from django.db import migrations

from core.schedules import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        schedule_operation(
            name="webhooks: expired sessions, events and retries",
            func="webhooks.tasks.sweep",
            minutes=1,
        )
    ]
