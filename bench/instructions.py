"""Instructions per request, counted by callgrind: a figure the machine's speed does not enter.

    DATABASE_URL=postgres://.../launchpad_instructions REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/instructions.py [--reads 400] [--sign-ins 60] [--algorithm EdDSA]

Runs the production WSGI application (config.wsgi) in-process with the benchmark's production
settings (bench/run.py's ``service_env``, the access line written to /dev/null) on a migrated
database, three times under ``valgrind --tool=callgrind``: with no measured request, with
``--reads`` cached ``GET /auth/my-profile``, with ``--sign-ins`` returning
``POST /auth/login`` and with ``--first-sign-ins`` of wallets new to the service (each
creates its account); prints each one's instructions per request, start-up subtracted. The
metrics are kept as under gunicorn, in files (``PROMETHEUS_MULTIPROC_DIR``). Run
it on two checkouts to compare code ("not slower" in docs/performance.md): the counts repeat
to within a fraction of a percent whatever else the machine is doing, where `make bench`'s
req/s move by a tenth from one run to the next.
"""

import argparse
import gc
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def production_env(algorithm: str) -> dict[str, str]:
    """bench/run.py's production settings on the caller's database and Redis."""
    from bench.run import service_env

    return service_env(algorithm) | {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        # Under callgrind a request takes fifty times as long: work that comes round by the
        # clock (a sign-in cache entry expiring, the signing keys read again) would fall on
        # more requests the busier the machine is, and the counts would follow the load.
        "SIGN_IN_CACHE_SECONDS": "86400",
        "SIGNING_KEYS_REFRESH_SECONDS": "86400",
    }


def drive(mode: str, count: int, algorithm: str) -> None:
    """Sign a wallet in, warm the read path, then send ``count`` requests of ``mode``."""
    os.environ |= production_env(algorithm)
    import django

    django.setup()
    from bench.request_modules import request
    from signin import sign_in_cache
    from tests.wallets import Wallet

    # The loaded application out of the collector's reach, as gunicorn.conf.py's pre_fork
    # does before the workers are forked: else each full collection walks it again.
    gc.freeze()

    sink = open(os.devnull, "w")  # noqa: SIM115 (open for the process's life)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)
    # It runs by the wall clock, so far more often under callgrind than in real time.
    sign_in_cache._pending_check.seconds = 1e9

    wallet = Wallet()
    token = json.loads(request("POST", "/auth/login", wallet.login_body()))["token"]
    for _ in range(50):
        request("GET", "/auth/my-profile", token=token)
    start = int(time.time() * 1000)
    for number in range(count):
        if mode == "read":
            request("GET", "/auth/my-profile", token=token)
        else:
            # The client's key and signature are counted too (as in both checkouts compared).
            signer = wallet if mode == "login" else Wallet()
            body = signer.login_body(start + number)
            answer = request("POST", "/auth/login", body)
            assert b'"token"' in answer, answer[:200]


def instructions(mode: str, count: int, algorithm: str, folder: Path) -> int:
    out = folder / f"callgrind.{mode}.{count}"
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--drive",
            mode,
            str(count),
            algorithm,
        ],
        check=True,
        cwd=ROOT,
        # The metrics' storage under gunicorn (gunicorn.conf.py sets the folder there).
        # One string hashing for every run: dictionaries and sets collide alike.
        env=os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONHASHSEED": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    match = re.search(r"^summary: (\d+)$", out.read_text(), re.MULTILINE)
    assert match, f"no summary in {out}"
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=400)
    parser.add_argument("--sign-ins", type=int, default=60)
    parser.add_argument("--first-sign-ins", type=int, default=60)
    parser.add_argument(
        "--algorithm", default="ES256", help="access tokens' JWT_ALGORITHM: ES256, EdDSA, HS256"
    )
    parser.add_argument("--drive", nargs=3, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.drive:
        drive(opts.drive[0], int(opts.drive[1]), opts.drive[2])
        return
    # The release phase's steps, as the Procfile runs them: the schema, then signing keys.
    for step in (["migrate", "--verbosity", "0"], ["signing_keys", "ensure"]):
        subprocess.run(
            [sys.executable, "manage.py", *step],
            check=True,
            cwd=ROOT,
            env=os.environ | production_env(opts.algorithm),
            stdout=subprocess.DEVNULL,
        )
    print(f"access tokens: {opts.algorithm}")
    with tempfile.TemporaryDirectory() as folder:
        base = instructions("read", 0, opts.algorithm, Path(folder))
        for mode, count, name in (
            ("read", opts.reads, "GET /auth/my-profile (cached)"),
            ("login", opts.sign_ins, "POST /auth/login (returning)"),
            ("first", opts.first_sign_ins, "POST /auth/login (first)"),
        ):
            per_request = (instructions(mode, count, opts.algorithm, Path(folder)) - base) / count
            print(f"{name}: {per_request / 1e6:.3f} M instructions per request ({count} requests)")


if __name__ == "__main__":
    main()
