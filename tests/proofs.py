"""Sign-in proofs as the login view makes them from a body, for tests of the services.

Apart from tests/wallets.py, which the fuzzer's hooks import without Django's apps.
"""

from datetime import datetime

from signin import services, solana
from tests.wallets import Wallet


def timestamp_proof(
    wallet: Wallet, now: datetime, timestamp_ms: int | None = None
) -> services.SignInProof:
    """Form A's proof by ``wallet``, checked against ``now`` (signed at ``now`` unless
    ``timestamp_ms`` says otherwise)."""
    if timestamp_ms is None:
        timestamp_ms = int(now.timestamp() * 1000)
    return services.proof_from_timestamp(
        address=wallet.address,
        public_key=solana.decode_public_key(wallet.address),
        signature=solana.decode_signature(wallet.login_body(timestamp_ms)["signature"]),
        timestamp_ms=timestamp_ms,
        now=now,
    )
