"""Benchmark of «Оплата жилищно-коммунальных услуг» against a reference Reflex page, in one run.

    .venv/bin/python bench/payment_page.py

Starts the production build (tests.browser.server.serve_app) on a fresh database, reloads it
with ``gkh demo --large``, and next to it the reference page (``bench/reference``: 30 checkboxes
and a total the server computes, the same Reflex, the same ``reflex run --env prod``). Debian's
Chromium, driven through Playwright, measures with an in-page clock:

a. page ready: click on «Оплатить ЖКУ» → ``#payment-total`` visible with text;
b. click → the new «Итого» on screen, interleaved: one click on the reference page, one on
   «Большой Набор» (10 × 36 × 12), one on «Иванов» (9 documents), and so on; amount edits the same;
c. JS shipped to a fresh load of /pay, raw and gzipped (level 6);
d. websocket bytes per document toggle, «Иванов» vs «Большой Набор»;
e. a Chromium performance trace of toggles on each page: how much of a click's round trip is the
   browser's own work (scripts, i.e. React's render; style and layout; paint) and how much is the
   wait for the server's answer.

Every «Итого» comes from the server (no script of ours adds anything up), so (b) is a full round
trip. Timings on a shared 2-core machine are noisy: the figures are medians and p95 and, above
all, ratios to the reference measured in the same run. Goals (issue 11, reported, not asserted):
large-set toggle and edit p50 ≤ 1.5× and p95 ≤ 2× the reference; large-set p50 ≤ 1.2× Иванов's;
page ready ≤ 800 ms; JS ≤ 350 KB gzipped; websocket bytes per toggle not growing with documents.
Prints a table and writes bench/out/payment_page.json.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from gkh_web.services.data.demo_data import DEMO_LOGINS, LARGE_DEMO_LOGIN  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, KIOSK  # noqa: E402
from tests.browser.flows import open_amount_list, open_documents, sign_in_to_cabinet  # noqa: E402
from tests.browser.server import (  # noqa: E402
    BIN,
    free_port,
    offline_reflex_env,
    serve_app,
    stop_process,
    wait_until_served,
)

N_READY = 15
N_TOGGLE = 50
N_EDIT = 50
N_WS_TOGGLES = 20
N_TRACE = 20
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute"]
STYLE_LAYOUT = {"UpdateLayoutTree", "Layout", "RecalculateStyles"}
PAINT = {"Paint", "PrePaint", "Layerize", "UpdateLayer", "CompositeLayers", "Commit"}
OUT = ROOT / "bench/out/payment_page.json"
REFERENCE_APP = ROOT / "bench/reference"
IVANOV = {login.key: login for login in DEMO_LOGINS}["ivanov"]

# Installed on /cabinet before the click: the click time and the first moment #payment-total
# is visible with text (and, separately, when the account rows are there too).
INSTALL_READY_PROBE = """() => {
  window.__bench = {t0: null, total: null, rows: null};
  document.addEventListener('click', () => { window.__bench.t0 = performance.now(); },
                            {capture: true, once: true});
  const check = () => {
    const b = window.__bench;
    if (b.t0 === null) return;
    const el = document.getElementById('payment-total');
    const shown = el && el.textContent.trim() !== '' && el.getClientRects().length > 0;
    if (shown && b.total === null) b.total = performance.now();
    if (shown && b.rows === null && document.querySelector('.payable-account')) b.rows = performance.now();
    if (b.total !== null && b.rows !== null) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, {childList: true, subtree: true, characterData: true, attributes: true});
}"""

# One call: start the clock, act, resolve when the text of #payment-total changes.
MEASURE_TOTAL_CHANGE = """([action, value]) => new Promise((resolve, reject) => {
  const total = document.getElementById('payment-total');
  const before = total.textContent;
  const t0 = performance.now();
  console.timeStamp('bench-t0');  // marks the window in a Chromium trace (measure_trace)
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('total did not change')); }, 10000);
  const observer = new MutationObserver(() => {
    if (total.textContent !== before) {
      const dt = performance.now() - t0;
      console.timeStamp('bench-t1');
      observer.disconnect(); clearTimeout(timer); resolve(dt);
    }
  });
  observer.observe(total, {characterData: true, childList: true, subtree: true});
  const account = document.querySelector('.payable-account');
  if (action === 'toggle') {
    account.querySelector('.document-check:not([disabled])').click();
  } else {
    const input = account.querySelector('.document-amount input') || account.querySelector('input.document-amount');
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
  }
})"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "median_ms": round(statistics.median(values), 2), "p95_ms": round(pct(values, 95), 2),
            "min_ms": round(min(values), 2), "max_ms": round(max(values), 2)}


