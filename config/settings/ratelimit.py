"""Abuse protection: request rate limits, the new-account cap, input limits, admin lockout.

Every counter lives in Django's default cache (Redis with ``REDIS_URL``, else the database
cache), so all processes and instances share it; never a per-process memory cache.
"""

import hashlib
import re
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

# --- Request rate limits (django-ratelimit counters, applied by config.ratelimit) ----------
# Rates are "<count>/<period>" with period s, m, h or d (e.g. "10/m", "100/5m").
RATE_LIMITS = {
    # POST /auth/login, per client address and, separately, per wallet in the body.
    "sign_in_address": env_str("RATE_LIMIT_SIGN_IN_PER_ADDRESS", "10/m"),
    "sign_in_wallet": env_str("RATE_LIMIT_SIGN_IN_PER_WALLET", "10/m"),
    # POST /auth/refresh, per client address.
    "refresh_address": env_str("RATE_LIMIT_REFRESH_PER_ADDRESS", "30/m"),
    # Every other API endpoint, per account (per client address for anonymous callers).
    "account": env_str("RATE_LIMIT_PER_ACCOUNT", "120/m"),
    # GET /users/me/export, per account, on top of the per-account limit: a whole export is
    # heavier than any other read.
    "export": env_str("RATE_LIMIT_EXPORT_PER_ACCOUNT", "10/h"),
    # The OAuth endpoints (/oauth/*), per service client; failed client authentication per
    # client address. A token holder revoking its own token counts per account ("account").
    "service_client": env_str("RATE_LIMIT_SERVICE_CLIENT", "600/m"),
    # Staff sign-in attempts to the admin site, per client address.
    "admin_sign_in_address": env_str("RATE_LIMIT_ADMIN_SIGN_IN_PER_ADDRESS", "20/m"),
}
# Accounts that wallet sign-in may create per client address per hour (0 = no cap).
NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR = env_int("NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR", 20)

_RATE_FORMAT = r"^\d+/\d*[smhd]$"
for _scope, _rate in RATE_LIMITS.items():
    if not re.match(_RATE_FORMAT, _rate):
        raise ImproperlyConfigured(f"rate limit {_scope!r} must look like '10/m', got {_rate!r}")

# django-ratelimit's own settings.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = "rl:"
# Its default, named: a setting left out is looked for again (and missed) on every request.
RATELIMIT_HASH_ALGORITHM = hashlib.sha256
# Client address for key="ip": the one rule in config/client.py (IPv6 grouped by /64).
RATELIMIT_IP_META_KEY = "config.client.client_ip"
# Cache unreachable: False answers 503 naming the cache (fail closed), True lets requests
# through unlimited (fail open).
RATELIMIT_FAIL_OPEN = env_bool("RATELIMIT_FAIL_OPEN", False)

# --- Input limits ---------------------------------------------------------------------------
# API request bodies above this many bytes are refused with 413 before being read.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 16 * 1024)
# JSON nested deeper than this (objects and arrays) is refused with 400.
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 20)

# --- Admin-site sign-in lockout (django-axes) -----------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("ADMIN_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("ADMIN_SIGN_IN_LOCKOUT_SECONDS", 3600))
# Locked per username and, separately, per client address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "config.client.client_ip"
AXES_LOCKOUT_CALLABLE = "config.errors.admin_sign_in_locked"
AXES_RESET_ON_SUCCESS = True
# Its start-up banner would go to stdout with every management command; lockouts are logged.
AXES_VERBOSE = False
