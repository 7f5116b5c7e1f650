"""Benchmark: intervals, benchmark verdicts and recent trends on a national-scale table.

6 000 areas × 11 yearly periods × 25 indicators = 1 650 000 rows (15 proportion and 10
rate-per-1 000 indicators, about 2 % of cells missing as if suppressed).  Fixed seed.
Measures :func:`indicators.stats.proportion_ci` / :func:`~indicators.stats.rate_ci`, the
national value per indicator and year with :func:`~indicators.stats.compare_to_benchmark`,
and :func:`indicators.trend.recent_trend` for all 150 000 area × indicator series.

Run: ``.venv/bin/python -m benchmarks.bench_stats`` (or ``python benchmarks/bench_stats.py``).
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

from indicators.stats import compare_to_benchmark, proportion_ci, rate_ci  # noqa: E402
from indicators.trend import recent_trend  # noqa: E402

N_AREAS = 6_000
YEARS = tuple(str(year) for year in range(2015, 2026))
N_PROPORTION = 15
N_RATE = 10
RATE_MULTIPLIER = 1_000
MISSING_SHARE = 0.02
SEED = 20251118
TIME_TARGET_S = 3.0
MEMORY_TARGET_MB = 500.0


def national_table(*, seed: int = SEED) -> pd.DataFrame:
    """Synthetic tidy table: one row per indicator × area × year (complete grid, some NaN).

    Examples
    --------
    >>> table = national_table()
    >>> len(table), table["kind"].value_counts().to_dict()
    (1650000, {'proportion': 990000, 'rate': 660000})
    """
    rng = np.random.default_rng(seed)
    n_indicators, n_years = N_PROPORTION + N_RATE, len(YEARS)
    shape = (n_indicators, N_AREAS, n_years)
    population = rng.lognormal(mean=7.2, sigma=0.6, size=(1, N_AREAS, 1))  # ~1 300 people
    denominator = np.rint(population * rng.uniform(0.05, 1.0, size=(n_indicators, 1, 1)))
    denominator = np.maximum(denominator * rng.uniform(0.95, 1.05, size=shape), 10).round()
    is_proportion = np.arange(n_indicators) < N_PROPORTION
    level = np.where(
        is_proportion, rng.uniform(0.03, 0.4, n_indicators), rng.uniform(0.002, 0.05, n_indicators)
    )[:, None, None]
    area_effect = rng.lognormal(0.0, 0.3, size=(n_indicators, N_AREAS, 1))
    drift = (1 + rng.normal(0, 0.03, size=(n_indicators, N_AREAS, 1))) ** np.arange(n_years)
    expected = np.clip(level * area_effect * drift, 0, 0.95)
    numerator = np.where(
        is_proportion[:, None, None],
        rng.binomial(denominator.astype(np.int64), expected),
        rng.poisson(expected * denominator),
    ).astype(float)
    numerator[rng.random(shape) < MISSING_SHARE] = np.nan

    indicator = np.repeat(np.arange(n_indicators), N_AREAS * n_years)
    kinds = np.where(is_proportion, "proportion", "rate")
    directions = np.array(["higher_is_worse", "higher_is_better", "none"])[
        np.arange(n_indicators) % 3
    ]
    areas = np.array([f"A{a:05d}" for a in range(N_AREAS)])
    table = pd.DataFrame(
        {
            "indicator_id": np.array([f"ind{i:02d}" for i in range(n_indicators)])[indicator],
            "kind": kinds[indicator],
            "direction": directions[indicator],
            "area_code": np.tile(np.repeat(areas, n_years), n_indicators),
            "period": np.tile(np.array(YEARS), n_indicators * N_AREAS),
            "numerator": numerator.ravel(),
            "denominator": denominator.ravel(),
        }
    )
    for column in ("indicator_id", "kind", "direction", "area_code", "period"):
        table[column] = table[column].astype("str")
    return table


def intervals_and_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """Value, 95 % interval and verdict against the national value of the same year."""
    numerator = table["numerator"].to_numpy(dtype=float)
    denominator = table["denominator"].to_numpy(dtype=float)
    is_rate = (table["kind"] == "rate").to_numpy()
    scale = np.where(is_rate, RATE_MULTIPLIER, 1.0)
    lower = np.empty(len(table))
    upper = np.empty(len(table))
    lower[~is_rate], upper[~is_rate] = proportion_ci(numerator[~is_rate], denominator[~is_rate])
    lower[is_rate], upper[is_rate] = rate_ci(
        numerator[is_rate], denominator[is_rate], multiplier=RATE_MULTIPLIER
    )
    valid = np.isfinite(numerator)
    sums = (
        pd.DataFrame(
            {
                "indicator_id": table["indicator_id"],
                "period": table["period"],
                "numerator": np.where(valid, numerator, 0.0),
                "denominator": np.where(valid, denominator, 0.0),
            }
        )
        .groupby(["indicator_id", "period"], sort=False)[["numerator", "denominator"]]
        .transform("sum")
    )
    benchmark = sums["numerator"].to_numpy() / sums["denominator"].to_numpy() * scale
    verdict = compare_to_benchmark(lower, upper, benchmark, direction=table["direction"].to_numpy())
    return pd.DataFrame(
        {
            "value": numerator / denominator * scale,
            "lower": lower,
            "upper": upper,
            "benchmark": benchmark,
            "verdict": verdict,
        },
        index=table.index,
    )


def recent_trends(table: pd.DataFrame) -> pd.DataFrame:
    """Recent-trend marker for every indicator × area series (any row order, gaps allowed)."""
    # Factorise the two key columns separately: a MultiIndex of 1.65 M tuples is slow.
    indicator_codes, indicators = pd.factorize(table["indicator_id"])
    area_codes, areas = pd.factorize(table["area_code"])
    series_codes, combined = pd.factorize(
        indicator_codes.astype(np.int64) * len(areas) + area_codes
    )
    series_keys = pd.MultiIndex.from_arrays(
        [indicators[combined // len(areas)], areas[combined % len(areas)]],
        names=["indicator_id", "area_code"],
    )
    period_codes, periods = pd.factorize(table["period"], sort=True)
    shape = (len(series_keys), len(periods))
    numerators = np.full(shape, np.nan)
    denominators = np.full(shape, np.nan)
    numerators[series_codes, period_codes] = table["numerator"].to_numpy(dtype=float)
    denominators[series_codes, period_codes] = table["denominator"].to_numpy(dtype=float)
    kind_of_series = np.empty(len(series_keys), dtype=object)
    kind_of_series[series_codes] = table["kind"].to_numpy()
    parts = []
    for kind in ("proportion", "rate"):
        rows = kind_of_series == kind
        out = recent_trend(
            numerators[rows],
            denominators[rows],
            kind=kind,
            multiplier=RATE_MULTIPLIER if kind == "rate" else 1,
        )
        out.index = series_keys[rows]
        parts.append(out)
    return pd.concat(parts)


def stats_pipeline(table: pd.DataFrame) -> dict[str, float]:
    """Run both steps; return seconds per step."""
    start = time.perf_counter()
    intervals_and_verdicts(table)
    middle = time.perf_counter()
    recent_trends(table)
    end = time.perf_counter()
    return {
        "intervals_verdicts": middle - start,
        "recent_trend": end - middle,
        "total": end - start,
    }


def run() -> list[dict]:
    """Median of 3 timed runs, then peak traced memory of one more run."""
    table = national_table()
    stats_pipeline(table)  # warm-up
    timings = []
    for _ in range(3):
        gc.collect()
        timings.append(stats_pipeline(table))
    gc.collect()
    tracemalloc.start()
    stats_pipeline(table)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    verdicts = intervals_and_verdicts(table)["verdict"].value_counts(normalize=True)
    trends = recent_trends(table)["trend"].value_counts(normalize=True)

    def median(step: str) -> float:
        return round(statistics.median(t[step] for t in timings), 3)

    size = f"{len(table):,} rows, {len(table) // len(YEARS):,} series"
    return [
        {
            "name": "stats_national_time",
            "value": median("total"),
            "unit": "s",
            "target": f"< {TIME_TARGET_S:g}",
            "note": (
                f"{size}; intervals+verdicts {median('intervals_verdicts')} s, "
                f"recent trend {median('recent_trend')} s (median of 3)"
            ),
        },
        {
            "name": "stats_national_intervals_verdicts_time",
            "value": median("intervals_verdicts"),
            "unit": "s",
            "target": "part of the total",
            "note": "Wilson/exact-Byar CIs, national benchmark per indicator-year, verdicts; "
            + ", ".join(f"{k} {v:.0%}" for k, v in verdicts.items()),
        },
        {
            "name": "stats_national_recent_trend_time",
            "value": median("recent_trend"),
            "unit": "s",
            "target": "part of the total",
            "note": "reshape to series × years + Fingertips recent trend; "
            + ", ".join(f"{k} {v:.0%}" for k, v in trends.items()),
        },
        {
            "name": "stats_national_peak_memory",
            "value": round(peak / 2**20, 1),
            "unit": "MB",
            "target": f"< {MEMORY_TARGET_MB:g}",
            "note": "tracemalloc peak during one pipeline run (input table excluded)",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
