"""Serving the production build for browser tests and screenshots: `reflex run --env prod` on a
free port, on a fresh SQLite database with the demo data, behind an outbound-call recorder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.browser.outbound_proxy import RecordingProxy

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _offline_reflex_env(database_url: str) -> dict[str, str]:
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
        GKH_SANDBOX_DATABASE_URL=database_url.replace("gkh.db", "sandbox.db"),
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def _wait_until_served(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"reflex exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url + "/ping", timeout=2).status_code == 200 and httpx.get(url + "/", timeout=5).status_code == 200:
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


@contextmanager
def serve_app(workdir: Path, *, extra_env: dict[str, str] | None = None) -> Iterator[ServedApp]:
    """Migrate and load the demo set into ``workdir``, build and serve; stop everything on exit."""
    database_url = f"sqlite:///{workdir / 'gkh.db'}"
    env = _offline_reflex_env(database_url)
    env.update(extra_env or {})
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "gkh"), *command], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    proxy = RecordingProxy().start()
    registry_host = httpx.URL(env["NPM_CONFIG_REGISTRY"]).host if env["NPM_CONFIG_REGISTRY"] else ""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[name] = proxy.url
    env["NO_PROXY"] = env["no_proxy"] = ",".join(filter(None, ["127.0.0.1", "localhost", registry_host]))
    port = _free_port()
    log = workdir / "reflex.log"
    # `reflex init` as `make` runs it: bun install from the registry is allowed, nothing else.
    subprocess.run([str(BIN / "reflex"), "init", "--template", "blank", "--no-agents", "--loglevel", "warning"],
                   cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, timeout=SERVER_START_TIMEOUT_S)
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "reflex"), "run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_served(url, process, log)
        yield ServedApp(url=url, database_url=database_url, env=env, outbound=proxy, log=log)
    finally:
        proxy.stop()
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop reflex and everything it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
