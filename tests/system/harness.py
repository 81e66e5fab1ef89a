"""Real processes for the system tests and the soak: a private PostgreSQL, a private Redis,
gunicorn instances, a small HTTP client and a wallet that signs.

Every process is started here and stopped here by its own PID; every wait is bounded in
tries and time. Nothing touches the machine's shared PostgreSQL or Redis.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import base58
import psycopg
import redis
from nacl.signing import SigningKey
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.generous_limits import GENEROUS_RATE_LIMITS

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SIGN_IN_SITE = "pump.fun"  # the instances' SIGN_IN_SITE and SIWS domain

# Ports: overridable so that several checkouts can run the suite side by side. All below
# Linux's ephemeral range (32768-60999): there, any client connection of the machine can
# hold the port for a while, and the server then fails to start.
HTTP_PORT_BASE = int(os.environ.get("SYSTEM_HTTP_PORT_BASE", "18300"))
PG_PORT = int(os.environ.get("SYSTEM_PG_PORT", "25400"))
REDIS_PORT = int(os.environ.get("SYSTEM_REDIS_PORT", "26300"))
REDIS_PROXY_PORT = int(os.environ.get("SYSTEM_REDIS_PROXY_PORT", "26301"))


class Unavailable(Exception):
    """A prerequisite (PostgreSQL binaries, redis-server, the postgres user) is missing."""


def wait_until(
    predicate: Callable[[], bool], *, seconds: float, what: str, step: float = 0.1
) -> None:
    """Poll ``predicate`` until true; at most ``seconds`` and a bounded number of tries."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / step) + 1):
        if predicate():
            return
        if time.monotonic() > deadline:
            break
        time.sleep(step)
    raise TimeoutError(f"gave up after {seconds} s waiting for {what}")


