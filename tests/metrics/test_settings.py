"""The metrics' settings (config/settings/metrics.py), read from the environment once."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_PROBE = (
    "import json; from config.settings import metrics as m;"
    "print(json.dumps([m.METRICS_BEARER_TOKEN, [str(n) for n in m.METRICS_ALLOWED_IPS]]))"
)


def _metrics_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("METRICS_", "DJANGO_ENV"))}
    return subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_nothing_set_means_no_access():
    result = _metrics_settings()
    assert json.loads(result.stdout) == [None, []]


def test_the_allow_list_takes_addresses_and_networks():
    result = _metrics_settings(METRICS_ALLOWED_IPS="10.0.0.0/8, 192.0.2.7,2001:db8::/32")
    assert json.loads(result.stdout)[1] == ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]


def test_a_malformed_allow_list_stops_the_start_naming_the_setting():
    result = _metrics_settings(METRICS_ALLOWED_IPS="10.0.0.0/8,not-an-address")
    assert result.returncode != 0
    assert "METRICS_ALLOWED_IPS: 'not-an-address'" in result.stderr.strip().splitlines()[-1]


def test_production_refuses_a_weak_token():
    result = _metrics_settings(DJANGO_ENV="production", METRICS_BEARER_TOKEN="secret")
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("(METRICS_BEARER_TOKEN is shorter than 32 bytes).")
    )
