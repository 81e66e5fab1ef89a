"""Blocked jurisdictions in the admin site: super-admins edit (audited), admins only look."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from permissions import jurisdictions
from permissions.exceptions import NotAllowed
from permissions.models import BlockedJurisdiction

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:permissions_blockedjurisdiction_changelist")
ADD = reverse("admin:permissions_blockedjurisdiction_add")
UA: dict[str, Any] = {"HTTP_USER_AGENT": "staff-browser/2.0"}


def _staff_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change_url(row: BlockedJurisdiction) -> str:
    return reverse("admin:permissions_blockedjurisdiction_change", args=[row.pk])


def _delete_url(row: BlockedJurisdiction) -> str:
    return reverse("admin:permissions_blockedjurisdiction_delete", args=[row.pk])


def test_super_admin_adds_a_country_and_it_is_audited(super_admin):
    client = _staff_client(super_admin)
    response = client.post(ADD, {"code": "fr", "reason": "Not here"}, **UA)
    assert response.status_code == 302, response.content
    assert BlockedJurisdiction.objects.get(code="FR").reason == "Not here"
    event = AuditEvent.objects.get(action=AuditAction.JURISDICTION_BLOCKED)
    assert event.actor == super_admin
    assert event.ip_address == "127.0.0.1" and event.user_agent == "staff-browser/2.0"
    assert event.detail == {"via": "admin", "code": "FR", "reason": "Not here"}


def test_super_admin_edits_a_country_and_the_change_is_audited(super_admin):
    row = BlockedJurisdiction.objects.get(code="GB")
    previous = row.reason
    client = _staff_client(super_admin)
    response = client.post(_change_url(row), {"code": "GB", "reason": "FCA rules"}, **UA)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.reason == "FCA rules"
    event = AuditEvent.objects.get(action=AuditAction.JURISDICTION_UPDATED)
    assert event.actor == super_admin
    assert event.detail == {
        "via": "admin",
        "code": "GB",
        "reason": "FCA rules",
        "previousCode": "GB",
        "previousReason": previous,
    }
    # Saving the form unchanged writes no event.
    client.post(_change_url(row), {"code": "GB", "reason": "FCA rules"})
    assert AuditEvent.objects.filter(action__startswith="jurisdiction.").count() == 1


def test_super_admin_deletes_countries_and_each_is_audited(super_admin):
    client = _staff_client(super_admin)
    gb = BlockedJurisdiction.objects.get(code="GB")
    assert client.post(_delete_url(gb), {"post": "yes"}).status_code == 302
    assert not BlockedJurisdiction.objects.filter(code="GB").exists()
    pks = list(
        BlockedJurisdiction.objects.filter(code__in=["RU", "BY"]).values_list("pk", flat=True)
    )
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    )
    assert response.status_code == 302
    assert not BlockedJurisdiction.objects.filter(code__in=["RU", "BY"]).exists()
    events = AuditEvent.objects.filter(action=AuditAction.JURISDICTION_UNBLOCKED)
    assert sorted(event.detail["code"] for event in events) == ["BY", "GB", "RU"]
    assert all(event.actor == super_admin for event in events)
    assert all(event.detail["via"] == "admin" for event in events)


def test_plain_admin_views_but_cannot_edit(admin_user):
    client = _staff_client(admin_user)
    gb = BlockedJurisdiction.objects.get(code="GB")
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert "GB" in listing.content.decode()
    page = client.get(_change_url(gb))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    count = BlockedJurisdiction.objects.count()
    # Crafted POSTs: add, change, delete, bulk delete. None gets through.
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"code": "FR", "reason": ""}).status_code == 403
    assert client.post(_change_url(gb), {"code": "GB", "reason": "x"}).status_code == 403
    assert client.post(_delete_url(gb), {"post": "yes"}).status_code == 403
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [gb.pk], "post": "yes"}
    )
    assert BlockedJurisdiction.objects.count() == count
    gb.refresh_from_db()
    assert gb.reason != "x"
    assert not AuditEvent.objects.filter(action__startswith="jurisdiction.").exists()


def test_the_flows_refuse_a_plain_admin_whatever_the_caller(admin_user):
    with pytest.raises(NotAllowed):
        jurisdictions.jurisdiction_block(actor=admin_user, code="FR")
    with pytest.raises(NotAllowed):
        jurisdictions.jurisdiction_unblock(actor=admin_user, code="GB")
    assert BlockedJurisdiction.objects.filter(code="GB").exists()
    assert not BlockedJurisdiction.objects.filter(code="FR").exists()
