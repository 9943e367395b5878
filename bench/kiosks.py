"""Load benchmark: many kiosks paying at once against the real production backend.

    .venv/bin/python bench/kiosks.py                 # 50, 100 and 200 concurrent kiosks
    .venv/bin/python bench/kiosks.py --kiosks 20     # quick smoke run, one level

Serves the production build (``tests.browser.server.serve_app``: ``reflex run --env prod``,
fresh PostgreSQL databases with the demo data, the tabs' state in Redis, ``GKH_BENCH_WORKERS``
Granian workers), adds one resident with an account of two unpaid documents per kiosk
(``bench/seed_kiosks.py``), and runs every kiosk as a websocket client speaking the frontend's
own protocol (socket.io over a websocket at ``/_event``: the hydrate event in the CONNECT
packet, ``on_load_internal`` after each client-side navigation, one ``event`` per click).

Each kiosk walks, with a think time between steps (uniform, seeded per kiosk):
start page → «Войти через Госуслуги» (the server puts a PKCE challenge into the ЕСИА request; the
kiosk just follows the redirect) → demo ЕСИА page → «Войти» (login + password) → /auth/callback →
the new tab token: the callback's chain ends with a ``_call_script`` that stores a NEW Reflex token
in ``sessionStorage`` and does ``window.location.replace("/cabinet")`` (issue 10: the token is
rotated at sign-in, the old token's states are wiped), so the kiosk takes the token and the route
out of the script and opens the cabinet in a full page load under that token (a new socket; an
older server's plain ``_redirect`` to /cabinet, same token, is followed as before) → /pay → untick
and tick a document → «Далее» → «Оплатить» → «Банковская карта» → the sandbox gateway's card page
over HTTP (4242 4242 4242 4242) → back to /pay/result in a new page load (a new socket, the tab's
token since sign-in) → «Оплата выполнена» → «Выйти». Every socket sends ``Origin: <served URL>``,
the only origin the websocket accepts (``serve_app`` sets ``GKH_PUBLIC_URL`` to that URL). The
rate limits (``GKH_RATE_LIMITS``) are left at their defaults: each kiosk resident starts one
payment and signs in correctly, so neither ``payment_per_resident`` nor ``sign_in_per_address``
(failed sign-ins only) is reached, although every kiosk comes from 127.0.0.1.

Latency of an event = from sending it to receiving the update that answers it: the delta with
the expected state, or the frontend event (redirect, script) the handler returns; for a page
load, the delta that sets ``is_hydrated`` after the page's on_load handlers. (Reflex 0.10 no
longer marks a "final" update: an event that changes nothing sends nothing, so the expected
answer is named per step.) «open /cabinet» is the step that follows /auth/callback, counted as
the old redirect step was: with the token switch it is a full page load (connect + hydrate under
the new token), with an old-style redirect a client-side navigation. Anything unexpected — an
exception, a timeout, a missing state or text — counts as an error of that kiosk, which then stops.

After each level the database is asked directly: every completed flow must have exactly one
succeeded payment, and no kiosk resident any other payment.

Environment: ``GKH_BENCH_WORKERS`` (default 4), ``GKH_BENCH_POSTGRES_URL`` (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), ``GKH_BENCH_REDIS_URL`` (default
redis://127.0.0.1:6379/0); every ``GKH_*`` setting (e.g. ``GKH_DB_POOL_SIZE``) reaches the server.
Writes bench/out/kiosks.json (and the server log, bench/out/kiosks-reflex.log).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402
import redis  # noqa: E402
import socketio  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.seed_kiosks import KioskPerson, seed_kiosk_people  # noqa: E402
from tests.browser.server import serve_app  # noqa: E402
from tests.security.reflex_client import router_data  # noqa: E402  (the frontend's location, as a script sends it)

OUT = ROOT / "bench/out/kiosks.json"
DEFAULT_LEVELS = (50, 100, 200)
STRESS_THINK_S = (0.5, 2.0)
"""The stress pace: seconds between a kiosk's steps (the defaults of --think-min and --think-max)."""
TEST_CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123", "holder": "KIOSK BENCH"}

ROOT_STATE = "reflex___state____state"
STATE = {
    "session": f"{ROOT_STATE}.gkh_web___state___session____session_state",
    "esia": f"{ROOT_STATE}.gkh_web___state___esia_login____esia_login_state",
    "cabinet": f"{ROOT_STATE}.gkh_web___state___cabinet____cabinet_state",
    "pay": f"{ROOT_STATE}.gkh_web___state___pay____pay_page_state",
    "selection": f"{ROOT_STATE}.gkh_web___state___pay____pay_selection_state",
    "figures": f"{ROOT_STATE}.gkh_web___state___pay____pay_figures_state",
    "result": f"{ROOT_STATE}.gkh_web___state___pay_result____payment_result_state",
}
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
HYDRATED = "is_hydrated_rx_state_"
NAMESPACE = "/_event"  # socket.io-client takes the path of the frontend's EVENT url as the namespace too

