"""Request ids, the one-line-per-request JSON log, and sign-in failure logs."""

import json
import logging
import random
import sys
from datetime import UTC, datetime

import pytest

from config import observability
from config.jsonlog import JsonFormatter, utc_time
from config.observability import RequestIdFilter, access_logger, request_id_from

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


def test_the_access_record_is_the_one_logger_log_would_make(api_client, caplog):
    with caplog.at_level(logging.INFO, logger="access"):
        api_client.get("/health", HTTP_X_REQUEST_ID="req-2", REMOTE_ADDR="203.0.113.9")
    [record] = _records(caplog, "access")
    with caplog.at_level(logging.INFO, logger="access"):
        access_logger.log(
            logging.INFO,
            "%s %s %s",
            "GET",
            "/health",
            200,
            extra={
                "method": "GET",
                "path": "/health",
                "status": 200,
                "duration_ms": record.duration_ms,
                "user_id": None,
                "client_ip": "203.0.113.9",
            },
        )
    logged = _records(caplog, "access")[-1]
    RequestIdFilter().filter(logged)  # the console handler's filter, outside any request
    logged.request_id = "req-2"
    # Same attributes in the same order (the JSON line's), the same values but the clock's
    # and the caller's line; "message" and "asctime" are caplog's formatter's.
    ignored = {"message", "asctime"}
    assert [k for k in vars(record) if k not in ignored] == [
        k for k in vars(logged) if k not in ignored
    ]
    ignored |= {"created", "msecs", "relativeCreated", "lineno", "pathname", "filename"}
    ignored |= {"module", "funcName"}
    assert {k: v for k, v in vars(record).items() if k not in ignored} == {
        k: v for k, v in vars(logged).items() if k not in ignored
    }
    assert (record.pathname, record.funcName) == (observability.__file__, "__call__")


def _reference_line(record: logging.LogRecord) -> str:
    """The line as json.dumps and datetime wrote it before the formatter was made cheaper."""
    standard = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
    entry = {
        "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    for key, value in vars(record).items():
        if key not in standard and not key.startswith("_"):
            entry[key] = value
    if record.exc_info:
        entry["exc"] = JsonFormatter().formatException(record.exc_info)
    return json.dumps(entry, default=str, ensure_ascii=False)


def test_json_lines_are_those_of_json_dumps_and_datetime():
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    records = [
        logging.makeLogRecord(fields)
        for fields in (
            {"name": "access", "msg": "GET %s", "args": ("/x",), "status": 200, "ratio": 0.5},
            {"name": "a", "msg": "é ✓ \u2028", "user": "ü", "when": datetime(2026, 1, 1)},
            {"name": "b", "msg": "failed", "exc_info": exc_info, "_private": 1, "n": None},
        )
    ]
    formatter = JsonFormatter()
    for _ in range(2):  # the second time, the attribute names come from the cache
        for record in records:
            assert formatter.format(record) == _reference_line(record)


def test_utc_time_rounds_and_cuts_as_datetime_does():
    rng = random.Random(7)
    seconds = [rng.randrange(0, 4_000_000_000) for _ in range(2000)]
    fractions = [0.0, 0.0004995, 0.0005, 0.1234995, 0.9995, 0.999, 0.9999994999, 0.9999995]
    stamps = [s + f for s in seconds for f in fractions]
    stamps += [rng.uniform(0, 4e9) for _ in range(20000)]
    for stamp in stamps:
        assert utc_time(stamp) == datetime.fromtimestamp(stamp, tz=UTC).isoformat(
            timespec="milliseconds"
        )


def test_health_names_the_failed_part(api_client, monkeypatch):
    from config import views

    monkeypatch.setattr(views, "_cache_ok", lambda: False)
    response = api_client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
