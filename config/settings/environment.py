"""Which environment this is, read once; base.py and the section modules import it."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"
