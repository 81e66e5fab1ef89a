from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from events.signals import events_committed
        from webhooks.tasks import dispatch_soon

        # A committed change's events wake the worker (the sweep is the fallback).
        events_committed.connect(dispatch_soon, dispatch_uid="webhooks_dispatch_soon")
