"""Services a fault test may break on purpose: its own PostgreSQL cluster, its own Redis, and a
proxy in front of the payment gateway that can be switched off, slowed down or made to hold a call.

Nothing here touches the shared PostgreSQL (:5432) or Redis (:6379): a restart of those would
break every other test running on the machine. Each helper stops its process and removes its
files in ``stop()``, which the fixtures call even when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_private_services() -> str | None:
    """Why the private PostgreSQL / Redis cannot run here (None when they can)."""
    if os.geteuid() != 0:
        return "a private PostgreSQL cluster is started as the postgres user: needs root"
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return f"PostgreSQL binaries not found in {PG_BIN}"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres OS user"
    if REDIS_SERVER is None:
        return "redis-server not installed"
    return None


# --- PostgreSQL ---------------------------------------------------------------------------------------


class PrivatePostgres:
    """A throw-away PostgreSQL 15 cluster owned by the postgres user, on a free port (trust auth)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="gkh-faults-pg-"))
        self.data = self.root / "data"
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str, timeout: int = 60) -> None:
        # Output to a file, not a pipe: the server pg_ctl starts would keep a pipe open forever.
        with (self.root / "pg_ctl.log").open("a") as log:
            subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, stdout=log,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout)

    def _pg_ctl(self, *args: str) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args)

    def start(self) -> PrivatePostgres:
        shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o755)  # root writes pg_ctl.log here; the data folder itself is postgres-only
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._pg_ctl("-o", options, "-l", str(self.root / "server.log"), "start")
        return self

    def restart(self) -> None:
        """Stop (fast: open connections are cut) and start again — what an operator's restart does."""
        self._pg_ctl("-m", "fast", "-l", str(self.root / "server.log"), "restart")
        self.restarts += 1

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# --- Redis ------------------------------------------------------------------------------------------------


class PrivateRedis:
    """``redis-server`` on a free port with no persistence: a restart starts empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="gkh-faults-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.root)],
            stdout=(self.root / "redis.log").open("a"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown, everything in memory (every tab's state, the config) is gone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart_empty(self) -> None:
        self.kill()
        self.start()

    def config_get(self, name: str) -> str:
        import redis

        client = redis.Redis.from_url(self.url)
        try:
            return client.config_get(name).get(name, "")
        finally:
            client.close()

    def stop(self) -> None:
        try:
            self.kill()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# --- A proxy in front of the gateway ---------------------------------------------------------------------


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    client_port: int
    """The caller's TCP port: with it ``pid_of_client`` finds the process that made the call."""


class GatewayProxy:
    """HTTP/1.1 in front of the gateway API, one request per connection, with faults on demand.

    * ``down()`` closes the listening socket (connection refused), ``up()`` opens it again;
    * ``delay_next_create(s)``: the next ``POST …/payments`` waits ``s`` seconds, then is forwarded
      (the gateway does it; the caller has given up by then) — a slow gateway;
    * ``hold_next_create()``: the next create waits until ``release()``, then is forwarded
      (``release(forward=False)`` drops it instead: it never reaches the gateway).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.upstream_port: int | None = None
        self.requests: list[SeenRequest] = []
        self.held: list[SeenRequest] = []
        self._server: socket.socket | None = None
        self._lock = threading.Lock()
        self._delay_next_create = 0.0  # ok-float: seconds
        self._hold_next_create = False
        self._release = threading.Event()
        self._forward_held = True

    def base_url(self, path: str = "/sandbox-gateway/api/v3") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def up(self) -> GatewayProxy:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._serve, args=(server,), daemon=True).start()
        return self

    def down(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):  # wakes the thread blocked in accept(); close() alone keeps listening
                server.shutdown(socket.SHUT_RDWR)
            server.close()

    stop = down

    def delay_next_create(self, seconds: float) -> None:  # ok-float: seconds
        with self._lock:
            self._delay_next_create = seconds

    def hold_next_create(self) -> None:
        with self._lock:
            self._hold_next_create = True
            self._release.clear()

    def release(self, *, forward: bool = True) -> None:
        self._forward_held = forward
        self._release.set()

    def creates(self) -> list[SeenRequest]:
        return [request for request in self.requests if request.method == "POST" and request.path.endswith("/payments")]

    def _serve(self, server: socket.socket) -> None:
        while True:
            try:
                client, address = server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client, address[1]), daemon=True).start()

    def _handle(self, client: socket.socket, client_port: int) -> None:
        try:
            head, body = _read_request(client)
            method, path = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]
            seen = SeenRequest(method, path, client_port)
            self.requests.append(seen)
            delay, hold = 0.0, False  # ok-float: seconds
            if method == "POST" and path.endswith("/payments"):
                with self._lock:
                    delay, self._delay_next_create = self._delay_next_create, 0.0
                    hold, self._hold_next_create = self._hold_next_create, False
            if delay:
                time.sleep(delay)
            if hold:
                self.held.append(seen)
                self._release.wait(120)
                if not self._forward_held:
                    return
            response = self._forward(_with_connection_close(head) + body)
            with contextlib.suppress(OSError):  # the caller gave up (timeout) or died: the gateway did it anyway
                client.sendall(response)
        except (OSError, ValueError):
            pass
        finally:
            client.close()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=60) as upstream:
            upstream.sendall(request)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)


def _read_request(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ValueError("connection closed before a full request")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n", body


def _with_connection_close(head: bytes) -> bytes:
    lines = [line for line in head.rstrip(b"\r\n").split(b"\r\n")
             if not line.lower().startswith((b"connection:", b"keep-alive:"))]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


# --- Processes --------------------------------------------------------------------------------------------


def pid_of_client(client_port: int, server_port: int) -> int | None:
    """The process owning the TCP connection from 127.0.0.1:``client_port`` to ``server_port``."""
    for connection in psutil.net_connections(kind="tcp"):
        if (connection.laddr and connection.raddr and connection.laddr.port == client_port
                and connection.raddr.port == server_port and connection.pid):
            return connection.pid
    return None


def live_children(pid: int) -> list[int]:
    try:
        return [child.pid for child in psutil.Process(pid).children() if child.status() != psutil.STATUS_ZOMBIE]
    except psutil.NoSuchProcess:
        return []