# Which figure each step's latency belongs to.
GROUP = {
    "sign-in «Войти» (argon2)": "sign-in",
    "open /auth/callback (token + userinfo)": "sign-in",
    "open /pay": "payment page",
    "untick document": "payment page",
    "tick document": "payment page",
    "«Далее»": "payment page",
    "«Оплатить»": "payment page",
    "card → gateway page": "payment page",
    "open /pay/result": "payment page",
}


class StepFailed(Exception):
    """The answer to a step was not what a person at the kiosk would see."""


def _var(name: str) -> str:
    return f"{name}_rx_state_"


def _compiled_state_hashes() -> list[str]:
    """The per-state hashes the production frontend sends with its first hydrate."""
    text = (ROOT / ".web/utils/context.jsx").read_text()
    match = re.search(r"initialStateHashes = (\[[^\]]*\])", text)
    return json.loads(match.group(1)) if match else []


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


# --- One browser tab, as the frontend's state.js drives it -------------------------------------------


class Tab:
    """A tab's websocket: its token, the state the frontend would hold, and the updates since a send."""

    def __init__(self, base_url: str, token: str, hashes: list[str], record) -> None:
        self.base_url = base_url
        self.token = token
        self.hashes = hashes
        self.record = record  # record(step, milliseconds)
        self.state: dict[str, dict] = {}
        self.path = "/"
        self.updates: list[dict] = []
        self.frontend_events: list[dict] = []
        self._want = None
        self._answered: asyncio.Future | None = None
        self.sio: socketio.AsyncClient | None = None

    def _on_update(self, update: dict) -> None:
        arrived = time.perf_counter()
        for substate, values in (update.get("delta") or {}).items():
            self.state.setdefault(substate, {}).update(values)
        self.updates.append(update)
        self.frontend_events.extend(update.get("events") or [])
        if self._want is not None and self._answered is not None and not self._answered.done():
            try:
                if self._want(self):
                    self._answered.set_result(arrived)
            except Exception as error:  # a broken check must surface as this step's error
                self._answered.set_exception(error)

    def var(self, state: str, name: str, default=None):
        return self.state.get(STATE[state], {}).get(_var(name), default)

    def _arm(self, want) -> asyncio.Future:
        self.updates, self.frontend_events = [], []
        self._want = want
        self._answered = asyncio.get_running_loop().create_future()
        return self._answered

    async def _await(self, step: str, sent_at: float, answered: asyncio.Future, timeout: float) -> float:
        try:
            arrived = await asyncio.wait_for(answered, timeout)
        except TimeoutError:
            raise StepFailed(f"{step}: no answer in {timeout:.0f} s") from None
        finally:
            self._want = None
        milliseconds = (arrived - sent_at) * 1000
        self.record(step, milliseconds)
        return milliseconds

    async def open_page(self, path_and_query: str, step: str, timeout: float) -> None:
        """A full page load: a new socket whose CONNECT packet carries the hydrate event."""
        await self.close()
        self.path, self.state = path_and_query, {}
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        sio.on("event", self._on_update, namespace=NAMESPACE)
        boot = {"name": HYDRATE, "payload": {"hashes": self.hashes} if self.hashes else {},
                "router_data": router_data(path_and_query)}
        answered = self._arm(_hydrated)
        sent_at = time.perf_counter()
        try:
            await sio.connect(f"{self.base_url}?token={self.token}", socketio_path="/_event",
                              transports=["websocket"], headers={"Origin": self.base_url},
                              auth={"event": boot}, namespaces=[NAMESPACE], wait_timeout=timeout)
        except Exception as error:
            self._want = None
            raise StepFailed(f"{step}: websocket connect failed: {error!r}") from None
        self.sio = sio
        await self._await(step, sent_at, answered, timeout)

    async def navigate(self, path_and_query: str, step: str, timeout: float, want=None) -> None:
        """Client-side navigation: the router marks the page unhydrated and sends on_load_internal."""
        self.path = path_and_query
        self.state.setdefault(ROOT_STATE, {})[HYDRATED] = False
        await self.send(ON_LOAD, {}, step, want or _hydrated, timeout)

    async def send(self, name: str, payload: dict, step: str, want, timeout: float) -> None:
        answered = self._arm(want)
        sent_at = time.perf_counter()
        await self.sio.emit("event", {"name": name, "payload": payload, "router_data": router_data(self.path)},
                            namespace=NAMESPACE)
        await self._await(step, sent_at, answered, timeout)

    def frontend_event(self, name: str) -> dict | None:
        return next((event for event in self.frontend_events if event.get("name") == name), None)

    async def close(self) -> None:
        if self.sio is not None:
            sio, self.sio = self.sio, None
            with contextlib.suppress(Exception):
                await sio.disconnect()


