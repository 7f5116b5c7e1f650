"""Several browser sessions (one Chromium, one page per session) against the app while an
import and a rollback run: no session errors, none ever sees half a batch, memory stays bounded.

This is a behaviour test; the load figures (30 sessions, page-complete times beside a
reference app) are measured by ``make bench`` (benchmarks/bench_load.py), not here.

On SQLite with one app process, and on PostgreSQL with two app processes sharing the database
(what a municipality runs behind its load balancer).  The batch sets every district's 2025
value of one indicator to exactly 50,0 %, so each table on screen is either all old values or
all 50,0 % — a mix would be a half-imported batch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from indicators.publish import rebuild
from tests.conftest import ROOT, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Sessions per test: enough that reruns on every app process overlap the import's open
#: transaction; the 30-session load lives in benchmarks/bench_load.py.
SESSIONS = int(os.environ.get("UVTS_TEST_SESSIONS", "6"))
INDICATOR = "ej_behoriga_gymnasiet"
NEW = {"50,0 %", "50.0%"}
RSS_LIMIT_MB = 1500
HEADER = {"sv": "Område", "en": "Area"}
#: The table's value column as the browser's accessibility tree has it (visible rows), once
#: the table is in the wanted language.
SHOWN_VALUES = """header => {
  const table = document.querySelector("[data-testid='stDataFrame'] table");
  if (!table) return null;
  const th = table.querySelector("th[aria-colindex='1']");
  if (!th || th.innerText.trim() !== header) return null;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return null;
  // the value column by its heading ("Värde (%)" / "Value (%)"), wherever the table puts it
  const value = [...table.querySelectorAll("thead th")]
    .find(h => /^(Värde|Value) /.test(h.innerText.trim()));
  if (!value) return null;
  const col = value.getAttribute("aria-colindex");
  const rows = [...table.querySelectorAll("tbody tr")];
  if (!rows.length) return null;
  return rows.map(r => ((r.querySelector(`[aria-colindex='${col}']`) || {}).innerText || "")
                       .replace(/\\u00a0/g, " "));
}"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """Peak resident memory of the app processes, sampled every 0.3 s."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids, self.peak, self.done = pids, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, *(rss_mb(p) for p in self.pids))
            time.sleep(0.3)


def slow_import(url: str, *, pause: float = 1.5) -> int:
    """One batch in two chunks with a pause inside the transaction; returns the batch id."""
    from store import Store
    from store.areas import read_area_table
    from store.observations import write_observations

    store = Store(url)
    codes = read_area_table(store).query("level == 'district'")["code"].tolist()
    rows = pd.DataFrame(
        {
            "measure_id": INDICATOR,
            "area_code": codes,
            "period": "2025",
            "count": 500.0,
            "denominator": 1000.0,
            "value": None,
        }
    )
    half = len(rows) // 2

    def chunks():
        yield rows.iloc[:half]
        time.sleep(pause)  # the first half is written, the second not yet
        yield rows.iloc[half:]

    batch = write_observations(
        store,
        chunks(),
        source="test",
        file_name="halvvägs.csv",
        checksum=f"concurrency-{time.time()}",
        user="test",
        synthetic=True,
    ).batch_id
    # As the product's import path does: publish the new data version once it is written.
    rebuild(store)
    store.dispose()
    return batch


def rollback(url: str, batch: int) -> None:
    from store import Store
    from store.observations import rollback_batch

    store = Store(url)
    rollback_batch(store, batch, user="test")
    rebuild(store)
    store.dispose()


def shown(pages, lang: str) -> list[list[str]]:
    """Wait for every page's table in ``lang``; returns what each one shows."""
    out = []
    for page in pages:
        # Interval polling: most pages are background tabs, where animation frames stall.
        page.wait_for_function(SHOWN_VALUES, arg=HEADER[lang], timeout=120_000, polling=100)
        assert page.locator("[data-testid='stException']").count() == 0
        assert "kan inte nås" not in page.inner_text("body")
        out.append(page.evaluate(SHOWN_VALUES, HEADER[lang]))
    return out


def rerun_all(pages, lang: str) -> list[list[str]]:
    """Every session reruns at once (the language toggle), then each table is read."""
    for page in pages:  # a DOM click: no waiting for a background tab to paint
        page.evaluate("""() => document.querySelector(
            "[data-testid='stSidebar'] input[role='switch'][aria-label='English']").click()""")
    return shown(pages, lang)


