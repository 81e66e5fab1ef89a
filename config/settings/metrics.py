"""``/metrics`` for operators (metrics/): who may read it, and where the worker processes
keep their counts.

Never public by default: with neither ``METRICS_BEARER_TOKEN`` nor ``METRICS_ALLOWED_IPS``
set, ``/metrics`` answers 404 as if it did not exist. With both set, a scrape needs both.
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from config.env import env_list, env_optional
from config.keys import require_strong_key
from config.settings import environment

# A scrape sends ``Authorization: Bearer <token>`` (compared in constant time).
METRICS_BEARER_TOKEN = env_optional("METRICS_BEARER_TOKEN")
if METRICS_BEARER_TOKEN is not None and environment.PRODUCTION:
    require_strong_key("METRICS_BEARER_TOKEN", METRICS_BEARER_TOKEN)

# Comma-separated addresses or CIDR networks; the client's address is config/client.py's
# (TRUSTED_PROXY_COUNT hops back in X-Forwarded-For).
try:
    METRICS_ALLOWED_IPS = tuple(
        ipaddress.ip_network(entry, strict=False) for entry in env_list("METRICS_ALLOWED_IPS", [])
    )
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {error}") from None

# prometheus_client's multiprocess mode: each process writes its counts to files in this
# folder and /metrics adds them up. prometheus_client reads the variable itself, when it is
# imported; gunicorn.conf.py sets it for every gunicorn start. Unset (runserver, tests,
# commands): the counts of this one process.
PROMETHEUS_MULTIPROC_DIR = env_optional("PROMETHEUS_MULTIPROC_DIR")

# Collectors /metrics also asks at each scrape, for what a database knows better than the
# counters of this machine's processes (the webhooks' backlog, whichever dyno delivers it).
METRICS_COLLECTORS = ["webhooks.metrics.DeliveryBacklogCollector"]
