"""Security: trusted proxies, HTTPS in production, headers, the admin's content security
policy, Argon2.

``python manage.py check --deploy`` is clean with ``DJANGO_ENV=production`` (a test says so).
"""

from config.env import env_bool, env_int, env_str
from config.settings.environment import PRODUCTION

# --- Client address -------------------------------------------------------------------------
# How many reverse proxies in front of the service append to X-Forwarded-For (Heroku's router
# is one). 0 trusts no header and uses the peer address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Production: HTTPS only, secure cookies ---------------------------------------------------
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Only a proxy may say the client used https: without one, the header is the client's.
    if TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

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

# Staff passwords (wallet accounts have none): Argon2 first; older hashes still verify and
# are upgraded on the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
