from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail: recording events and scrubbing a deleted account's personal data."""

    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from audit.services import connect_staff_sign_in_signals

        connect_staff_sign_in_signals()
