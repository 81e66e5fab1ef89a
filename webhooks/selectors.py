"""Reads of the deliveries for the back-office."""

import uuid

from webhooks.models import Delivery


def deliveries_about_account(*, user_id: uuid.UUID, limit: int = 20) -> list[Delivery]:
    """The latest deliveries of events about an account (the outbox's ``subject_uuid``,
    indexed), newest first, with their event and endpoint."""
    return list(
        Delivery.objects.filter(event__subject_uuid=user_id)
        .select_related("event", "endpoint")
        .order_by("-id")[:limit]
    )
