"""WSGI entry point for gunicorn and ``runserver``."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup(set_prefix=False)

from config.handlers import routed_application  # noqa: E402 (needs the apps loaded)
from config.startup import backends_log  # noqa: E402

application = routed_application()
backends_log()
