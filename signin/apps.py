from django.apps import AppConfig


class SignInConfig(AppConfig):
    """Wallet sign-in: proofs (form A, SIWS), sessions and their tokens, authentication."""

    name = "signin"
    verbose_name = "Sign-in"
