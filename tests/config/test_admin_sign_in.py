"""The admin sign-in: limited per address, locked per username and per address (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a long staff password 42"


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser(username="boss", password=PASSWORD, email="b@x.example")


def _sign_in(username: str, password: str, address: str = "192.0.2.10"):
    return Client(REMOTE_ADDR=address).post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )


def test_correct_password_signs_in(staff):
    response = _sign_in("boss", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_repeated_failures_lock_the_username(staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in("boss", "wrong").status_code == 200  # the form again
    locked = _sign_in("boss", "wrong")
    assert locked.status_code == 429
    assert locked.json()["statusCode"] == 429
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    # Locked even with the right password, and from another address.
    assert _sign_in("boss", PASSWORD, address="198.51.100.20").status_code == 429


def test_repeated_failures_lock_the_address(staff, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(f"guess{number}", "wrong", address="203.0.113.30")
    assert _sign_in("boss", PASSWORD, address="203.0.113.30").status_code == 429
    assert _sign_in("boss", PASSWORD, address="203.0.113.31").status_code == 302


def test_lockout_uses_the_client_address_rule(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.0.0.1").post(
            "/admin/login/",
            {"username": f"guess{number}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.40",
        )
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {"203.0.113.40"}  # not the proxy, not what the client wrote
    locked = Client(REMOTE_ADDR="10.0.0.1").post(
        "/admin/login/",
        {"username": "boss", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.40",
    )
    assert locked.status_code == 429


def test_lockouts_are_visible_to_super_admins(staff, super_admin, admin_user):
    _sign_in("boss", "wrong")
    client = Client()
    client.force_login(super_admin)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert b"boss" in page.content
    attempt = AccessAttempt.objects.get(username="boss")
    assert client.get(f"/admin/axes/accessattempt/{attempt.pk}/delete/").status_code == 200


def test_sign_in_attempts_are_rate_limited_per_address(staff, settings):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "admin_sign_in_address": "2/d"}
    assert _sign_in("boss", "wrong", address="198.51.100.60").status_code == 200
    assert _sign_in("boss", "wrong", address="198.51.100.60").status_code == 200
    limited = _sign_in("boss", PASSWORD, address="198.51.100.60")
    assert limited.status_code == 429
    assert limited["x-ratelimit-remaining"] == "0"
    assert "Retry-After" in limited
    assert _sign_in("boss", PASSWORD, address="198.51.100.61").status_code == 302
