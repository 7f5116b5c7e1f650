"""Benchmark (issue 17): the product under load, always beside the reference app under the same
load in the same run (absolute seconds on a shared 2-core machine that also runs the browsers
mean little).

The product (``dashboard.py``) and the reference app (``benchmarks/reference_page.py``: a pydeck
map of the 121 stadsdelar, a plotly chart and a 121-row table drawn from memory) are served by
``streamlit run`` on loopback ports, the product on a throwaway PostgreSQL server holding the
demo data (published through the real import path). Headless Chromium (Playwright) drives
them.

1. **CPU per page view**: for every page of the product (as admin, so every page exists),
   ``VIEWS`` page loads by parallel browser tabs; the app process's CPU seconds (utime + stime
   from ``/proc/PID/stat``) divided by the views; the reference app's page the same way.
   Target ≤ 1,3× the reference.
2. **Sessions**: ``SESSIONS`` (30; ``UVTS_LOAD_SESSIONS``) browser tabs spread over two app
   processes sharing the database each walk every page on their own, like visitors (the next
   page as soon as the current one is drawn; tab ``i`` starts at page ``i``, so every page is
   in flight at once) while an import and then a rollback run through :mod:`access.reads`
   (each followed by the rebuild of the published values); the same tabs then walk the
   reference app (two processes) ``REFERENCE_ROUNDS`` times each. Page-complete time = from
   navigation to the page drawn with no Streamlit status widget running. Targets: 0 errors
   (each error is named: page and exception text), p95 ≤ 1,3× the reference app's p95; median,
   p95 and max of both are reported, and the app processes' CPU seconds per view during the
   walk beside the reference's.

Only in ``make bench`` (``python -m benchmarks bench_load``), never in ``make test``.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from access.reads import import_file, rollback
from common import pgserver
from store import Store

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "oversikt",
    "karta",
    "trender",
    "omradesprofil",
    "jamforelse",
    "est",
    "data",
    "om-metod",
    "admin",
]
SESSIONS = int(os.environ.get("UVTS_LOAD_SESSIONS", "30"))
VIEWS = int(os.environ.get("UVTS_LOAD_VIEWS", "4"))
#: Seconds a walk opens new pages (then the pages in flight finish): keeps the whole benchmark
#: near 10 minutes on the 2-core machine; the views left are reported.
WALK_BUDGET_S = float(os.environ.get("UVTS_LOAD_BUDGET_S", "150"))
#: Views of the reference page per session (its p95 settles with fewer views than 9 pages).
REFERENCE_ROUNDS = int(os.environ.get("UVTS_LOAD_REFERENCE_ROUNDS", "3"))
TIMEOUT_S = 240
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: True once the page has drawn and Streamlit is not running the script any more.
COMPLETE = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  return main.querySelectorAll('[data-testid="stElementContainer"]').length > 0;
}"""
#: What went wrong on the page ("" when nothing did): an exception box or the database message.
FAILED = """() => {
  const e = document.querySelector('[data-testid="stException"]');
  if (e) return 'exception: ' + e.innerText.slice(0, 300).replace(/\\s+/g, ' ');
  for (const a of document.querySelectorAll('[data-testid="stAlert"]'))
    if (a.textContent.includes('kan inte nås')) return 'database unreachable';
  return '';
}"""
#: One round trip per tab and poll: "F:what" (failed), "D" (complete) or "" (not yet).
STATUS = f"""() => {{
  const failed = ({FAILED})();
  if (failed) return 'F:' + failed;
  return ({COMPLETE})() ? 'D' : '';
}}"""
#: Seconds between two polls of the walking tabs (30 tabs: one round trip each per poll).
POLL_S = 0.1
#: Errors seen by the walks, "page: what" (printed in the figures' notes).
ERRORS: list[str] = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(script: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not start: {script}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load_all(tabs, urls: list[str]) -> tuple[list[float], int]:
    """Navigate every tab to its URL at once; seconds until each is complete, and errors."""
    started = {}
    for tab, url in zip(tabs, urls, strict=True):
        started[id(tab)] = time.perf_counter()
        tab.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000)
    pending = list(tabs)
    times: list[float] = []
    errors = 0
    deadline = time.perf_counter() + TIMEOUT_S
    while pending:
        for tab in list(pending):
            try:
                if tab.evaluate(FAILED):
                    errors += 1
                    pending.remove(tab)
                elif tab.evaluate(COMPLETE):
                    times.append(time.perf_counter() - started[id(tab)])
                    pending.remove(tab)
            except Exception:  # noqa: BLE001 - a navigation in flight; ask again
                continue
        if time.perf_counter() > deadline:
            errors += len(pending)
            break
        time.sleep(0.05)
    return times, errors


