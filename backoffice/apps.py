from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """What staff and operators use: the admin site, moderation, the dashboard,
    housekeeping and the operator commands."""

    name = "backoffice"
    verbose_name = "Back-office"
