from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """What staff and operators use: the admin site, moderation, the dashboard,
    housekeeping and the operator commands."""

    name = "backoffice"
    verbose_name = "Back-office"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from backoffice.moderation import staff_signed_in

        # Django stamps last_login on this signal; the sign-in cache must hear of it.
        user_logged_in.connect(staff_signed_in, dispatch_uid="backoffice.staff_signed_in")
