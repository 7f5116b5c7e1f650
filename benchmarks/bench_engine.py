"""Benchmark (issue 17): the product's national rebuild — import → published table.

A national-scale store (6 000 small areas under 300 districts, 11 years, the 25 catalogue
indicators: 1 650 000 observations; :mod:`benchmarks.national`) is written through the
store's own import function, then the product's own road is measured, each step in a fresh
child process so that its peak memory (``VmHWM``) is its own:

* ``import`` — :func:`store.observations.write_observations` of the 1,65 M rows;
* ``rebuild`` — :func:`indicators.publish.rebuild`: read the observations, compute every value
  at every level (roll-ups, intervals, verdicts, trends, disclosure control), audit the
  disclosure control, write the published table and flip the version — on SQLite and on a
  throwaway PostgreSQL server;
* ``engine`` — :func:`indicators.engine.compute_frame` alone on the observations already in
  memory (target ≤ 2 s, aim 0,5 s; peak < 1 GB), beside its floor: numpy Wilson intervals
  (:func:`indicators.stats.proportion_ci`) on the same number of rows, in the same child.

Times are wall-clock and CPU seconds of the child (CPU is what the step costs; on this shared
2-core machine wall time also counts other people's work).

Run: ``.venv/bin/python -m benchmarks bench_engine``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import pgserver

ROOT = Path(__file__).resolve().parents[1]
ENGINE_TARGET_S = 2.0
MEMORY_TARGET_MB = 1024

_CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
mode, url = sys.argv[1], sys.argv[2]
from store import Store
import indicators  # noqa: F401 - input functions registered before timing
from catalogue import load_catalogue
load_catalogue()
store = Store(url)
out = {{}}
def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - w, time.process_time() - c
if mode == "import":
    from benchmarks.national import build_national_store
    store.migrate()
    rows, out["wall"], out["cpu"] = timed(lambda: build_national_store(store))
    out["rows"] = rows
elif mode == "rebuild":
    from indicators.publish import rebuild
    result, out["wall"], out["cpu"] = timed(lambda: rebuild(store))
    out["rows"] = result.rows
    out["audit"] = result.audit
else:
    import numpy as np
    from indicators.engine import compute_frame
    from indicators.stats import proportion_ci
    from store.areas import read_area_table
    from store.observations import read_observations
    areas = read_area_table(store)
    obs, out["read_wall"], out["read_cpu"] = timed(lambda: read_observations(store))
    compute_frame(obs.iloc[:2000], areas)  # warm: first calls import scipy etc.
    frame, out["wall"], out["cpu"] = timed(lambda: compute_frame(obs, areas, categorical=True))
    out["rows"] = len(frame)
    x = obs["count"].to_numpy(float); n = np.maximum(obs["denominator"].to_numpy(float), x)
    _, out["floor_wall"], out["floor_cpu"] = timed(lambda: proportion_ci(x, n))
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
out["peak_mb"] = int(hwm[0].split()[1]) / 1024
print(json.dumps(out))
"""


def _child(mode: str, url: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD.format(root=str(ROOT)), mode, url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr else mode)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _measure(label: str, url: str, *, engine: bool) -> list[dict]:
    imported = _child("import", url)
    rows = [
        {
            "name": f"national import 1,65 M rows → {label}",
            "value": imported["rows"] / imported["wall"],
            "unit": "rows/s",
            "target": "",
            "note": f"{imported['wall']:.1f} s wall, {imported['cpu']:.1f} s CPU "
            "(store.observations.write_observations)",
        }
    ]
    rebuilt = _child("rebuild", url)
    rows += [
        {
            "name": f"national rebuild → published ({label})",
            "value": round(rebuilt["wall"], 2),
            "unit": "s",
            "target": "",
            "note": f"{rebuilt['cpu']:.1f} s CPU; {rebuilt['rows']:,} published rows; "
            f"read + compute + audit + write + flip; {rebuilt['audit']}",
        },
        {
            "name": f"national rebuild peak RSS ({label})",
            "value": round(rebuilt["peak_mb"], 1),
            "unit": "MB",
            "target": f"< {MEMORY_TARGET_MB}",
            "note": "VmHWM of the rebuilding child process, interpreter included",
        },
    ]
    if engine:
        e = _child("engine", url)
        rows += [
            {
                "name": "engine compute_frame, national (in memory)",
                "value": round(e["cpu"], 2),
                "unit": "s CPU",
                "target": f"≤ {ENGINE_TARGET_S:g} s (aim 0,5)",
                "note": f"{e['wall']:.2f} s wall; {e['rows']:,} rows out; floor: numpy Wilson "
                f"on the same rows {e['floor_cpu']:.3f} s CPU "
                f"(ratio {e['cpu'] / max(e['floor_cpu'], 1e-9):.0f}×)",
            },
            {
                "name": "engine read_observations, national (SQLite)",
                "value": round(e["read_cpu"], 2),
                "unit": "s CPU",
                "target": "",
                "note": f"{e['read_wall']:.2f} s wall; the store read before the engine",
            },
            {
                "name": "engine child peak RSS (read + compute)",
                "value": round(e["peak_mb"], 1),
                "unit": "MB",
                "target": f"< {MEMORY_TARGET_MB}",
                "note": "VmHWM",
            },
        ]
    return rows


def run() -> list[dict]:

    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="uvts-bench-engine-") as tmp:
        rows += _measure("sqlite", f"sqlite:///{Path(tmp) / 'national.sqlite'}", engine=True)
    if pgserver.available():
        with pgserver.throwaway_server() as port:
            url = pgserver.create_database(port, "uvts_national")
            rows += _measure("postgresql", url, engine=False)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
