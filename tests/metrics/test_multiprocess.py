"""Under gunicorn, /metrics reports the requests of every worker, whichever one serves it.

The Procfile's web process, started for real (tests/deploy/live.py) with two workers and
prometheus_client's multiprocess mode in a folder of the test's own.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy import live

pytestmark = pytest.mark.live

TOKEN = "m3trics-scrape-token-0f-a-live-test-deployment"
BATCH = 40  # requests sent at once, four at a time: each worker is busy in turn
MAX_BATCHES = 25
STALE_FILE = "counter_999999999.db"


@pytest.fixture(scope="module")
def server_and_folder(tmp_path_factory):
    live.backends_or_skip()
    workdir = tmp_path_factory.mktemp("metrics-live")
    folder = workdir / "prometheus"
    folder.mkdir()
    # A previous run's counts, left in the folder: the master's start empties it.
    stale = MmapedDict(str(folder / STALE_FILE))
    stale.write_value(
        mmap_key("http_requests", "http_requests_total", ["endpoint"], ["health"], ""), 1000.0, 0.0
    )
    stale.close()
    server = live.start(
        workdir,
        {
            "WEB_CONCURRENCY": "2",
            "METRICS_BEARER_TOKEN": TOKEN,
            "PROMETHEUS_MULTIPROC_DIR": str(folder),
        },
    )
    yield server, folder
    server.stop()


def _health_by_worker(folder: Path) -> dict[str, float]:
    """Each worker's own count of GET /health, from its file (counter_<pid>.db)."""
    counts = {}
    for path in folder.glob("counter_*.db"):
        total = 0.0
        for key, value, _timestamp, _position in MmapedDict.read_all_values_from_file(str(path)):
            _metric, name, labels, _help = json.loads(key)
            if name == "http_requests_total" and labels.get("endpoint") == "health":
                total += value
        counts[path.stem] = total
    return counts


def _reported_health(server) -> float:
    status, _headers, body = server.request(
        "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 200, body
    return sum(
        sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == "http_requests_total" and sample.labels["endpoint"] == "health"
    )


def test_the_counts_of_every_worker_add_up(server_and_folder):
    server, folder = server_and_folder
    assert not (folder / STALE_FILE).exists()
    before, by_worker_before = _reported_health(server), _health_by_worker(folder)
    sent = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(MAX_BATCHES):
            statuses = list(pool.map(lambda _: server.request("GET", "/health")[0], range(BATCH)))
            assert statuses == [200] * BATCH
            sent += BATCH
            by_worker = _health_by_worker(folder)
            served = [w for w, n in by_worker.items() if n > by_worker_before.get(w, 0)]
            if len(served) >= 2:
                break
    assert len(served) >= 2, f"one worker served all {sent} requests: {by_worker}"
    # Whichever worker answers the scrape, it reports both workers' requests.
    for _ in range(4):
        assert _reported_health(server) == before + sent
    assert sum(by_worker.values()) == before + sent
