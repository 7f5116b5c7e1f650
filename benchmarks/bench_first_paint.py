"""Benchmark (issue 17): the first page fully drawn in Chromium after the server is healthy,
the product beside the reference app (``benchmarks/reference_page.py``) in the same run.

Each repeat starts a fresh ``streamlit run`` (the product on a demo SQLite database built once
through the real import path, the reference app from memory), waits for
``/_stcore/health``, then opens the start page in a new headless Chromium context (Debian
Chromium through Playwright's ``executable_path``, as tests/browser/conftest.py does) and times
navigation → page drawn with no Streamlit status widget running (the same predicate as
``bench_load``). So the figure includes the server's first script run (imports, the first read
of the published values, the map). Target ≤ 3 s; median and worst of ``REPEATS``.

Run: ``.venv/bin/python -m benchmarks bench_first_paint``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_load import CHROMIUM_ARGS, _load_all, _serve, _stop

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
REPEATS = int(os.environ.get("UVTS_FIRST_PAINT_REPEATS", "3"))
TARGET_S = 3.0


def _first_paint(browser, script: Path, env: dict) -> float:
    """Seconds from navigation to the drawn page, on a server that has just become healthy."""
    proc, base = _serve(script, env)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            tab = context.new_page()
            times, errors = _load_all([tab], [f"{base}/"])
        finally:
            context.close()
    finally:
        _stop(proc)
    if errors or not times:
        raise RuntimeError(f"{script.name}: the page did not draw")
    return times[0]


def run() -> list[dict]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("/usr/bin/chromium (Debian package) is needed")
    with tempfile.TemporaryDirectory(prefix="uvts-bench-paint-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        env = {**os.environ, "UVTS_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        for args in (["-m", "store", "migrate"], ["-m", "sources.demo", "--if-empty"]):
            subprocess.run(
                [sys.executable, *args], check=True, env=env, cwd=ROOT, capture_output=True
            )
        product: list[float] = []
        reference: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                for _ in range(REPEATS):  # interleaved: both see the same machine load
                    product.append(_first_paint(browser, ROOT / "dashboard.py", env))
                    reference.append(
                        _first_paint(browser, ROOT / "benchmarks" / "reference_page.py", env)
                    )
            finally:
                browser.close()
    load = os.getloadavg()[0]
    pm, rm = statistics.median(product), statistics.median(reference)
    return [
        {
            "name": "first paint in Chromium, product (Översikt, demo SQLite)",
            "value": round(pm, 2),
            "unit": "s",
            "target": f"≤ {TARGET_S:g} s",
            "note": f"median of {REPEATS} fresh servers, worst {max(product):.2f} s; "
            f"{pm / rm:.2f}× the reference app; load average {load:.1f}",
        },
        {
            "name": "first paint in Chromium, reference app",
            "value": round(rm, 2),
            "unit": "s",
            "target": "",
            "note": f"median of {REPEATS} fresh servers, worst {max(reference):.2f} s; pydeck "
            "121 polygons + plotly + 121-row table from memory",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
