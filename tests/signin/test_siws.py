from datetime import UTC, datetime

import pytest

from signin.siws import SiwsFormatError, parse_siws_message, uri_is_on_domain
from tests.wallets import Wallet


def test_parses_full_message():
    wallet = Wallet()
    text = wallet.siws_message(
        issued_at="2026-11-25T18:54:34.000Z",
        extra={
            "Expiration Time": "2026-11-25T19:54:34Z",
            "Not Before": "2026-11-25T18:50:00Z",
            "Request ID": "r1",
        },
    )
    text += "\nResources:\n- https://pump.fun/a\n- https://pump.fun/b"
    message = parse_siws_message(text)
    assert message.domain == "pump.fun"
    assert message.address == wallet.address
    assert message.statement == "Sign in to pump.fun"
    assert message.nonce == "abcdef123456"
    assert message.chain_id == "mainnet"
    assert message.issued_at == datetime(2026, 11, 25, 18, 54, 34, tzinfo=UTC)
    assert message.expiration_time == datetime(2026, 11, 25, 19, 54, 34, tzinfo=UTC)
    assert message.request_id == "r1"
    assert message.resources == ("https://pump.fun/a", "https://pump.fun/b")


def test_parses_message_without_statement():
    message = parse_siws_message(Wallet().siws_message(statement=None))
    assert message.statement is None
    assert message.uri == "https://pump.fun"


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda t: t.replace("wants you to sign in", "wants to sign in"), "not a Sign In"),
        (lambda t: t.replace("Nonce: abcdef123456", "Nonce: short"), "Nonce"),
        (lambda t: t.replace("Nonce: abcdef123456", "Nonce: abc-def-123"), "Nonce"),
        (lambda t: t.replace("\nNonce: abcdef123456", ""), "Nonce"),
        (lambda t: t.split("\nIssued At")[0], "Issued At is required"),
        (lambda t: t.replace("Issued At: ", "Issued At: yesterday"), "ISO 8601"),
        (lambda t: t + "\nEvil: yes", "unexpected line"),
        (lambda t: t + "\nURI: https://again", "unexpected line"),
        (lambda t: t + "x" * 5000, "too long"),
    ],
)
def test_rejects_malformed(mutate, error):
    text = Wallet().siws_message(issued_at="2026-11-25T18:54:34Z")
    with pytest.raises(SiwsFormatError, match=error):
        parse_siws_message(mutate(text))


def test_rejects_naive_time():
    text = Wallet().siws_message(issued_at="2026-11-25T18:54:34")
    with pytest.raises(SiwsFormatError, match="time zone"):
        parse_siws_message(text)


@pytest.mark.parametrize(
    ("uri", "domain"),
    [
        ("https://pump.fun", "pump.fun"),
        ("https://pump.fun/login?next=/board#top", "pump.fun"),
        ("HTTPS://Pump.Fun/", "pump.fun"),
        ("https://pump.fun:443/", "pump.fun"),
        ("https://app.example:8443/", "app.example:8443"),
        ("http://localhost:3000/", "localhost:3000"),
        ("http://127.0.0.1:8000", "127.0.0.1:8000"),
        ("http://[::1]:5173/", "[::1]:5173"),
        ("http://app.localhost/", "app.localhost"),
    ],
)
def test_uri_on_the_domain_is_accepted(uri, domain):
    assert uri_is_on_domain(uri, domain)


@pytest.mark.parametrize(
    ("uri", "domain"),
    [
        ("javascript:alert(1)", "pump.fun"),
        ("javascript://pump.fun/%0aalert(1)", "pump.fun"),
        ("data:text/html,hi", "pump.fun"),
        ("http://pump.fun/", "pump.fun"),  # http only on a local development host
        ("ftp://pump.fun/", "pump.fun"),
        ("https://evil.example/", "pump.fun"),
        ("https://pump.fun.evil.example/", "pump.fun"),
        ("https://sub.pump.fun/", "pump.fun"),
        ("https://pump.fun./", "pump.fun"),
        ("https://evil.example#pump.fun", "pump.fun"),
        ("https://pump.fun@evil.example/", "pump.fun"),
        ("https://evil.example@pump.fun/", "pump.fun"),
        ("https://@pump.fun/", "pump.fun"),
        ("https://user:pw@pump.fun/", "pump.fun"),
        ("https://evil.example\\@pump.fun/", "pump.fun"),
        ("https://pump.fun\\evil.example/", "pump.fun"),
        ("https://pump.fun:8443/", "pump.fun"),
        ("https://pump.fun:0/", "pump.fun"),
        ("https://pump.fun:99999/", "pump.fun"),
        ("https://pump.fun:x/", "pump.fun"),
        ("https://localhost:3001/", "localhost:3000"),
        ("https://[::1/", "[::1]"),
        (" https://pump.fun/", "pump.fun"),
        ("https://pump.\tfun/", "pump.fun"),
        ("https:pump.fun", "pump.fun"),
        ("//pump.fun/", "pump.fun"),
        ("/login", "pump.fun"),
        ("", "pump.fun"),
    ],
)
def test_uri_off_the_domain_is_refused(uri, domain):
    assert not uri_is_on_domain(uri, domain)
