"""Tests for indicators.trend: Fingertips recent trend, GLM trends, change, ITS and DiD."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import linalg
from scipy.stats import norm

from common.errors import UserError
from indicators.stats import rate_ci
from indicators.trend import (
    TREND_CHI2_THRESHOLD,
    TREND_LABELS,
    TREND_REASON_LABELS,
    difference_in_differences,
    interrupted_time_series,
    percent_change,
    proportion_trend_chi2,
    recent_trend,
    series_trend_glm,
)

# --- slow reference: R prop.trend.test and the Fingertips rule, one series at a time -----


def weighted_fit(t, y, w):
    """Weighted least squares by scipy: slope, regression sum of squares, Var(slope) = 1/Sxx."""
    design = np.column_stack([np.ones_like(t), t]) * np.sqrt(w)[:, None]
    coef, *_ = linalg.lstsq(design, y * np.sqrt(w))
    fitted = coef[0] + coef[1] * t
    mean = np.sum(w * y) / np.sum(w)
    regression_ss = np.sum(w * (fitted - mean) ** 2)
    sxx = np.sum(w * (t - np.sum(w * t) / np.sum(w)) ** 2)
    return coef[1], regression_ss, 1.0 / sxx


def r_prop_trend_test(x, n):
    """Port of R stats::prop.trend.test: anova(lm(freq ~ score, weights = w))['score', 'Sum Sq']."""
    x, n = np.asarray(x, float), np.asarray(n, float)
    p = x.sum() / n.sum()
    w = n / p / (1 - p)
    _, chisq, _ = weighted_fit(np.arange(1, len(x) + 1, dtype=float), x / n, w)
    return chisq


def fingertips_reference(y, w, chisq):
    """assign_trend_markers after the statistic: threshold, then drop each point in turn."""
    t = np.arange(len(y), dtype=float)
    beta, _, _ = weighted_fit(t, y, w)
    if chisq <= TREND_CHI2_THRESHOLD:
        return "no_change"
    for j in range(len(y)):
        keep = np.arange(len(y)) != j
        beta_sub, _, _ = weighted_fit(t[keep], y[keep], w[keep])
        if np.sign(beta_sub) != np.sign(beta):
            return "no_change"
    return "decreasing" if beta < 0 else "increasing"


# --- proportion_trend_chi2 ---------------------------------------------------------------


def test_chi2_for_trend_matches_r_documentation_example():
    # ?prop.trend.test: smokers / patients gives X-squared = 8.2249.
    chisq = proportion_trend_chi2([83, 90, 129, 70], [86, 93, 136, 82])
    assert chisq[0] == pytest.approx(8.2249, abs=5e-5)


def test_chi2_for_trend_agrees_with_r_port_on_many_series():
    rng = np.random.default_rng(11)
    n = rng.integers(20, 3_000, size=(300, 5)).astype(float)
    p = rng.uniform(0.02, 0.6, size=(300, 1)) * rng.uniform(0.7, 1.3, size=(300, 5))
    x = rng.binomial(n.astype(int), np.clip(p, 0, 1)).astype(float)
    fast = proportion_trend_chi2(x, n)
    slow = [r_prop_trend_test(xi, ni) for xi, ni in zip(x, n, strict=True)]
    assert fast == pytest.approx(slow, rel=1e-9, abs=1e-12)


# --- recent_trend ------------------------------------------------------------------------


def test_recent_trend_for_proportions_matches_slow_fingertips_reference():
    rng = np.random.default_rng(2025)
    n_series = 400
    n = rng.integers(50, 5_000, size=(n_series, 7)).astype(float)
    slope = rng.normal(0, 0.01, size=(n_series, 1))
    p = np.clip(0.2 + slope * np.arange(7) + rng.normal(0, 0.01, (n_series, 7)), 0.01, 0.99)
    x = rng.binomial(n.astype(int), p).astype(float)
    out = recent_trend(x, n, kind="proportion")
    expected = []
    for xi, ni in zip(x[:, -5:], n[:, -5:], strict=True):
        expected.append(fingertips_reference(xi / ni, ni, r_prop_trend_test(xi, ni)))
    assert out["trend"].tolist() == expected
    assert {"increasing", "decreasing", "no_change"} <= set(expected)  # all branches exercised


def test_recent_trend_for_rates_matches_weighted_regression_on_ci_derived_se():
    rng = np.random.default_rng(5)
    n = rng.integers(500, 20_000, size=(200, 5)).astype(float)
    rate = 0.01 * np.exp(rng.normal(0, 0.1, (200, 1)) * np.arange(5))
    x = rng.poisson(rate * n).astype(float)
    out = recent_trend(x, n, kind="rate", multiplier=1000)
    z = norm.ppf(0.975)
    for i in range(200):
        value = x[i] / n[i] * 1000
        lower, upper = rate_ci(x[i], n[i], multiplier=1000)
        w = 1 / ((upper - lower) / (2 * z)) ** 2
        beta, _, var_beta = weighted_fit(np.arange(5.0), value, w)
        chisq = beta**2 / var_beta
        assert out["chi2"].iloc[i] == pytest.approx(chisq, rel=1e-8)
        assert out["slope"].iloc[i] == pytest.approx(beta, rel=1e-8, abs=1e-12)
        assert out["trend"].iloc[i] == fingertips_reference(value, w, chisq)


def test_recent_trend_uses_only_the_five_latest_points():
    numerators = [[500, 10, 20, 30, 40, 50]]  # the wild first point is ignored
    out = recent_trend(numerators, [[1_000] * 6], kind="proportion")
    reference = recent_trend([[10, 20, 30, 40, 50]], [[1_000] * 5], kind="proportion")
    pd.testing.assert_frame_equal(out, reference)
    assert out["trend"].iloc[0] == "increasing"


def test_recent_trend_cannot_be_calculated_with_few_points_or_gaps():
    too_short = recent_trend([[10, 20, 30, 40]], [[100] * 4], kind="proportion")
    assert too_short[["trend", "reason"]].iloc[0].tolist() == ["cannot_calculate", "too_few_points"]
    gaps = recent_trend(
        [[np.nan, 10, 20, 30, 40, 50], [10, 20, np.nan, 30, 40, 50], [10, 20, 30, 40, 50, 60]],
        [[1_000] * 6, [1_000] * 6, [1_000, 1_000, 1_000, 1_000, 1_000, 0]],
        kind="proportion",
    )
    assert gaps["trend"].tolist() == ["increasing", "cannot_calculate", "cannot_calculate"]
    assert gaps["reason"].tolist()[1:] == ["missing_values", "missing_values"]


def test_one_outlying_point_turns_a_significant_trend_into_no_change():
    numerators, denominators = [[110, 100, 105, 100, 300]], [[1_000] * 5]
    out = recent_trend(numerators, denominators, kind="proportion")
    assert out["chi2"].iloc[0] > TREND_CHI2_THRESHOLD
    assert out[["trend", "reason"]].iloc[0].tolist() == ["no_change", "outlier"]


def test_recent_trend_for_other_values_uses_given_limits_and_keeps_the_index():
    # PHEindicatormethods' assign_trend_markers example for value_type = "other".
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


# --- series_trend_glm --------------------------------------------------------------------


def test_poisson_glm_recovers_a_known_rate_ratio():
    periods = np.arange(2014, 2025)
    population = np.full(len(periods), 200_000.0)
    counts = np.round(population * 0.005 * 1.08 ** (periods - 2014))
    out = series_trend_glm(counts, population, periods, kind="rate")
    assert out["ratio_kind"] == "rate_ratio"
    assert out["ratio_per_period"] == pytest.approx(1.08, rel=2e-3)
    assert out["ci"][0] < 1.08 < out["ci"][1]
    assert out["trend"] == "increasing" and out["p_value"] < 1e-6


def test_binomial_glm_reports_odds_ratio_and_no_change_for_flat_series():
    out = series_trend_glm([50, 52, 49, 51, 50, 48], [500] * 6, range(6), kind="proportion")
    assert out["ratio_kind"] == "odds_ratio"
    assert out["trend"] == "no_change"
    assert out["ci"][0] < 1 < out["ci"][1]


def test_overdispersed_series_uses_quasi_likelihood_and_widens_the_interval():
    counts = np.array([40, 95, 30, 110, 45, 120, 50, 130, 60, 140], dtype=float)
    population = np.full(10, 10_000.0)
    periods = np.arange(10, dtype=float)
    out = series_trend_glm(counts, population, periods, kind="rate")
    plain = sm.GLM(
        counts,
        sm.add_constant(periods - periods.mean()),
        family=sm.families.Poisson(),
        offset=np.log(population),
    ).fit()
    dispersion = plain.pearson_chi2 / plain.df_resid
    assert out["quasi_likelihood"] is True
    assert out["dispersion"] == pytest.approx(dispersion) and dispersion > 5
    assert out["slope"] == pytest.approx(plain.params[1])
    plain_low, plain_high = np.exp(plain.conf_int()[1])
    width, plain_width = (math.log(out["ci"][1] / out["ci"][0]), math.log(plain_high / plain_low))
    assert width == pytest.approx(plain_width * math.sqrt(dispersion), rel=1e-6)
    assert out["trend"] == "no_change"  # significant under plain Poisson, not after scaling
    assert plain.pvalues[1] < 0.05


def test_glm_trend_cannot_be_calculated_without_events_or_points():
    assert series_trend_glm([0, 0, 0, 0], [100] * 4, range(4), kind="rate")["trend"] == (
        "cannot_calculate"
    )
    assert series_trend_glm([5, np.nan], [100, 100], range(2), kind="rate")["trend"] == (
        "cannot_calculate"
    )


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


# --- difference in differences ------------------------------------------------------------


def did_frame(effect: float, *, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    areas = ["Ersboda", "Mariehem", "Ålidhem", "Tomtebo", "Haga", "Sandåkern", "Teg", "Holmsund"]
    periods = np.arange(2015, 2025)
    rows = []
    for i, area in enumerate(areas):
        for period in periods:
            value = 20 + 2 * i + 0.5 * (period - 2015)  # area level + common trend
            if area == "Ersboda" and period >= 2020:
                value += effect
            rows.append((area, period, value + rng.normal(0, 0.3)))
    return pd.DataFrame(rows, columns=["area_code", "period", "value"])


def test_did_recovers_known_effect_with_smallest_possible_placebo_p():
    frame = did_frame(-3.0, seed=1)
    comparison = ["Mariehem", "Ålidhem", "Tomtebo", "Haga", "Sandåkern", "Teg", "Holmsund"]
    out = difference_in_differences(frame, "Ersboda", comparison, 2020)
    assert out["effect"] == pytest.approx(-3.0, abs=0.4)
    assert out["n_placebo"] == 7
    assert out["p_value"] == pytest.approx(1 / 8)
    assert abs(out["pre_trend_gap_slope"]) < 0.2  # parallel pre-trends in the synthetic data
    assert set(out["placebo_effects"].index) == set(comparison)
    assert out["gap_by_period"].index.tolist() == list(range(2015, 2025))


def test_did_without_effect_is_not_singled_out_by_placebos():
    frame = did_frame(0.0, seed=3)
    comparison = ["Mariehem", "Ålidhem", "Tomtebo", "Haga", "Sandåkern", "Teg", "Holmsund"]
    out = difference_in_differences(frame, "Ersboda", comparison, 2020)
    assert abs(out["effect"]) < 0.5
    assert out["p_value"] > 1 / 8
    assert any("Parallella trender" in a for a in out["assumptions"])


def test_did_refuses_treated_area_among_comparisons_or_missing_periods():
    frame = did_frame(0.0, seed=3)
    with pytest.raises(UserError):
        difference_in_differences(frame, "Ersboda", ["Ersboda", "Teg"], 2020)
    with pytest.raises(UserError, match="Teg"):
        difference_in_differences(
            frame[~((frame["area_code"] == "Teg") & (frame["period"] >= 2020))],
            "Ersboda",
            ["Haga", "Teg"],
            2020,
        )
