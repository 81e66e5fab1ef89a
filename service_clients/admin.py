"""Service clients on the admin site: listed read-only (the secret's hash never shown), with
a disable and an enable action for super-admins. Clients are created by
``manage.py service_client create``, which alone can show the secret."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.services import admin_actor, admin_origin
from core.admin import ReadOnlyAdmin
from permissions.rules import is_super_admin
from service_clients.models import ServiceClient
from service_clients.services import service_client_set_enabled


@admin.register(ServiceClient)
class ServiceClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "client_id", "enabled", "created_at", "last_used_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "client_id"]
    ordering = ["-created_at"]
    actions = ["disable_clients", "enable_clients"]
    fields = readonly_fields = ("client_id", "name", "enabled", "created_at", "last_used_at")

    def has_toggle_permission(self, request: HttpRequest) -> bool:
        return is_super_admin(request.user)

    def _set_enabled(self, request: HttpRequest, queryset: QuerySet, enabled: bool) -> None:
        for client in queryset:
            service_client_set_enabled(
                client_id=client.client_id,
                enabled=enabled,
                actor=admin_actor(request),
                origin=admin_origin(request),
            )
        state = "Enabled" if enabled else "Disabled"
        self.message_user(request, f"{state} {queryset.count()} client(s).", messages.SUCCESS)

    @admin.action(description="Disable selected clients", permissions=["toggle"])
    def disable_clients(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_enabled(request, queryset, enabled=False)

    @admin.action(description="Enable selected clients", permissions=["toggle"])
    def enable_clients(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_enabled(request, queryset, enabled=True)
