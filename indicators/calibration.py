"""Calibration study of :mod:`indicators.evaluation`: simulated panels with a known effect.

Used by the fast test (tests/indicators/test_evaluation.py) and the full benchmark
(benchmarks/bench_evaluation.py); both call :func:`simulate_panel` and :func:`calibrate`,
which call the product's :func:`indicators.evaluation.evaluate`.  docs/evaluation.md has the
figures.

The simulated municipality: 21 districts of 2 000–25 000 residents, an event rate around
2 % a year (the treated district has a few hundred events a year), district levels and
trends of their own, overdispersed counts (gamma–Poisson, coefficient of variation 10 % per
district-year), and, optionally, year shocks common to every district (±8 %).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from indicators.evaluation import evaluate

__all__ = ["START", "YEARS", "calibrate", "simulate_panel"]

YEARS = tuple(range(2012, 2026))
#: The simulated intervention starts mid-year, so 2019 is a transition year (7 pre, 6 post).
START = date(2019, 7, 1)


def simulate_panel(
    *,
    seed: int,
    effect: float = 0.0,
    shocks: bool = True,
    districts: int = 21,
    treated_events: float = 300.0,
    overdispersion: float = 0.10,
    ar1: float = 0.0,
) -> pd.DataFrame:
    """One simulated panel; district ``d00`` is treated with relative ``effect`` from START.

    ``ar1`` adds district noise that is autocorrelated from year to year (log scale, AR(1)
    with this coefficient and a 10 % marginal standard deviation).

    Examples
    --------
    >>> p = simulate_panel(seed=1)
    >>> p["area_code"].nunique(), p["period"].nunique(), bool(p["numerator"].ge(0).all())
    (21, 14, True)
    """
    rng = np.random.default_rng(seed)
    rate = 0.02
    pop = np.exp(rng.uniform(math.log(2_000), math.log(25_000), districts))
    pop[0] = treated_events / rate
    level = np.exp(rng.normal(0, 0.25, districts))
    level[0] = 1.0
    slope = rng.normal(0, 0.01, districts)
    common = rng.normal(0, 0.08, len(YEARS)) if shocks else np.zeros(len(YEARS))
    drift = np.zeros((districts, len(YEARS)))
    if ar1:
        innovation = 0.10 * math.sqrt(1 - ar1**2)
        drift[:, 0] = rng.normal(0, 0.10, districts)
        for j in range(1, len(YEARS)):
            drift[:, j] = ar1 * drift[:, j - 1] + rng.normal(0, innovation, districts)
    rows = []
    for i in range(districts):
        for j, year in enumerate(YEARS):
            n = rng.poisson(pop[i] * 1.01 ** (year - YEARS[0]))
            mu = n * rate * level[i] * math.exp(slope[i] * (year - 2019) + common[j] + drift[i, j])
            if i == 0 and year > START.year:
                mu *= 1 + effect
            elif i == 0 and year == START.year:
                mu *= 1 + effect / 2  # half a year treated
            shape = 1 / overdispersion**2
            y = rng.poisson(rng.gamma(shape, mu / shape))
            rows.append((f"d{i:02d}", str(year), float(y), float(n)))
    return pd.DataFrame(rows, columns=["area_code", "period", "numerator", "denominator"])


def calibrate(
    *,
    method: str,
    runs: int,
    effect: float = 0.0,
    shocks: bool = True,
    seed: int = 0,
    treated_events: float = 300.0,
    ar1: float = 0.0,
    confidence: float = 0.95,
) -> dict[str, float]:
    """Share of runs with p < 1 − confidence, interval coverage of ``effect`` and verdicts.

    Returns ``rejected`` (share with p below the level: the false-positive rate when
    ``effect`` is 0, the power otherwise), ``significant`` (share whose verdict says a
    change), ``covered`` (share of intervals holding the true effect), ``mde`` (median
    minimum detectable effect) and ``runs``.

    Examples
    --------
    >>> out = calibrate(method="did", runs=3)
    >>> sorted(out)
    ['covered', 'mde', 'rejected', 'runs', 'significant']
    """
    rejected = covered = significant = 0
    mdes = []
    alpha = round(1 - confidence, 9)
    for r in range(runs):
        panel = simulate_panel(
            seed=seed * 100_003 + r,
            effect=effect,
            shocks=shocks,
            treated_events=treated_events,
            ar1=ar1,
        )
        out = evaluate(panel, "d00", START, method=method, kind="rate", confidence=confidence)
        rejected += out["p_value"] < alpha
        significant += bool(out["significant"])
        covered += out["lower"] <= effect <= out["upper"]
        mdes.append(out["mde"])
    return {
        "rejected": rejected / runs,
        "significant": significant / runs,
        "covered": covered / runs,
        "mde": float(np.nanmedian(mdes)),
        "runs": runs,
    }
