"""Benchmark: the EST weekly lägesbild over 1 000 000 incidents (10 years, whole municipality).

Synthetic incidents (fixed seed) on the real 250 m grid of Umeå: 70 % around twelve town and
village centres, 30 % spread over every cell of the municipality, 520 ISO weeks with an annual
cycle and evening peaks.  Measured:

* ``week_data`` for one week from the whole 1 M-row DataFrame (as :func:`store.est.read_incidents`
  returns it): target < 200 ms;
* ``hotspots`` (Getis–Ord Gi*, 999 permutations) over that week's cell set (every cell with an
  incident this week or the eight before): target < 2 s; also with the brief's 9 999;
* from a SQLite file with the same 1 M rows: ``read_incidents`` of the nine weeks plus
  ``week_data`` (the page's whole path).

Run: ``.venv/bin/python -m benchmarks bench_est`` (or ``python benchmarks/bench_est.py``).
"""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from access.reads import est_week as access_est_week
from common.fmt import iso_week  # noqa: E402
from geo.grid import cells_in_municipality  # noqa: E402
from indicators.est import (  # noqa: E402
    DETECTION_PERMUTATIONS,
    PERMUTATIONS,
    WEEK_COLUMNS,
    hotspot_cells,
    hotspots,
    week_data,
    weeks_needed,
)
from store import Store
from store.est import read_incidents

N_INCIDENTS = 1_000_000
N_WEEKS = 520
LAST_WEEK = "2025-W47"
SEED = 20251125
WEEK_TARGET_MS = 200.0
E2E_TARGET_MS = 100.0  # issue 17
HOTSPOT_TARGET_S = 2.0
# Town and village centres (SWEREF 99 TM) and spreads in metres.
CENTRES = np.array(
    [
        (761950, 7086850, 400),
        (761400, 7092300, 500),
        (758806, 7088247, 600),
        (761700, 7089700, 500),
        (764377, 7086664, 500),
        (759800, 7089700, 500),
        (759000, 7087000, 600),
        (762900, 7089500, 500),
        (756400, 7090400, 600),
        (765600, 7076300, 700),
        (743300, 7064200, 600),
        (772200, 7098100, 600),
    ],
    dtype=float,
)
TYPES = np.array(
    [
        "skadegörelse",
        "klotter",
        "narkotika",
        "personrån",
        "hot",
        "ordningsstörning",
        "brand",
        "samling av unga",
        "stöld",
        "inbrott",
        "annat",
    ],
    dtype=object,
)
PARTNERS = np.array(
    ["polis", "fastighetsbolag", "Gator och parker", "fältare", "handel"], dtype=object
)


def synthetic_incidents(n: int = N_INCIDENTS, *, seed: int = SEED) -> pd.DataFrame:
    """``n`` incidents shaped like :func:`store.est.read_incidents`' result.

    Examples
    --------
    >>> frame = synthetic_incidents(1_000)
    >>> frame.columns.tolist()[:4], frame["iso_week"].max()
    (['id', 'occurred_at', 'iso_week', 'type'], '2025-W47')
    """
    rng = np.random.default_rng(seed)
    grid = cells_in_municipality()
    cx = grid["cell_x"].to_numpy()
    cy = grid["cell_y"].to_numpy()
    # Cell weights: a small uniform floor over the municipality plus town kernels.
    kernel = np.zeros(len(grid))
    for x, y, s in CENTRES:
        kernel += np.exp(-((cx + 125 - x) ** 2 + (cy + 125 - y) ** 2) / (2 * s * s))
    weights = 0.3 * np.ones(len(grid)) / len(grid) + 0.7 * kernel / kernel.sum()
    cell = rng.choice(len(grid), size=n, p=weights / weights.sum())

    last_monday = pd.Timestamp.fromisocalendar(int(LAST_WEEK[:4]), int(LAST_WEEK[6:]), 1)
    first_monday = last_monday - pd.Timedelta(weeks=N_WEEKS - 1)
    week_numbers = np.arange(N_WEEKS)
    season = 1 + 0.25 * np.cos(2 * np.pi * (week_numbers % 52 - 35) / 52)
    week = rng.choice(N_WEEKS, size=n, p=season / season.sum())
    hour_weight = np.array(
        [
            2,
            1.5,
            0.8,
            0.4,
            0.3,
            0.3,
            0.4,
            0.6,
            0.8,
            0.9,
            1,
            1.1,
            1.2,
            1.3,
            1.5,
            1.9,
            2.3,
            2.8,
            3.4,
            4,
            4.4,
            4.6,
            4.2,
            3,
        ]
    )
    offset = (
        rng.integers(0, 7, size=n) * 86_400
        + rng.choice(24, size=n, p=hour_weight / hour_weight.sum()) * 3_600
        + rng.integers(0, 3_600, size=n)
    )
    times = first_monday.to_datetime64().astype("datetime64[s]") + (
        week * 7 * 86_400 + offset
    ).astype("timedelta64[s]")
    order = np.argsort(times, kind="stable")
    labels = np.array(
        [iso_week((first_monday + pd.Timedelta(weeks=int(k))).date()) for k in week_numbers],
        dtype=object,
    )
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "occurred_at": times[order].astype("datetime64[us]"),
            "iso_week": pd.array(labels[week[order]], dtype="str"),
            "type": pd.array(TYPES[rng.integers(0, len(TYPES), size=n)], dtype="str"),
            "partner": pd.array(PARTNERS[rng.integers(0, len(PARTNERS), size=n)], dtype="str"),
            "cell_x": cx[cell[order]].astype(np.int64),
            "cell_y": cy[cell[order]].astype(np.int64),
            "district_code": pd.array(
                grid["district_code"].to_numpy(dtype=object)[cell[order]], dtype="str"
            ),
            "synthetic": np.ones(n, dtype=bool),
        }
    )


