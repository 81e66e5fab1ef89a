"""Where access is refused: the blocked jurisdictions that staff manage in the admin site."""

from django.core.validators import RegexValidator
from django.db import models

# ISO 3166-1 reserves XX for user assignment; Cloudflare uses it for "country unknown".
# A blocked row with this code blocks requests whose country cannot be told.
UNKNOWN_COUNTRY = "XX"
COUNTRY_CODE_REGEX = r"\A[A-Z]{2}\Z"


class BlockedJurisdiction(models.Model):
    """A country (ISO 3166-1 alpha-2) from which the service refuses access."""

    code = models.CharField(
        max_length=2,
        unique=True,
        validators=[
            RegexValidator(COUNTRY_CODE_REGEX, "Two capital letters, ISO 3166-1 alpha-2 (GB).")
        ],
        help_text="ISO 3166-1 alpha-2 country code, such as GB; XX blocks unknown countries.",
    )
    reason = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text='Shown to the user. Empty: "Access from <code> is not available".',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=COUNTRY_CODE_REGEX), name="blocked_code_alpha2"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def reason_text(self) -> str:
        if self.reason:
            return self.reason
        if self.code == UNKNOWN_COUNTRY:
            return "Access from an unknown location is not available"
        return f"Access from {self.code} is not available"
