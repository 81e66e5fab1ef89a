"""Benchmark: the service against a ceiling (bench/ceiling), side by side, with wrk.

    make bench                        # or: .venv/bin/python bench/run.py [--quick]

The service runs as it ships: the Procfile's ``web:`` command (``gunicorn config.wsgi
--config gunicorn.conf.py``: preloaded, sync workers, recycled every ~100,000 requests) with
production settings on PostgreSQL + Redis, at the production log level (INFO, JSON) with
its one access line per request, written with gunicorn's own output to a file the run keeps
(``bench-service-small.log`` and ``-large.log`` in the temporary folder; the report counts
its access lines and the workers started). Of the shipped configuration only where it
listens and the worker count (2) are set, through the variables gunicorn.conf.py reads
(``HOST``, ``PORT``, ``WEB_CONCURRENCY``). The references run under the same command and
configuration with their own WSGI module: the ceiling (one view, no database, no
middleware, no log) and the stock DRF project (its default logging: nothing per request).
Each endpoint's run follows a ceiling run of half its length, and its ratio is to that run
(the machine's speed drifts, neighbouring runs see the same machine); rounds alternate the
order. Printed per endpoint: req/s, p50 / p99 latency, errors, peak RSS per worker, the
median ratio to the ceiling with the rounds' lowest and highest, and the CPU time per
request of the target's gunicorn, of PostgreSQL and of Redis (from /proc; wrk's share and
idle time are what is left); then the same with a large database (--large users and
revoked sign-ins). The small run also measures the stock DRF reference (bench/stock:
djoser's /users/me/ and a naive wallet sign-in, on PostgreSQL), the comparison the targets
were set against.
"""

import argparse
import importlib.util
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import webhook_throughput  # noqa: E402
from tests.deploy.live import procfile  # noqa: E402
from tests.generous_limits import GENEROUS_RATE_LIMITS  # noqa: E402

BENCH = ROOT / "bench"
PYTHON = sys.executable
SERVICE_PORT, CEILING_PORT, STOCK_PORT = 18601, 18602, 18603
DB_NAME, STOCK_DB_NAME = "launchpad_bench", "launchpad_bench_stock"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/15"
WORKERS = 2
SERVICE_MODULE = "config.wsgi"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    bodies: str | None = None  # prepare.py arguments for single-use bodies
    target: str = "service"  # or "stock": bench/stock, the point of comparison


STOCK = "stock"


MY_PROFILE = Endpoint("GET /auth/my-profile", "GET", "/auth/my-profile")
LOGIN_RETURNING = Endpoint("POST /auth/login (returning)", "POST", "/auth/login", "login-bodies")
STOCK_ME = Endpoint(
    "stock DRF: GET /auth/users/me/ (djoser)", "GET", "/auth/users/me/", target=STOCK
)
STOCK_LOGIN = Endpoint(
    "stock DRF: POST naive wallet login", "POST", "/auth/wallet-login", "login-bodies", target=STOCK
)
ENDPOINTS = [
    MY_PROFILE,
    Endpoint("GET /auth/is-admin", "GET", "/auth/is-admin"),
    LOGIN_RETURNING,
    Endpoint("POST /auth/login (first)", "POST", "/auth/login", "login-bodies --first"),
    Endpoint("POST /auth/refresh", "POST", "/auth/refresh", "refresh-bodies"),
    STOCK_ME,
    STOCK_LOGIN,
]

# The comparisons: a profile read against djoser's /users/me/, sign-in against a
# naive one (its targets were set as multiples of these: 0.40 / 0.21, 0.30 / 0.23).
STOCK_COMPARISONS = [(MY_PROFILE, STOCK_ME), (LOGIN_RETURNING, STOCK_LOGIN)]


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    # CPU time per request (ms) of the target's gunicorn, of PostgreSQL, of Redis.
    cpu_ms: tuple[float, float, float] = (0.0, 0.0, 0.0)
    ratio: float = 1.0  # to the ceiling run just before it


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def ratio(self) -> str:
        """Median ratio to the ceiling, with the rounds' lowest and highest."""
        ratios = [s.ratio for s in self.samples]
        return f"{self.median('ratio'):.3f} ({min(ratios):.3f}-{max(ratios):.3f})"

    def cpu(self) -> str:
        """Median CPU ms per request: gunicorn / PostgreSQL / Redis."""
        parts = zip(*(s.cpu_ms for s in self.samples), strict=True)
        return " / ".join(f"{statistics.median(part):.2f}" for part in parts)


