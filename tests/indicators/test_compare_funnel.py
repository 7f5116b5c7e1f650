"""Funnel data: Spiegelhalter-adjusted limits when the districts are overdispersed (#16)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.compare import funnel_data
from indicators.stats import funnel_limits_proportion, overdispersion_adjusted_limits


def published(x, n, *, multiplier=100):
    rows = [
        {"area_code": f"d-{i}", "numerator": xi, "denominator": ni, "suppressed": False}
        for i, (xi, ni) in enumerate(zip(x, n, strict=True))
    ]
    rows.append(
        {"area_code": "2480", "numerator": sum(x), "denominator": sum(n), "suppressed": False}
    )
    frame = pd.DataFrame(rows)
    frame["value"] = frame["numerator"] / frame["denominator"] * multiplier
    return frame


def test_overdispersed_districts_get_wider_limits_and_fewer_outside_points():
    rng = np.random.default_rng(4)
    n = rng.integers(300, 3000, 21)
    x = rng.binomial(n, rng.beta(6, 30, 21))
    points, curve = funnel_data(
        published(x, n), kind="proportion", multiplier=100, municipality_code="2480"
    )
    assert curve.attrs["adjusted"] and curve.attrs["phi"] > 1
    expected = overdispersion_adjusted_limits(x, n, kind="proportion", limits_n=curve["n"])
    assert curve["upper_998"].to_numpy() == pytest.approx(
        expected.limits["upper_998"].to_numpy() * 100
    )
    plain = funnel_limits_proportion(x.sum() / n.sum(), curve["n"])
    assert (curve["upper_998"].to_numpy() >= plain["upper_998"].to_numpy() * 100 - 1e-9).all()
    outside = points["flag"].str.endswith("0.001").sum()
    p0 = x.sum() / n.sum()
    plain_outside = (np.abs(x / n - p0) > 3.090232 * np.sqrt(p0 * (1 - p0) / n)).sum()
    assert outside < plain_outside


def test_districts_that_agree_keep_the_plain_funnel():
    rng = np.random.default_rng(5)
    n = rng.integers(300, 3000, 21)
    x = np.round(0.12 * n)  # every district at the same rate: φ ≈ 0
    _, curve = funnel_data(
        published(x, n), kind="proportion", multiplier=100, municipality_code="2480"
    )
    assert not curve.attrs["adjusted"]
    plain = funnel_limits_proportion(x.sum() / n.sum(), curve["n"])
    assert curve["upper_95"].to_numpy() == pytest.approx(plain["upper_95"].to_numpy() * 100)


def test_smoothed_map_rows_follow_marshall_and_never_touch_suppressed_rows():
    from indicators.compare import smoothed_rows
    from indicators.stats import eb_smoothed_rate

    rows = pd.DataFrame(
        {
            "area_code": ["K", "A", "B", "C", "D"],
            "area_level": ["municipality", "district", "district", "district", "district"],
            "numerator": [60.0, 2.0, 25.0, 30.0, np.nan],
            "denominator": [6700.0, 400.0, 1000.0, 5000.0, np.nan],
            "value": [9.0, 5.0, 25.0, 6.0, np.nan],
            "lower": [8.0, 1.0, 16.0, 4.0, np.nan],
            "upper": [10.0, 18.0, 37.0, 9.0, np.nan],
            "suppressed": [False, False, False, False, True],
        }
    )
    out = smoothed_rows(rows, multiplier=1000)
    expected = eb_smoothed_rate([2, 25, 30], [400, 1000, 5000], multiplier=1000)
    assert out["value"].iloc[1:4].tolist() == pytest.approx(list(expected))
    assert out.loc[0, "value"] == 9.0 and out.loc[0, "upper"] == 10.0  # municipality as it was
    assert np.isnan(out.loc[4, "value"])  # suppressed stays hidden
    assert out["lower"].iloc[1:4].isna().all()
    assert rows.loc[1, "value"] == 5.0  # the input is not changed
