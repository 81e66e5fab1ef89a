"""A webhook receiver nobody here wrote the checking of: every request is verified with the
``standardwebhooks`` reference library, on a real local HTTP server (http.server, in a
thread). Shared by the webhooks tests, the system test and the benchmark."""

import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog (5) drops connections a concurrent sender opens at
    # once, and each dropped one waits a second for its retransmission.
    request_queue_size = 128
    daemon_threads = True


@dataclass
class Received:
    id: str
    headers: dict[str, str]
    payload: dict[str, Any]


@dataclass
class Receiver:
    """Answers ``status`` (and ``body``, ``headers``) to every POST; keeps the verified
    deliveries and counts the requests that failed verification."""

    secret: str = ""
    status: int = 204
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    rejected: int = 0
    incomplete: int = 0  # cut off before the whole body came (a sender killed mid-request)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def ids(self) -> Counter:
        with self.lock:
            return Counter(item.id for item in self.received)

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body are two writes: without this, Nagle's algorithm holds the
            # body until the client's delayed ACK (40 ms a request).
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                if len(raw) < length:
                    with receiver.lock:
                        receiver.incomplete += 1
                    return
                headers = {key.lower(): value for key, value in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(raw, headers)
                except Exception:
                    verified = None
                else:
                    verified = Received(headers["webhook-id"], headers, payload)
                with receiver.lock:
                    receiver.requests += 1
                    if verified is None:
                        receiver.rejected += 1
                    else:
                        receiver.received.append(verified)
                self.send_response(receiver.status if verified else 400)
                for key, value in receiver.headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