def server_command(module: str = SERVICE_MODULE) -> list[str]:
    """The Procfile's ``web:`` command; a reference target swaps in its own WSGI module."""
    words = shlex.split(procfile("web"))
    if module == SERVICE_MODULE:
        return words
    return [module if word == SERVICE_MODULE else word for word in words] + [
        "--pythonpath",
        str(BENCH),
    ]


def gunicorn_overrides(port: int) -> dict[str, str]:
    """All the benchmark changes of gunicorn.conf.py: where to listen, how many workers."""
    return {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(WORKERS)}


def inherited_env() -> dict[str, str]:
    """The calling shell's environment without what would change a target's configuration
    (settings, gunicorn's, logging's); the Procfile's ``gunicorn`` is this virtualenv's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "LOG_"))
    }
    return env | {"PATH": f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}"}


def service_env(algorithm: str = "ES256") -> dict[str, str]:
    """Production settings on the benchmark's database, as app.json sets them; access
    tokens signed with ``algorithm`` (JWT_ALGORITHM: ES256, EdDSA or HS256)."""
    env = inherited_env()
    env |= {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "benchmark-secret-key-benchmark-secret-key-0123456789",
        "SIGNING_KEYS_SECRET": "benchmark-signing-keys-secret-0123456789-abcdefgh",
        "JWT_ALGORITHM": algorithm,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SIGN_IN_SITE": "pump.fun",
        "SIGN_IN_DOMAINS": "pump.fun",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
        # Plain HTTP on loopback: there is no TLS-terminating proxy in front.
        "SECURE_SSL_REDIRECT": "0",
        # The benchmark measures the request path with the limits counted, not enforced.
        **GENEROUS_RATE_LIMITS,
    }
    return env


def stock_env() -> dict[str, str]:
    return inherited_env() | {
        "DJANGO_SETTINGS_MODULE": "stock.settings",
        "STOCK_DB_NAME": STOCK_DB_NAME,
    }


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def prepare(args: str, env: dict[str, str], *extra: str) -> None:
    run([PYTHON, str(BENCH / "prepare.py"), *args.split(), *extra], env=env)


def prepare_stock(args: str) -> None:
    run([PYTHON, str(BENCH / "stock/prepare.py"), *args.split()], env=stock_env())


class Server:
    def __init__(self, name: str, port: int, env: dict[str, str], module: str = SERVICE_MODULE):
        self.name, self.port = name, port
        self.log = Path(tempfile.gettempdir()) / f"bench-{name}.log"
        # A file, not a pipe: a full pipe nobody reads would block the workers. stdout (the
        # application's log) and stderr (gunicorn's) share it, as a platform's log drain.
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                server_command(module),
                cwd=ROOT,
                env=env | gunicorn_overrides(port),
                start_new_session=True,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # answering, with some status: up
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{name} did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_rss_mb(self) -> float:
        peaks = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks, default=0.0)

    def log_summary(self) -> str:
        """What the log shows of the run: the access lines written, the workers started."""
        access = boots = 0
        with self.log.open("rb") as log:
            for line in log:
                access += b'"logger": "access"' in line
                boots += b"Booting worker" in line
        return f"{self.log}: {access} JSON access lines, {boots} workers started"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _pids_named(name: str) -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


class CpuMeter:
    """CPU used during one wrk run by a server's gunicorn processes, by PostgreSQL's
    processes and by Redis: where a request's machine time goes."""

    def __init__(self, server: Server) -> None:
        self.groups = [
            [server.process.pid, *server.workers()],
            _pids_named("postgres"),
            _pids_named("redis-server"),
        ]
        self.before = [{pid: _cpu_seconds(pid) for pid in pids} for pids in self.groups]

    def per_request_ms(self, requests: int) -> tuple[float, float, float]:
        # Processes that ended during the run are not counted (persistent connections:
        # PostgreSQL's backends live as long as the workers).
        return tuple(
            1000 * sum(_cpu_seconds(pid) - start for pid, start in before.items()) / requests
            for before in self.before
        )