def _cpu_per_view(context, pid: int, urls: list[str]) -> float:
    tabs = [context.new_page() for _ in urls]
    try:
        _load_all(tabs[:1], urls[:1])  # warm: first run of the page in this process
        time.sleep(0.5)
        before = cpu_seconds(pid)
        _, errors = _load_all(tabs, urls)
        time.sleep(0.5)  # the script finishes after the last delta is drawn
        used = cpu_seconds(pid) - before
    finally:
        for tab in tabs:
            tab.close()
    if errors:
        raise RuntimeError(f"{errors} errors while measuring CPU")
    return used / len(urls)


def _walk(
    context, bases: list[str], paths: list[str], *, during=None
) -> tuple[list[float], int, float, int]:
    """SESSIONS tabs spread over ``bases``; each walks ``paths`` on its own, like a visitor: the
    next page is opened as soon as the current one is complete (or has failed), and session
    ``i`` starts at page ``i`` so every page is in flight at once. After ``WALK_BUDGET_S`` no
    new page is opened (the pages in flight finish). Returns the page-complete times, the
    errors, the wall time of the walk and the views not started within the budget."""
    tabs = [context.new_page() for _ in range(SESSIONS)]
    worker = threading.Thread(target=during) if during else None
    times: list[float] = []
    errors = 0
    order = [[paths[(i + k) % len(paths)] for k in range(len(paths))] for i in range(SESSIONS)]
    step = [0] * SESSIONS
    started = [0.0] * SESSIONS
    begin = time.perf_counter()

    def navigate(i: int) -> None:
        started[i] = time.perf_counter()
        tabs[i].goto(
            f"{bases[i % len(bases)]}{order[i][step[i]]}",
            wait_until="commit",
            timeout=TIMEOUT_S * 1000,
        )

    skipped = 0
    shown = begin
    try:
        if worker:
            worker.start()
        for i in range(SESSIONS):
            navigate(i)
        pending = set(range(SESSIONS))
        while pending:
            if time.perf_counter() - shown > 30:
                shown = time.perf_counter()
                print(
                    f"  walk {shown - begin:.0f} s: {len(times)} views, {errors} errors",
                    file=sys.stderr,
                    flush=True,
                )
            for i in sorted(pending):
                now = time.perf_counter()
                try:
                    state = tabs[i].evaluate(STATUS)
                except Exception:  # noqa: BLE001 - a navigation in flight; ask again
                    state = ""
                failed = state[2:] if state.startswith("F:") else False
                done = bool(state)
                if not done and now - started[i] > TIMEOUT_S:
                    failed = done = True
                if not done:
                    continue
                if failed:
                    errors += 1
                    what = failed if isinstance(failed, str) else f"no page after {TIMEOUT_S} s"
                    ERRORS.append(f"{order[i][step[i]]}: {what}")
                else:
                    times.append(now - started[i])
                step[i] += 1
                if step[i] < len(paths) and now - begin > WALK_BUDGET_S:
                    skipped += len(paths) - step[i]
                    step[i] = len(paths)
                if step[i] == len(paths):
                    pending.discard(i)
                else:
                    navigate(i)
            time.sleep(POLL_S)
        if worker:
            worker.join()
    finally:
        for tab in tabs:
            tab.close()
    return times, errors, time.perf_counter() - begin, skipped


