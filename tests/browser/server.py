"""Serving the production build for browser tests, benchmarks and screenshots: `reflex run --env
prod` on a free port with the demo data, behind an outbound-call recorder — on fresh SQLite files
by default, or on fresh PostgreSQL databases with the tabs' state in Redis and several workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from tests.browser.balancer import WebsocketBalancer
from tests.browser.outbound_proxy import RecordingProxy

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def offline_reflex_env(database_url: str) -> dict[str, str]:
    """The same switches the Makefile sets, so the suite also runs outside `make`."""
    env = dict(os.environ)
    registry = env.get("NPM_CONFIG_REGISTRY") or subprocess.run(
        ["npm", "config", "get", "registry"], capture_output=True, text=True, check=False
    ).stdout.strip()
    env.update(
        PATH=f"{PROJECT_ROOT / '.tools/node_modules/.bin'}:{BIN}:{env.get('PATH', '')}",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_HTTP_CLIENT_BIND_ADDRESS="0.0.0.0",
        REFLEX_DIR=str(PROJECT_ROOT / ".tools/reflex"),
        REFLEX_SSR="false",
        NPM_CONFIG_REGISTRY=registry,
        GKH_DATABASE_URL=database_url,
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def wait_until_served(url: str, process: subprocess.Popen, log: Path, *, page: bool = True) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"reflex exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url + "/ping", timeout=2).status_code == 200 and (
                not page or httpx.get(url + "/", timeout=5).status_code == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the app did not start in {SERVER_START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


@dataclass
class ServedApp:
    url: str
    database_url: str
    env: dict[str, str] = field(repr=False)
    outbound: RecordingProxy = field(repr=False, default=None)
    log: Path | None = None
    """Everything the server printed (stdout and stderr)."""
    process: subprocess.Popen | None = field(repr=False, default=None)
    """The first `reflex run` (its process group holds its workers)."""
    backends: list[subprocess.Popen] = field(repr=False, default_factory=list)
    """Every backend process, the first one included."""
    balancer: WebsocketBalancer | None = field(repr=False, default=None)
    """In front of the backends when there are several."""


@contextmanager
def fresh_postgres_databases(server_url: str, count: int) -> Iterator[list[str]]:
    """``count`` new, empty PostgreSQL databases on ``server_url``'s server, dropped on exit."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)  # survives a restart
    names = [f"gkh_served_{uuid.uuid4().hex[:12]}" for _ in range(count)]
    try:
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield [sa.make_url(server_url).set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def serve_app(workdir: Path, *, extra_env: dict[str, str] | None = None, postgres_url: str | None = None,
              redis_url: str | None = None, workers: int = 1, replicas: int = 1) -> Iterator[ServedApp]:
    """Migrate and load the demo set, build and serve; stop everything on exit.

    Default: SQLite files in ``workdir``, state in the one worker's memory. With ``postgres_url``
    the app and the sandbox gateway each get a fresh database on that server; with ``redis_url``
    the tabs' state lives in Redis and ``workers`` backend worker processes share it. With
    ``replicas`` > 1, that many backends run side by side behind a ``WebsocketBalancer``.
    """
    if (workers > 1 or replicas > 1) and not redis_url:
        raise ValueError("more than one backend process needs Redis for the tabs' state")
    if postgres_url:
        with fresh_postgres_databases(postgres_url, 2) as (database_url, sandbox_url), \
                _serve(workdir, database_url, sandbox_url, extra_env, redis_url, workers, replicas) as app:
            yield app
    else:
        database_url = f"sqlite:///{workdir / 'gkh.db'}"
        with _serve(workdir, database_url, f"sqlite:///{workdir / 'sandbox.db'}", extra_env, redis_url,
                    workers, replicas) as app:
            yield app


@contextmanager
def _serve(workdir: Path, database_url: str, sandbox_url: str, extra_env: dict[str, str] | None,
           redis_url: str | None, workers: int, replicas: int) -> Iterator[ServedApp]:
    env = offline_reflex_env(database_url)
    env.update(GKH_SANDBOX_DATABASE_URL=sandbox_url, GRANIAN_WORKERS=str(workers))
    if redis_url:
        env["GKH_REDIS_URL"] = redis_url
    ports = [free_port() for _ in range(replicas)]
    balancer = WebsocketBalancer(ports).start() if replicas > 1 else None
    if balancer:  # the browser must reach the websocket through the balancer: baked into the build
        env["REFLEX_API_URL"] = balancer.url
    # The address residents use: every redirect_uri and return_url is built from it, and only it may
    # open the websocket (the demo data registers its callback with the demo ЕСИА).
    env["GKH_PUBLIC_URL"] = balancer.url if balancer else f"http://127.0.0.1:{ports[0]}"
    # The embedded SMTP sink on a port and in a folder of this server's own; the sender looks every second.
    env.update(GKH_SMTP_SINK_PORT=str(free_port()), GKH_SMTP_SINK_DIR=str(workdir / "outbox"),
               GKH_MAIL_INTERVAL_SECONDS="1")
    env.pop("GKH_SMTP_URL", None)
    # Not a kiosk unless a test says so: `make test` exports the Makefile's GKH_KIOSK=1 (meant for `make run`),
    # and a served app must not change its result page with the command that happened to start the tests.
    env.update(GKH_KIOSK="0", GKH_KIOSK_PRINTER="0")
    # A served app is a run of its own: its workers' metric values in a directory of its own, never the
    # directory an earlier run in this process tree exported (observability/multiproc.py).
    for name in ("PROMETHEUS_MULTIPROC_DIR", "GKH_METRICS_RUN_PID"):
        env.pop(name, None)
    env["GKH_METRICS_DIR"] = str(workdir / "metrics")
    env.update(extra_env or {})
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "gkh"), *command], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    proxy = RecordingProxy().start()
    registry_host = httpx.URL(env["NPM_CONFIG_REGISTRY"]).host if env["NPM_CONFIG_REGISTRY"] else ""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[name] = proxy.url
    env["NO_PROXY"] = env["no_proxy"] = ",".join(filter(None, ["127.0.0.1", "localhost", registry_host]))
    # `reflex init` as `make` runs it: bun install from the registry is allowed, nothing else.
    subprocess.run([str(BIN / "reflex"), "init", "--template", "blank", "--no-agents", "--loglevel", "warning"],
                   cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, timeout=SERVER_START_TIMEOUT_S)
    processes: list[subprocess.Popen] = []
    log = workdir / "reflex.log"
    try:
        for index, port in enumerate(ports):  # the first builds and serves pages; the others only the backend
            role = ["--frontend-port", str(port)] if index == 0 else ["--backend-only"]
            with (log if index == 0 else workdir / f"reflex-{index}.log").open("w") as out:
                processes.append(subprocess.Popen(
                    [str(BIN / "reflex"), "run", "--env", "prod", *role, "--backend-port", str(port)],
                    cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                ))
            wait_until_served(f"http://127.0.0.1:{port}", processes[-1], Path(out.name), page=index == 0)
        url = balancer.url if balancer else f"http://127.0.0.1:{ports[0]}"
        yield ServedApp(url=url, database_url=database_url, env=env, outbound=proxy, log=log,
                        process=processes[0], backends=processes, balancer=balancer)
    finally:
        proxy.stop()
        if balancer:
            balancer.stop()
        for process in processes:
            stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    """Stop reflex and everything it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
