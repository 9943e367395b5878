"""Benchmark of «Оплата жилищно-коммунальных услуг» on the large demo set («Большой Набор»).

    .venv/bin/python bench/payment_page.py

Starts the production build (tests.browser.server.serve_app) on a fresh database, reloads it
with ``gkh demo --large`` and drives Debian's Chromium through Playwright:

a. page ready: click on «Оплатить ЖКУ» → ``#payment-total`` visible with text (in-page clock);
b. toggle / amount edit → updated ``#payment-total`` on screen (in-page clock, one evaluate each);
c. JS shipped to a fresh load of /pay, raw and gzipped (level 6);
d. websocket bytes per document toggle, ordinary resident «Иванов» vs «Большой Набор».

Prints a table and writes bench/out/payment_page.json. Goals (reported, not asserted):
toggle/edit p50 ≤ 5 ms and p95 ≤ 16 ms, page ready ≤ 800 ms, JS ≤ 350 KB gzipped,
websocket bytes per toggle not growing with the number of documents.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from gkh_web.services.demo_data import DEMO_LOGINS, LARGE_DEMO_LOGIN  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, KIOSK  # noqa: E402
from tests.browser.flows import sign_in_to_cabinet  # noqa: E402
from tests.browser.server import BIN, serve_app  # noqa: E402

N_READY = 15
N_TOGGLE = 50
N_EDIT = 50
N_WS_TOGGLES = 20
OUT = ROOT / "bench/out/payment_page.json"
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
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('total did not change')); }, 10000);
  const observer = new MutationObserver(() => {
    if (total.textContent !== before) {
      const dt = performance.now() - t0;
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
    first = page.locator(".payable-account").first
    expect(first).to_be_visible(timeout=30_000)
    expect(page.locator("#payment-total")).not_to_have_text("")
    first.locator(".documents-toggle").click()
    expect(first.locator(".payment-document").first).to_be_visible()
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


def measure_interactions(page: Page, url: str) -> dict:
    page.goto(url + "/pay")
    shown = open_first_account_documents(page)
    toggles = [page.evaluate(MEASURE_TOTAL_CHANGE, ["toggle", None]) for _ in range(N_TOGGLE)]
    edits = [page.evaluate(MEASURE_TOTAL_CHANGE, ["edit", "1234,5" if i % 2 == 0 else "987,65"])
             for i in range(N_EDIT)]
    return {"documents_in_first_account": shown, "toggle": summary(toggles), "amount_edit": summary(edits)}


def measure_js(browser, url: str) -> dict:
    page = new_page(browser)
    sign_in_to_cabinet(page, url, LARGE_DEMO_LOGIN.phone)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    scripts = {}
    page.on("response", lambda r: scripts.setdefault(r.url, r) if r.request.resource_type == "script" else None)
    page.goto(url + "/pay")
    expect(page.locator(".payable-account").first).to_be_visible(timeout=30_000)
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


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-pay-") as tmp, serve_app(Path(tmp)) as app:
        demo = subprocess.run([str(BIN / "gkh"), "demo", "--large"], env=app.env, cwd=ROOT, check=True,
                              capture_output=True, text=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = new_page(browser)
            sign_in_to_cabinet(page, app.url, LARGE_DEMO_LOGIN.phone)
            ready = measure_page_ready(page, app.url)
            accounts = page.locator(".payable-account").count()
            interactions = measure_interactions(page, app.url)
            page.context.close()
            js = measure_js(browser, app.url)
            ws = [measure_ws(browser, app.url, IVANOV), measure_ws(browser, app.url, LARGE_DEMO_LOGIN)]
            browser.close()
    result = {
        "dataset": {"description": "gkh demo --large: «Большой Набор», 10 accounts × 36 documents × 12 services",
                    "gkh_demo_output": re.sub(r"\s+", " ", demo.stdout).strip()[:400],
                    "accounts_on_page": accounts,
                    "documents_in_first_account": interactions["documents_in_first_account"]},
        "page_ready": ready,
        "toggle_to_total": interactions["toggle"],
        "amount_edit_to_total": interactions["amount_edit"],
        "js_payment_page": js,
        "ws_per_toggle": ws,
        "goals": {"toggle_edit_p50_ms": 5, "toggle_edit_p95_ms": 16, "page_ready_ms": 800, "js_gzip_kb": 350},
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
    print(f"{'metric':<44}{'median':>10}{'p95':>10}{'goal':>16}")
    rows = [("page ready: click → #payment-total", r["page_ready"]["total_visible"], "≤ 800 ms"),
            ("page ready: click → total + account rows", r["page_ready"]["total_and_rows_visible"], "≤ 800 ms"),
            (f"toggle → total (N={N_TOGGLE})", r["toggle_to_total"], "p50≤5, p95≤16"),
            (f"amount edit → total (N={N_EDIT})", r["amount_edit_to_total"], "p50≤5, p95≤16")]
    for name, s, goal in rows:
        print(f"{name:<44}{s['median_ms']:>8.1f}ms{s['p95_ms']:>8.1f}ms{goal:>16}")
    js = r["js_payment_page"]
    print(f"JS on /pay: {js['files']} files, {js['raw_kb']} KB raw, {js['gzip_kb']} KB gzip-6 (goal ≤ 350 KB)")
    for w in r["ws_per_toggle"]:
        print(f"ws per toggle [{w['login']}: {w['documents_on_page']} documents on page, "
              f"{w['documents_in_first_account']} in first account]: "
              f"{w['received_bytes_per_toggle']} B received, {w['sent_bytes_per_toggle']} B sent")


if __name__ == "__main__":
    main()