def _timed(function, repeats: int, *, cpu: list | None = None) -> tuple[float, object]:
    """Median wall seconds of ``repeats`` calls (and, into ``cpu``, the median CPU seconds of
    this process: on a loaded machine the wall time mostly measures the other processes)."""
    times, cpu_times, result = [], [], None
    for _ in range(repeats):
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    if cpu is not None:
        cpu.append(statistics.median(cpu_times))
    return statistics.median(times), result


def _sqlite_with(frame: pd.DataFrame, folder: Path):
    """A migrated SQLite store holding ``frame`` as incident rows (bulk insert)."""

    path = folder / "bench_est.sqlite"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    store.dispose()
    stamps = np.char.replace(
        np.datetime_as_string(frame["occurred_at"].to_numpy(), unit="us"), "T", " "
    )
    rows = zip(
        stamps.tolist(),
        frame["iso_week"].tolist(),
        frame["type"].tolist(),
        frame["partner"].tolist(),
        frame["cell_x"].tolist(),
        frame["cell_y"].tolist(),
        frame["district_code"].tolist(),
        strict=True,
    )
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO incident (occurred_at, iso_week, type, partner, cell_x, cell_y, "
            "district_code, synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            rows,
        )
    return Store(f"sqlite:///{path}")


def _floor_read(path: Path, weeks: list[str]) -> tuple[float, float]:
    """Median wall and CPU seconds for the bare driver to fetch the page's rows and columns."""
    columns = ", ".join(WEEK_COLUMNS)
    marks = ", ".join("?" * len(weeks))
    sql = f"SELECT {columns} FROM incident WHERE iso_week IN ({marks}) ORDER BY id"  # noqa: S608
    with sqlite3.connect(path) as conn:
        conn.execute(sql, weeks).fetchall()  # warm-up
        cpu: list[float] = []
        seconds, _ = _timed(lambda: conn.execute(sql, weeks).fetchall(), 5, cpu=cpu)
    return seconds, cpu[0]


def run() -> list[dict]:
    """Median of 5 runs for the page data, 3 for Gi*, 5 for the store path."""

    start = time.perf_counter()
    frame = synthetic_incidents()
    built = time.perf_counter() - start
    week_data(frame, LAST_WEEK)  # warm-up (imports, area table)
    page_s, data = _timed(lambda: week_data(frame, LAST_WEEK), 5)
    cells = hotspot_cells(data)
    hotspots(cells.head(50))  # warm-up (esda/libpysal imports)
    gi_s, gi = _timed(lambda: hotspots(cells, permutations=PERMUTATIONS), 3)
    gi_fine_s, _ = _timed(lambda: hotspots(cells, permutations=DETECTION_PERMUTATIONS), 1)

    folder = Path(tempfile.mkdtemp(prefix="uvts-bench-est-"))
    try:
        start = time.perf_counter()
        store = _sqlite_with(frame, folder)
        setup_s = time.perf_counter() - start
        weeks = weeks_needed(LAST_WEEK)
        read_s, read = _timed(lambda: read_incidents(store, weeks=weeks), 5)
        path_s, _ = _timed(lambda: week_data(read_incidents(store, weeks=weeks), LAST_WEEK), 5)
        access_est_week(store, "est", LAST_WEEK)  # warm-up
        load = os.getloadavg()[0]
        e2e_cpu: list[float] = []
        e2e_s, _ = _timed(lambda: access_est_week(store, "est", LAST_WEEK), 5, cpu=e2e_cpu)
        floor_s, floor_cpu = _floor_read(folder / "bench_est.sqlite", weeks)
        store.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    n_cells = len(cells)
    hot = int((gi["hotspot"] == "hot").sum())
    return [
        {
            "name": "est: week_data, 1 week of 1 M incidents",
            "value": round(page_s * 1000, 1),
            "unit": "ms",
            "target": f"< {WEEK_TARGET_MS:.0f} ms",
            "note": f"{data['total']:,} incidents this week, {n_cells:,} cells in the window; "
            f"frame built in {built:.1f} s",
        },
        {
            "name": "est: hotspots Gi*, 999 permutations",
            "value": round(gi_s, 3),
            "unit": "s",
            "target": f"< {HOTSPOT_TARGET_S:.0f} s",
            "note": f"{n_cells:,} cells (this week + 8 before), {hot} hot",
        },
        {
            "name": "est: hotspots Gi*, 9 999 permutations",
            "value": round(gi_fine_s, 3),
            "unit": "s",
            "target": "–",
            "note": "the weekly brief's setting (batches of 999)",
        },
        {
            "name": "est: read_incidents 9 weeks from SQLite",
            "value": round(read_s * 1000, 1),
            "unit": "ms",
            "target": "–",
            "note": f"{len(read):,} of {len(frame):,} rows; file set up in {setup_s:.0f} s",
        },
        {
            "name": "est: store read + week_data (page path)",
            "value": round(path_s * 1000, 1),
            "unit": "ms",
            "target": f"< {WEEK_TARGET_MS:.0f} ms",
            "note": "SQLite file, 1 M rows",
        },
        {
            "name": "est: week end-to-end (access.reads.est_week)",
            "value": round(e2e_s * 1000, 1),
            "unit": "ms",
            "target": f"≤ {E2E_TARGET_MS:.0f} ms",
            "note": "role est: store read + week statistics + the est view, 1 M rows in SQLite; "
            f"{e2e_cpu[0] * 1000:.0f} ms CPU; floor (bare sqlite3 read of the same rows and "
            f"columns) {floor_s * 1000:.1f} ms, {floor_cpu * 1000:.0f} ms CPU; load average "
            f"{load:.1f}",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
