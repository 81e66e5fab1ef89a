"""A service client: another service of the platform, known by a public id and a secret."""

from django.db import models
from django.utils import timezone


class ServiceClient(models.Model):
    """A registered caller of ``/oauth/*`` (HTTP Basic: ``client_id`` and its secret).

    The secret is never stored: ``secret_hash`` is the SHA-256 of it (``service_clients.
    services``, which says why not a password hasher). A disabled client is refused (401).
    """

    # Lets code outside this app (config.ratelimit) recognise one without importing it.
    is_service_client = True

    id = models.BigAutoField(primary_key=True)
    client_id = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(max_length=100)
    secret_hash = models.CharField(max_length=64, editable=False)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"
