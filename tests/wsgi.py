"""A WSGI environ for one request, for driving the WSGI application gunicorn serves
without a server (tests/config/test_handlers.py, bench/request_modules.py)."""

import io
import sys
from typing import Any


def wsgi_environ(method: str, path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """``headers`` by their HTTP names; Content-Length defaults to the body's length."""
    headers = dict(headers)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": headers.pop("Content-Length", str(len(body))),
        "CONTENT_TYPE": headers.pop("Content-Type", ""),
    }
    environ |= {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return environ
