"""Key generation and encryption at rest (signing_keys/crypto.py)."""

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from django.db import connection

from signing_keys import crypto
from signing_keys.key_set import keys_ensure
from signing_keys.models import SigningKey


@pytest.mark.parametrize(
    ("algorithm", "public_members"),
    [("ES256", {"kty": "EC", "crv": "P-256"}), ("EdDSA", {"kty": "OKP", "crv": "Ed25519"})],
)
def test_a_new_key_publishes_only_its_public_half(algorithm, public_members):
    new = crypto.key_generate(algorithm)
    assert (
        new.public_jwk.items()
        >= (public_members | {"kid": new.kid, "alg": algorithm, "use": "sig"}).items()
    )
    assert "d" not in new.public_jwk  # the private scalar
    assert "PRIVATE KEY" not in new.private_key_encrypted
    private = crypto.private_key_decrypt(new.private_key_encrypted, kid=new.kid)
    expected = ec.EllipticCurvePrivateKey if algorithm == "ES256" else ed25519.Ed25519PrivateKey
    assert isinstance(private, expected)


@pytest.mark.django_db
def test_the_database_never_holds_the_pem():
    keys_ensure()
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_encrypted, public_jwk FROM signing_keys_signingkey")
        rows = cursor.fetchall()
    assert len(rows) == 2  # the active and the next key
    for encrypted, public in rows:
        assert encrypted and "BEGIN" not in encrypted and "PRIVATE" not in encrypted
        assert '"d"' not in str(public)


def test_a_wrong_secret_fails_clearly(settings):
    new = crypto.key_generate("ES256")
    settings.SIGNING_KEYS_SECRETS = ["another-secret-another-secret-0123456789"]
    with pytest.raises(crypto.SigningKeyUnreadable, match=f"signing key {new.kid} cannot be"):
        crypto.private_key_decrypt(new.private_key_encrypted, kid=new.kid)


def test_several_secrets_rotate_the_encryption(settings):
    settings.SIGNING_KEYS_SECRETS = ["old-secret-old-secret-old-secret-0123"]
    new = crypto.key_generate("EdDSA")
    settings.SIGNING_KEYS_SECRETS = [
        "new-secret-new-secret-new-secret-4567",
        "old-secret-old-secret-old-secret-0123",
    ]
    crypto.private_key_decrypt(new.private_key_encrypted, kid=new.kid)  # the old one decrypts
    again = crypto.private_key_reencrypt(new.private_key_encrypted, kid=new.kid)
    settings.SIGNING_KEYS_SECRETS = ["new-secret-new-secret-new-secret-4567"]
    crypto.private_key_decrypt(again, kid=new.kid)
    with pytest.raises(crypto.SigningKeyUnreadable):
        crypto.private_key_decrypt(new.private_key_encrypted, kid=new.kid)


@pytest.mark.django_db
def test_repr_and_str_show_the_kid_only():
    keys_ensure()
    key = SigningKey.objects.get(state="active")
    assert str(key) == key.kid
    assert repr(key) == f"<SigningKey {key.kid}>"
