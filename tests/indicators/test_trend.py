"""Tests for indicators.trend: Fingertips recent trend, change and ITS."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm

from common.errors import UserError
from indicators.trend import (
    TREND_CHI2_THRESHOLD,
    TREND_LABELS,
    TREND_REASON_LABELS,
    interrupted_time_series,
    percent_change,
    recent_trend,
)

# --- independent reference: the published Fingertips rule, one series at a time ---------
#
# Written from the TrendMarkerCalculator description (docs/methods.md, "Recent trend
# (Fingertips)"), with statsmodels' weighted least squares instead of the five sums, and
# textbook Wilson / exact-Poisson / Byar intervals, so it shares no code with the product.


def wilson95(x, n):
    z = norm.ppf(0.975)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def poisson95(x):
    if x < 10:
        low = chi2_dist.ppf(0.025, 2 * x) / 2 if x > 0 else 0.0
        return low, chi2_dist.ppf(0.975, 2 * x + 2) / 2
    z = norm.ppf(0.975)
    low = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    up = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return low, up


def wls_slope(t, y, w):
    """Slope and its model-based variance (scale fixed at 1: weights are 1/variance)."""
    fit = sm.WLS(y, sm.add_constant(t), weights=w).fit(cov_type="fixed scale")
    return fit.params[1], fit.bse[1] ** 2


def fingertips_marker(values, lower, upper):
    """(marker, chi2) for the five points given, oldest first."""
    y = np.asarray(values, float)
    se = (np.asarray(upper, float) - np.asarray(lower, float)) / 3.92
    w = 1 / se**2
    t = np.arange(1.0, 6.0)
    slope, var = wls_slope(t, y, w)
    chisq = slope**2 / var
    signs = [-1 if slope < 0 else 1]
    for j in range(5):
        keep = np.arange(5) != j
        signs.append(-1 if wls_slope(t[keep], y[keep], w[keep])[0] < 0 else 1)
    if abs(sum(signs)) == 6 and chisq > 9.5495:
        return ("increasing" if slope > 0 else "decreasing"), chisq
    return "no_change", chisq


def reference_for_counts(x, n, kind, multiplier):
    if kind == "proportion":
        limits = [wilson95(xi, ni) for xi, ni in zip(x, n, strict=True)]
    else:
        limits = [(lo / ni, up / ni) for (lo, up), ni in zip(map(poisson95, x), n, strict=True)]
    value = [xi / ni * multiplier for xi, ni in zip(x, n, strict=True)]
    lower = [lo * multiplier for lo, _ in limits]
    upper = [up * multiplier for _, up in limits]
    return fingertips_marker(value, lower, upper)


def near_tie(values, lower, upper):
    """True if a slope is ~0 or χ² ~ threshold: float noise decides, in Fingertips too."""
    y = np.asarray(values, float)
    w = 1 / ((np.asarray(upper, float) - np.asarray(lower, float)) / 3.92) ** 2
    t = np.arange(1.0, 6.0)
    slopes = [wls_slope(t, y, w)[0]]
    slopes += [
        wls_slope(t[np.arange(5) != j], y[np.arange(5) != j], w[np.arange(5) != j])[0]
        for j in range(5)
    ]
    chisq = fingertips_marker(values, lower, upper)[1]
    return min(abs(s) for s in slopes) < 1e-9 or abs(chisq - 9.5495) < 1e-6


def logit_direction_rule(x, n):
    """Older Fingertips direction for proportions: unweighted slope of logit(p), 6 slopes."""
    y = np.log(np.asarray(x, float) / (np.asarray(n, float) - np.asarray(x, float)))
    t = np.arange(1.0, 6.0)
    signs = [np.sign(np.polyfit(t, y, 1)[0])]
    for j in range(5):
        keep = np.arange(5) != j
        signs.append(np.sign(np.polyfit(t[keep], y[keep], 1)[0]))
    return abs(sum(signs)) == 6


# --- recent_trend ------------------------------------------------------------------------


def test_issue_example_follows_the_weighted_rule_not_the_old_logit_direction():
    x, n = [13, 79, 79, 33, 166], [36, 399, 390, 98, 369]
    expected, chisq = reference_for_counts(x, n, "proportion", 100)
    out = recent_trend([x], [n], kind="proportion", multiplier=100)
    assert out["trend"].iloc[0] == expected
    assert out["chi2"].iloc[0] == pytest.approx(chisq, rel=1e-9)
    # The older logit rule sees an outlier here (a left-out slope flips sign), so the two
    # rules disagree on this series: it is the case that motivated the change.
    assert not logit_direction_rule(x, n)
    assert expected == "increasing"


@pytest.mark.parametrize(
    ("name", "values", "lower", "upper", "marker"),
    [
        # FingertipsNext TrendMarkerCalculatorTests: published England values and 95 % limits.
        (
            "diabetes QOF prevalence 2020-2024",
            [7.0826, 7.1085, 7.2571, 7.4528, 7.6554],
            [7.0754, 7.1013, 7.2499, 7.4456, 7.6481],
            [7.094, 7.1199, 7.2684, 7.4643, 7.6669],
            "increasing",
        ),
        (
            "MMR one dose at 2, Yorkshire and the Humber 2020-2024",
            [92.6254, 92.3221, 90.8708, 90.017, 90.1013],
            [92.4168, 92.1072, 90.6358, 89.7694, 89.8578],
            [92.8288, 92.5315, 91.1004, 90.2594, 90.3396],
            "decreasing",
        ),
        (
            "preventable sight loss from diabetic eye disease 2020-2024 (crude rate)",
            [2.935, 1.93028, 2.7567, 2.8701, 3.0121],
            [2.7841, 1.8085, 2.6113, 2.7225, 2.8616],
            [3.0919, 2.058, 2.9082, 3.0237, 3.1683],
            "increasing",
        ),
    ],
)
def test_published_fingertips_markers(name, values, lower, upper, marker):
    out = recent_trend(None, None, kind="other", values=[values], lower=[lower], upper=[upper])
    assert out["trend"].iloc[0] == marker, name
    assert fingertips_marker(values, lower, upper)[0] == marker


@pytest.mark.parametrize(("kind", "multiplier"), [("proportion", 100), ("rate", 1000)])
def test_recent_trend_matches_independent_port_on_random_series(kind, multiplier):
    rng = np.random.default_rng(2025 if kind == "proportion" else 5)
    n_series = 300
    n = rng.integers(30, 4_000, size=(n_series, 5)).astype(float)
    drift = rng.normal(0, 0.15, size=(n_series, 1)) * np.arange(5)
    if kind == "proportion":
        p = 1 / (1 + np.exp(-(-1.5 + drift + rng.normal(0, 0.1, (n_series, 5)))))
        x = rng.binomial(n.astype(int), p).astype(float)
        x = np.minimum(x, n - 1)  # Fingertips refuses count == denominator (tested apart)
    else:
        x = rng.poisson(0.02 * n * np.exp(drift)).astype(float)
    out = recent_trend(x, n, kind=kind, multiplier=multiplier)
    expected = [reference_for_counts(xi, ni, kind, multiplier) for xi, ni in zip(x, n, strict=True)]
    assert out["trend"].tolist() == [e[0] for e in expected]
    assert out["chi2"].to_numpy() == pytest.approx([e[1] for e in expected], rel=1e-7)
    assert {"increasing", "decreasing", "no_change"} <= set(out["trend"])
    assert "outlier" in set(out["reason"])  # the six-slope check is exercised


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1.0, 100.0), min_size=5, max_size=5),
    st.lists(st.floats(0.05, 5.0), min_size=5, max_size=5),
)
def test_recent_trend_equals_port_for_any_values_and_widths(values, widths):
    lower = [v - w for v, w in zip(values, widths, strict=True)]
    upper = [v + w for v, w in zip(values, widths, strict=True)]
    assume(not near_tie(values, lower, upper))
    out = recent_trend(None, None, kind="mean", values=[values], lower=[lower], upper=[upper])
    marker, chisq = fingertips_marker(values, lower, upper)
    assert out["trend"].iloc[0] == marker
    assert out["chi2"].iloc[0] == pytest.approx(chisq, rel=1e-6, abs=1e-9)


def test_reversing_time_mirrors_the_marker():
    x, n = [10, 20, 30, 40, 50], [1_000] * 5
    up = recent_trend([x], [n], kind="proportion")["trend"].iloc[0]
    down = recent_trend([x[::-1]], [n[::-1]], kind="proportion")["trend"].iloc[0]
    assert (up, down) == ("increasing", "decreasing")


def test_recent_trend_uses_the_five_latest_valid_points_skipping_suppressed_ones():
    numerators = [[500, 10, 20, 30, 40, 50], [10, 20, np.nan, 30, 40, 50]]
    out = recent_trend(numerators, [[1_000] * 6] * 2, kind="proportion")
    reference = recent_trend([[10, 20, 30, 40, 50]] * 2, [[1_000] * 5] * 2, kind="proportion")
    pd.testing.assert_frame_equal(out, reference)  # Fingertips skips invalid points
    assert out["trend"].tolist() == ["increasing", "increasing"]


def test_recent_trend_cannot_be_calculated_with_few_points_or_all_events_or_counts():
    too_short = recent_trend([[10, 20, 30, 40]], [[100] * 4], kind="proportion")
    assert too_short[["trend", "reason"]].iloc[0].tolist() == ["cannot_calculate", "too_few_points"]
    out = recent_trend(
        [[10, 20, np.nan, 30, 40], [10, 20, 30, 40, 50], [10, 20, 30, 40, 50]],
        [[1_000] * 5, [1_000, 1_000, 30, 1_000, 1_000], [1_000, 1_000, 1_000, 1_000, 0]],
        kind="proportion",
    )
    assert out["trend"].tolist() == ["cannot_calculate"] * 3
    assert out["reason"].tolist() == ["missing_values", "all_events", "missing_values"]
    counts = recent_trend([[1, 2, 3, 4, 5]], [[np.nan] * 5], kind="count")
    assert counts["reason"].iloc[0] == "value_type"


def test_one_outlying_point_turns_a_significant_trend_into_no_change():
    numerators, denominators = [[110, 100, 105, 100, 300]], [[1_000] * 5]
    out = recent_trend(numerators, denominators, kind="proportion")
    assert out["chi2"].iloc[0] > TREND_CHI2_THRESHOLD
    assert out[["trend", "reason"]].iloc[0].tolist() == ["no_change", "outlier"]


def test_recent_trend_for_other_values_keeps_the_index():
    values = pd.DataFrame([[30.6, 30.2, 28.0, 24.6, 24.67]], index=["Mariehem"])
    lower = [[28.98, 28.63, 26.44, 23.15, 23.16]]
    upper = [[32.25, 31.9, 29.64, 26.19, 26.25]]
    out = recent_trend(None, None, kind="other", values=values, lower=lower, upper=upper)
    assert list(out.index) == ["Mariehem"]
    assert out["trend"].iloc[0] == "decreasing"
    assert out["slope"].iloc[0] < 0


def test_constant_zero_series_is_no_change_not_an_error():
    out = recent_trend([[0, 0, 0, 0, 0]], [[50] * 5], kind="proportion")
    assert out[["trend", "reason"]].iloc[0].tolist() == ["no_change", "not_significant"]


def test_recent_trend_requires_known_kind_and_inputs():
    with pytest.raises(UserError):
        recent_trend([[1] * 5], [[10] * 5], kind="ratio")
    with pytest.raises(UserError):
        recent_trend(None, None, kind="other", values=[[1.0] * 5])


def test_every_trend_code_has_swedish_and_english_labels():
    assert set(TREND_LABELS) == {"increasing", "decreasing", "no_change", "cannot_calculate"}
    assert TREND_LABELS["increasing"]["sv"] == "Ökande"
    assert TREND_LABELS["no_change"]["sv"] == "Ingen signifikant förändring"
    assert TREND_LABELS["cannot_calculate"]["sv"] == "Kan inte beräknas"
    assert all(set(label) == {"sv", "en"} for label in TREND_REASON_LABELS.values())


# --- percent_change ----------------------------------------------------------------------


def test_percent_change_is_hidden_when_either_count_is_below_threshold():
    change = percent_change(
        [1, 40, 40, 40, 0], [5, 30, 4, 45, 10], [1.0, 4.0, 4.0, 0.0, 2.0], [5.0, 3.0, 0.4, 4.5, 1.0]
    )
    assert math.isnan(change[0])  # never "+400 %" from 1 -> 5
    assert change[1] == pytest.approx(-25.0)
    assert math.isnan(change[2]) and math.isnan(change[3]) and math.isnan(change[4])


def test_percent_change_threshold_is_configurable_and_series_keep_their_index():
    index = ["Ersboda", "Tomtebo"]
    change = percent_change(
        pd.Series([8, 12], index=index), [9, 15], [2.0, 3.0], [3.0, 3.3], threshold=10
    )
    assert list(change.index) == index
    assert math.isnan(change["Ersboda"]) and change["Tomtebo"] == pytest.approx(10.0)


# --- interrupted time series --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rate", "proportion"])
def test_its_recovers_known_level_and_slope_change(kind):
    rng = np.random.default_rng(42)
    t = np.arange(24, dtype=float)
    start = 12
    after = t >= start
    log_odds_or_rate = (
        np.log(0.02) + np.log(1.01) * t + np.log(0.7) * after + np.log(0.97) * (t - start) * after
    )
    n = np.full(24, 40_000.0)
    if kind == "rate":
        counts = rng.poisson(n * np.exp(log_odds_or_rate))
    else:
        p = 1 / (1 + np.exp(-log_odds_or_rate))
        counts = rng.binomial(n.astype(int), p)
    out = interrupted_time_series(counts, n, t, start, kind=kind)
    for key, truth in (("level_change", 0.7), ("slope_change", 0.97), ("pre_trend", 1.01)):
        estimate = out[key] if key != "pre_trend" else out["pre_trend_per_period"]
        ci = out[f"{key}_ci"]
        assert ci[0] < truth < ci[1], key
        assert estimate == pytest.approx(truth, rel=0.05), key
    assert out["level_change_p"] < 0.001
    assert len(out["assumptions"]) >= 4 and all(isinstance(a, str) for a in out["assumptions"])
    assert any("trend" in a for a in out["assumptions"])


def test_its_needs_points_on_both_sides_of_the_intervention():
    with pytest.raises(UserError, match="två tidpunkter"):
        interrupted_time_series([5, 6, 7, 8, 9], [100] * 5, range(5), 4, kind="rate")
