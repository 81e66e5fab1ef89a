from django.apps import AppConfig


class SigningKeysConfig(AppConfig):
    """The keys access tokens are signed with: generation, encryption at rest, rotation,
    the in-memory key set of each process, and the published JWKS."""

    name = "signing_keys"
    verbose_name = "Signing keys"