def new_page(browser) -> Page:
    return browser.new_context(viewport=KIOSK, locale="ru-RU").new_page()


def open_first_account_documents(page: Page) -> int:
    """«Сумма к оплате» starts collapsed (the seed): open it, then the first account's documents."""
    expect(page.locator("#amount-list-toggle")).to_be_visible(timeout=30_000)
    expect(page.locator("#payment-total")).not_to_have_text("")
    open_amount_list(page)
    first = page.locator(".payable-account").first
    open_documents(first)
    return first.locator(".payment-document").count()


def measure_page_ready(page: Page, url: str) -> dict:
    totals, rows = [], []
    for _ in range(N_READY):
        page.goto(url + "/cabinet")
        expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible(timeout=15_000)
        page.evaluate(INSTALL_READY_PROBE)
        page.get_by_role("link", name="Оплатить ЖКУ").click()
        page.wait_for_function("() => window.__bench && window.__bench.total !== null && window.__bench.rows !== null",
                               timeout=30_000)
        probe = page.evaluate("() => window.__bench")
        totals.append(probe["total"] - probe["t0"])
        rows.append(probe["rows"] - probe["t0"])
    return {"total_visible": summary(totals), "total_and_rows_visible": summary(rows)}


@contextmanager
def serve_reference(workdir: Path):
    """The reference page built and served like the app (``reflex run --env prod`` on a free port)."""
    app_dir = workdir / "reference"
    shutil.copytree(REFERENCE_APP, app_dir)
    env = offline_reflex_env("sqlite://")
    port = free_port()
    subprocess.run([str(BIN / "reflex"), "init", "--template", "blank", "--no-agents", "--loglevel", "warning"],
                   cwd=app_dir, env=env, check=True, capture_output=True)
    log = workdir / "reference.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(BIN / "reflex"), "run", "--env", "prod", "--frontend-port", str(port),
                                    "--backend-port", str(port)], cwd=app_dir, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_served(f"http://127.0.0.1:{port}", process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


def measure_interactions(pages: dict[str, Page]) -> dict:
    """Clicks and edits, interleaved page by page so that every page meets the same machine."""
    toggles: dict[str, list[float]] = {name: [] for name in pages}
    edits: dict[str, list[float]] = {name: [] for name in pages if name != "reference"}
    for _ in range(N_TOGGLE):
        for name, page in pages.items():
            toggles[name].append(page.evaluate(MEASURE_TOTAL_CHANGE, ["toggle", None]))
    for round_ in range(N_EDIT):
        for name, page in pages.items():
            if name in edits:
                edits[name].append(page.evaluate(MEASURE_TOTAL_CHANGE, ["edit", "1234,5" if round_ % 2 else "987,65"]))
    return {"toggle": {name: summary(values) for name, values in toggles.items()},
            "amount_edit": {name: summary(values) for name, values in edits.items()}}


def ratios(interactions: dict) -> dict:
    """Each figure over the reference's toggle figure of the same run (the goals are stated this way)."""
    reference = interactions["toggle"]["reference"]
    result = {}
    for kind in ("toggle", "amount_edit"):
        for name, figures in interactions[kind].items():
            result[f"{kind}/{name}"] = {"p50": round(figures["median_ms"] / reference["median_ms"], 2),
                                        "p95": round(figures["p95_ms"] / reference["p95_ms"], 2)}
    large, ivanov = interactions["toggle"]["large"], interactions["toggle"]["ivanov"]
    result["large_over_ivanov_p50"] = round(large["median_ms"] / ivanov["median_ms"], 2)
    return result


def _main_thread_work(trace) -> dict:
    """Per toggle: the window from the click to the new «Итого» in the DOM (the ``bench-t0``/``bench-t1``
    marks), and how much of it the renderer's main thread was busy: scripts, style and layout, paint."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    marks = sorted((e["ts"], e["args"]["data"]["message"], e["pid"]) for e in events
                   if e.get("name") == "TimeStamp" and e.get("args", {}).get("data", {}).get("message", "")
                   .startswith("bench-t"))
    windows, start = [], None
    for ts, message, pid in marks:
        if message == "bench-t0":
            start = (ts, pid)
        elif start is not None:
            windows.append((start[0], ts, start[1]))
            start = None
    main_threads = {(e["pid"], e["tid"]) for e in events
                    if e.get("ph") == "M" and e.get("name") == "thread_name"
                    and e.get("args", {}).get("name") == "CrRendererMain"}
    totals = {"window": 0.0, "busy": 0.0, "style_layout": 0.0, "paint": 0.0}
    tasks = [e for e in events if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in main_threads]
    for begin, end, pid in windows:
        totals["window"] += (end - begin) / 1000
        for e in tasks:
            if e["pid"] != pid:
                continue
            overlap = (min(end, e["ts"] + e.get("dur", 0)) - max(begin, e["ts"])) / 1000
            if overlap <= 0:
                continue
            if e["name"] == "RunTask":
                totals["busy"] += overlap
            elif e["name"] in STYLE_LAYOUT:
                totals["style_layout"] += overlap
            elif e["name"] in PAINT:
                totals["paint"] += overlap
    count = max(1, len(windows))
    work = {key: value / count for key, value in totals.items()}
    work["scripts_and_other"] = work["busy"] - work["style_layout"] - work["paint"]
    work["waiting"] = work["window"] - work["busy"]
    work["toggles"] = len(windows)
    return work


def measure_trace(browser, pages: dict[str, Page]) -> dict:
    """N_TRACE toggles per page under Chromium's tracer: each round trip split into browser work and waiting."""
    result = {}
    for name, page in pages.items():
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        for _ in range(N_TRACE):
            page.evaluate(MEASURE_TOTAL_CHANGE, ["toggle", None])
        work = _main_thread_work(json.loads(browser.stop_tracing()))
        result[name] = {key: round(value, 2) for key, value in work.items()}
    return result


def measure_js(browser, url: str) -> dict:
    page = new_page(browser)
    sign_in_to_cabinet(page, url, LARGE_DEMO_LOGIN.phone)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    scripts = {}
    page.on("response", lambda r: scripts.setdefault(r.url, r) if r.request.resource_type == "script" else None)
    page.goto(url + "/pay")
    expect(page.locator("#amount-list-toggle")).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    raw = gz = 0
    for response in scripts.values():
        body = response.body()
        raw += len(body)
        gz += len(gzip.compress(body, compresslevel=6))
    page.context.close()
    return {"files": len(scripts), "raw_kb": round(raw / 1024, 1), "gzip_kb": round(gz / 1024, 1)}


def measure_ws(browser, url: str, login) -> dict:
    page = new_page(browser)
    sign_in_to_cabinet(page, url, login.phone)
    counters = {"received": 0, "sent": 0, "on": False}

    def size(payload) -> int:
        return len(payload.encode()) if isinstance(payload, str) else len(payload)

    def count(kind: str, payload) -> None:
        if counters["on"]:
            counters[kind] += size(payload)

    def on_ws(ws) -> None:
        ws.on("framereceived", lambda payload: count("received", payload))
        ws.on("framesent", lambda payload: count("sent", payload))

    page.on("websocket", on_ws)
    page.goto(url + "/pay")
    shown = open_first_account_documents(page)
    total_documents = page.locator(".payment-document").count()
    page.wait_for_timeout(500)
    counters["on"] = True
    for _ in range(N_WS_TOGGLES):
        page.evaluate(MEASURE_TOTAL_CHANGE, ["toggle", None])
    page.wait_for_timeout(300)  # stragglers
    counters["on"] = False
    page.context.close()
    return {"login": login.key, "documents_in_first_account": shown, "documents_on_page": total_documents,
            "toggles": N_WS_TOGGLES, "received_bytes_per_toggle": round(counters["received"] / N_WS_TOGGLES, 1),
            "sent_bytes_per_toggle": round(counters["sent"] / N_WS_TOGGLES, 1)}


def _payment_page(browser, url: str, login) -> Page:
    page = new_page(browser)
    sign_in_to_cabinet(page, url, login.phone)
    page.goto(url + "/pay")
    open_first_account_documents(page)
    return page


def _reference_page(browser, url: str) -> Page:
    page = new_page(browser)
    page.goto(url + "/")
    expect(page.locator("#payment-total")).not_to_have_text("")
    page.wait_for_timeout(500)  # the socket is up
    return page


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-pay-") as tmp, serve_app(Path(tmp)) as app, \
            serve_reference(Path(tmp)) as reference_url:
        demo = subprocess.run([str(BIN / "gkh"), "demo", "--large"], env=app.env, cwd=ROOT, check=True,
                              capture_output=True, text=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = new_page(browser)
            sign_in_to_cabinet(page, app.url, LARGE_DEMO_LOGIN.phone)
            ready = measure_page_ready(page, app.url)
            accounts = page.locator(".payable-account").count()
            documents = page.locator(".payable-account").first.locator(".payment-document").count()
            page.context.close()
            pages = {"reference": _reference_page(browser, reference_url),
                     "large": _payment_page(browser, app.url, LARGE_DEMO_LOGIN),
                     "ivanov": _payment_page(browser, app.url, IVANOV)}
            interactions = measure_interactions(pages)
            trace = measure_trace(browser, pages)
            for opened in pages.values():
                opened.context.close()
            js = measure_js(browser, app.url)
            ws = [measure_ws(browser, app.url, IVANOV), measure_ws(browser, app.url, LARGE_DEMO_LOGIN)]
            browser.close()
    result = {
        "dataset": {"description": "gkh demo --large: «Большой Набор», 10 accounts × 36 documents × 12 services",
                    "gkh_demo_output": re.sub(r"\s+", " ", demo.stdout).strip()[:400],
                    "accounts_on_page": accounts, "documents_in_first_account": documents},
        "page_ready": ready,
        "toggle_to_total": interactions["toggle"],
        "amount_edit_to_total": interactions["amount_edit"],
        "ratios_to_reference": ratios(interactions),
        "js_payment_page": js,
        "ws_per_toggle": ws,
        "trace_per_toggle": trace,
        "goals": {"large_p50_ratio": 1.5, "large_p95_ratio": 2.0, "large_over_ivanov_p50": 1.2,
                  "page_ready_ms": 800, "js_gzip_kb": 350},
        "wall_s": round(time.monotonic() - started, 1),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print_table(result)
    print(f"\nJSON: {OUT.relative_to(ROOT)}")


def print_table(r: dict) -> None:
    d = r["dataset"]
    print(f"Dataset: {d['description']}; {d['accounts_on_page']} accounts on /pay, "
          f"{d['documents_in_first_account']} documents in the first account")
    print(f"{'metric':<46}{'median':>10}{'p95':>10}{'p50/ref':>9}{'p95/ref':>9}")
    for name, key in (("page ready: click → #payment-total", "total_visible"),
                      ("page ready: click → total + account rows", "total_and_rows_visible")):
        figures = r["page_ready"][key]
        print(f"{name:<46}{figures['median_ms']:>8.1f}ms{figures['p95_ms']:>8.1f}ms")
    labels = {"reference": "reference page (30 boxes)", "large": "«Большой Набор» (10 × 36)",
              "ivanov": "«Иванов» (9 documents)"}
    for kind, title in (("toggle_to_total", "toggle"), ("amount_edit_to_total", "amount edit")):
        ratio_kind = "toggle" if kind == "toggle_to_total" else "amount_edit"
        for name, figures in r[kind].items():
            ratio = r["ratios_to_reference"][f"{ratio_kind}/{name}"]
            print(f"{title + ' → Итого, ' + labels[name]:<46}{figures['median_ms']:>8.1f}ms"
                  f"{figures['p95_ms']:>8.1f}ms{ratio['p50']:>9.2f}{ratio['p95']:>9.2f}")
    print(f"large-set p50 / Иванов p50: {r['ratios_to_reference']['large_over_ivanov_p50']} (goal ≤ 1.2); "
          "goals on the large set: p50/ref ≤ 1.5, p95/ref ≤ 2")
    print("Chromium trace, mean per toggle (ms): click → new «Итого» in the DOM = main thread busy "
          "(scripts + style/layout + paint) + waiting for the server's answer")
    for name, t in r["trace_per_toggle"].items():
        print(f"  {labels[name]:<30}{t['window']:>6.1f} = {t['busy']:>4.1f} ({t['scripts_and_other']:.1f} + "
              f"{t['style_layout']:.1f} + {t['paint']:.1f}) + {t['waiting']:>4.1f}   [{t['toggles']} toggles]")
    js = r["js_payment_page"]
    print(f"JS on /pay: {js['files']} files, {js['raw_kb']} KB raw, {js['gzip_kb']} KB gzip-6 (goal ≤ 350 KB)")
    for w in r["ws_per_toggle"]:
        print(f"ws per toggle [{w['login']}: {w['documents_on_page']} documents on page, "
              f"{w['documents_in_first_account']} in first account]: "
              f"{w['received_bytes_per_toggle']} B received, {w['sent_bytes_per_toggle']} B sent")


if __name__ == "__main__":
    main()
