"""Which project modules one request passes through, traced in-process.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/request_modules.py

Runs the production WSGI application (config.wsgi) on a migrated database, signs a wallet
in, warms the read path once (token verified, sign-in cached) and then traces, at the
production log level (one access line per request), one
``GET /auth/my-profile`` and one returning ``POST /auth/login``: every function call whose
code lies in this repository names its module. docs/architecture.md quotes the result.
"""

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("RATELIMIT_ENABLE", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from config.wsgi import application  # noqa: E402
from tests.wallets import Wallet  # noqa: E402
from tests.wsgi import wsgi_environ  # noqa: E402


def request(method: str, path: str, body: dict | None = None, token: str = "") -> bytes:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else b""
    environ = wsgi_environ(method, path, headers, data)
    return b"".join(application(environ, lambda status, response_headers: None))


def modules_of(send: Callable[[], Any]) -> list[str]:
    """The repository's modules whose functions run while ``send`` runs, in order."""
    seen: list[str] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        filename = frame.f_code.co_filename
        if (
            event == "call"
            and filename.startswith(str(ROOT))
            and "/.venv/" not in filename
            and filename != __file__
        ):
            module = str(Path(filename).relative_to(ROOT))
            if module not in seen:
                seen.append(module)

    sys.setprofile(profile)
    try:
        send()
    finally:
        sys.setprofile(None)
    return seen


def main() -> None:
    call_command("migrate", verbosity=0)
    wallet = Wallet()
    token = json.loads(request("POST", "/auth/login", wallet.login_body()))["token"]
    request("GET", "/auth/my-profile", token=token)
    body = wallet.login_body()
    for name, send in (
        ("GET /auth/my-profile", lambda: request("GET", "/auth/my-profile", token=token)),
        ("POST /auth/login (returning)", lambda: request("POST", "/auth/login", body)),
    ):
        modules = modules_of(send)
        print(f"{name}: {len(modules)} modules: {', '.join(modules)}")


if __name__ == "__main__":
    main()
