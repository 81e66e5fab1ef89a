"""Soak: mixed traffic against real gunicorn instances for a long while; not part of CI.

Starts its own private PostgreSQL and Redis and N gunicorn instances (the system suite's
harness, same ports), then sends sign-ins with real keypairs, profile reads, refreshes,
logouts and registrations at a fixed rate, round-robin over the instances. Every interval
it prints requests, errors, latency percentiles and the RSS of every worker; at the end a
summary (errors must be 0, RSS growth should stay under 10 %).

``--find-max`` first ramps the rate in short steps on the same stack and takes the highest
rate that had no error and a p95 (counted from when each request was due, so time spent
queued in the client counts too) under ``--max-p95-ms``; ``--rate auto`` soaks at
``--auto-fraction`` (70 %) of it.

    .venv/bin/python bench/soak.py                      # find the maximum, 10 minutes at 70 %
    .venv/bin/python bench/soak.py --find-max --duration 0   # only measure the maximum
    .venv/bin/python bench/soak.py --duration 60 --rate 60 --json soak.json
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.system.harness import (
    HTTP_PORT_BASE,
    Gunicorn,
    KeyPair,
    PrivatePostgres,
    PrivateRedis,
    app_env,
    call,
    migrate,
)

EXPECTED = {
    "login": {201},
    "profile": {200},
    "refresh": {200},
    "logout": {201},
    "register": {201, 409},
}
WEIGHTS = {"login": 20, "profile": 50, "refresh": 15, "logout": 10, "register": 5}


class Traffic:
    def __init__(self, bases: list[str], *, registrations: bool) -> None:
        self.bases = bases
        self.registrations = registrations
        self.sessions: list[dict] = []
        self.lock = threading.Lock()
        # (finished at, action, status, seconds on the wire, seconds since the request was due)
        self.samples: list[tuple[float, str, int | None, float, float]] = []
        self.turn = 0

    def _base(self) -> str:
        with self.lock:
            self.turn += 1
            return self.bases[self.turn % len(self.bases)]

    def _take(self) -> dict | None:
        """A live session, held by this thread alone until ``_give_back``."""
        with self.lock:
            if not self.sessions:
                return None
            return self.sessions.pop(random.randrange(len(self.sessions)))

    def _give_back(self, session: dict) -> None:
        with self.lock:
            self.sessions.append(session)
            del self.sessions[:-500]  # a bounded pool of live sessions

    def _record(self, action: str, reply, due: float) -> None:
        now = time.monotonic()
        with self.lock:
            self.samples.append((now, action, reply.status, reply.elapsed, now - due))

    def one(self, due: float) -> None:
        actions = [a for a in WEIGHTS if a != "register" or self.registrations]
        action = random.choices(actions, [WEIGHTS[a] for a in actions])[0]
        session = None if action == "login" else self._take()
        if session is None:
            action = "login"
        base = self._base()
        if action == "login":
            reply = call(base, "POST", "/auth/login", KeyPair().login_body())
            if reply.status == 201:
                session = {"token": reply.body["token"], "refresh": reply.body["refreshToken"]}
        elif action == "profile":
            reply = call(base, "GET", "/auth/my-profile", token=session["token"])
        elif action == "refresh":
            reply = call(base, "POST", "/auth/refresh", {"refreshToken": session["refresh"]})
            if reply.status == 200:
                session = {"token": reply.body["token"], "refresh": reply.body["refreshToken"]}
        elif action == "logout":
            reply = call(base, "POST", "/auth/logout", token=session["token"])
            session = None
        else:
            name = f"soak_{random.getrandbits(40):x}"
            reply = call(
                base, "POST", "/users/register", {"username": name}, token=session["token"]
            )
        self._record(action, reply, due)
        if session is not None and reply.status is not None and reply.status < 300:
            self._give_back(session)


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600, help="seconds (default 600)")
    parser.add_argument(
        "--rate", default="auto", help="requests per second, or auto: --auto-fraction of the max"
    )
    parser.add_argument("--find-max", action="store_true", help="measure the maximum first")
    parser.add_argument("--max-p95-ms", type=float, default=250, help="bound for --find-max")
    parser.add_argument("--step-seconds", type=float, default=10, help="--find-max step length")
    parser.add_argument("--start-rate", type=float, default=20, help="--find-max first rate")
    parser.add_argument("--rate-step", type=float, default=10, help="--find-max increment")
    parser.add_argument("--max-rate", type=float, default=400, help="--find-max upper bound")
    parser.add_argument("--auto-fraction", type=float, default=0.7)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--interval", type=float, default=10, help="report every N seconds")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads")
    parser.add_argument("--json", type=Path, help="write the report here")
    args = parser.parse_args()
    # SIGTERM (and SIGINT, which a background shell ignores) end the run through the
    # finally below, so every process started here is stopped by its PID.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.rate == "auto":
        args.find_max = True
    else:
        args.rate = float(args.rate)

    postgres, redis_server, instances = PrivatePostgres(), PrivateRedis(), []
    try:
        postgres.start()
        postgres.create_database()
        redis_server.start()
        env = app_env(database_url=postgres.url, redis_url=redis_server.url(0))
        migrate(env)
        for index in range(args.instances):
            instance = Gunicorn(f"soak{index}", HTTP_PORT_BASE + 50 + index, env, args.workers)
            instances.append(instance)
            instance.start()
        bases = [instance.base for instance in instances]
        probe = call(bases[0], "POST", "/auth/login", KeyPair().login_body())
        register = call(bases[0], "POST", "/users/register", {}, token=probe.body["token"])
        # Registrations join the mix once the endpoint exists (it answers 400 to {}).
        traffic = Traffic(bases, registrations=register.status == 400)
        found = find_max(traffic, args) if args.find_max else None
        if args.rate == "auto":
            if not found:
                print("no rate met the bound; nothing to soak at")
                return 1
            args.rate = round(found["max_rate"] * args.auto_fraction, 1)
        report = run(traffic, instances, args) if args.duration > 0 else {"errors": 0}
        report["find_max"] = found
    finally:
        for instance in instances:
            instance.cleanup()
        redis_server.cleanup()
        postgres.cleanup()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if report["errors"] == 0 else 1


def _drive(traffic: Traffic, pool: ThreadPoolExecutor, rate: float, seconds: float) -> None:
    """Open loop: request n is due at n / rate; bounded by ``seconds`` and the count."""
    started = time.monotonic()
    for count in range(int(seconds * rate)):
        due = started + count / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        pool.submit(traffic.one, due)


def find_max(traffic: Traffic, args: argparse.Namespace) -> dict | None:
    """Raise the rate step by step; the maximum is the last step with no error, p95 (from
    due time) under the bound, and every request answered within the step plus 2 s."""
    print(
        f"find-max: steps of {args.step_seconds:.0f} s from {args.start_rate} req/s by "
        f"{args.rate_step}, bound p95 <= {args.max_p95_ms} ms and 0 errors"
    )
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:  # warm up, not counted
        _drive(traffic, pool, args.start_rate / 2, min(args.step_seconds, 5))
    best, steps = None, []
    rate = args.start_rate
    for _ in range(200):  # bounded in steps as well as by --max-rate
        if rate > args.max_rate:
            break
        seen = len(traffic.samples)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            _drive(traffic, pool, rate, args.step_seconds)
        drained_after = time.monotonic() - started - args.step_seconds
        with traffic.lock:
            window = traffic.samples[seen:]
        errors = sum(1 for s in window if s[2] not in EXPECTED[s[1]])
        p95 = _percentile([s[4] for s in window], 0.95) * 1000
        step = {
            "rate": rate,
            "requests": len(window),
            "achieved_per_s": round(len(window) / (args.step_seconds + drained_after), 1),
            "errors": errors,
            "p95_from_due_ms": round(p95, 1),
        }
        steps.append(step)
        ok = errors == 0 and p95 <= args.max_p95_ms and drained_after <= 2
        print(f"  {json.dumps(step)} {'ok' if ok else 'over the bound'}")
        if not ok:
            break
        best = rate
        rate += args.rate_step
    if best is None:
        return None
    print(f"find-max: maximum {best} req/s")
    return {"max_rate": best, "max_p95_ms": args.max_p95_ms, "steps": steps}


def run(traffic: Traffic, instances: list[Gunicorn], args: argparse.Namespace) -> dict:
    started = time.monotonic()
    end = started + args.duration
    seen_before = len(traffic.samples)  # samples of --find-max are not the soak's
    workers_at_start = sorted(pid for i in instances for pid in i.worker_pids())
    intervals = []
    next_report = started + args.interval
    seen = seen_before
    print(f"soak: {args.duration:.0f} s at {args.rate} req/s over {len(instances)} instances")
    print(
        f"{'t':>6} {'req':>6} {'err':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  worker RSS MiB"
    )
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        total = int(args.duration * args.rate)
        for count in range(total):  # open loop: request n is due at n / rate
            due = started + count / args.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            if time.monotonic() > end:
                break
            pool.submit(traffic.one, due)
            if time.monotonic() >= next_report or count == total - 1:
                with traffic.lock:
                    window = traffic.samples[seen:]
                    seen = len(traffic.samples)
                latencies = [sample[3] for sample in window]
                errors = sum(1 for s in window if s[2] not in EXPECTED[s[1]])
                rss = [kib / 1024 for i in instances for kib in i.worker_rss_kib().values()]
                row = {
                    "t": round(time.monotonic() - started),
                    "requests": len(window),
                    "errors": errors,
                    "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
                    "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
                    "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
                    "worker_rss_mib": [round(value, 1) for value in rss],
                }
                intervals.append(row)
                print(
                    f"{row['t']:>6} {row['requests']:>6} {errors:>4} {row['p50_ms']:>7} "
                    f"{row['p95_ms']:>7} {row['p99_ms']:>7}  {row['worker_rss_mib']}"
                )
                next_report += args.interval
    samples = traffic.samples[seen_before:]
    failures = [s for s in samples if s[2] not in EXPECTED[s[1]]]
    by_action: dict[str, int] = {}
    for sample in samples:
        by_action[sample[1]] = by_action.get(sample[1], 0) + 1
    workers_now = sorted(pid for i in instances for pid in i.worker_pids())
    first = sum(intervals[0]["worker_rss_mib"]) if intervals else 0
    last = sum(intervals[-1]["worker_rss_mib"]) if intervals else 0
    latencies = [sample[3] for sample in samples]
    report = {
        "duration_s": round(time.monotonic() - started, 1),
        "rate": args.rate,
        "requests": len(samples),
        "by_action": by_action,
        "errors": len(failures),
        "error_examples": [f"{s[1]} -> {s[2]}" for s in failures[:10]],
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "p95_from_due_ms": round(_percentile([s[4] for s in samples], 0.95) * 1000, 1),
        "worker_rss_first_mib": round(first, 1),
        "worker_rss_last_mib": round(last, 1),
        "worker_rss_growth_pct": round((last - first) / first * 100, 1) if first else None,
        "workers_replaced": workers_now != workers_at_start,
        "intervals": intervals,
    }
    summary = {key: value for key, value in report.items() if key != "intervals"}
    print(json.dumps(summary, indent=2))
    return report


if __name__ == "__main__":
    sys.exit(main())
