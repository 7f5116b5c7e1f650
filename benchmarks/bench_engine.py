"""Benchmark (issue 3): the whole national-scale pass — intervals + benchmark verdicts +
recent trend + disclosure control — on 6 000 areas × 11 years × 25 indicators (1,65 M rows).

Reuses the synthetic table of bench_stats and groups its areas under 300 parents so that
secondary suppression has lines to protect. Time: median of 3 after a warm-up; memory:
tracemalloc peak of one more run (numpy reports its buffers to it).
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc

import numpy as np

from benchmarks.bench_stats import intervals_and_verdicts, national_table, recent_trends
from indicators.disclosure import suppress

N_PARENTS = 300


def pipeline(table, area_parent) -> None:
    published = suppress(table, area_parent=area_parent)
    hidden = published["suppressed"].to_numpy()
    published.loc[hidden, ["numerator", "denominator"]] = np.nan
    intervals_and_verdicts(published)
    recent_trends(published)


def run() -> list[dict]:
    table = national_table()
    areas = table["area_code"].unique()
    area_parent = {a: f"P{i % N_PARENTS:03d}" for i, a in enumerate(areas)}
    pipeline(table, area_parent)
    times = []
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        pipeline(table, area_parent)
        times.append(time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    pipeline(table, area_parent)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    note = f"{len(table):,} rows; suppress → intervals + verdicts → recent trend"
    return [
        {
            "name": "engine_national_total",
            "value": round(statistics.median(times), 3),
            "unit": "s",
            "target": "< 2 s",
            "note": note,
        },
        {
            "name": "engine_national_peak_memory",
            "value": round(peak / 2**20, 1),
            "unit": "MB",
            "target": "< 1024 MB",
            "note": "tracemalloc peak during one pass",
        },
    ]