def _stats(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times) or [float("nan")]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered), p95, ordered[-1]


def _import_and_rollback(url: str, tmp: Path, log: list[str]) -> None:
    """What an analyst does meanwhile: import a file, then roll it back (each rebuilds)."""

    path = tmp / "belastning.csv"
    path.write_text(
        "omrade;period;matt;antal;namnare\n"
        + "".join(
            f"{name};2025;ej_behoriga_gymnasiet;{20 + i};200\n"
            for i, name in enumerate(["Ersboda", "Mariehem", "Ålidhem", "Tomtebo"])
        ),
        encoding="utf-8",
    )
    store = Store(url)
    try:
        result = import_file(store, "admin", path, user="bench")
        log.append(f"import {result.batch_id}")
        time.sleep(2)
        log.append(rollback(store, "admin", result.batch_id, user="bench"))
    finally:
        store.dispose()


def run() -> list[dict]:
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    if not pgserver.available() or not Path(chromium).exists():
        raise RuntimeError("PostgreSQL server binaries and /usr/bin/chromium are needed")
    rows: list[dict] = []
    with (
        pgserver.throwaway_server() as port,
        tempfile.TemporaryDirectory(prefix="uvts-bench-load-") as tmp_name,
    ):
        tmp = Path(tmp_name)
        url = pgserver.create_database(port, "uvts_load")
        env = {**os.environ, "UVTS_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        for args in (["-m", "store", "migrate"], ["-m", "sources.demo", "--if-empty"]):
            subprocess.run(
                [sys.executable, *args], check=True, env=env, cwd=ROOT, capture_output=True
            )
        apps = [_serve(ROOT / "dashboard.py", env) for _ in range(2)]
        refs = [_serve(ROOT / "benchmarks" / "reference_page.py", env) for _ in range(2)]
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=chromium, headless=True, args=CHROMIUM_ARGS
                )
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                rows += _first_paint_rows(context, apps[0], refs[0])
                rows += _cpu_rows(context, apps[0], refs[0])
                rows += _session_rows(context, apps, refs, url, tmp)
                browser.close()
        finally:
            for proc, _ in [*apps, *refs]:
                _stop(proc)
    return rows


def _first_paint_rows(context, app, ref) -> list[dict]:
    """The first page load of a freshly started (healthy) server, product and reference."""
    out = []
    for label, base, target in (
        ("product Översikt", f"{app[1]}/", "≤ 3 s"),
        ("reference app", f"{ref[1]}/", ""),
    ):
        tab = context.new_page()
        try:
            times, errors = _load_all([tab], [base])
        finally:
            tab.close()
        out.append(
            {
                "name": f"first paint in Chromium, {label}",
                "value": round(times[0], 2) if times else float("nan"),
                "unit": "s",
                "target": target,
                "note": "navigation → page drawn, Streamlit idle; first view after /_stcore/health"
                + (f"; {errors} errors" if errors else ""),
            }
        )
    return out


def _cpu_rows(context, app, ref) -> list[dict]:
    (app_proc, app_base), (ref_proc, ref_base) = app, ref
    reference = _cpu_per_view(context, ref_proc.pid, [f"{ref_base}/"] * VIEWS)
    rows = [
        {
            "name": "load: server CPU per view, reference app",
            "value": round(reference, 3),
            "unit": "s",
            "target": "",
            "note": f"{VIEWS} parallel views; utime+stime of the app process (/proc)",
        }
    ]
    for page in PAGES:
        urls = [f"{app_base}/{page}?roll=admin"] * VIEWS
        used = _cpu_per_view(context, app_proc.pid, urls)
        rows.append(
            {
                "name": f"load: server CPU per view, {page}",
                "value": round(used, 3),
                "unit": "s",
                "target": "≤ 1,3× ref",
                "note": f"{used / reference:.2f}× the reference app",
            }
        )
    return rows


