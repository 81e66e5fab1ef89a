"""Webhooks on the admin site: endpoints (added here or by ``manage.py webhooks add``; the
secret shown once, on the page after adding), their deliveries with every attempt, and
the staff actions: disable, enable (which also closes a paused endpoint's circuit), test,
replay. Every change goes through ``webhooks.services`` and is audited there. Super-admins
only: an endpoint receives every account's events."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from audit.services import admin_actor, admin_origin
from core.admin import ReadOnlyAdmin
from events.models import EventType
from permissions.admin_access import SuperAdminOnly
from permissions.rules import is_super_admin
from webhooks.addresses import EndpointRefused, target_resolve
from webhooks.models import Delivery, DeliveryAttempt, Endpoint
from webhooks.services import (
    delivery_replay,
    endpoint_create,
    endpoint_enabled_set,
    endpoint_test,
)


class EndpointAddForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event type.",
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "event_types"]

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        try:
            target_resolve(url)
        except EndpointRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return url


@admin.register(Endpoint)
class EndpointAdmin(SuperAdminOnly, ReadOnlyAdmin):
    list_display = ["url", "state", "event_types", "consecutive_failures", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["url", "description"]
    actions = ["disable_endpoints", "enable_endpoints", "test_endpoints"]
    readonly_fields = (
        "url",
        "description",
        "event_types",
        "state",
        "paused_at",
        "consecutive_failures",
        "created_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_super_admin(request.user)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            return EndpointAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["url", "description", "event_types"] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        created = endpoint_create(
            actor=admin_actor(request),
            url=obj.url,
            event_types=form.cleaned_data["event_types"],
            description=obj.description,
            origin=admin_origin(request),
        )
        obj.pk = created.endpoint.pk
        request._webhook_secret = created.secret  # type: ignore[attr-defined]

    def response_add(self, request: HttpRequest, obj: Endpoint, *args: Any) -> HttpResponse:
        # The secret is shown on this one page and stored nowhere in clear.
        return TemplateResponse(
            request,
            "admin/webhooks/endpoint_secret.html",
            {
                **self.admin_site.each_context(request),
                "title": "Webhook endpoint added",
                "endpoint": obj,
                "secret": request._webhook_secret,  # type: ignore[attr-defined]
                "opts": self.model._meta,
            },
        )

    def _set_enabled(self, request: HttpRequest, queryset: QuerySet, enabled: bool) -> None:
        changed = sum(
            endpoint_enabled_set(
                actor=admin_actor(request),
                endpoint=endpoint,
                enabled=enabled,
                origin=admin_origin(request),
            )
            for endpoint in queryset
        )
        state = "Enabled" if enabled else "Disabled"
        self.message_user(request, f"{state} {changed} endpoint(s).", messages.SUCCESS)

    @admin.action(description="Disable selected endpoints")
    def disable_endpoints(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_enabled(request, queryset, enabled=False)

    @admin.action(description="Enable selected endpoints (and resume paused ones)")
    def enable_endpoints(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_enabled(request, queryset, enabled=True)

    @admin.action(description="Send a test message to selected endpoints")
    def test_endpoints(self, request: HttpRequest, queryset: QuerySet) -> None:
        for endpoint in queryset:
            outcome = endpoint_test(
                actor=admin_actor(request), endpoint=endpoint, origin=admin_origin(request)
            )
            answer = outcome.status_code or outcome.error
            self.message_user(
                request,
                f"{endpoint.url}: {answer} in {outcome.latency_ms} ms",
                messages.SUCCESS if outcome.succeeded else messages.WARNING,
            )


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "attempted_at",
        "status_code",
        "latency_ms",
        "succeeded",
        "error",
        "response_excerpt",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(SuperAdminOnly, ReadOnlyAdmin):
    list_display = [
        "id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "endpoint", "event__type"]
    search_fields = ["event__subject_uuid", "event__type"]
    list_select_related = ["event", "endpoint"]
    actions = ["replay_deliveries"]
    inlines = [AttemptInline]
    fields = readonly_fields = (
        "event",
        "message_id",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "event_data",
    )

    @admin.display(description="type", ordering="event__type")
    def event_type(self, delivery: Delivery) -> str:
        return delivery.event.type

    @admin.display(description="webhook-id")
    def message_id(self, delivery: Delivery) -> str:
        return delivery.event.message_id

    @admin.display(description="data")
    def event_data(self, delivery: Delivery) -> Any:
        return delivery.event.data

    @admin.action(description="Replay selected deliveries (same webhook-id)")
    def replay_deliveries(self, request: HttpRequest, queryset: QuerySet) -> None:
        for delivery in queryset.select_related("endpoint"):
            delivery_replay(
                actor=admin_actor(request), delivery=delivery, origin=admin_origin(request)
            )
        self.message_user(request, f"Replaying {queryset.count()} deliveries.", messages.SUCCESS)
