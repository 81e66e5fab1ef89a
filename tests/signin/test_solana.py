import base64

import base58
import pytest

from signin import solana
from tests.wallets import Wallet


def test_decode_public_key_round_trip():
    wallet = Wallet()
    assert solana.decode_public_key(wallet.address) == bytes(wallet.key.verify_key)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("0OIl" * 11, "not valid base58"),
        (base58.b58encode(b"x" * 31).decode(), "must decode to 32 bytes, got 31"),
        (base58.b58encode(b"x" * 33).decode(), "must decode to 32 bytes, got 33"),
        ("", "must decode to 32 bytes, got 0"),
        ("ünïcode", "not valid base58"),
    ],
)
def test_decode_public_key_rejects(text, error):
    with pytest.raises(solana.EncodingError, match=error):
        solana.decode_public_key(text)


def test_decode_signature_base64_only_when_allowed():
    raw = bytes(range(64))
    encoded = base64.b64encode(raw).decode()
    assert solana.decode_signature(encoded, allow_base64=True) == raw
    with pytest.raises(solana.EncodingError):
        solana.decode_signature(encoded)


def test_verify_real_signature_and_rejects_tampering():
    wallet = Wallet()
    key = bytes(wallet.key.verify_key)
    signature = wallet.sign(b"hello")
    assert solana.verify(key, b"hello", signature)
    assert not solana.verify(key, b"hellp", signature)
    assert not solana.verify(bytes(Wallet().key.verify_key), b"hello", signature)
    assert not solana.verify(key, b"hello", signature[:-1] + bytes([signature[-1] ^ 1]))


@pytest.mark.parametrize("envelope_index", [0, 1])
def test_verify_message_accepts_offchain_envelope(envelope_index):
    wallet = Wallet()
    key = bytes(wallet.key.verify_key)
    message = b"pump.fun wants you to sign in with your Solana account:\nabc"
    envelope = solana.offchain_envelopes(message, key)[envelope_index]
    assert envelope.startswith(b"\xffsolana offchain\x00")
    signature = wallet.sign(envelope)
    assert not solana.verify(key, message, signature)
    assert solana.verify_message(key, message, signature)
