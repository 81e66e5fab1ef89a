from django.apps import AppConfig


class SignInConfig(AppConfig):
    """Wallet sign-in: proofs (form A, SIWS), sessions and their tokens, authentication."""

    name = "signin"
    verbose_name = "Sign-in"

    def ready(self) -> None:
        from signin.sign_in_cache import connect_signals

        connect_signals()
