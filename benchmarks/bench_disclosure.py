"""Benchmark: disclosure control on a national-scale table.

6 000 areas (300 parents, 5 700 children in a 2-level hierarchy) × 11 yearly periods ×
25 indicators = 1 650 000 rows, counts drawn so that many are small.  Fixed seed.

Figures: :func:`indicators.disclosure.protect` (primary + secondary suppression + the audit
loop), :func:`indicators.audit.audit` of its output against the truth (every hidden cell's
attacker interval), their sum (target < 5 s, issue 10) and its CPU time (the machine is
shared: wall time moves with other load, CPU time much less), and beside them a reference measured
in the same run: one pandas group-by sum over every line of the same table (the floor of any
method that looks at each line once).

Run: ``.venv/bin/python -m benchmarks.bench_disclosure`` (or ``python benchmarks/bench_disclosure.py``).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.audit import audit  # noqa: E402
from indicators.disclosure import protect, suppress  # noqa: E402

N_PARENTS = 300
N_CHILDREN = 5_700
YEARS = tuple(str(year) for year in range(2015, 2026))
N_INDICATORS = 25
KIND_CYCLE = ("proportion", "rate", "count", "mean", "proportion")
SEED = 20251117
TIME_TARGET_S = 5.0
MEMORY_TARGET_MB = 500.0


def national_table(*, seed: int = SEED) -> tuple[pd.DataFrame, dict[str, str]]:
    """Synthetic national-scale table (parents = sum of children) and its area hierarchy.

    Examples
    --------
    >>> table, parent = national_table()
    >>> len(table), len(parent)
    (1650000, 5700)
    """
    rng = np.random.default_rng(seed)
    parents = np.array([f"P{p:03d}" for p in range(N_PARENTS)], dtype=object)
    child_parent = np.sort(rng.integers(0, N_PARENTS, N_CHILDREN))
    children = np.array([f"P{p:03d}-{c:04d}" for c, p in enumerate(child_parent)], dtype=object)
    area_parent = dict(zip(children.tolist(), parents[child_parent].tolist(), strict=True))

    n_cells = N_INDICATORS * len(YEARS)
    # Children: small areas, so many counts in 1..4 (log-normal mean per area).
    level = rng.lognormal(mean=1.5, sigma=1.0, size=(n_cells, 1, N_CHILDREN))
    child_num = rng.poisson(level)[:, 0, :].astype(float)
    child_den = (
        child_num + rng.poisson(4 * level)[:, 0, :] + rng.integers(0, 40, (n_cells, N_CHILDREN))
    )
    parent_num = np.zeros((n_cells, N_PARENTS))
    parent_den = np.zeros((n_cells, N_PARENTS))
    np.add.at(parent_num.T, child_parent, child_num.T)
    np.add.at(parent_den.T, child_parent, child_den.T)

    numerator = np.concatenate([parent_num, child_num], axis=1).ravel()
    denominator = np.concatenate([parent_den, child_den], axis=1).ravel().astype(float)
    areas = np.concatenate([parents, children])
    n_areas = len(areas)
    cell = np.repeat(np.arange(n_cells), n_areas)
    indicator = cell // len(YEARS)
    kinds = np.array(KIND_CYCLE, dtype=object)[indicator % len(KIND_CYCLE)]
    denominator[kinds == "count"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        value = numerator / denominator
    table = pd.DataFrame(
        {
            "indicator_id": np.array([f"ind{i:02d}" for i in range(N_INDICATORS)])[indicator],
            "kind": kinds,
            "area_code": np.tile(areas, n_cells),
            "period": np.array(YEARS)[cell % len(YEARS)],
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "lower": value * 0.8,
            "upper": value * 1.2,
        }
    )
    for column in ("indicator_id", "kind", "area_code", "period"):
        table[column] = table[column].astype("str")
    return table, area_parent


def _reference_seconds(table: pd.DataFrame, area_parent: dict[str, str]) -> float:
    """One group-by sum of the numerator over every line (indicator × period × parent)."""
    start = time.perf_counter()
    parent = table["area_code"].map(area_parent).fillna(table["area_code"])
    table.groupby([table["indicator_id"], table["period"], parent], sort=False)["numerator"].sum()
    return time.perf_counter() - start


def run() -> list[dict]:
    """Time (median of 3) of protect, of the audit, and the reference; peak memory."""
    table, area_parent = national_table()
    protect(table, area_parent=area_parent)  # warm-up
    protect_times, audit_times, reference_times, cpu_times = [], [], [], []
    for _ in range(3):
        gc.collect()
        reference_times.append(_reference_seconds(table, area_parent))
        cpu = time.process_time()
        start = time.perf_counter()
        out = protect(table, area_parent=area_parent)
        protect_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = audit(out, area_parent=area_parent, truth=table)
        audit_times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
    gc.collect()
    tracemalloc.start()
    suppress(table, area_parent=area_parent)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    share = float(out["suppressed"].mean())
    protect_s = statistics.median(protect_times)
    audit_s = statistics.median(audit_times)
    reference_s = statistics.median(reference_times)
    total = protect_s + audit_s
    note = (
        f"{len(table):,} rows; {share:.1%} hidden; {len(result):,} hidden quantities audited, "
        f"{int(result['pinned'].sum())} pinned; reference group-by {reference_s:.3f} s "
        f"(×{total / reference_s:.0f})"
    )
    return [
        {
            "name": "protect_national_time",
            "value": round(protect_s, 3),
            "unit": "s",
            "target": "",
            "note": f"primary + secondary + audit loop; best {min(protect_times):.3f} s",
        },
        {
            "name": "audit_national_time",
            "value": round(audit_s, 3),
            "unit": "s",
            "target": "",
            "note": f"every hidden cell's interval; best {min(audit_times):.3f} s",
        },
        {
            "name": "protect_plus_audit_national_time",
            "value": round(total, 3),
            "unit": "s",
            "target": f"< {TIME_TARGET_S:g}",
            "note": note,
        },
        {
            "name": "protect_plus_audit_national_cpu_time",
            "value": round(statistics.median(cpu_times), 3),
            "unit": "s",
            "target": "",
            "note": "CPU time of this process for the same (less sensitive to other load)",
        },
        {
            "name": "reference_groupby_lines_time",
            "value": round(reference_s, 3),
            "unit": "s",
            "target": "",
            "note": "pandas group-by sum over every line, same table, same run",
        },
        {
            "name": "protect_national_peak_memory",
            "value": round(peak / 2**20, 1),
            "unit": "MB",
            "target": f"< {MEMORY_TARGET_MB:g}",
            "note": "tracemalloc peak during one call (input table excluded)",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
