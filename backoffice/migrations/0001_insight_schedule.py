"""The worker's schedule that keeps the dashboard's closed periods in the cache
(``backoffice.tasks.insight_warm``, every 5 minutes), created once, idempotently."""

from django.db import migrations

NAME = "backoffice: dashboard series"


def schedule_create(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={
            "func": "backoffice.tasks.insight_warm",
            "schedule_type": "I",  # minutes
            "minutes": 5,
            "repeats": -1,
        },
    )


def schedule_delete(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_create, schedule_delete)]
