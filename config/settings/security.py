"""Production hardening beyond base.py: headers, the admin's content security policy, Argon2.

``python manage.py check --deploy`` is clean with ``DJANGO_ENV=production`` (a test says so).
"""

from config.env import env_str
from config.settings.base import MIDDLEWARE

# Every environment: no MIME sniffing, no framing, the referrer never leaves the site.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env_str("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The admin site (HTML, staff only) gets a content security policy; API answers are JSON.
ADMIN_CONTENT_SECURITY_POLICY = env_str(
    "ADMIN_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "config.middleware.AdminContentSecurityPolicyMiddleware",
)

# Staff passwords (wallet accounts have none): Argon2 first; older hashes still verify and
# are upgraded on the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
