"""A signing key of access tokens: its public JWK, its private key encrypted at rest, and
where it is in its life (next → active → retired, or withdrawn)."""

from django.db import models


class KeyState(models.TextChoices):
    # Published, not signing yet: the one rotation ahead.
    NEXT = "next", "next (published, not signing)"
    # Published and signing every new access token; at most one.
    ACTIVE = "active", "active (signing)"
    # Published until ``retire_after``, when the last token it signed has expired.
    RETIRED = "retired", "retired (published until retire_after)"
    # Reported compromised: never published again, its tokens refused.
    WITHDRAWN = "withdrawn", "withdrawn"


PUBLISHED_STATES = (KeyState.NEXT, KeyState.ACTIVE, KeyState.RETIRED)


class SigningKey(models.Model):
    kid = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(max_length=16)  # "ES256" or "EdDSA"
    # RFC 7517 public JWK: kty, crv, x (and y for EC), kid, alg, use.
    public_jwk = models.JSONField()
    # The PKCS #8 PEM encrypted with SIGNING_KEYS_SECRET (Fernet); empty once withdrawn.
    private_key_encrypted = models.TextField(blank=True, default="")
    state = models.CharField(max_length=16, choices=KeyState.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # A retired key is published (and verifies) until then.
    retire_after = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One key signs: two processes making the first key at once cannot both win.
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="active"),
                name="signing_key_one_active",
            ),
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="next"),
                name="signing_key_one_next",
            ),
        ]

    def __str__(self) -> str:
        return self.kid

    def __repr__(self) -> str:
        return f"<SigningKey {self.kid}>"
