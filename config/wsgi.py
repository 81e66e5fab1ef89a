"""WSGI entry point for gunicorn and ``runserver``."""

import os
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402

from config.handlers import routed_application  # noqa: E402 (needs the apps loaded)
from config.startup import backends_log  # noqa: E402

application = routed_application()

# Imported here rather than by the first requests that need them: the URLconf with the
# views (about 70 modules) and simplejwt's token backend with PyJWT and cryptography
# (about 60). Under gunicorn's preloading this is once, in the master every worker is
# forked from, instead of a stall of a tenth of a second or more in each new worker.
import_module(settings.ROOT_URLCONF)
import_module("rest_framework_simplejwt.state")
# ua-parser's rules, compiled on first use (0.1 to 0.4 s): here once, not in every worker's
# first session list.
import_module("signin.devices").rules_load()

backends_log()
