from datetime import UTC, datetime

import pytest

from accounts.siws import SiwsFormatError, parse_siws_message
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