def state_of(values: list[str]) -> str:
    """'new', 'old' or 'mixed' (half a batch)."""
    new = [v in NEW for v in values]
    return "new" if all(new) else "old" if not any(new) else "mixed"


def run_sessions(
    browser, bases: list[str], url: str, pids: list[int], artifacts: Path, name: str
) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pages = [context.new_page() for _ in range(SESSIONS)]
    sampler = Sampler(pids)
    sampler.start()
    result: dict = {}
    try:
        for base in bases:  # each app once through its entry script (see test_injection.py)
            pages[0].goto(f"{base}/om-metod")
            pages[0].locator("[data-testid='stSidebarNav']").wait_for(timeout=60_000)
        started = time.time()
        # The sessions open (the JavaScript loads once per page); later rounds are reruns.
        for i, page in enumerate(pages):
            page.goto(
                f"{bases[i % len(bases)]}/jamforelse?ind={INDICATOR}&period=2025",
                wait_until="commit",
            )
        before = shown(pages, "sv")
        # 1. every session reruns while the import writes
        worker = threading.Thread(target=lambda: result.update(batch=slow_import(url)))
        worker.start()
        during_import = rerun_all(pages, "en")
        worker.join()
        # 2. afterwards every session, on every app process, sees the whole batch
        after_import = rerun_all(pages, "sv")
        # 3. every session reruns while the batch is rolled back
        worker = threading.Thread(target=rollback, args=(url, result["batch"]))
        worker.start()
        during_rollback = rerun_all(pages, "en")
        worker.join()
        # 4. and afterwards nobody sees it any more
        after_rollback = rerun_all(pages, "sv")
        result["seconds"] = time.time() - started
        pages[0].screenshot(path=str(artifacts / f"concurrency_{name}.png"))
    finally:
        sampler.done.set()
        context.close()
    result.update(
        before=[state_of(v) for v in before],
        during_import=[state_of(v) for v in during_import],
        after_import=[state_of(v) for v in after_import],
        during_rollback=[state_of(v) for v in during_rollback],
        after_rollback=[state_of(v) for v in after_rollback],
        peak_rss_mb=sampler.peak,
    )
    return result


def check(result: dict) -> None:
    for phase in ("before", "during_import", "after_import", "during_rollback", "after_rollback"):
        assert "mixed" not in result[phase], (phase, result[phase])
    assert set(result["before"]) == {"old"}
    assert set(result["after_import"]) == {"new"}
    assert set(result["after_rollback"]) == {"old"}
    assert result["peak_rss_mb"] < RSS_LIMIT_MB, result["peak_rss_mb"]


def test_sessions_on_sqlite_during_import_and_rollback(demo_db_file, tmp_path, browser, artifacts):
    db = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_file, db)
    url = f"sqlite:///{db}"
    proc, base = start_app(url)
    try:
        result = run_sessions(browser, [base], url, [proc.pid], artifacts, "sqlite")
    finally:
        stop_app(proc)
    print(
        f"sqlite: {result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB, "
        f"during import {result['during_import']}"
    )
    check(result)


def test_sessions_on_postgresql_with_two_app_processes(postgres_server, browser, artifacts):
    url = postgres_server()
    # Demo data on PostgreSQL only when asked for explicitly (docs/privacy.md, demo mode).
    demo = {"UVTS_DEMO": "1"}
    env = {**os.environ, "UVTS_DATABASE_URL": url, "PYTHONPATH": str(ROOT), **demo}
    for args in (["-m", "store", "migrate"], ["-m", "sources.demo", "--if-empty"]):
        subprocess.run([sys.executable, *args], check=True, env=env, cwd=ROOT, capture_output=True)
    apps = [start_app(url, extra_env=demo), start_app(url, extra_env=demo)]
    try:
        result = run_sessions(
            browser, [b for _, b in apps], url, [p.pid for p, _ in apps], artifacts, "postgresql"
        )
    finally:
        for proc, _ in apps:
            stop_app(proc)
    print(
        f"postgresql: {result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB, "
        f"during import {result['during_import']}"
    )
    check(result)
