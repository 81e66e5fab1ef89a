"""Request ids, the one-line-per-request JSON log, and sign-in failure logs."""

import json
import logging

import pytest

from config.jsonlog import JsonFormatter
from config.observability import request_id_from

pytestmark = pytest.mark.django_db


def _records(caplog, name):
    return [record for record in caplog.records if record.name == name]


def test_request_id_is_echoed_when_sane(api_client):
    response = api_client.get("/health", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize("header", [None, "", "a b", "x" * 129, "<script>", "ok\nforged"])
def test_request_id_is_generated_otherwise(header):
    generated = request_id_from(header)
    assert generated != header and len(generated) == 32


def test_one_access_line_per_request(api_client, caplog, sign_in, wallet):
    body = sign_in(wallet)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="access"):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
        api_client.get("/auth/my-profile?x=1", HTTP_X_REQUEST_ID="req-1", REMOTE_ADDR="203.0.113.9")
    [record] = _records(caplog, "access")
    assert record.method == "GET"
    assert record.path == "/auth/my-profile"
    assert record.status == 200
    assert record.user_id == body["user"]["id"]
    assert record.client_ip == "203.0.113.9"
    assert record.request_id == "req-1"
    assert record.duration_ms >= 0


def test_anonymous_request_has_no_user_id(api_client, caplog):
    with caplog.at_level(logging.INFO, logger="access"):
        api_client.get("/nowhere")
    [record] = _records(caplog, "access")
    assert record.status == 404 and record.user_id is None


def test_sign_in_failure_is_logged_with_reason_never_the_signature(api_client, wallet, caplog):
    body = wallet.login_body()
    body["timestamp"] -= 3_600_000
    with caplog.at_level(logging.INFO):
        response = api_client.post("/auth/login", body, format="json")
    assert response.status_code == 401
    [record] = _records(caplog, "accounts.sign_in")
    assert record.reason == "Timestamp is outside the allowed window"
    assert record.address == wallet.address
    assert record.status == 401
    formatted = JsonFormatter().format(record)
    assert body["signature"] not in formatted
    assert json.loads(formatted)["event"] == "sign_in_failed"


def test_malformed_sign_in_is_logged_with_the_field(api_client, caplog):
    with caplog.at_level(logging.INFO):
        api_client.post("/auth/login", {"address": "0OIl"}, format="json")
    [record] = _records(caplog, "accounts.sign_in")
    assert record.status == 400
    assert "signature: This field is required." in record.reason


def test_no_token_in_any_log_line(api_client, wallet, caplog):
    with caplog.at_level(logging.DEBUG):
        body = api_client.post("/auth/login", wallet.login_body(), format="json").json()
        api_client.post("/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json")
    text = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert body["token"] not in text and body["refreshToken"] not in text


def test_json_formatter_writes_one_object_per_line():
    record = logging.makeLogRecord(
        {"name": "access", "levelname": "INFO", "msg": "GET %s", "args": ("/x",), "status": 200}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "GET /x" and entry["status"] == 200 and entry["logger"] == "access"


def test_health_names_the_failed_part(api_client, monkeypatch):
    from config import views

    monkeypatch.setattr(views, "_cache_ok", lambda: False)
    response = api_client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
