"""Solana wallet keys and signatures: decoding, and ed25519 verification with PyNaCl."""

import base64
import binascii
import struct

import base58
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

PUBLIC_KEY_LENGTH = 32
SIGNATURE_LENGTH = 64

# Solana's off-chain message envelope, which hardware wallets (Ledger) sign instead of the
# raw text: https://docs.anza.xyz/proposals/off-chain-message-signing
_OFFCHAIN_SIGNING_DOMAIN = b"\xffsolana offchain"
_OFFCHAIN_HEADER_VERSION = 0
_OFFCHAIN_FORMAT_RESTRICTED_ASCII = 0
_OFFCHAIN_FORMAT_LIMITED_UTF8 = 1


class EncodingError(ValueError):
    """The text is not a valid encoding of a key or signature of the expected length."""


def decode_base58(text: str, length: int) -> bytes:
    try:
        raw = base58.b58decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise EncodingError("not valid base58") from None
    if len(raw) != length:
        raise EncodingError(f"must decode to {length} bytes, got {len(raw)}")
    return raw


def decode_public_key(text: str) -> bytes:
    return decode_base58(text, PUBLIC_KEY_LENGTH)


def decode_signature(text: str, *, allow_base64: bool = False) -> bytes:
    """Base58 (what wallets' JS helpers print) or, where allowed, base64 (Supabase, Phantom)."""
    try:
        return decode_base58(text, SIGNATURE_LENGTH)
    except EncodingError as base58_error:
        if not allow_base64:
            raise
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise EncodingError("not valid base58 or base64") from None
        if len(raw) != SIGNATURE_LENGTH:
            raise base58_error from None
        return raw


def encode_base58(raw: bytes) -> str:
    return base58.b58encode(raw).decode("ascii")


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a valid ed25519 signature of ``message`` by the key."""
    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError):
        return False
    return True


def offchain_envelopes(message: bytes, signer: bytes) -> list[bytes]:
    """The byte strings a wallet that can only sign off-chain messages may have signed.

    The legacy preamble (Ledger's Solana app and the ``solana sign-offchain-message``
    CLI before application domains) and the current v0 preamble with an all-zero
    application domain and the signer as the one signer.
    """
    is_ascii = all(0x20 <= byte <= 0x7E for byte in message)
    message_format = (
        _OFFCHAIN_FORMAT_RESTRICTED_ASCII if is_ascii else _OFFCHAIN_FORMAT_LIMITED_UTF8
    )
    if len(message) > 0xFFFF:
        return []
    length = struct.pack("<H", len(message))
    legacy = (
        _OFFCHAIN_SIGNING_DOMAIN
        + bytes([_OFFCHAIN_HEADER_VERSION, message_format])
        + length
        + message
    )
    current = (
        _OFFCHAIN_SIGNING_DOMAIN
        + bytes([_OFFCHAIN_HEADER_VERSION])
        + bytes(32)
        + bytes([message_format, 1])
        + signer
        + length
        + message
    )
    return [legacy, current]


def verify_message(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Check the signature over the raw message first, then over the off-chain envelopes."""
    if verify(public_key, message, signature):
        return True
    return any(
        verify(public_key, envelope, signature)
        for envelope in offchain_envelopes(message, public_key)
    )
