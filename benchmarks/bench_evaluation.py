"""Benchmark: the calibration study of :mod:`indicators.evaluation` in full (issue 13).

Simulated municipalities (:func:`indicators.calibration.simulate_panel`: 21 districts,
overdispersed counts, common year shocks, realistic denominators; the treated district has
~300 events a year) evaluated with the product's own :func:`indicators.evaluation.evaluate`.
Per design: the share of no-effect panels with p < 0.05 (promise: ≤ 7 %), the coverage of
a true −30 % effect by the 95 % interval (promise: ≥ 90 %), and the power at −30 %.  ITS runs
on panels without common shocks (it cannot tell a municipality-wide shock from an effect).

Reference measured in the same run: the old segmented regression
(:func:`indicators.trend.interrupted_time_series`, quasi-Poisson without autocorrelation
correction) on the same no-effect panels with AR(1) noise, φ = 0.6, beside the new ITS.

Run: ``.venv/bin/python -m benchmarks bench_evaluation`` (part of ``make bench``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.calibration import START, calibrate, simulate_panel  # noqa: E402
from indicators.trend import interrupted_time_series  # noqa: E402

RUNS = 500
SEED = 1913


def _old_its_rejections(*, runs: int, ar1: float) -> float:
    """Share of no-effect panels where the old ITS calls the level change significant."""
    hits = 0
    for r in range(runs):
        panel = simulate_panel(seed=SEED * 7 + r, shocks=False, ar1=ar1)
        own = panel[panel["area_code"] == "d00"].sort_values("period")
        years = own["period"].astype(int).to_numpy()
        keep = years != START.year  # the same transition year left out as in the new ITS
        out = interrupted_time_series(
            own["numerator"].to_numpy()[keep],
            own["denominator"].to_numpy()[keep],
            years[keep],
            int(np.argmax(years[keep] > START.year)),
            kind="rate",
        )
        hits += out["level_change_p"] < 0.05
    return hits / runs


def run() -> list[dict]:
    rows = []
    for method, shocks in (("its", False), ("did", True), ("scm", True)):
        start = time.perf_counter()
        null = calibrate(method=method, runs=RUNS, shocks=shocks, seed=SEED)
        effect = calibrate(method=method, runs=RUNS, shocks=shocks, effect=-0.30, seed=SEED + 1)
        seconds = time.perf_counter() - start
        panels = "no shocks" if not shocks else "year shocks"
        rows += [
            {
                "name": f"evaluation_{method}_false_positive_rate",
                "value": round(null["rejected"], 3),
                "unit": "share",
                "target": "<= 0.07",
                "note": f"{RUNS} no-effect panels ({panels}); nominal 0.05",
            },
            {
                "name": f"evaluation_{method}_coverage_minus30",
                "value": round(effect["covered"], 3),
                "unit": "share",
                "target": ">= 0.90",
                "note": f"{RUNS} panels with a true −30 % effect; nominal 0.95",
            },
            {
                "name": f"evaluation_{method}_power_minus30",
                "value": round(effect["rejected"], 3),
                "unit": "share",
                "target": "reported",
                "note": (
                    f"~300 events/year; median MDE ±{effect['mde']:.0%}; "
                    f"{seconds / (2 * RUNS) * 1000:.0f} ms per evaluation"
                ),
            },
        ]
    ar_new = calibrate(method="its", runs=RUNS, shocks=False, ar1=0.6, seed=SEED + 2)
    ar_old = _old_its_rejections(runs=RUNS, ar1=0.6)
    rows += [
        {
            "name": "evaluation_its_false_positive_ar1_0.6",
            "value": round(ar_new["rejected"], 3),
            "unit": "share",
            "target": "<= 0.07",
            "note": f"AR(1) φ=0.6 noise; reference: old trend.interrupted_time_series {ar_old:.3f}",
        },
    ]
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