def _hydrated(tab: Tab) -> bool:
    """This page load's own answer: ``is_hydrated`` goes false (on_load_internal or the hydrate snapshot)
    and then true (after the page's on_load handlers). A late ``true`` from the previous page's
    chain, which can arrive after its redirect, does not count."""
    seen_false = False
    for update in tab.updates:
        flag = (update.get("delta") or {}).get(ROOT_STATE, {}).get(HYDRATED)
        if flag is False:
            seen_false = True
        elif flag is True and seen_false:
            return True
    return False


def _frontend(name: str):
    return lambda tab: tab.frontend_event(name) is not None


def _all(*wants):
    """The whole answer: e.g. the new step's delta *and* the scroll script that follows it, so that a
    late script is not taken for the answer to the next click."""
    return lambda tab: all(want(tab) for want in wants)


def _gateway_script(tab: Tab) -> str | None:
    for event in tab.frontend_events:
        code = event.get("payload", {}).get("javascript_code", "") if event.get("name") == "_call_script" else ""
        if "window.location.assign" in code:
            return code
    return None


def _changed(state: str, *names: str):
    """Answered by the first update that carries any of these vars of ``state``."""
    def want(tab: Tab) -> bool:
        return any(_var(name) in (update.get("delta") or {}).get(STATE[state], {})
                   for update in tab.updates for name in names)
    return want


def _redirect_target(tab: Tab, step: str) -> str:
    event = tab.frontend_event("_redirect")
    if event is None:
        raise StepFailed(f"{step}: no redirect")
    return event["payload"]["path"]


_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_TOKEN_SWITCH = re.compile(rf"window\.sessionStorage\.setItem\(\s*({_JSON_STRING})\s*,\s*({_JSON_STRING})\s*\)\s*;"
                           rf"\s*window\.location\.replace\(\s*({_JSON_STRING})\s*\)")
TOKEN_STORAGE_KEY = "token"
"""Where Reflex's frontend keeps the tab's token (``sessionStorage``; gkh_web/state/session.py)."""


def _token_switch(tab: Tab) -> tuple[str, str] | None:
    """(new token, route) from the ``_call_script`` that ends sign-in (``_switch_token_script``), if any."""
    for event in tab.frontend_events:
        if event.get("name") != "_call_script":
            continue
        found = _TOKEN_SWITCH.search(event.get("payload", {}).get("javascript_code", ""))
        if found and json.loads(found.group(1)) == TOKEN_STORAGE_KEY:
            return json.loads(found.group(2)), json.loads(found.group(3))
    return None


def _landed(tab: Tab) -> bool:
    """/auth/callback answered: an old-style redirect, or the new token switch."""
    return tab.frontend_event("_redirect") is not None or _token_switch(tab) is not None


# --- One kiosk -----------------------------------------------------------------------------------------


@dataclass
class Config:
    base_url: str
    hashes: list[str]
    think_min: float
    think_max: float
    seed: int
    timeout: float
    arrive_over: float
    """Kiosks start at random moments within this many seconds (people walk up over time)."""


