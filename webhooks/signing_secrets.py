"""Endpoint secrets: generated here, shown once, stored encrypted (``core.encryption``).

A secret is Standard Webhooks' ``whsec_<base64 of 32 random bytes>``, the form the
reference libraries' ``Webhook(secret)`` accepts."""

import base64
import secrets

from core.encryption import encryption

_PURPOSE = b"launchpad webhook secrets"


def secret_generate() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_encrypt(secret: str) -> str:
    return encryption(purpose=_PURPOSE).encrypt(secret.encode()).decode()


def secret_decrypt(encrypted: str) -> str:
    return encryption(purpose=_PURPOSE).decrypt(encrypted.encode()).decode()


def secret_reencrypt(encrypted: str) -> str:
    """The same secret encrypted with the first of ``SIGNING_KEYS_SECRET`` (its rotation)."""
    return encryption(purpose=_PURPOSE).rotate(encrypted.encode()).decode()
