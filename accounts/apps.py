from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.audit import connect_staff_sign_in_signals
        from accounts.sign_in_cache import connect_signals as connect_sign_in_cache_signals

        connect_staff_sign_in_signals()
        connect_sign_in_cache_signals()
