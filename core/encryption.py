"""Secrets encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

The one owner of "a secret stored so that a database leak does not leak it in clear":
the signing keys' private halves (``signing_keys.crypto``) and the webhook endpoints'
secrets (``webhooks.secrets``) are encrypted here, under ``SIGNING_KEYS_SECRET``.
Several comma-separated secrets are a ``MultiFernet``: the first encrypts and every one
decrypts, so the secret itself can be rotated. A secret is stretched to a Fernet key by
HKDF, with a different ``purpose`` for each kind of value, so that no two kinds share a key.
"""

import base64
import functools

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def fernet_key(secret: str, *, purpose: bytes) -> bytes:
    """The Fernet key of one secret (any string; a random one of 32+ bytes in production)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=8)
def _fernet(secrets_: tuple[str, ...], purpose: bytes) -> MultiFernet:
    return MultiFernet([Fernet(fernet_key(secret, purpose=purpose)) for secret in secrets_])


def encryption(*, purpose: bytes) -> MultiFernet:
    """The MultiFernet of ``SIGNING_KEYS_SECRET`` for one kind of value."""
    return _fernet(tuple(settings.SIGNING_KEYS_SECRETS), purpose)
