"""``manage.py sign_login_body``: its output signs in for real, as the same wallet each time."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _body(key_file) -> dict:
    out = StringIO()
    call_command("sign_login_body", "--key-file", str(key_file), stdout=out)
    return json.loads(out.getvalue())


def test_printed_body_signs_in(api_client, tmp_path):
    key_file = tmp_path / "wallet.key"
    first = _body(key_file)
    response = api_client.post("/auth/login", first, format="json")
    assert response.status_code == 201
    assert response.json()["user"]["address"] == first["address"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_key_file_is_reused(tmp_path):
    key_file = tmp_path / "wallet.key"
    assert _body(key_file)["address"] == _body(key_file)["address"]
