"""A local test keypair that signs like a Solana wallet, for trying the API with curl.

The secret key lives in a file (created on first use) so that repeated runs sign in as the
same wallet. It is for local testing only: a real wallet never hands its key to a server.
"""

import json
import time
from pathlib import Path

import base58
from django.conf import settings
from nacl.signing import SigningKey

from signin.services import pumpfun_message


def dev_key_load_or_create(*, path: Path) -> SigningKey:
    if path.exists():
        return SigningKey(bytes.fromhex(path.read_text().strip()))
    key = SigningKey.generate()
    path.write_text(bytes(key).hex() + "\n")
    path.chmod(0o600)
    return key


def login_body_sign(*, key: SigningKey, timestamp_ms: int | None = None) -> dict:
    """Form A of ``POST /auth/login``, signed over this server's sign-in text."""
    if timestamp_ms is None:
        timestamp_ms = int(time.time() * 1000)
    signature = key.sign(pumpfun_message(timestamp_ms)).signature
    return {
        "address": base58.b58encode(bytes(key.verify_key)).decode(),
        "signature": base58.b58encode(signature).decode(),
        "timestamp": timestamp_ms,
    }


def default_key_path() -> Path:
    return Path(settings.BASE_DIR) / ".dev-wallet.key"


def login_body_json(body: dict) -> str:
    return json.dumps(body)
