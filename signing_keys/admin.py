"""The signing keys in the admin site: listed and viewed, never changed there (the
``signing_keys`` command rotates and withdraws), and never their private half."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
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
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = _SHOWN[:-1]
    list_filter = ("state", "algorithm")
    search_fields = ("kid",)
    fields = _SHOWN
    readonly_fields = _SHOWN
