"""Blocked jurisdictions in the admin site (super-admins edit, admins look).

Who may edit is ``permissions.rules`` (through ``User.has_perm``: admins get the view
permission only); every change goes through ``permissions.jurisdictions``, which checks the
rule again and writes the audit event.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.services import admin_actor, admin_origin
from permissions import jurisdictions
from permissions.models import BlockedJurisdiction


class BlockedJurisdictionForm(forms.ModelForm):
    class Meta:
        model = BlockedJurisdiction
        fields = ["code", "reason"]

    def clean_code(self) -> str:
        # Staff may type "gb"; the stored code is upper case.
        return jurisdictions.country_code_normalize(self.cleaned_data["code"])


@admin.register(BlockedJurisdiction)
class BlockedJurisdictionAdmin(admin.ModelAdmin):
    form = BlockedJurisdictionForm
    list_display = ["code", "reason", "updated_at"]
    search_fields = ["code", "reason"]
    ordering = ["code"]

    def save_model(
        self, request: HttpRequest, obj: BlockedJurisdiction, form: Any, change: bool
    ) -> None:
        jurisdictions.jurisdiction_save(
            actor=admin_actor(request), jurisdiction=obj, origin=admin_origin(request)
        )

    def delete_model(self, request: HttpRequest, obj: BlockedJurisdiction) -> None:
        jurisdictions.jurisdiction_unblock(
            actor=admin_actor(request), code=obj.code, origin=admin_origin(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The bulk "delete selected" action: one audited unblock per country.
        for row in queryset:
            self.delete_model(request, row)
