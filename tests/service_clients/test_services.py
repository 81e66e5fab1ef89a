"""Service clients without HTTP: creation, the secret check, disabling; the command; the
admin list."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditAction, AuditEvent
from service_clients import services
from service_clients.models import ServiceClient
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def test_created_client_keeps_only_a_hash_of_its_secret():
    created = services.service_client_create(name="indexer")
    stored = ServiceClient.objects.get(pk=created.client.pk)
    assert created.client.client_id.startswith("svc_")
    assert len(created.secret) >= 43  # 32 random bytes
    assert created.secret not in stored.secret_hash
    assert stored.secret_hash == services.secret_hash(created.secret)
    assert stored.enabled


def test_authenticate_accepts_the_secret_and_nothing_else():
    created = services.service_client_create(name="indexer")
    client_id = created.client.client_id
    assert services.service_client_authenticate(client_id=client_id, secret=created.secret)
    assert services.service_client_authenticate(client_id=client_id, secret="wrong") is None
    assert services.service_client_authenticate(client_id=client_id, secret="") is None
    assert services.service_client_authenticate(client_id="svc_x", secret=created.secret) is None


def test_disabled_client_is_refused_until_enabled():
    created = services.service_client_create(name="indexer")
    client_id = created.client.client_id
    services.service_client_set_enabled(client_id=client_id, enabled=False)
    assert services.service_client_authenticate(client_id=client_id, secret=created.secret) is None
    services.service_client_set_enabled(client_id=client_id, enabled=True)
    assert services.service_client_authenticate(client_id=client_id, secret=created.secret)
    with pytest.raises(services.ClientNotFound):
        services.service_client_set_enabled(client_id="svc_nope", enabled=False)


def test_last_used_is_written_at_most_once_a_minute(django_assert_num_queries):
    created = services.service_client_create(name="indexer")
    now = timezone.now()
    args = {"client_id": created.client.client_id, "secret": created.secret}
    services.service_client_authenticate(**args, now=now)
    with django_assert_num_queries(1):  # the read alone
        services.service_client_authenticate(**args, now=now + timedelta(seconds=30))
    services.service_client_authenticate(**args, now=now + timedelta(minutes=2))
    stored = ServiceClient.objects.get(pk=created.client.pk)
    assert stored.last_used_at == now + timedelta(minutes=2)


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("service_client", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_secret_once_and_list_never():
    out = _command("create", "--name", "trading api")
    lines = dict(line.split(":", 1) for line in out.splitlines() if line.startswith("client_"))
    client_id, secret = lines["client_id"].strip(), lines["client_secret"].strip()
    assert services.service_client_authenticate(client_id=client_id, secret=secret)
    listed = _command("list")
    assert client_id in listed and "trading api" in listed and "enabled" in listed
    stored = ServiceClient.objects.get(client_id=client_id)
    assert secret not in listed and stored.secret_hash not in listed


def test_disable_and_enable_commands():
    created = services.service_client_create(name="indexer")
    client_id = created.client.client_id
    assert "disabled" in _command("disable", client_id)
    assert not ServiceClient.objects.get(client_id=client_id).enabled
    assert "disabled" in _command("list")
    _command("enable", client_id)
    assert ServiceClient.objects.get(client_id=client_id).enabled
    with pytest.raises(CommandError):
        _command("disable", "svc_nope")


def _staff(role: str) -> Client:
    client = Client()
    client.force_login(user_create_for_wallet(address=Wallet().address, role=role))
    return client


def test_admin_lists_clients_without_the_hash_and_disables_them():
    created = services.service_client_create(name="indexer")
    changelist = reverse("admin:service_clients_serviceclient_changelist")
    page = _staff(Role.ADMIN).get(changelist)
    assert page.status_code == 200
    text = page.content.decode()
    assert created.client.client_id in text
    assert created.client.secret_hash not in text
    detail = _staff(Role.ADMIN).get(
        reverse("admin:service_clients_serviceclient_change", args=[created.client.pk])
    )
    assert detail.status_code == 200 and created.client.secret_hash not in detail.content.decode()
    # A plain admin may look but not disable.
    _staff(Role.ADMIN).post(
        changelist, {"action": "disable_clients", "_selected_action": [created.client.pk]}
    )
    assert ServiceClient.objects.get(pk=created.client.pk).enabled
    _staff(Role.SUPER_ADMIN).post(
        changelist, {"action": "disable_clients", "_selected_action": [created.client.pk]}
    )
    assert not ServiceClient.objects.get(pk=created.client.pk).enabled


def test_creation_and_changes_are_audited_without_the_secret():
    created = services.service_client_create(name="indexer")
    client_id = created.client.client_id
    services.service_client_set_enabled(client_id=client_id, enabled=False)
    services.service_client_set_enabled(client_id=client_id, enabled=False)  # no change
    services.service_client_set_enabled(client_id=client_id, enabled=True)
    events = list(AuditEvent.objects.filter(action__startswith="service_client.").order_by("id"))
    assert [event.action for event in events] == [
        AuditAction.SERVICE_CLIENT_CREATED,
        AuditAction.SERVICE_CLIENT_DISABLED,
        AuditAction.SERVICE_CLIENT_ENABLED,
    ]
    assert all(
        event.detail == {"clientId": client_id, "name": "indexer", "via": "command"}
        for event in events
    )
    assert all(event.actor is None for event in events)  # operator commands


def test_admin_disable_is_audited_as_the_staff_member():
    created = services.service_client_create(name="indexer")
    staff = user_create_for_wallet(address=Wallet().address, role=Role.SUPER_ADMIN)
    client = Client()
    client.force_login(staff)
    client.post(
        reverse("admin:service_clients_serviceclient_changelist"),
        {"action": "disable_clients", "_selected_action": [created.client.pk]},
    )
    event = AuditEvent.objects.get(action=AuditAction.SERVICE_CLIENT_DISABLED)
    assert event.actor_id == staff.pk and event.detail["via"] == "admin"