def _warm(context, urls: list[str]) -> None:
    """Open each URL once (not timed): every process has run every page before the walk."""
    tabs = [context.new_page() for _ in urls]
    try:
        _load_all(tabs, urls)
    finally:
        for tab in tabs:
            tab.close()


def _session_rows(context, apps, refs, url: str, tmp: Path) -> list[dict]:
    log: list[str] = []
    paths = [f"/{page}?roll=admin" for page in PAGES]
    _warm(context, [f"{base}{path}" for _, base in apps for path in paths])
    _warm(context, [f"{base}/" for _, base in refs])
    app_pids = [proc.pid for proc, _ in apps]
    cpu0 = sum(cpu_seconds(pid) for pid in app_pids)
    product, product_errors, product_wall, product_skipped = _walk(
        context,
        [b for _, b in apps],
        paths,
        during=lambda: _import_and_rollback(url, tmp, log),
    )
    product_cpu = (sum(cpu_seconds(pid) for pid in app_pids) - cpu0) / max(len(product), 1)
    ref_pids = [proc.pid for proc, _ in refs]
    cpu0 = sum(cpu_seconds(pid) for pid in ref_pids)
    reference, reference_errors, reference_wall, reference_skipped = _walk(
        context, [b for _, b in refs], ["/"] * REFERENCE_ROUNDS
    )
    reference_cpu = (sum(cpu_seconds(pid) for pid in ref_pids) - cpu0) / max(len(reference), 1)
    pm, p95, pmax = _stats(product)
    rm, r95, rmax = _stats(reference)
    load = os.getloadavg()
    note = (
        f"{SESSIONS} sessions × {len(PAGES)} pages on 2 app processes + PostgreSQL, "
        f"{len(product)} views in {product_wall:.0f} s"
        + (f" ({product_skipped} views left for the budget)" if product_skipped else "")
        + f"; load average {load[0]:.1f}/{load[1]:.1f}"
    )
    return [
        {
            "name": f"load: {SESSIONS} sessions, errors (product)",
            "value": product_errors,
            "unit": "",
            "target": "0",
            "note": f"{note}; meanwhile: {'; '.join(log) or 'import/rollback did not finish'}"
            + (f"; errors: {' | '.join(sorted(set(ERRORS)))[:600]}" if ERRORS else ""),
        },
        {
            "name": f"load: {SESSIONS} sessions, page-complete p95 (product)",
            "value": round(p95, 2),
            "unit": "s",
            "target": "≤ 1,3× ref",
            "note": f"median {pm:.2f} s, max {pmax:.2f} s; {p95 / r95:.2f}× the reference p95",
        },
        {
            "name": f"load: {SESSIONS} sessions, page-complete p95 (reference)",
            "value": round(r95, 2),
            "unit": "s",
            "target": "",
            "note": f"median {rm:.2f} s, max {rmax:.2f} s; errors {reference_errors}; the same "
            f"{SESSIONS} sessions, {REFERENCE_ROUNDS} views each ({len(reference)} views in "
            f"{reference_wall:.0f} s"
            + (f", {reference_skipped} left for the budget)" if reference_skipped else ")"),
        },
        {
            "name": f"load: {SESSIONS} sessions, server CPU per view under load (product)",
            "value": round(product_cpu, 3),
            "unit": "s",
            "target": "≤ 1,3× ref",
            "note": f"both app processes (/proc), all pages, while the import and rollback ran "
            f"(in the benchmark process); "
            f"{product_cpu / max(reference_cpu, 1e-9):.2f}× the reference app's "
            f"{reference_cpu:.3f} s under the same sessions",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
