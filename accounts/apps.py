from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The account and its profile; its models hold the sign-in and audit tables too."""

    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"
