"""The admin site lists the signing keys read-only, never their private half."""

import pytest
from django.test import Client
from django.urls import reverse

from signing_keys import key_set
from signing_keys.models import SigningKey

pytestmark = pytest.mark.django_db


def test_the_admin_lists_keys_and_never_shows_private_material(super_admin):
    key_set.current()
    client = Client()
    client.force_login(super_admin)
    listing = client.get(reverse("admin:signing_keys_signingkey_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    keys = list(SigningKey.objects.all())
    assert len(keys) == 2
    for key in keys:
        assert key.kid in page
        detail = client.get(reverse("admin:signing_keys_signingkey_change", args=[key.pk]))
        assert detail.status_code == 200
        shown = detail.content.decode()
        assert key.kid in shown and key.public_jwk["x"] in shown
        assert key.private_key_encrypted[:20] not in page + shown
        assert "private" not in (page + shown).lower()
    # Read-only: no add, and a crafted change is refused.
    assert client.get(reverse("admin:signing_keys_signingkey_add")).status_code == 403
    change = reverse("admin:signing_keys_signingkey_change", args=[keys[0].pk])
    client.post(change, {"state": "withdrawn"})
    keys[0].refresh_from_db()
    assert keys[0].state != "withdrawn"
