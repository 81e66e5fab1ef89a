from django.apps import AppConfig


class OAuthConfig(AppConfig):
    """The endpoints other services call (RFC 8414 metadata, RFC 7662 introspection,
    RFC 7009 revocation, the revocation feed): thin views over ``signin.oauth``, their
    callers authenticated by ``service_clients``. No models."""

    name = "oauth"
    verbose_name = "OAuth endpoints"

    def ready(self) -> None:
        from oauth import checks  # noqa: F401  registers the deploy check
