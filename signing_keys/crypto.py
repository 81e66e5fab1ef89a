"""Key generation and encryption at rest, all by ``cryptography`` (and PyJWT's JWK export).

Private keys are stored as PKCS #8 PEM encrypted under ``SIGNING_KEYS_SECRET`` by
``core.encryption`` (Fernet; several comma-separated secrets are a ``MultiFernet``, so the
secret itself can be rotated: ``manage.py signing_keys reencrypt``).
"""

import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from core import encryption as encryption_at_rest

ASYMMETRIC_ALGORITHMS = ("ES256", "EdDSA")
PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


class SigningKeyUnreadable(RuntimeError):
    """A stored private key cannot be decrypted: SIGNING_KEYS_SECRET is not the one it was
    encrypted with (nor any of the comma-separated ones). A configuration error: a 500,
    logged with this message, never a client's fault."""


@dataclass(frozen=True)
class NewKey:
    kid: str
    algorithm: str
    public_jwk: dict[str, Any]
    private_key_encrypted: str


# The HKDF purpose of the signing keys' Fernet key (unchanged: stored keys still decrypt).
_PURPOSE = b"launchpad signing keys"


def encryption() -> MultiFernet:
    return encryption_at_rest.encryption(purpose=_PURPOSE)


def public_jwk(public_key: PublicKey, *, kid: str, algorithm: str) -> dict[str, Any]:
    """The RFC 7517 JWK of a public key, as the JWKS publishes it."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        jwk = ECAlgorithm.to_jwk(public_key, as_dict=True)
    else:
        jwk = OKPAlgorithm.to_jwk(public_key, as_dict=True)
    return {**jwk, "kid": kid, "alg": algorithm, "use": "sig"}


def key_generate(algorithm: str) -> NewKey:
    """A new key pair; only its public half leaves this function unencrypted."""
    private: PrivateKey
    if algorithm == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(f"no asymmetric signing algorithm {algorithm!r}")
    kid = secrets.token_hex(16)  # hex: never read as an option on a command line
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return NewKey(
        kid=kid,
        algorithm=algorithm,
        public_jwk=public_jwk(private.public_key(), kid=kid, algorithm=algorithm),
        private_key_encrypted=encryption().encrypt(pem).decode(),
    )


def private_key_decrypt(encrypted: str, *, kid: str) -> PrivateKey:
    try:
        pem = encryption().decrypt(encrypted.encode())
    except InvalidToken:
        raise SigningKeyUnreadable(
            f"signing key {kid} cannot be decrypted: SIGNING_KEYS_SECRET is not the secret"
            " it was encrypted with"
        ) from None
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey)
    return key


def private_key_reencrypt(encrypted: str, *, kid: str) -> str:
    """The same key encrypted with the first secret (MultiFernet.rotate)."""
    try:
        return encryption().rotate(encrypted.encode()).decode()
    except InvalidToken:
        raise SigningKeyUnreadable(
            f"signing key {kid} cannot be decrypted: SIGNING_KEYS_SECRET is not the secret"
            " it was encrypted with"
        ) from None
