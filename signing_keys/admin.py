"""The signing keys in the admin site: listed and viewed, never changed there (the
``signing_keys`` command rotates and withdraws), and never their private half."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from signing_keys.models import SigningKey

_SHOWN = (
    "kid",
    "algorithm",
    "state",
    "created_at",
    "activated_at",
    "retired_at",
    "retire_after",
    "withdrawn_at",
    "public_jwk",
)


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = _SHOWN[:-1]
    list_filter = ("state", "algorithm")
    search_fields = ("kid",)
    fields = _SHOWN
    readonly_fields = _SHOWN

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
