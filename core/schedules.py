"""The worker's periodic tasks (django-q2 ``Schedule`` rows), created by each app's
migration once and idempotently, so every deployment's ``release:`` phase sets them up and
no operator has to."""

from typing import Any

from django.db import migrations


def schedule_operation(*, name: str, func: str, minutes: int) -> migrations.RunPython:
    """A migration operation that keeps one schedule: ``func`` (a dotted path) every
    ``minutes``; reversing it removes the schedule."""

    def schedule_create(apps: Any, schema_editor: Any) -> None:
        apps.get_model("django_q", "Schedule").objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "I",  # django-q2's MINUTES
                "minutes": minutes,
                "repeats": -1,  # forever
            },
        )

    def schedule_delete(apps: Any, schema_editor: Any) -> None:
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(schedule_create, schedule_delete)
