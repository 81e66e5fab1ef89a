"""Test settings: the base settings with a fast password hasher.

The database and cache still come from DATABASE_URL / REDIS_URL, so the same suite runs on
the embedded default and on PostgreSQL + Redis.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES
from config.settings.environment import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not ":memory:", so that threads in concurrency tests share one database.
    DATABASES["default"]["TEST"] = {"NAME": BASE_DIR / ".test-db.sqlite3"}

# The suite signs in hundreds of times from one address within a minute; the tests of the
# limits themselves (tests/config/test_ratelimit.py) set small ones.
RATE_LIMITS = {scope: "100000/h" for scope in RATE_LIMITS}  # noqa: F405
NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR = 100000

# The suite's receivers listen on 127.0.0.1 (the SSRF guard's own tests turn this off).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
# The suite runs the worker's steps itself (tests/webhooks); the tests of the wake-up and
# of the worker turn it on.
WEBHOOKS_DISPATCH_ON_COMMIT = False
