"""Which environment this is and whether it has a Redis, read once; base.py and the section
modules import it."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_optional, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

# The shared Redis (cache, rate limits, the task queue's broker); unset: the embedded default
# (the database cache, and the task queue on the database).
REDIS_URL = env_optional("REDIS_URL")