class CpuMeter:
    """The server's CPU (user + system, every process of the server) spent since the previous mark.

    Linux counts process CPU in 10 ms ticks, so one step's figure is coarse; the mean over many kiosks
    is not. The server's own background work (the reconciler, lease renewals) is measured while it is
    alone and taken off pro rata.
    """

    def __init__(self, process) -> None:
        self.root = psutil.Process(process.pid)
        self.idle_per_second = 0.0
        self._last_cpu, self._last_at = self._total(), time.perf_counter()

    def _total(self) -> float:
        total = 0.0
        for proc in [self.root, *self.root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        return total

    def measure_idle(self, seconds: float) -> None:
        self.mark()
        time.sleep(seconds)
        self.idle_per_second = self.mark() / seconds

    def mark(self) -> float:
        """CPU seconds since the last mark, less the background share of the time that passed."""
        cpu, at = self._total(), time.perf_counter()
        spent = (cpu - self._last_cpu) - self.idle_per_second * (at - self._last_at)
        self._last_cpu, self._last_at = cpu, at
        return max(spent, 0.0)


@dataclass
class LevelResult:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    http: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    completed: set[int] = field(default_factory=set)
    """Resident ids whose flow reached «Оплата выполнена»."""
    meter: CpuMeter | None = None
    """Set when kiosks run one at a time (``--cost``): each step's answer then also records the CPU it took."""
    cpu_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def record(self, step: str, milliseconds: float) -> None:
        self.latencies[step].append(milliseconds)
        if self.meter is not None:
            self.cpu_ms[step].append(self.meter.mark() * 1000)

    def record_http(self, step: str, milliseconds: float) -> None:
        self.http[step].append(milliseconds)
        if self.meter is not None:
            self.cpu_ms[step].append(self.meter.mark() * 1000)


async def run_kiosk(person: KioskPerson, config: Config, result: LevelResult, http: httpx.AsyncClient) -> None:
    rng = random.Random(config.seed * 100_003 + person.index)

    async def think() -> None:
        await asyncio.sleep(rng.uniform(config.think_min, config.think_max))

    tab = Tab(config.base_url, str(uuid.uuid4()), config.hashes,
              result.record)
    timeout = config.timeout
    step = "start"
    try:
        await asyncio.sleep(rng.uniform(0, config.arrive_over))  # kiosks do not all start on the same tick
        step = "open / (hydrate)"
        await tab.open_page("/", step, timeout)
        await think()

        step = "«Войти через Госуслуги»"
        await tab.send(f"{STATE['session']}.begin_sign_in", {}, step, _frontend("_redirect"), timeout)
        login_page = _redirect_target(tab, step)
        if not login_page.startswith("/esia/login?"):
            raise StepFailed(f"{step}: redirected to {login_page!r}")
        step = "open /esia/login"
        await tab.navigate(login_page, step, timeout)
        if tab.var("esia", "request_error"):
            raise StepFailed(f"{step}: {tab.var('esia', 'request_error')}")
        await think()

        step = "sign-in «Войти» (argon2)"
        await tab.send(f"{STATE['esia']}.submit", {"form_data": {"login": person.login, "password": person.password}},
                       step, lambda t: t.frontend_event("_redirect") is not None or bool(t.var("esia", "form_error")),
                       timeout)
        if tab.var("esia", "form_error"):
            raise StepFailed(f"{step}: {tab.var('esia', 'form_error')}")
        callback = _redirect_target(tab, step)
        if "/auth/callback?code=" not in callback:
            raise StepFailed(f"{step}: redirected to {callback!r}")
        callback = callback.removeprefix(config.base_url)

        step = "open /auth/callback (token + userinfo)"
        await tab.navigate(callback, step, timeout, want=_landed)  # on_load sends the tab onwards
        switch = _token_switch(tab)
        if switch is not None:  # issue 10: a new tab token, then a full page load under it
            new_token, cabinet = switch
            try:
                uuid.UUID(new_token)
            except ValueError:
                raise StepFailed(f"{step}: the token switch carries {new_token!r}, not a token") from None
            if new_token == tab.token:
                raise StepFailed(f"{step}: the token switch keeps the old token")
        else:
            new_token, cabinet = None, _redirect_target(tab, step)
        if cabinet != "/cabinet":
            raise StepFailed(f"{step}: sent to {cabinet!r} ({tab.var('session', 'sign_in_error')!r})")
        step = "open /cabinet"
        if new_token is not None:
            tab.token = new_token
            await tab.open_page(cabinet, step, timeout)
        else:
            await tab.navigate(cabinet, step, timeout)
        if not tab.var("cabinet", "loaded") or len(tab.var("cabinet", "accounts") or []) != 1:
            raise StepFailed(f"{step}: the cabinet does not show the kiosk's account")
        await think()

        step = "open /pay"
        await tab.navigate("/pay", step, timeout)
        accounts = tab.var("pay", "accounts") or []
        total = tab.var("figures", "total_kopecks")
        if not tab.var("pay", "loaded") or len(accounts) != 1 or not total or not tab.var("figures", "can_proceed"):
            raise StepFailed(f"{step}: no payable account or total ({len(accounts)} accounts, total {total})")
        documents = [doc for doc in accounts[0]["documents"] if doc.get("selectable")]
        if len(documents) != len(person.unpaid_document_ids):
            raise StepFailed(f"{step}: {len(documents)} payable documents, expected {len(person.unpaid_document_ids)}")
        await think()

        step = "untick document"
        document_id = person.unpaid_document_ids[0]
        await tab.send(f"{STATE['selection']}.toggle_document", {"document_id": document_id, "checked": False},
                       step, _changed("figures", "total_kopecks", "total_text"), timeout)
        if tab.var("figures", "total_kopecks") >= total:
            raise StepFailed(f"{step}: the total did not go down")
        await think()
        step = "tick document"
        await tab.send(f"{STATE['selection']}.toggle_document", {"document_id": document_id, "checked": True},
                       step, _changed("figures", "total_kopecks", "total_text"), timeout)
        if tab.var("figures", "total_kopecks") != total:
            raise StepFailed(f"{step}: the total is {tab.var('selection', 'total_kopecks')}, expected {total}")
        await think()

        step = "«Далее»"
        await tab.send(f"{STATE['pay']}.proceed", {}, step,
                       lambda t: bool(t.var("pay", "confirm_error")) or _all(
                           _changed("pay", "step"), _frontend("_call_script"))(t), timeout)
        if tab.var("pay", "step") != "confirm" or tab.var("pay", "confirm_error"):
            raise StepFailed(f"{step}: no confirmation ({tab.var('pay', 'confirm_error')!r})")
        await think()
        step = "«Оплатить»"
        await tab.send(f"{STATE['pay']}.choose_method", {}, step,
                       _all(_changed("pay", "step"), _frontend("_call_script")), timeout)
        if tab.var("pay", "step") != "method":
            raise StepFailed(f"{step}: no «Выбор способа оплаты»")
        await think()

        step = "card → gateway page"
        await tab.send(f"{STATE['pay']}.pay_with", {"method": "card"}, step,
                       lambda t: _gateway_script(t) is not None or bool(t.var("pay", "pay_error")), timeout)
        if tab.var("pay", "pay_error"):
            raise StepFailed(f"{step}: {tab.var('pay', 'pay_error')}")
        script = _gateway_script(tab)
        found = re.search(r'window\.location\.assign\((".*?")\)', script)
        if not found:
            raise StepFailed(f"{step}: unexpected script {script[:120]!r}")
        gateway_page = json.loads(found.group(1))
        await tab.close()  # the browser leaves the app for the gateway's page

        step = "gateway: card page (HTTP)"
        started = time.perf_counter()
        page = await http.get(gateway_page, timeout=timeout)
        result.record_http(step, (time.perf_counter() - started) * 1000)
        if page.status_code != 200 or 'name="card_number"' not in page.text:
            raise StepFailed(f"{step}: HTTP {page.status_code}, no card form")
        await think()
        step = "gateway: pay by card (HTTP)"
        started = time.perf_counter()
        paid = await http.post(gateway_page.rstrip("/") + "/card", data=TEST_CARD, timeout=timeout)
        result.record_http(step, (time.perf_counter() - started) * 1000)
        back = paid.headers.get("location", "")
        if paid.status_code != 303 or "/pay/result?payment=" not in back:
            raise StepFailed(f"{step}: HTTP {paid.status_code}, location {back!r}")

        step = "open /pay/result"
        await tab.open_page(back.removeprefix(config.base_url), step, timeout)
        if tab.var("result", "status") != "succeeded" or not tab.var("result", "found"):
            raise StepFailed(f"{step}: status {tab.var('result', 'status')!r}, {tab.var('result', 'status_text')!r}")
        result.completed.add(person.resident_id)
        await think()

        step = "«Выйти»"
        await tab.send(f"{STATE['session']}.sign_out", {}, step, _frontend("_call_script"), timeout)
    except StepFailed as failure:
        result.errors.append(str(failure))
    except Exception as error:  # anything else is an error of this kiosk too
        result.errors.append(f"{step}: {error!r}")
    finally:
        await tab.close()


# --- Measuring the server -------------------------------------------------------------------------------


class MemoryWatch:
    """RSS of the reflex process group (the reflex CLI, Granian and its workers), sampled twice a second."""

    def __init__(self, process) -> None:
        self.root = psutil.Process(process.pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        total = 0
        for proc in [self.root, *self.root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        return total

    def workers(self) -> int:
        return len(self.root.children(recursive=True))

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_by_process() -> dict[int, tuple[str, float]]:
    found = {}
    for proc in psutil.process_iter(["name", "cpu_times"]):
        times = proc.info["cpu_times"]
        if times is not None:
            found[proc.pid] = (proc.info["name"] or "", times.user + times.system)
    return found


def _cpu_shares(before: dict, after: dict, server_pids: set[int], wall: float) -> dict[str, float]:
    """% of the machine's CPU time used by the app server, PostgreSQL, Redis, this load generator, the rest."""
    shares: dict[str, float] = defaultdict(float)
    for pid, (name, seconds) in after.items():
        used = seconds - before.get(pid, (name, 0.0))[1]
        if pid in server_pids:
            kind = "server"
        elif pid == os.getpid():
            kind = "load generator"
        elif name.startswith("postgres"):
            kind = "PostgreSQL"
        elif name.startswith("redis"):
            kind = "Redis"
        else:
            kind = "other processes"
        shares[kind] += used
    return {kind: 100 * seconds / (wall * psutil.cpu_count()) for kind, seconds in sorted(shares.items())}


def _payments_by_resident(database_url: str, resident_ids: list[int]) -> dict[int, list[str]]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT resident_id, status FROM payment WHERE resident_id = ANY(:ids)"),
                {"ids": resident_ids},
            ).all()
    finally:
        engine.dispose()
    found: dict[int, list[str]] = defaultdict(list)
    for resident_id, status in rows:
        found[resident_id].append(status)
    return found


def _log_problems(log: Path, offset: int) -> tuple[int, list[str]]:
    text = log.read_text(errors="replace")[offset:] if log.exists() else ""
    lines = [line for line in text.splitlines() if "Traceback" in line or " ERROR" in line or "Error" in line]
    return len(lines), lines[:5]


async def run_level(app, people: list[KioskPerson], config: Config) -> dict:
    result = LevelResult()
    redis_client = redis.Redis.from_url(os.environ.get("GKH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    redis_before = redis_client.info("memory")["used_memory"]
    log_offset = len(app.log.read_text(errors="replace")) if app.log and app.log.exists() else 0
    cpu_before = psutil.cpu_times()
    processes_before = _cpu_by_process()
    load_before = os.getloadavg()[0]
    watch = MemoryWatch(app.process)
    server_pids = {watch.root.pid, *(child.pid for child in watch.root.children(recursive=True))}
    rss_before = watch.rss()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=50)
    with watch:
        started = time.perf_counter()
        async with httpx.AsyncClient(limits=limits, follow_redirects=False) as http:
            await asyncio.gather(*(run_kiosk(person, config, result, http) for person in people))
        wall = time.perf_counter() - started
    await asyncio.sleep(2)
    rss_after = watch.rss()
    redis_after = redis_client.info("memory")["used_memory"]
    cpu_after = psutil.cpu_times()
    shares = _cpu_shares(processes_before, _cpu_by_process(), server_pids, wall + 2)
    redis_client.close()

    payments = _payments_by_resident(app.database_url, [person.resident_id for person in people])
    succeeded = sum(statuses.count("succeeded") for statuses in payments.values())
    other = sum(len(statuses) - statuses.count("succeeded") for statuses in payments.values())
    exactly_one = sum(1 for resident in result.completed if payments.get(resident) == ["succeeded"])
    stray = sorted(resident for resident, statuses in payments.items()
                   if resident not in result.completed and statuses)
    log_count, log_lines = _log_problems(app.log, log_offset) if app.log else (0, [])

    all_ms = [ms for values in result.latencies.values() for ms in values]
    groups: dict[str, list[float]] = defaultdict(list)
    for step, values in result.latencies.items():
        groups[GROUP.get(step, "navigation and other")].extend(values)

    def figures(values: list[float]) -> dict:
        return {"count": len(values), "p50": _percentile(values, 0.50), "p95": _percentile(values, 0.95),
                "p99": _percentile(values, 0.99), "max": max(values) if values else float("nan"),
                "mean": statistics.fmean(values) if values else float("nan")}

    busy = lambda before, after: sum(after) - sum(before) - (after.idle - before.idle) - (  # noqa: E731
        getattr(after, "iowait", 0) - getattr(before, "iowait", 0))
    return {
        "kiosks": len(people),
        "wall_s": wall,
        "events": figures(all_ms),
        "groups": {name: figures(values) for name, values in sorted(groups.items())},
        "steps": {step: figures(values) for step, values in result.latencies.items()},
        "http": {step: figures(values) for step, values in result.http.items()},
        "errors": len(result.errors),
        "error_samples": sorted(set(result.errors))[:10],
        "completed": len(result.completed),
        "payments_succeeded": succeeded,
        "payments_other": other,
        "flows_with_exactly_one_payment": exactly_one,
        "payments_without_completed_flow": len(stray),
        "rss_before_mb": rss_before / 2**20,
        "rss_peak_mb": watch.peak / 2**20,
        "rss_after_mb": rss_after / 2**20,
        "rss_per_session_kb": (watch.peak - rss_before) / 1024 / len(people),
        "redis_per_session_kb": (redis_after - redis_before) / 1024 / len(people),
        "machine_cpu_busy_pct": 100 * busy(cpu_before, cpu_after) / ((wall + 2) * psutil.cpu_count()),
        "server_cpu_ms_per_flow": shares.get("server", 0.0) / 100 * (wall + 2) * psutil.cpu_count() * 1000
        / max(1, len(result.completed)),
        "cpu_shares_pct": shares,
        "load_average_before": load_before,
        "backend_log_errors": log_count,
        "backend_log_samples": log_lines,
    }


async def run_cost(app, people: list[KioskPerson], config: Config) -> dict:
    """Kiosks one after another on a quiet server: what each step costs the server in CPU."""
    meter = CpuMeter(app.process)
    meter.measure_idle(5.0)
    result = LevelResult(meter=meter)
    async with httpx.AsyncClient(follow_redirects=False) as http:
        for person in people:
            await run_kiosk(person, config, result, http)
    steps = {step: {"count": len(values), "mean": statistics.fmean(values), "p50": _percentile(values, 0.5)}
             for step, values in result.cpu_ms.items()}
    return {"kiosks": len(people), "errors": len(result.errors), "error_samples": sorted(set(result.errors))[:10],
            "idle_cpu_ms_per_s": meter.idle_per_second * 1000, "steps": steps,
            "flow_cpu_ms": sum(step["mean"] for step in steps.values())}


def print_cost(cost: dict, think: tuple[float, float]) -> None:
    flow = cost["flow_cpu_ms"]
    print(f"\n## CPU per step, {cost['kiosks']} kiosks one at a time ({cost['errors']} errors; the server's "
          f"background {cost['idle_cpu_ms_per_s']:.1f} ms/s taken off)")
    print(f"{'step':42} {'n':>5} {'mean':>7} {'share':>6}  (ms of server CPU)")
    for step, figures in cost["steps"].items():
        print(f"{step:42} {figures['count']:>5} {figures['mean']:>7.1f} {100 * figures['mean'] / flow:>5.0f} %")
    thinking = len(cost["steps"]) * (think[0] + think[1]) / 2
    print(f"one flow: {flow:.0f} ms of server CPU; at {think[0]}–{think[1]} s between steps a flow takes about "
          f"{thinking:.0f} s of thinking, so N kiosks keep {flow / 1000 / thinking:.3f} × N cores busy "
          f"(50: {50 * flow / 1000 / thinking:.1f}, 100: {100 * flow / 1000 / thinking:.1f}, "
          f"200: {200 * flow / 1000 / thinking:.1f}; this machine has {psutil.cpu_count()})")
    for sample in cost["error_samples"]:
        print(f"  error: {sample}")


# --- Report -------------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:.0f}" if value == value else "—"


def print_level(level: dict) -> None:
    print(f"\n## {level['kiosks']} kiosks — wall {level['wall_s']:.1f} s")
    print(f"{'step':42} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  (ms)")
    for title, block in (("all events", {"": level["events"]}), ("groups", level["groups"]),
                         ("events by step", level["steps"]), ("HTTP (gateway page)", level["http"])):
        print(f"-- {title}")
        for name, f in block.items():
            print(f"{name or 'all websocket events':42} {f['count']:>5} {_ms(f['p50']):>7} {_ms(f['p95']):>7} "
                  f"{_ms(f['p99']):>7} {_ms(f['max']):>7}")
    print(f"errors {level['errors']}; flows completed {level['completed']}/{level['kiosks']}; payments in the "
          f"database: {level['payments_succeeded']} succeeded, {level['payments_other']} other; completed flows "
          f"with exactly one succeeded payment {level['flows_with_exactly_one_payment']}; payments of kiosks "
          f"that did not finish {level['payments_without_completed_flow']}")
    for sample in level["error_samples"]:
        print(f"  error: {sample}")
    print(f"backend RSS {level['rss_before_mb']:.0f} MB before, {level['rss_peak_mb']:.0f} MB peak, "
          f"{level['rss_after_mb']:.0f} MB after → {level['rss_per_session_kb']:.0f} KB per session (peak); "
          f"Redis {level['redis_per_session_kb']:.1f} KB per session")
    shares = ", ".join(f"{kind} {pct:.0f} %" for kind, pct in level["cpu_shares_pct"].items())
    print(f"CPU: machine {level['machine_cpu_busy_pct']:.0f} % busy ({shares}); the server's CPU per completed "
          f"flow {level['server_cpu_ms_per_flow']:.0f} ms; load average before "
          f"{level['load_average_before']:.1f}; backend log error lines {level['backend_log_errors']}")
    for line in level["backend_log_samples"]:
        print(f"  log: {line[:200]}")


def markdown_table(levels: list[dict], workers: int, think: tuple[float, float], arrive_over: float) -> str:
    rows = [
        "| киосков | событий | событий/с | p50, мс | p95, мс | p99, мс | p95 вход ЕСИА, мс | p95 страница оплаты, мс "
        "| ошибок | оплат завершено | платежей в базе | RSS до → пик, МБ | на сеанс, КБ | время, с |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for level in levels:
        e = level["events"]
        sign_in = level["groups"].get("sign-in", {}).get("p95", float("nan"))
        pay = level["groups"].get("payment page", {}).get("p95", float("nan"))
        rows.append(
            f"| {level['kiosks']} | {e['count']} | {e['count'] / level['wall_s']:.0f} | {_ms(e['p50'])} "
            f"| {_ms(e['p95'])} | {_ms(e['p99'])} "
            f"| {_ms(sign_in)} | {_ms(pay)} | {level['errors']} | {level['completed']} "
            f"| {level['payments_succeeded']} ({level['flows_with_exactly_one_payment']} ровно по одному) "
            f"| {level['rss_before_mb']:.0f} → {level['rss_peak_mb']:.0f} | {level['rss_per_session_kb']:.0f} "
            f"| {level['wall_s']:.0f} |"
        )
    rows.append(f"\n{workers} воркера Granian, PostgreSQL и Redis на той же машине (2 ядра), пауза «на подумать» "
                f"{think[0]}–{think[1]} с между шагами, киоски начинают в течение {arrive_over:g} с; "
                f"`bench/kiosks.py`.")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, nargs="*", help="kiosk counts to run, one level each "
                        "(default 50 100 200)")
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=2.0)
    parser.add_argument("--arrive-over", type=float, default=None,
                        help="kiosks start at random moments within this many seconds (default: --think-max)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--timeout", type=float, default=60.0, help="longest wait for one answer, s")
    parser.add_argument("--pause", type=float, default=5.0, help="quiet time between levels, s")
    parser.add_argument("--cost", type=int, default=0, metavar="N",
                        help="before the levels, run N kiosks one at a time and print each step's server CPU")
    parser.add_argument("--warm-up", type=int, default=None,
                        help="kiosks run once before the levels and left out of them (default: five per worker), "
                        "so that a level's memory per session is not the workers' first-use growth")
    args = parser.parse_args()
    levels = [count for count in (args.kiosks or DEFAULT_LEVELS) if count > 0]  # --kiosks 0: no levels
    workers = int(os.environ.get("GKH_BENCH_WORKERS", "4"))
    postgres_url = os.environ.get("GKH_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    redis_url = os.environ.get("GKH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    server_env = {name: value for name, value in os.environ.items() if name.startswith("GKH_")
                  and not name.startswith("GKH_BENCH_")}
    print(f"config: workers={workers}, PostgreSQL={postgres_url}, Redis={redis_url}, levels={levels}, "
          f"think {args.think_min}–{args.think_max} s, arrivals over {args.arrive_over or args.think_max} s "
          f"(seed {args.seed}), timeout {args.timeout:.0f} s, "
          f"CPUs={psutil.cpu_count()}, server env {server_env or '{}'}", flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="gkh-kiosks-") as workdir:
        started = time.monotonic()
        with serve_app(Path(workdir), postgres_url=postgres_url, redis_url=redis_url, workers=workers) as app:
            print(f"served at {app.url} in {time.monotonic() - started:.0f} s", flush=True)
            warm_up = 5 * workers if args.warm_up is None else args.warm_up
            people = seed_kiosk_people(app.database_url, warm_up + args.cost + sum(levels))
            config = Config(app.url, _compiled_state_hashes(), args.think_min, args.think_max, args.seed,
                            args.timeout, args.think_max if args.arrive_over is None else args.arrive_over)
            print(f"seeded {len(people)} kiosk residents; backend processes: "
                  f"{MemoryWatch(app.process).workers() + 1}", flush=True)
            offset = 0
            if warm_up:
                level = asyncio.run(run_level(app, people[:warm_up], config))
                offset = warm_up
                print(f"warm-up: {warm_up} kiosks, {level['errors']} errors, backend RSS "
                      f"{level['rss_before_mb']:.0f} → {level['rss_after_mb']:.0f} MB (first use of every worker)",
                      flush=True)
            cost = None
            if args.cost:
                cost = asyncio.run(run_cost(app, people[offset:offset + args.cost], config))
                offset += args.cost
                print_cost(cost, STRESS_THINK_S)
            for count in levels:
                time.sleep(args.pause)
                level = asyncio.run(run_level(app, people[offset:offset + count], config))
                offset += count
                results.append(level)
                print_level(level)
                sys.stdout.flush()
            if app.log and app.log.exists():  # the temporary folder goes away with the server
                OUT.parent.mkdir(parents=True, exist_ok=True)
                OUT.with_name("kiosks-reflex.log").write_text(app.log.read_text(errors="replace"))
    table = markdown_table(results, workers, (args.think_min, args.think_max), config.arrive_over)
    print("\n" + table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"workers": workers, "postgres": postgres_url, "redis": redis_url,
                               "think_s": [args.think_min, args.think_max], "arrive_over_s": config.arrive_over,
                               "seed": args.seed, "server_env": server_env, "cost": cost, "levels": results},
                              ensure_ascii=False, indent=1))
    ok = (cost is None or cost["errors"] == 0) and all(level["errors"] == 0 and level["completed"] == level["kiosks"]
             and level["flows_with_exactly_one_payment"] == level["completed"] for level in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