_DURATION = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _DURATION[unit]


def wrk(
    server: Server,
    path: str,
    opts: argparse.Namespace,
    env: dict[str, str],
    script: str,
    *,
    seconds: int | None = None,
) -> Sample:
    url = f"http://127.0.0.1:{server.port}{path}"
    seconds, connections = seconds or opts.seconds, opts.connections
    meter = CpuMeter(server)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return Sample(
        rps,
        p50,
        p99,
        errors + (int(non2xx.group(1)) if non2xx else 0),
        meter.per_request_ms(max(requests, 1)),
    )


def measure(
    size: str,
    servers: dict[str, Server],
    ceiling: Server,
    env: dict[str, str],
    opts: argparse.Namespace,
) -> tuple[Result, dict[str, Result]]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    tokens = tmp / "tokens.txt"
    wrk_env = os.environ | {"WRK_THREADS": "2"}

    def fresh_tokens() -> dict[str, dict[str, str]]:
        """wrk's environment per target, with an access token made now: the stock
        project's expire after simplejwt's default 5 minutes, sooner than a run."""
        prepare(f"access-tokens --count 1 --out {tokens}", env)
        target_env = {"service": wrk_env | {"WRK_AUTH": tokens.read_text().split()[0]}}
        if STOCK in servers:
            prepare_stock(f"token --out {tokens}")
            target_env[STOCK] = wrk_env | {"WRK_AUTH": tokens.read_text().split()[0]}
        return target_env

    endpoints = [e for e in ENDPOINTS if e.target in servers]
    get_script, post_script = str(BENCH / "wrk/get.lua"), str(BENCH / "wrk/bodies.lua")
    ceiling_result, results = Result(), {e.name: Result() for e in endpoints}

    for round_number in range(opts.rounds):
        order = endpoints if round_number % 2 == 0 else list(reversed(endpoints))
        target_env = fresh_tokens()  # a round takes a few minutes
        for endpoint in order:
            script, run_env = get_script, target_env[endpoint.target]
            if endpoint.bodies:
                bodies = tmp / "bodies.jsonl"
                prepare(endpoint.bodies, env, "--count", str(opts.bodies), "--out", str(bodies))
                if endpoint.target == STOCK:  # the same wallets, as the stock project's users
                    prepare_stock(f"users --bodies {bodies}")
                script, run_env = post_script, run_env | {"WRK_BODIES": str(bodies)}
            # The ceiling right before each endpoint: this machine's speed can drift by a
            # third within a round, and neighbouring runs see the same machine.
            ceiling_sample = wrk(
                ceiling, "/", opts, wrk_env, get_script, seconds=max(1, opts.seconds // 2)
            )
            ceiling_result.samples.append(ceiling_sample)
            sample = wrk(servers[endpoint.target], endpoint.path, opts, run_env, script)
            sample.ratio = sample.rps / ceiling_sample.rps
            results[endpoint.name].samples.append(sample)
            print(
                f"  [{size}] round {round_number + 1}: {endpoint.name}: {sample.rps:.0f} req/s, "
                f"ceiling {ceiling_sample.rps:.0f}: {sample.ratio:.3f}",
                flush=True,
            )
    shutil.rmtree(tmp)
    return ceiling_result, results


def table(size: str, ceiling: Result, results: dict[str, Result], rss: dict[str, float]) -> str:
    targets = {e.name: e.target for e in ENDPOINTS}
    ceiling_rps = ceiling.median("rps")
    lines = [
        f"\n{size}: ceiling {ceiling_rps:.0f} req/s (p50 {ceiling.median('p50_ms'):.2f} ms, "
        f"p99 {ceiling.median('p99_ms'):.2f} ms, peak RSS/worker {rss['ceiling']:.0f} MB, "
        f"CPU ms/request {ceiling.cpu()})",
        "| endpoint | req/s | p50 ms | p99 ms | p99/p50 | errors | peak RSS/worker MB "
        "| ratio (lowest-highest) | CPU ms/request: gunicorn / PostgreSQL / Redis |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in results.items():
        rps, p50, p99 = result.median("rps"), result.median("p50_ms"), result.median("p99_ms")
        p50 = p50 or float("nan")
        errors = sum(s.errors for s in result.samples)
        lines.append(
            f"| {name} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {p99 / p50:.1f} | {errors} | "
            f"{rss[targets[name]]:.0f} | {result.ratio()} | {result.cpu()} |"
        )
    for ours, stock in STOCK_COMPARISONS:
        if ours.name in results and stock.name in results:
            factor = results[ours.name].median("ratio") / results[stock.name].median("ratio")
            lines.append(f"{ours.name}: {factor:.2f} x {stock.name}")
    return "\n".join(lines)


def _psql(sql: str) -> None:
    run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql])