def _stop_pid(pid: int, *, sig: int = signal.SIGTERM, seconds: float = 15) -> None:
    """Send ``sig`` to ``pid``, wait for it to go, SIGKILL it if it does not."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A zombie child of ours is gone for every purpose but the process table.
        try:
            return os.waitpid(pid, os.WNOHANG)[0] == pid
        except ChildProcessError:
            return False

    try:
        wait_until(gone, seconds=seconds, what=f"process {pid} to exit")
    except TimeoutError:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        wait_until(gone, seconds=5, what=f"process {pid} to die")


# --- PostgreSQL --------------------------------------------------------------------------------
def _pg_bin() -> Path:
    override = os.environ.get("SYSTEM_PG_BIN")
    candidates = [override] if override else sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    for candidate in reversed(candidates):
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise Unavailable("no PostgreSQL server binaries (initdb) in /usr/lib/postgresql/*/bin")


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temporary folder, run as the ``postgres`` user."""

    def __init__(self, port: int = PG_PORT, database: str = "app") -> None:
        self.port = port
        self.database = database
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="system-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root but there is no postgres user") from None
            if shutil.which("runuser") is None:
                raise Unavailable("runuser is needed to run PostgreSQL as postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run(
            [
                *(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"),
                *("-E", "UTF8", "--no-sync", "--no-instructions"),
            ],
            timeout=120,
        )

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, command: list[str], *, timeout: float) -> None:
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True)

    @property
    def pid(self) -> int | None:
        """The postmaster's PID from its pid file, while it runs."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c max_connections=60"
        )
        self._run(
            [
                *(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log)),
                *("-o", options, "-w", "-t", "60", "start"),
            ],
            timeout=90,
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast``: clean shutdown; ``immediate``: the server dies, recovery on next start."""
        if self.pid is None:
            return
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"],
            timeout=90,
        )

    def ensure_running(self) -> None:
        if self.pid is None:
            self.start()

    def create_database(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def query(self, sql: str, params: tuple | None = None) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def cleanup(self) -> None:
        pid = self.pid
        if pid is not None:
            try:
                self.stop("fast")
            except (subprocess.SubprocessError, OSError):
                _stop_pid(pid, sig=signal.SIGQUIT)
        shutil.rmtree(self.root, ignore_errors=True)


# --- Redis -------------------------------------------------------------------------------------
class PrivateRedis:
    """A redis-server on its own port with no persistence: each start begins empty."""

    def __init__(self, port: int = REDIS_PORT) -> None:
        self.port = port
        binary = shutil.which("redis-server")
        if binary is None:
            raise Unavailable("redis-server is not installed")
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="system-redis-"))
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        client = redis.Redis(
            port=self.port, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
        )
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.ping():
            raise RuntimeError(f"something already answers on port {self.port}")
        log = open(self.root / "redis.log", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(self.root), "--daemonize", "no"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(self.ping, seconds=20, what="redis-server to answer")

    def stop(self) -> None:
        if self.process is not None:
            _stop_pid(self.process.pid)
            self.process.wait(timeout=5)
            self.process = None

    def ensure_running(self) -> None:
        if not self.running:
            self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class CuttableProxy:
    """A TCP proxy in the test process to a local port, whose path can be cut: ``cut()``
    closes every connection through it and refuses new ones (a network partition as the
    client sees it), ``restore()`` lets connections through again."""

    def __init__(self, target_port: int, port: int = REDIS_PROXY_PORT) -> None:
        self.target_port = target_port
        self.port = port
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def restore(self) -> None:
        """Accept and forward connections (again)."""
        if self._listener is not None:
            return
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._acceptor = threading.Thread(target=self._accept, args=(self._listener,), daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        """Close every connection through the proxy, and the port: connecting is refused."""
        if self._listener is None:
            return
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept() with an error
        self._listener.close()
        self._listener = None
        if self._acceptor is not None:
            self._acceptor.join(timeout=10)
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                self._close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass  # closed by cut() or by the other pump
        finally:
            for sock in (source, sink):
                self._close(sock)

    @staticmethod
    def _close(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


# --- The service -----------------------------------------------------------------------------
def app_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, a real secret, no HTTPS redirect.

    Starts from an empty environment so nothing of the calling shell (another DATABASE_URL)
    leaks in. The rate limits are generous (one client address drives every instance);
    a test of the limits themselves sets its own in ``extra``.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "system-test-secret-key-0123456789-abcdefghijklmnop",
        # Encrypts the token signing keys at rest; every instance shares it (and the keys).
        "SIGNING_KEYS_SECRET": "system-test-signing-keys-secret-0123456789-qrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SIGN_IN_SITE": SIGN_IN_SITE,
        "SIGN_IN_DOMAINS": SIGN_IN_SITE,
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DB_CONNECT_TIMEOUT": "3",
        "LOG_LEVEL": "WARNING",
        # gunicorn.conf.py (read from the working directory) recycles workers every ~100,000
        # requests; here the same workers live on, so a worker that is replaced was killed
        # and the soak's RSS over time is the RSS of the same processes.
        "GUNICORN_MAX_REQUESTS": "0",
        **GENEROUS_RATE_LIMITS,
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    """Run an operator command (``manage.py ...``) with an instance's environment."""
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
    )


def migrate(env: dict[str, str]) -> None:
    """The release phase's database steps: the schema, then the first signing keys."""
    manage(env, "migrate", "--noinput")
    manage(env, "signing_keys", "ensure")


class Gunicorn:
    """One app instance: a gunicorn master with sync workers on 127.0.0.1:<port>."""

    def __init__(self, name: str, port: int, env: dict[str, str], workers: int = 2) -> None:
        self.name = name
        self.port = port
        self.env = env
        self.workers = workers
        self.root = Path(tempfile.mkdtemp(prefix=f"system-gunicorn-{name}-"))
        self.log = self.root / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.log, "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(
            [
                *(str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}"),
                *("--workers", str(self.workers), "--timeout", "30", "--graceful-timeout", "5"),
                *("--access-logfile", "-", "--name", f"system-{self.name}"),
            ],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

        def answers() -> bool:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.log}")
            return call(self.base, "GET", "/health", timeout=5).status is not None

        wait_until(answers, seconds=60, what=f"gunicorn {self.name} to answer", step=0.2)
        wait_until(
            lambda: len(self.worker_pids()) == self.workers,
            seconds=30,
            what=f"gunicorn {self.name} workers",
        )

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            return []

    def workers_connected_to(self, port: int) -> set[int]:
        """The workers holding an established TCP connection to ``port`` (e.g. Redis'): each
        has used that server since it last (re)started, whoever restarted it."""
        sockets = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(FileNotFoundError):
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    remote, state, inode = fields[2], fields[3], fields[9]
                    if state == "01" and int(remote.rsplit(":", 1)[1], 16) == port:  # ESTABLISHED
                        sockets.add(f"socket:[{inode}]")
        connected = set()
        for pid in self.worker_pids():
            with contextlib.suppress(FileNotFoundError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        if os.readlink(fd) in sockets:
                            connected.add(pid)
                            break
        return connected

    def kill_worker(self, pid: int) -> None:
        """SIGKILL one of this instance's workers (never anything else)."""
        if pid not in self.worker_pids():
            raise ValueError(f"{pid} is not a worker of gunicorn {self.name}")
        os.kill(pid, signal.SIGKILL)

    def worker_rss_kib(self) -> dict[int, int]:
        rss = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss[pid] = int(line.split()[1])
            except FileNotFoundError:
                continue
        return rss

    def stop(self) -> None:
        if self.process is not None:
            _stop_pid(self.process.pid, seconds=20)
            self.process.wait(timeout=5)
            self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


# --- HTTP ------------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int | None  # None: no HTTP answer (connection reset, timeout)
    body: Any = None
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0
    error: str | None = None
    label: str = ""

    @property
    def is_contract_error(self) -> bool:
        """The contract's JSON error shape, and no stack trace anywhere."""
        return (
            isinstance(self.body, dict)
            and self.body.get("statusCode") == self.status
            and isinstance(self.body.get("error"), str)
            and "Traceback" not in self.text
        )


def call(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    timeout: float = 15,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request on a fresh connection; transport failures come back as ``status=None``."""
    host, port = base.removeprefix("http://").split(":")
    send_headers = {"Host": host, "Accept": "application/json", "User-Agent": "system-test"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        send_headers["Content-Type"] = "application/json"
    if token:
        send_headers["Authorization"] = f"Bearer {token}"
    send_headers.update(headers or {})
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body=payload, headers=send_headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        status = response.status
        reply_headers = {name.lower(): value for name, value in response.getheaders()}
    except (OSError, http.client.HTTPException) as exc:
        return Reply(None, elapsed=time.monotonic() - started, error=repr(exc))
    finally:
        connection.close()
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return Reply(status, parsed, text, reply_headers, time.monotonic() - started)


def healthy(base: str) -> bool:
    """``/health`` on ``base`` answers 200: its database and cache answer."""
    return call(base, "GET", "/health").status == 200


def until_every_worker_served(
    instances: Sequence[Gunicorn], port: int, send: Callable[[str], T], *, rounds: int = 20
) -> list[T]:
    """``send(base)`` to every instance, twice as many at once as it has workers, round after
    round until each worker holds a connection to ``port``; returns every reply.

    Call it right after the server on ``port`` dropped every connection (a restart, a cut
    path): a worker connects again only to serve a request, so each has then served at
    least one of these, among them its first since the drop.
    """
    replies: list[T] = []
    bases = [instance.base for instance in instances for _ in range(2 * instance.workers)]
    with ThreadPoolExecutor(max_workers=len(bases)) as pool:
        for _ in range(rounds):
            replies.extend(pool.map(send, bases))
            if all(
                instance.workers_connected_to(port) == set(instance.worker_pids())
                for instance in instances
            ):
                return replies
    raise TimeoutError(f"some worker served none of {len(replies)} requests")


# --- A wallet --------------------------------------------------------------------------------
class KeyPair:
    """A real ed25519 key that signs pump.fun's sign-in text, each time a fresh timestamp."""

    _lock = threading.Lock()
    _last_ms = 0

    def __init__(self) -> None:
        self.key = SigningKey.generate()
        self.address = base58.b58encode(bytes(self.key.verify_key)).decode()

    @classmethod
    def _timestamp_ms(cls) -> int:
        # Strictly increasing: the same text signed twice would be the same (replayed) proof.
        with cls._lock:
            cls._last_ms = max(cls._last_ms + 1, int(time.time() * 1000))
            return cls._last_ms

    def login_body(self) -> dict[str, Any]:
        timestamp = self._timestamp_ms()
        text = f"Sign in to {SIGN_IN_SITE}: {timestamp}".encode()
        signature = self.key.sign(text).signature
        return {
            "address": self.address,
            "signature": base58.b58encode(signature).decode(),
            "timestamp": timestamp,
        }


# --- Load ------------------------------------------------------------------------------------
@dataclass
class Write:
    """A registration or account deletion sent by ``Load``."""

    kind: str  # "register" or "delete"
    reply: Reply
    address: str
    username: str | None  # the name asked for (a deletion: the one registered before, if any)
    token: str
    phase: str


class Load:
    """Threads of wallets signing in, reading their profile and refreshing, round-robin over
    the instances, until stopped; bounded in requests and seconds either way. Every second
    wallet then registers a username and every third deletes its account (after registering
    or not), so registrations and deletions are cut off by whatever the test does too.

    Every reply is kept with the phase that was current when its request started;
    ``writes`` keeps every registration and deletion with what it was about.
    """

    def __init__(
        self,
        bases: list[str],
        *,
        threads: int = 4,
        max_requests: int = 5000,
        max_seconds: float = 120,
    ) -> None:
        self.bases = bases
        self.threads = threads
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self.phase = "before"
        self.replies: list[Reply] = []
        self.login_bodies: list[tuple[Reply, dict[str, Any], str]] = []
        self.writes: list[Write] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def _record(self, reply: Reply, label: str) -> Reply:
        reply.label = f"{self.phase}:{label}"
        with self._lock:
            self.replies.append(reply)
        return reply

    def count(self, *, phase: str, status: int | None = None, ok: bool = False) -> int:
        with self._lock:
            return sum(
                1
                for reply in self.replies
                if reply.label.startswith(phase + ":")
                and (status is None or reply.status == status)
                and (not ok or (reply.status is not None and reply.status < 300))
            )

    def _run(self, index: int) -> None:
        deadline = time.monotonic() + self.max_seconds
        per_thread = self.max_requests // self.threads
        sent = 0
        turn = index
        while not self._stop.is_set() and sent < per_thread and time.monotonic() < deadline:
            base = self.bases[turn % len(self.bases)]
            other = self.bases[(turn + 1) % len(self.bases)]
            turn += 1
            body = KeyPair().login_body()
            phase = self.phase
            login = self._record(call(base, "POST", "/auth/login", body), "login")
            with self._lock:
                self.login_bodies.append((login, body, phase))
            sent += 1
            if login.status != 201:
                time.sleep(0.02)  # do not spin on a service that is down
                continue
            token, refresh = login.body["token"], login.body["refreshToken"]
            self._record(call(other, "GET", "/auth/my-profile", token=token), "profile")
            self._record(call(base, "POST", "/auth/refresh", {"refreshToken": refresh}), "refresh")
            sent += 2
            address, username = body["address"], None
            if turn % 2 == 0:
                username = f"load_{uuid.uuid4().hex[:24]}"
                self._write("register", address, username, token, other)
                sent += 1
            if turn % 3 == 0:
                self._write("delete", address, username, token, base)
                sent += 1

    def _write(self, kind: str, address: str, username: str | None, token: str, base: str) -> None:
        phase = self.phase
        if kind == "register":
            reply = call(base, "POST", "/users/register", {"username": username}, token=token)
        else:
            reply = call(base, "DELETE", "/users", token=token)
        self._record(reply, kind)
        with self._lock:
            self.writes.append(Write(kind, reply, address, username, token, phase))

    def start(self) -> Load:
        for index in range(self.threads):
            worker = threading.Thread(target=self._run, args=(index,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=30)

    def wait_for(self, predicate: Callable[[], bool], *, seconds: float, what: str) -> None:
        wait_until(predicate, seconds=seconds, what=what, step=0.05)


def integrity_problems(pg: PrivatePostgres) -> list[str]:
    """Partial writes a sign-in, a registration or a deletion could leave behind, if each
    were not one transaction.

    A sign-in writes its used proof, the account (when new), the sign-in row and its
    ``sign_in.succeeded`` audit event together (the suite signs in with pump.fun's form
    only: one proof each). A deletion removes the account and all its sign-ins but keeps
    the used proofs and the events (whose ``subject_uuid`` outlives the account). So:

    - every account made by a sign-in has a sign-in row;
    - used proofs and successful sign-in events are as many;
    - every sign-in row has its event, and every event's sign-in row exists unless its
      account was deleted (a missing row of a live account is a half-done deletion);
    - a registration sets the username and its change time together.
    """
    problems = []
    orphans = pg.query(
        "SELECT count(*) FROM accounts_user u WHERE u.address IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM accounts_signin s WHERE s.user_id = u.id)"
    )[0][0]
    if orphans:
        problems.append(f"{orphans} accounts without a sign-in")
    proofs = pg.query("SELECT count(*) FROM accounts_usedsigninproof WHERE key LIKE %s", ("sig:%",))
    events = pg.query(
        "SELECT count(*) FROM accounts_auditevent WHERE action = %s", ("sign_in.succeeded",)
    )
    if proofs[0][0] != events[0][0]:
        problems.append(f"{proofs[0][0]} used proofs but {events[0][0]} successful sign-ins")
    unrecorded = pg.query(
        "SELECT count(*) FROM accounts_signin s WHERE NOT EXISTS (SELECT 1 FROM "
        "accounts_auditevent e WHERE e.action = %s AND e.detail->>'signInId' = s.id::text)",
        ("sign_in.succeeded",),
    )[0][0]
    if unrecorded:
        problems.append(f"{unrecorded} sign-ins without their sign-in event")
    half_deleted = pg.query(
        "SELECT count(*) FROM accounts_auditevent e JOIN accounts_user u ON u.id = e.subject_uuid"
        " WHERE e.action = %s AND NOT EXISTS (SELECT 1 FROM accounts_signin s"
        " WHERE s.id::text = e.detail->>'signInId')",
        ("sign_in.succeeded",),
    )[0][0]
    if half_deleted:
        problems.append(f"{half_deleted} sign-ins missing from accounts that still exist")
    half_registered = pg.query(
        "SELECT count(*) FROM accounts_user WHERE (username IS NULL) <> "
        "(username_changed_at IS NULL)"
    )[0][0]
    if half_registered:
        problems.append(f"{half_registered} accounts with a username but no change time or back")
    return problems


def write_outcome_problems(pg: PrivatePostgres, writes: list[Write], base: str) -> list[str]:
    """Each registration and deletion happened entirely or not at all, whatever its answer.

    A registration answered 201 is there (unless the account was deleted after); one that
    got no 201 left the account either registered with that name or untouched, and sending
    it again now gives 201 (nothing was written) or 409 (all of it was). A deletion answered
    200 left no account; one that got no 200 left the account gone or whole (its one
    sign-in), and sending it again gives 200 (nothing was written) or 401 (all of it was:
    the token's sign-in went with the account). Sends at most one request per write.
    """
    problems = []
    deleted = {w.address for w in writes if w.kind == "delete"}
    for write in writes:
        rows = pg.query(
            "SELECT u.username, (SELECT count(*) FROM accounts_signin s WHERE s.user_id = u.id)"
            " FROM accounts_user u WHERE u.address = %s",
            (write.address,),
        )
        what = f"{write.kind} of {write.address} answered {write.reply.status}"
        if write.kind == "register":
            if rows and rows[0][0] not in (None, write.username):
                problems.append(f"{what}: username {rows[0][0]!r}")
            elif write.reply.status == 201 and not rows and write.address not in deleted:
                problems.append(f"{what}: the account is gone")
            elif write.reply.status == 201 and rows and rows[0][0] != write.username:
                problems.append(f"{what}: not registered")
            elif write.reply.status != 201 and rows and write.address not in deleted:
                again = call(
                    base, "POST", "/users/register", {"username": write.username}, token=write.token
                )
                expected = 201 if rows[0][0] is None else 409
                if again.status != expected:
                    problems.append(f"{what}: sent again {again.status}, expected {expected}")
        else:
            if write.reply.status == 200 and rows:
                problems.append(f"{what}: the account is still there")
            elif rows and rows[0][1] != 1:
                problems.append(f"{what}: the account is left with {rows[0][1]} sign-ins")
            elif write.reply.status != 200:
                again = call(base, "DELETE", "/users", token=write.token)
                expected = 200 if rows else 401
                if again.status != expected:
                    problems.append(f"{what}: sent again {again.status}, expected {expected}")
    return problems
