"""The worker's schedule that keeps the dashboard's closed periods in the cache
(``backoffice.tasks.insight_warm``, every 5 minutes)."""

from django.db import migrations

from core.schedules import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        schedule_operation(
            name="backoffice: dashboard series",
            func="backoffice.tasks.insight_warm",
            minutes=5,
        )
    ]