def recreate_database(env: dict[str, str], *, stock: bool) -> None:
    for name in (DB_NAME, STOCK_DB_NAME) if stock else (DB_NAME,):
        # FORCE: the backends an interrupted run left are ended, not waited for.
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _psql(f"CREATE DATABASE {name}")
    if stock:  # djoser may be missing without it
        prepare_stock("migrate")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env)
    run([PYTHON, "manage.py", "createcachetable"], env=env)
    # The release phase's step: the signing keys of env's JWT_ALGORITHM.
    run([PYTHON, "manage.py", "signing_keys", "ensure"], env=env, stdout=subprocess.DEVNULL)
    run(["redis-cli", "-n", "15", "FLUSHDB"], stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the service against a ceiling.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--bodies", type=int, default=30000, help="single-use bodies per run")
    parser.add_argument("--small", type=int, default=1000, help="users in the small database")
    parser.add_argument(
        "--large",
        type=int,
        default=1_000_000,
        help="users and revoked sign-ins in the large database (0: skip)",
    )
    parser.add_argument(
        "--stock",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the stock DRF reference (bench/stock) in the small run too",
    )
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s, no large run")
    parser.add_argument(
        "--webhook-endpoint",
        action="store_true",
        help="register a webhook endpoint that wants every event type (no worker runs "
        "during the measurement): each sign-in then also enqueues the worker's wake-up",
    )
    parser.add_argument(
        "--algorithm",
        choices=["ES256", "EdDSA", "HS256"],
        default="ES256",
        help="JWT_ALGORITHM of the service's access tokens (default ES256)",
    )
    opts = parser.parse_args()
    if opts.quick:
        opts.rounds, opts.seconds, opts.large, opts.bodies = 1, 3, 0, 10000
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    if opts.stock and importlib.util.find_spec("djoser") is None:
        raise SystemExit("djoser is missing: `make bench` installs it (pip install -e '.[bench]')")
    env = service_env(opts.algorithm)
    recreate_database(env, stock=opts.stock)
    sizes = [("small", opts.small)] + ([("large", opts.large)] if opts.large else [])
    report = [
        f"machine: {os.cpu_count()} cores, {os.uname().machine}, {opts.connections} "
        f"connections, {opts.rounds} rounds of {opts.seconds}s, access tokens"
        f" {opts.algorithm}"
        + (", a webhook endpoint wanting every event" if opts.webhook_endpoint else "")
    ]
    for size, users in sizes:
        prepare(f"seed --users {users} --revoked {users if size == 'large' else 0}", env)
        if opts.webhook_endpoint:
            prepare("webhook-endpoint", env)
        servers = {"service": Server(f"service-{size}", SERVICE_PORT, env)}
        if opts.stock and size == "small":
            servers[STOCK] = Server(f"{STOCK}-{size}", STOCK_PORT, stock_env(), "stock.wsgi")
        ceiling = Server(f"ceiling-{size}", CEILING_PORT, inherited_env(), "ceiling.wsgi")
        try:
            ceiling_result, results = measure(size, servers, ceiling, env, opts)
            rss = {name: server.peak_rss_mb() for name, server in servers.items()}
            rss["ceiling"] = ceiling.peak_rss_mb()
        finally:
            for server in [*servers.values(), ceiling]:
                server.stop()
        report.append(table(f"{size} database ({users:,} users)", ceiling_result, results, rss))
        report.append(f"service log: {servers['service'].log_summary()}")
        print("\n".join(report[-2:]), flush=True)
    # Webhook delivery: one worker process (`manage.py worker`) on the service's database and Redis.
    report.append(webhook_throughput.measure(env | {"LOG_LEVEL": "WARNING"}))
    print(report[-1], flush=True)
    print("\n" + "\n".join(report))


if __name__ == "__main__":
    main()
