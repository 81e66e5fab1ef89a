"""Blocked jurisdictions: the seeded default list, the constraint, the admin form."""

import pytest
from django.contrib import admin
from django.db import DataError, IntegrityError, transaction

from permissions.admin import BlockedJurisdictionForm
from permissions.models import BlockedJurisdiction

pytestmark = pytest.mark.django_db

DEFAULT_BLOCKED = {"KP", "IR", "MM", "CU", "SY", "RU", "BY", "GB"}


def test_data_migration_seeds_the_default_list():
    codes = set(BlockedJurisdiction.objects.values_list("code", flat=True))
    assert codes >= DEFAULT_BLOCKED
    gb = BlockedJurisdiction.objects.get(code="GB")
    assert gb.reason_text == "Access from GB is not available"


@pytest.mark.parametrize("code", ["gb", "G", "GBR", "1A", ""])
def test_database_refuses_a_code_that_is_not_alpha_2(code):
    # PostgreSQL refuses "GBR" for its length (DataError), SQLite by the check constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        BlockedJurisdiction.objects.create(code=code)


def test_admin_form_upper_cases_and_validates():
    BlockedJurisdiction.objects.filter(code="FR").delete()
    form = BlockedJurisdictionForm(data={"code": "fr", "reason": "Not here"})
    assert form.is_valid(), form.errors
    assert form.save().code == "FR"
    assert not BlockedJurisdictionForm(data={"code": "F1", "reason": ""}).is_valid()
    assert not BlockedJurisdictionForm(data={"code": "fr", "reason": ""}).is_valid()  # exists


def test_registered_in_the_admin_site():
    assert admin.site.is_registered(BlockedJurisdiction)
