"""The ceiling: the least a Django + gunicorn stack can do per request on this machine.

One view, a small JsonResponse, no database, no middleware, no apps.
"""

SECRET_KEY = "ceiling-benchmark-only"  # noqa: S105 (serves no real data)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "ceiling.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
