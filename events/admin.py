"""The outbox on the admin site, read-only and for super-admins (as the webhooks are: it
holds every account's changes): search by an account's uuid lists its events."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from events.models import Event
from permissions.admin_access import SuperAdminOnly


@admin.register(Event)
class EventAdmin(SuperAdminOnly, ReadOnlyAdmin):
    list_display = ["id", "type", "subject_uuid", "created_at", "dispatched_at"]
    list_filter = ["type"]
    search_fields = ["=subject_uuid"]
    fields = readonly_fields = ("type", "subject_uuid", "data", "created_at", "dispatched_at")
