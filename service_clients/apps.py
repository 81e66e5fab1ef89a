from django.apps import AppConfig


class ServiceClientsConfig(AppConfig):
    """The other services of the platform that call the OAuth endpoints (introspection,
    revocation, the revocation feed): their ids, hashed secrets and whether they may."""

    name = "service_clients"
    verbose_name = "Service clients"
