"""Oversized, non-JSON and malformed bodies get 413, 415 or 400 — never a 500."""

import json
import sys
import unicodedata

import pytest
from django.test import Client

from config.parsers import json_depth_exceeds
from core.text import has_non_printable
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def _post(client: Client, body: bytes | str, content_type="application/json", **extra):
    return client.generic("POST", "/auth/login", body, content_type=content_type, **extra)


def _assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["statusCode"] == status
    return body


def test_body_over_the_limit_is_413(client, settings):
    body = json.dumps({"address": "x", "padding": "a" * settings.API_MAX_BODY_BYTES})
    response = _post(client, body)
    message = _assert_error(response, 413)["message"]
    assert str(settings.API_MAX_BODY_BYTES) in message


def test_body_at_the_limit_is_read(client, settings):
    padding = settings.API_MAX_BODY_BYTES - len('{"p": ""}')
    response = _post(client, json.dumps({"p": "a" * padding}))
    assert response.status_code == 400  # read and validated: fields are missing
    assert "signature" in response.json()["errors"]


def test_413_also_on_authenticated_and_unknown_paths(client, settings):
    big = "a" * (settings.API_MAX_BODY_BYTES + 1)
    assert client.generic("POST", "/auth/logout", big).status_code == 413
    assert client.generic("PUT", "/no/such/path", big).status_code == 413


def test_a_body_longer_than_its_content_length_is_cut_there(client, settings):
    body = json.dumps({"padding": "a" * (settings.API_MAX_BODY_BYTES * 2)}).encode()
    response = _post(client, body, CONTENT_LENGTH="100")
    _assert_error(response, 400)  # the first 100 bytes are not a JSON document


def test_invalid_content_length_is_400(client):
    assert _post(client, b"{}", CONTENT_LENGTH="-5").status_code == 400
    assert _post(client, b"{}", CONTENT_LENGTH="lots").status_code == 400


def test_chunked_body_without_length_is_411(client):
    response = _post(client, b"", HTTP_TRANSFER_ENCODING="chunked", CONTENT_LENGTH="")
    _assert_error(response, 411)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "address=abc&signature=def&timestamp=1"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("text/plain", '{"address": "abc"}'),
        ("", '{"address": "abc"}'),
    ],
)
def test_non_json_is_415(client, content_type, body):
    _assert_error(_post(client, body, content_type=content_type), 415)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 21 + "]" * 21,  # one level too deep
        "[" * 5000 + "]" * 5000,  # would overflow Python's recursion
        '{"a":' * 2000 + "1" + "}" * 2000,
        '{"timestamp": NaN}',
        '{"timestamp": Infinity}',
        '{"timestamp": ' + "9" * 5000 + "}",  # past Python's int-from-string limit
        '{"address": "abc"',
        "\xff\xfe",
    ],
)
def test_malformed_or_deep_json_is_400(client, body):
    _assert_error(_post(client, body.encode("latin1")), 400)


@pytest.mark.parametrize(
    ("body", "not_shown"),
    [
        ('{"timestamp": ' + "9" * 5000 + "}", "set_int_max_str_digits"),
        ("\xff\xfe", "codec"),
    ],
)
def test_a_parse_error_says_what_is_wrong_without_python_internals(client, body, not_shown):
    message = _assert_error(_post(client, body.encode("latin1")), 400)["message"]
    assert message.startswith("JSON parse error - ")
    assert not_shown not in message


def _fields(count: int) -> str:
    return "&".join(f"f{number}=1" for number in range(count))


@pytest.mark.parametrize(
    "path", ["/health", "/auth/my-profile", "/auth/login", "/.well-known/jwks.json"]
)
def test_more_query_fields_than_django_reads_is_400(client, settings, path):
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert client.get(f"{path}?{_fields(limit)}").status_code != 400
    response = client.get(f"{path}?{_fields(limit + 1)}")
    assert str(limit) in _assert_error(response, 400)["message"]


def test_deep_brackets_inside_strings_are_fine(client):
    body = json.dumps({"address": "[" * 60, "signature": "{" * 60})
    response = _post(client, body)
    assert response.status_code == 400
    assert "JSON parse error" not in str(response.json()["message"])


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f", "\n", "\ud800"])
def test_control_characters_in_text_fields_are_400(client, bad):
    body = Wallet().login_body()
    body["address"] = body["address"][:10] + bad + body["address"][10:]
    response = _post(client, json.dumps(body))
    errors = _assert_error(response, 400)["errors"]
    assert "address" in errors


def test_nul_in_a_siws_message_is_400_but_line_breaks_are_fine(client, wallet):
    message = wallet.siws_message()
    body = wallet.siws_body(message.replace("Sign in to pump.fun", "Sign in\x00"))
    assert "message" in _assert_error(_post(client, json.dumps(body)), 400)["errors"]
    assert _post(client, json.dumps(wallet.siws_body(message))).status_code == 201


def test_depth_counter():
    assert not json_depth_exceeds('{"a": [1, {"b": "]]]"}]}', 3)
    assert json_depth_exceeds('{"a": [1, {"b": []}]}', 3)
    assert not json_depth_exceeds('["\\"[[[[[["]', 1)


def test_printable_rule():
    assert not has_non_printable("héllo wörld ✓ 🚀", multiline=False)
    assert has_non_printable("a\nb", multiline=False)
    assert not has_non_printable("a\r\n\tb", multiline=True)
    assert has_non_printable("a\x00b", multiline=True)


@pytest.mark.parametrize("multiline", [False, True])
def test_printable_rule_is_unicode_categories_cc_and_cs(multiline):
    """Every code point: refused exactly when it is a control character (Cc) or a
    surrogate (Cs), line breaks and tabs allowed only in multiline text."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        expected = category == "Cs" or (category == "Cc" and not (multiline and char in "\n\r\t"))
        assert has_non_printable(f"a{char}b", multiline=multiline) is expected, hex(code)


@pytest.mark.parametrize("body", ["[]", '"text"', "1", "null", "{}", '{"address": {"a": 1}}'])
def test_json_of_the_wrong_shape_is_400(client, body):
    _assert_error(_post(client, body), 400)
