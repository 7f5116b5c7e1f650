"""Benchmark: composite index Monte Carlo over 6 000 areas x 12 indicators.

Run with ``python -m benchmarks.bench_composite`` (or through ``run()``). The data are
synthetic (fixed seed): rates with confidence intervals, 5 % of cells suppressed, mixed
directions; the benchmark puts all 12 indicators in the Risk index.
Time is measured without tracing; peak memory in a second run under ``tracemalloc``
(numpy reports its buffers to it).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from indicators.composite import composite_index, composite_uncertainty

N_AREAS = 6_000
N_INDICATORS = 12
DRAWS = 1_000
SEED = 20241
TIME_TARGET_S = 5.0
#: Own bound (the brief sets none): draws are processed in blocks, so memory stays flat.
MEMORY_TARGET_MB = 300.0


def synthetic_table(
    *, n_areas: int = N_AREAS, n_indicators: int = N_INDICATORS, seed: int = SEED
) -> pd.DataFrame:
    """Tidy indicator table: half risk, half protective indicators, mixed directions."""
    rng = np.random.default_rng(seed)
    areas = np.array([f"A{i:05d}" for i in range(n_areas)])
    indicators = np.array([f"ind{k:02d}" for k in range(n_indicators)])
    area_col = np.repeat(areas, n_indicators)
    indicator_col = np.tile(indicators, n_areas)
    level = np.tile(rng.uniform(5, 60, n_indicators), n_areas)
    value = rng.gamma(8.0, level / 8.0)
    half_width = rng.uniform(0.05, 0.6, value.size) * value
    role = np.tile(np.where(np.arange(n_indicators) % 2 == 0, "risk", "protective"), n_areas)
    direction = np.tile(
        np.where(np.arange(n_indicators) % 3 == 0, "higher_is_better", "higher_is_worse"),
        n_areas,
    )
    suppressed = rng.random(value.size) < 0.05
    return pd.DataFrame(
        {
            "indicator_id": indicator_col,
            "area_code": area_col,
            "value": np.where(suppressed, np.nan, value),
            "lower": np.where(suppressed, np.nan, value - half_width),
            "upper": np.where(suppressed, np.nan, value + half_width),
            "suppressed": suppressed,
            "direction": direction,
            "role": role,
        }
    )


def _all_risk(table: pd.DataFrame) -> pd.DataFrame:
    """Same table with every indicator in the Risk index (the 6 000 x 12 case)."""
    return table.assign(role="risk")


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _peak_mb(function) -> float:
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def run() -> list[dict]:
    """Measure time and peak memory; rows ``name, value, unit, target, note``."""
    table = _all_risk(synthetic_table())

    def uncertainty() -> None:
        composite_uncertainty(table, role="risk", draws=DRAWS, seed=SEED)

    def point() -> None:
        composite_index(table, role="risk")

    uncertainty()  # warm-up: imports, first-touch allocations
    seconds = min(_timed(uncertainty) for _ in range(3))
    peak = _peak_mb(uncertainty)
    point_seconds = min(_timed(point) for _ in range(3))
    shape = f"{N_AREAS} areas x {N_INDICATORS} indicators, {DRAWS} draws"
    return [
        {
            "name": "composite_uncertainty time",
            "value": round(seconds, 3),
            "unit": "s",
            "target": f"< {TIME_TARGET_S:g}",
            "note": f"{shape}; best of 3",
        },
        {
            "name": "composite_uncertainty peak memory",
            "value": round(peak, 1),
            "unit": "MB",
            "target": f"< {MEMORY_TARGET_MB:g}",
            "note": f"{shape}; tracemalloc peak of the call (input table built beforehand)",
        },
        {
            "name": "composite_index time",
            "value": round(point_seconds, 3),
            "unit": "s",
            "target": "",
            "note": f"{N_AREAS} areas x {N_INDICATORS} indicators, point estimate; best of 3",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
