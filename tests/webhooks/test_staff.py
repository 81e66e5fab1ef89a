"""What staff and operators use: ``manage.py webhooks`` and the admin site's pages and
actions, each audited."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import AuditAction, AuditEvent
from events.models import EventType
from events.services import event_record
from webhooks.models import Delivery, DeliveryStatus, Endpoint
from webhooks.signing_secrets import secret_decrypt
from webhooks.tasks import dispatch

pytestmark = pytest.mark.django_db


def _command(*args) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_the_commands_add_list_test_disable_and_enable(receiver):
    out = _command("add", receiver.url, "--events", "user.banned,user.created")
    secret = out.split("secret:")[1].split()[0]
    endpoint = Endpoint.objects.get()
    assert secret_decrypt(endpoint.secret_encrypted) == secret
    assert endpoint.event_types == ["user.banned", "user.created"]
    listed = _command("list")
    assert receiver.url in listed and "active" in listed and secret not in listed
    receiver.secret = secret
    assert "204" in _command("test", str(endpoint.pk))
    assert receiver.received[0].payload["type"] == "webhook.test"
    assert _command("disable", str(endpoint.pk)).strip() == f"{endpoint.pk} disabled"
    assert "disabled" in _command("list")
    assert _command("enable", str(endpoint.pk)).strip() == f"{endpoint.pk} enabled"
    assert _actions() == [
        AuditAction.WEBHOOK_ENDPOINT_CREATED,
        AuditAction.WEBHOOK_ENDPOINT_TESTED,
        AuditAction.WEBHOOK_ENDPOINT_DISABLED,
        AuditAction.WEBHOOK_ENDPOINT_ENABLED,
    ]


def test_the_commands_refuse_bad_input_and_change_nothing(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(CommandError, match="private"):
        _command("add", "https://127.0.0.1/hook")
    with pytest.raises(CommandError, match="Unknown event types"):
        _command("add", "https://93.184.216.34/hook", "--events", "user.hacked")
    with pytest.raises(CommandError, match="no webhook endpoint"):
        _command("disable", "999")
    assert not Endpoint.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_failed_test_is_a_command_error(receiver, endpoint):
    receiver.status = 500
    with pytest.raises(CommandError, match="did not answer 2xx"):
        _command("test", str(endpoint.pk))


@pytest.fixture
def staff(super_admin) -> Client:
    client = Client()
    client.force_login(super_admin)
    return client


def test_admin_adds_an_endpoint_and_shows_its_secret_once(staff, receiver):
    response = staff.post(
        "/admin/webhooks/endpoint/add/",
        {"url": receiver.url, "description": "rewards", "event_types": ["user.created"]},
    )
    assert response.status_code == 200, response.content
    endpoint = Endpoint.objects.get()
    secret = secret_decrypt(endpoint.secret_encrypted)
    assert secret in response.content.decode()
    page = staff.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/")
    assert page.status_code == 200 and secret not in page.content.decode()
    assert _actions()[-1] == AuditAction.WEBHOOK_ENDPOINT_CREATED


def test_admin_refuses_a_private_endpoint(staff, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = staff.post("/admin/webhooks/endpoint/add/", {"url": "https://10.0.0.1/"})
    assert response.status_code == 200
    assert "private" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_admin_lists_deliveries_with_their_attempts_and_replays_one(staff, receiver, endpoint):
    event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    dispatch()
    delivery = Delivery.objects.get()
    assert staff.get("/admin/webhooks/delivery/").status_code == 200
    page = staff.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert delivery.event.message_id in page.content.decode()
    assert staff.get("/admin/webhooks/endpoint/").status_code == 200
    assert staff.get("/admin/events/event/").status_code == 200
    response = staff.post(
        "/admin/webhooks/delivery/",
        {"action": "replay_deliveries", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert _actions()[-1] == AuditAction.WEBHOOK_EVENT_REPLAYED
    dispatch()
    assert receiver.ids() == {delivery.event.message_id: 2}


def test_admin_actions_disable_enable_and_test(staff, receiver, endpoint):
    url = "/admin/webhooks/endpoint/"
    for action in ("disable_endpoints", "enable_endpoints", "test_endpoints"):
        response = staff.post(url, {"action": action, "_selected_action": [endpoint.pk]})
        assert response.status_code == 302
    assert _actions()[-3:] == [
        AuditAction.WEBHOOK_ENDPOINT_DISABLED,
        AuditAction.WEBHOOK_ENDPOINT_ENABLED,
        AuditAction.WEBHOOK_ENDPOINT_TESTED,
    ]
    assert len(receiver.received) == 1


def test_an_admin_who_is_not_super_admin_sees_no_webhooks(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/webhooks/endpoint/").status_code == 403


def test_reencrypt_moves_the_secrets_to_the_new_first_secret(endpoint, receiver, settings):
    old = settings.SIGNING_KEYS_SECRETS
    settings.SIGNING_KEYS_SECRETS = ["a-new-secret-at-rest-0123456789abcdef", *old]
    assert _command("reencrypt").strip() == "1 secrets re-encrypted"
    settings.SIGNING_KEYS_SECRETS = settings.SIGNING_KEYS_SECRETS[:1]
    endpoint.refresh_from_db()
    assert secret_decrypt(endpoint.secret_encrypted) == receiver.secret


def test_an_accounts_page_links_to_its_events(staff):
    from tests.events.flows import account

    user, other = account(), account()
    page = staff.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    events_url = f"/admin/events/event/?subject_uuid={user.pk}"
    assert events_url in page
    listed = staff.get(events_url)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2  # user.created, session.created
    assert str(other.pk) not in listed.content.decode()
