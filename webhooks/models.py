"""Where events go: staff-registered endpoints, one delivery per event and endpoint, and
every attempt of it (``webhooks.services`` says how they change)."""

from django.db import models
from django.utils import timezone

from events.models import Event


class Endpoint(models.Model):
    """A receiver: its URL, the event types it wants (none listed: every type), and its
    signing secret, encrypted at rest (``webhooks.secrets``; shown once, at creation).

    ``enabled``: staff's switch; a disabled endpoint gets no new deliveries. ``paused_at``:
    the circuit, set after ``WEBHOOKS_CIRCUIT_FAILURES`` failed attempts in a row; a paused
    endpoint's deliveries wait until staff enable it again."""

    id = models.BigAutoField(primary_key=True)
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True, default="")
    event_types = models.JSONField(default=list, blank=True)
    secret_encrypted = models.TextField(editable=False)
    enabled = models.BooleanField(default=True)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    @property
    def state(self) -> str:
        if not self.enabled:
            return "disabled"
        return "paused" if self.paused_at is not None else "active"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed (retries exhausted)"


class Delivery(models.Model):
    """One event for one endpoint: pending until a 2xx answer, retried on the schedule of
    ``webhooks.services.RETRY_DELAYS``, failed after the last attempt."""

    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhooks_one_delivery")
        ]
        indexes = [
            # The worker's question, "what is due?", reads only the pending rows.
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_due_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery: its answer's status (None: no answer), how long it
    took, and the start of the answer's body or the error."""

    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_set")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
