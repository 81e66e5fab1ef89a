"""Blocked jurisdictions in the admin site (super-admins edit, admins look)."""

from django import forms
from django.contrib import admin

from permissions.models import BlockedJurisdiction


class BlockedJurisdictionForm(forms.ModelForm):
    class Meta:
        model = BlockedJurisdiction
        fields = ["code", "reason"]

    def clean_code(self) -> str:
        # Staff may type "gb"; the stored code is upper case.
        return self.cleaned_data["code"].strip().upper()


@admin.register(BlockedJurisdiction)
class BlockedJurisdictionAdmin(admin.ModelAdmin):
    form = BlockedJurisdictionForm
    list_display = ["code", "reason", "updated_at"]
    search_fields = ["code", "reason"]
    ordering = ["code"]
