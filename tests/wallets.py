"""A real ed25519 keypair that signs like a Solana wallet, for tests."""

import base64
import time
from dataclasses import dataclass, field
from datetime import datetime

import base58
from django.conf import settings
from nacl.signing import SigningKey


@dataclass
class Wallet:
    key: SigningKey = field(default_factory=SigningKey.generate)

    @property
    def address(self) -> str:
        return base58.b58encode(bytes(self.key.verify_key)).decode()

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(message).signature

    def login_body(self, timestamp_ms: int | None = None, *, site: str | None = None) -> dict:
        """Form A, as pump.fun's web client sends it (``site``: the server's SIGN_IN_SITE)."""
        if timestamp_ms is None:
            timestamp_ms = int(time.time() * 1000)
        text = f"Sign in to {site or settings.SIGN_IN_SITE}: {timestamp_ms}".encode()
        return {
            "address": self.address,
            "signature": base58.b58encode(self.sign(text)).decode(),
            "timestamp": timestamp_ms,
        }

    def link_body(
        self, account_id: object, timestamp_ms: int | None = None, *, site: str | None = None
    ) -> dict:
        """Form A's proof that links this wallet to the account ``account_id``."""
        if timestamp_ms is None:
            timestamp_ms = int(time.time() * 1000)
        site = site or settings.SIGN_IN_SITE
        text = f"Link wallet to {site} account {account_id}: {timestamp_ms}".encode()
        return {
            "address": self.address,
            "signature": base58.b58encode(self.sign(text)).decode(),
            "timestamp": timestamp_ms,
        }

    def link_siws_body(self, account_id: object, **kw) -> dict:
        """Form B's proof that links this wallet to the account ``account_id``."""
        return self.siws_body(statement=f"Link this wallet to account {account_id}", **kw)

    def siws_message(
        self,
        *,
        domain: str = "pump.fun",
        nonce: str = "abcdef123456",
        issued_at: datetime | str | None = None,
        statement: str | None = "Sign in to pump.fun",
        extra: dict[str, str] | None = None,
    ) -> str:
        if issued_at is None:
            issued_at = datetime.now().astimezone()
        if isinstance(issued_at, datetime):
            issued_at = issued_at.isoformat()
        lines = [f"{domain} wants you to sign in with your Solana account:", self.address]
        if statement is not None:
            lines += ["", statement]
        fields = {"URI": f"https://{domain}", "Version": "1", "Chain ID": "mainnet"}
        fields |= {"Nonce": nonce, "Issued At": issued_at}
        fields |= extra or {}
        lines += [""] + [f"{label}: {value}" for label, value in fields.items()]
        return "\n".join(lines)

    def siws_body(self, message: str | None = None, *, encoding: str = "base58", **kw) -> dict:
        message = message if message is not None else self.siws_message(**kw)
        signature = self.sign(message.encode())
        encoded = (
            base58.b58encode(signature).decode()
            if encoding == "base58"
            else base64.b64encode(signature).decode()
        )
        return {"message": message, "signature": encoded}
