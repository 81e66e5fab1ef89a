"""The worker's periodic sweep (django-q2 Schedule), created once, idempotently: every
minute ``webhooks.tasks.sweep`` reports the sessions that expired and sends the events
whose wake-up was lost and the deliveries due for a retry."""

from django.db import migrations

NAME = "webhooks: expired sessions, events and retries"


def schedule_create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "webhooks.tasks.sweep",
            "schedule_type": "I",  # minutes
            "minutes": 1,
            "repeats": -1,
        },
    )


def schedule_delete(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_create, schedule_delete)]
