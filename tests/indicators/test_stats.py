"""Tests for indicators.stats: fixtures from docs/methods.md §1.11 and ports of the PHE formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2, norm, poisson
from scipy.stats import t as student_t
from statsmodels.stats.multitest import multipletests

from common.errors import UserError
from indicators.stats import (
    FUNNEL_FLAG_LABELS,
    VERDICT_LABELS,
    benchmark_p_value,
    benjamini_hochberg,
    compare_to_benchmark,
    dispersion_factor,
    eb_smoothed_rate,
    fdr_significant,
    funnel_flags,
    funnel_limits_proportion,
    funnel_limits_rate,
    mean_ci,
    overdispersion_adjusted_limits,
    proportion_ci,
    quasi_interval,
    rate_ci,
    sd_from_sums,
)

# The fixtures in docs/methods.md are printed to 6 significant figures.
FIXTURE_REL = 5e-6
# Agreement with the PHEindicatormethods formulas themselves.
PHE_REL = 1e-6


# --- ports of PHEindicatormethods R/utils.R, written out as in R -------------------------


def phe_wilson(x, n, confidence):
    z = norm.ppf(confidence + (1 - confidence) / 2)
    lower = (2 * x + z**2 - z * math.sqrt(z**2 + 4 * x * (1 - (x / n)))) / 2 / (n + z**2)
    upper = (2 * x + z**2 + z * math.sqrt(z**2 + 4 * x * (1 - (x / n)))) / 2 / (n + z**2)
    return lower, upper


def phe_rate_count_ci(x, confidence):
    """phe_rate: exact (qchisq form) when x < 10, byars_lower/upper otherwise."""
    z = norm.ppf(confidence + (1 - confidence) / 2)
    if x < 10:
        lower = chi2.ppf((1 - confidence) / 2, 2 * x) / 2 if x > 0 else 0.0
        upper = chi2.ppf(confidence + (1 - confidence) / 2, 2 * x + 2) / 2
        return lower, upper
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def phe_sigma_adjustment(p, population, average_proportion, side):
    q = norm.ppf(p) ** 2
    first_part = average_proportion * (population / q + 1)
    adj = math.sqrt(
        (-8 * average_proportion * (population / q + 1)) ** 2
        - 64
        * (1 / q + 1 / population)
        * average_proportion
        * (
            population * (average_proportion * (population / q + 2) - 1)
            + q * (average_proportion - 1)
        )
    )
    last_part = 1 / q + 1 / population
    value = (
        (first_part - adj / 8) / last_part if side == "low" else (first_part + adj / 8) / last_part
    )
    return value / population


def phe_poisson_funnel(obs, p, side):
    """Bisection of PHEindicatormethods ``poisson_funnel`` (Poisson CDF for ``poisson_cis``)."""
    v, dv = 0.5, 0.5
    while dv > 1e-9:
        dv /= 2
        mean = (1 + obs) * v / (1 - v)
        if side == "low":
            tail = poisson.sf(obs - 1, mean)
            v = v - dv if tail > p else v + dv
        else:
            tail = poisson.cdf(obs, mean)
            v = v - dv if tail < p else v + dv
    return (1 + obs) * v / (1 - v)


# --- proportion_ci -----------------------------------------------------------------------


def test_wilson_interval_matches_worked_example_3_of_300():
    lower, upper = proportion_ci(3, 300)
    assert lower == pytest.approx(0.00340662, rel=FIXTURE_REL)
    assert upper == pytest.approx(0.0289835, rel=FIXTURE_REL)
    assert isinstance(lower, float) and isinstance(upper, float)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("x, n", [(0, 10), (1, 10), (3, 300), (57, 120), (499, 500), (7, 7)])
def test_wilson_interval_agrees_with_phe_formula(x, n, confidence):
    lower, upper = proportion_ci(x, n, confidence)
    expected_lower, expected_upper = phe_wilson(x, n, confidence)
    assert lower == pytest.approx(expected_lower, rel=PHE_REL, abs=1e-15)
    assert upper == pytest.approx(expected_upper, rel=PHE_REL)


def test_confidence_can_be_given_by_position_or_keyword():
    assert proportion_ci(3, 300, 0.998) == proportion_ci(3, 300, confidence=0.998)
    assert rate_ci(7, 800, 0.998) == rate_ci(7, 800, confidence=0.998)


def test_wilson_edges_are_exactly_zero_and_one():
    lower, _ = proportion_ci(0, 250)
    _, upper = proportion_ci(250, 250, 0.998)
    assert lower == 0.0
    assert upper == 1.0


def test_wilson_interval_is_nan_for_impossible_inputs_without_raising():
    lower, upper = proportion_ci(np.array([1, 1, np.nan, 5, -1]), np.array([0, np.nan, 10, 4, 10]))
    assert np.isnan(lower).all() and np.isnan(upper).all()


def test_series_in_gives_series_out_with_the_same_index():
    numerators = pd.Series([3, 10], index=["Ersboda", "Ålidhem"], dtype="Int64")
    lower, upper = proportion_ci(numerators, pd.Series([300, 100], index=numerators.index))
    assert isinstance(lower, pd.Series)
    assert list(lower.index) == ["Ersboda", "Ålidhem"]
    assert lower["Ersboda"] == pytest.approx(0.00340662, rel=FIXTURE_REL)
    assert upper["Ålidhem"] > 0.10


def test_invalid_confidence_is_a_user_error():
    with pytest.raises(UserError, match="Konfidensnivån"):
        proportion_ci(3, 300, 95)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_wilson_interval_contains_the_proportion_and_widens_with_confidence(x, n):
    x = min(x, n)
    lower, upper = proportion_ci(x, n)
    wide_lower, wide_upper = proportion_ci(x, n, 0.998)
    assert 0.0 <= wide_lower <= lower <= x / n <= upper <= wide_upper <= 1.0


# --- rate_ci -----------------------------------------------------------------------------


def test_exact_poisson_interval_matches_worked_example_7_per_800():
    lower, upper = rate_ci(7, 800, multiplier=1000)
    assert lower == pytest.approx(3.51795, rel=FIXTURE_REL)
    assert upper == pytest.approx(18.0283, rel=FIXTURE_REL)


def test_byar_interval_matches_worked_example_25_per_5000():
    lower, upper = rate_ci(25, 5000, multiplier=1000)
    assert lower == pytest.approx(3.23485, rel=FIXTURE_REL)
    assert upper == pytest.approx(7.38129, rel=FIXTURE_REL)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_rate_interval_agrees_with_phe_rule_on_both_sides_of_ten_events(confidence):
    counts = np.arange(0, 40)
    lower, upper = rate_ci(counts, 2_500, confidence, 1000)
    for x, low, high in zip(counts, lower, upper, strict=True):
        expected_low, expected_high = phe_rate_count_ci(int(x), confidence)
        assert low == pytest.approx(expected_low / 2_500 * 1000, rel=PHE_REL, abs=1e-15)
        assert high == pytest.approx(expected_high / 2_500 * 1000, rel=PHE_REL)


def test_zero_events_give_lower_limit_zero_and_exact_upper_limit():
    lower, upper = rate_ci(0, 1000, multiplier=1000)
    assert lower == 0.0
    assert upper == pytest.approx(-math.log(0.025), rel=1e-12)


def test_rate_interval_is_nan_for_zero_or_missing_denominator():
    lower, upper = rate_ci([5, 5, np.nan, -1], [0, np.nan, 100, 100], multiplier=1000)
    assert np.isnan(lower).all() and np.isnan(upper).all()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 5_000), st.integers(1, 1_000_000))
def test_rate_interval_contains_the_crude_rate(count, denominator):
    lower, upper = rate_ci(count, denominator, multiplier=1000)
    rate = count / denominator * 1000
    assert 0.0 <= lower <= rate <= upper


# --- mean_ci -----------------------------------------------------------------------------


def test_mean_interval_uses_student_t_with_n_minus_one_df():
    lower, upper = mean_ci(2_250, 10, sd=30)
    expected = student_t.interval(0.95, 9, loc=225, scale=30 / math.sqrt(10))
    assert (lower, upper) == pytest.approx(expected, rel=1e-12)


def test_mean_interval_is_nan_where_sd_is_missing_or_n_too_small():
    lower, upper = mean_ci([2_250, 2_250, 200], [10, 10, 1], sd=[30, np.nan, 5])
    assert np.isfinite(lower[0]) and np.isnan(lower[1:]).all() and np.isnan(upper[1:]).all()
    no_sd_lower, no_sd_upper = mean_ci(2_250, 10)
    assert math.isnan(no_sd_lower) and math.isnan(no_sd_upper)


# --- compare_to_benchmark ----------------------------------------------------------------


@pytest.mark.parametrize(
    "lower, upper, direction, expected",
    [
        (0.12, 0.20, "higher_is_worse", "higher_worse"),
        (0.12, 0.20, "higher_is_better", "higher_better"),
        (0.12, 0.20, "none", "higher"),
        (0.02, 0.08, "higher_is_worse", "lower_better"),
        (0.02, 0.08, "higher_is_better", "lower_worse"),
        (0.02, 0.08, "none", "lower"),
        (0.05, 0.15, "higher_is_worse", "similar"),
        (0.10, 0.15, "higher_is_worse", "similar"),  # benchmark on the limit: inside
        (np.nan, 0.15, "higher_is_worse", "not_compared"),
    ],
)
def test_benchmark_verdict_follows_the_interval_rule_and_direction(
    lower, upper, direction, expected
):
    assert compare_to_benchmark(lower, upper, 0.10, direction=direction) == expected


def test_benchmark_verdicts_are_vectorised_over_rows_and_directions():
    verdict = compare_to_benchmark(
        pd.Series([0.12, 0.02, 0.05], index=[7, 8, 9]),
        np.array([0.20, 0.08, 0.15]),
        np.array([0.10, 0.10, np.nan]),
        direction=np.array(["higher_is_better", "higher_is_worse", "none"]),
    )
    assert list(verdict.index) == [7, 8, 9]
    assert verdict.tolist() == ["higher_better", "lower_better", "not_compared"]


def test_every_verdict_has_swedish_and_english_labels():
    assert set(VERDICT_LABELS) == {
        "higher_worse",
        "higher_better",
        "lower_worse",
        "lower_better",
        "higher",
        "lower",
        "similar",
        "not_compared",
    }
    assert VERDICT_LABELS["higher_worse"]["sv"] == "Signifikant högre (sämre)"
    assert VERDICT_LABELS["similar"]["sv"] == "Ingen signifikant skillnad"
    assert VERDICT_LABELS["not_compared"]["sv"] == "Kan inte jämföras"
    assert all(set(label) == {"sv", "en"} for label in VERDICT_LABELS.values())


def test_unknown_direction_is_a_user_error_naming_it():
    with pytest.raises(UserError, match="lower_is_worse"):
        compare_to_benchmark([0.1], [0.2], 0.15, direction=["lower_is_worse"])


# --- funnels -----------------------------------------------------------------------------


def test_proportion_funnel_matches_worked_examples_at_300():
    limits = funnel_limits_proportion(0.05, [300]).iloc[0]
    assert limits["lower_95"] == pytest.approx(0.0253377, rel=FIXTURE_REL)
    assert limits["upper_95"] == pytest.approx(0.0746623, rel=FIXTURE_REL)
    assert limits["lower_998"] == pytest.approx(0.0111154, rel=FIXTURE_REL)
    assert limits["upper_998"] == pytest.approx(0.0888846, rel=FIXTURE_REL)


@pytest.mark.parametrize("p0", [0.01, 0.05, 0.3, 0.9])
def test_proportion_funnel_equals_phe_sigma_adjustment_clipped_to_0_1(p0):
    n = np.array([5, 20, 150, 3_000, 80_000])
    limits = funnel_limits_proportion(p0, n)
    for i, size in enumerate(n):
        for prob, tag in ((0.975, "95"), (0.999, "998")):
            low = max(0.0, phe_sigma_adjustment(prob, size, p0, "low"))
            high = min(1.0, phe_sigma_adjustment(prob, size, p0, "high"))
            assert limits[f"lower_{tag}"].iloc[i] == pytest.approx(low, rel=1e-9, abs=1e-12)
            assert limits[f"upper_{tag}"].iloc[i] == pytest.approx(high, rel=1e-9)


@pytest.mark.parametrize("events", [1, 3, 10, 25, 100, 1_000])
def test_rate_funnel_reproduces_phe_poisson_funnel_points(events):
    average = 0.012  # per person; limits per 1 000
    lower_population = phe_poisson_funnel(events, 0.025, "high") / average
    upper_population = phe_poisson_funnel(events, 0.001, "low") / average
    lower = funnel_limits_rate(12.0, [lower_population], multiplier=1000)["lower_95"].iloc[0]
    upper = funnel_limits_rate(12.0, [upper_population], multiplier=1000)["upper_998"].iloc[0]
    assert lower == pytest.approx(events / lower_population * 1000, rel=1e-6)
    assert upper == pytest.approx(events / upper_population * 1000, rel=1e-6)


def test_rate_funnel_narrows_with_population_and_brackets_the_baseline():
    limits = funnel_limits_rate(8.0, [100, 1_000, 10_000, 100_000], multiplier=1000)
    assert (limits["lower_998"] <= limits["lower_95"]).all()
    assert (limits["lower_95"] < 8.0).all() and (limits["upper_95"] > 8.0).all()
    assert limits["upper_95"].is_monotonic_decreasing
    assert limits["lower_95"].is_monotonic_increasing


def test_funnel_flags_name_the_widest_limit_crossed():
    n = pd.Series([300] * 6, index=list("abcdef"))
    limits = funnel_limits_proportion(0.05, n)
    values = pd.Series([0.10, 0.08, 0.05, 0.02, 0.005, np.nan], index=n.index)
    flags = funnel_flags(values, limits)
    assert list(flags.index) == list("abcdef")
    assert flags.tolist() == [
        "high_0.001",
        "high_0.025",
        "within",
        "low_0.025",
        "low_0.001",
        "not_compared",
    ]
    assert set(flags) <= set(FUNNEL_FLAG_LABELS)
    assert FUNNEL_FLAG_LABELS["high_0.025"]["sv"] == "Hög (0,025)"
    assert FUNNEL_FLAG_LABELS["within"]["sv"] == "Inom gränserna"


def _phi_and_tau2_by_hand(x, n):
    """Spiegelhalter (2005) steps written out one at a time."""
    p0 = sum(x) / sum(n)
    s = [math.sqrt(p0 * (1 - p0) / ni) for ni in n]
    z = [(xi / ni - p0) / si for xi, ni, si in zip(x, n, s, strict=True)]
    low, high = np.quantile(z, [0.1, 0.9])
    phi = sum(min(max(zi, low), high) ** 2 for zi in z) / len(z)
    w = [1 / si**2 for si in s]
    k = len(z)
    tau2 = 0.0
    if k * phi > k - 1:
        tau2 = (k * phi - (k - 1)) / (sum(w) - sum(wi**2 for wi in w) / sum(w))
    return p0, phi, tau2


def test_overdispersed_proportions_get_tau2_from_spiegelhalter_and_wider_limits():
    x = [12, 30, 45, 80, 20, 60, 15, 90, 40, 25]
    n = [400, 500, 600, 700, 450, 550, 300, 800, 650, 350]
    result = overdispersion_adjusted_limits(x, n, kind="proportion")
    p0, phi, tau2 = _phi_and_tau2_by_hand(x, n)
    assert result.baseline == pytest.approx(p0)
    assert result.phi == pytest.approx(phi, rel=1e-12)
    assert result.tau2 == pytest.approx(tau2, rel=1e-12)
    assert result.tau2 > 0
    plain = funnel_limits_proportion(p0, n)
    assert (result.limits["upper_95"] > plain["upper_95"]).all()
    assert (result.limits["lower_998"] <= plain["lower_998"]).all()
    assert (result.limits["lower_998"] < plain["lower_998"]).any()


def test_data_without_overdispersion_keep_tau2_zero_and_the_plain_limits():
    n = [1_000] * 10
    x = [45, 50, 55, 50, 48, 52, 50, 47, 53, 50]
    result = overdispersion_adjusted_limits(x, n, kind="proportion")
    assert result.phi < 1
    assert result.tau2 == 0.0
    plain = funnel_limits_proportion(result.baseline, n)
    pd.testing.assert_frame_equal(result.limits, plain)


def test_overdispersed_rates_get_wider_limits_than_poisson_normal_approximation():
    rng = np.random.default_rng(7)
    n = rng.integers(2_000, 20_000, 60).astype(float)
    true_rate = rng.gamma(shape=5.0, scale=0.01 / 5.0, size=60)  # strong extra-Poisson spread
    counts = rng.poisson(true_rate * n)
    result = overdispersion_adjusted_limits(counts, n, kind="rate", multiplier=1000)
    assert result.phi > 1 and result.tau2 > 0
    r0 = counts.sum() / n.sum()
    plain_upper = (r0 + norm.ppf(0.975) * np.sqrt(r0 / n)) * 1000
    assert (result.limits["upper_95"].to_numpy() > plain_upper).all()


def test_overdispersion_needs_at_least_two_units():
    with pytest.raises(UserError):
        overdispersion_adjusted_limits([3], [100], kind="proportion")


# --- empirical Bayes, weekly alert -------------------------------------------------------


def test_marshall_global_eb_matches_worked_example():
    smoothed = eb_smoothed_rate([2, 25, 30], [400, 1000, 5000], multiplier=1000)
    assert smoothed == pytest.approx([6.31555, 22.2830, 6.11345], rel=FIXTURE_REL)


def test_eb_leaves_out_units_without_data_and_returns_nan_for_them():
    smoothed = eb_smoothed_rate(
        pd.Series([2, 25, None, 30], dtype="Int64"), [400, 1000, 800, 5000], multiplier=1000
    )
    assert math.isnan(smoothed.iloc[2])
    assert smoothed.drop(index=2).tolist() == pytest.approx(
        [6.31555, 22.2830, 6.11345], rel=FIXTURE_REL
    )


def test_eb_returns_the_pooled_rate_when_areas_do_not_differ_beyond_chance():
    smoothed = eb_smoothed_rate([10, 20, 40], [1000, 2000, 4000], multiplier=1000)
    assert smoothed == pytest.approx([10.0, 10.0, 10.0])


# --- overdispersion, spread, many comparisons (issue #16) --------------------------------


def spiegelhalter_phi(x, n):
    """Independent port: z against the pooled rate, winsorised 10 %/90 % by hand, mean z²."""
    x, n = np.asarray(x, float), np.asarray(n, float)
    p0 = x.sum() / n.sum()
    z = sorted((x / n - p0) / np.sqrt(p0 * (1 - p0) / n))
    low, high = np.quantile(z, [0.1, 0.9])
    return sum(min(max(v, low), high) ** 2 for v in z) / len(z)


def test_dispersion_factor_matches_an_independent_port():
    rng = np.random.default_rng(1)
    n = rng.integers(100, 2000, 21)
    x = rng.binomial(n, rng.beta(4, 30, 21))
    assert dispersion_factor(x, n, kind="proportion") == pytest.approx(spiegelhalter_phi(x, n))
    assert math.isnan(dispersion_factor(x[:4], n[:4], kind="proportion"))  # too few units


def test_dispersion_factor_is_about_one_without_real_differences():
    rng = np.random.default_rng(2)
    phis = []
    for _ in range(300):
        n = rng.integers(200, 3000, 21)
        phis.append(dispersion_factor(rng.binomial(n, 0.1), n, kind="proportion"))
    # winsorising shrinks φ a little below 1 under the null; never a systematic excess
    assert 0.6 < np.mean(phis) < 1.05
    rates = [
        dispersion_factor(rng.poisson(0.02 * n), n, kind="rate")
        for n in rng.integers(2000, 9000, (300, 21))
    ]
    assert 0.6 < np.mean(rates) < 1.05


def test_quasi_interval_widens_by_about_sqrt_phi_and_never_narrows():
    plain = np.subtract(*reversed(proportion_ci(200, 1000)))
    wide = np.subtract(*reversed(quasi_interval(200, 1000, 4.0, kind="proportion")))
    assert wide / plain == pytest.approx(2.0, rel=0.02)
    low, high = quasi_interval([200, 200], [1000, 1000], [0.3, np.nan], kind="proportion")
    assert low.tolist() == pytest.approx([proportion_ci(200, 1000)[0]] * 2)
    rate_plain = np.subtract(*reversed(rate_ci(400, 20_000)))
    rate_wide = np.subtract(*reversed(quasi_interval(400, 20_000, 9.0, kind="rate")))
    assert rate_wide / rate_plain == pytest.approx(3.0, rel=0.05)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 340, allow_nan=False), min_size=2, max_size=60))
def test_sd_from_sums_equals_numpy(scores):
    y = np.asarray(scores)
    sd = sd_from_sums(y.sum(), len(y), (y**2).sum())
    assert sd == pytest.approx(y.std(ddof=1), abs=1e-6 * max(1.0, y.max()))


def test_sd_from_sums_missing_or_single_pupil_gives_nan():
    assert math.isnan(sd_from_sums(230.0, 1, 52_900.0))
    assert math.isnan(sd_from_sums(460.0, 2, np.nan))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=80),
    st.sampled_from([0.01, 0.05, 0.1]),
)
def test_benjamini_hochberg_equals_statsmodels(p_values, q):
    reject = benjamini_hochberg(p_values, q=q)
    assert reject.tolist() == multipletests(p_values, alpha=q, method="fdr_bh")[0].tolist()


def test_benjamini_hochberg_ignores_missing_p_values():
    assert benjamini_hochberg([0.001, np.nan, 0.5], q=0.05).tolist() == [True, False, False]


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 400), st.integers(401, 5000), st.floats(0.01, 0.9))
def test_benchmark_p_value_below_005_exactly_when_the_95_interval_excludes_it(x, n, bench):
    low, high = proportion_ci(x, n)
    p = benchmark_p_value(x / n, low, high, bench)
    verdict = compare_to_benchmark(low, high, bench, direction="none")
    assert (verdict != "similar") == (p < 0.05) or abs(p - 0.05) < 1e-9


def test_fdr_significant_removes_most_chance_findings_among_many_comparisons():
    rng = np.random.default_rng(26)
    n = rng.integers(200, 3000, 525)
    x = rng.binomial(n, 0.1)  # no district truly differs from 10 %
    low, high = proportion_ci(x, n)
    rows = pd.DataFrame(
        {
            "indicator_id": np.repeat([f"i{k}" for k in range(25)], 21),
            "period": "2025",
            "area_code": np.tile([f"d{k}" for k in range(21)], 25),
            "area_level": "district",
            "value": x / n,
            "lower": low,
            "upper": high,
        }
    )
    muni = pd.DataFrame(
        {
            "indicator_id": [f"i{k}" for k in range(25)],
            "period": "2025",
            "area_code": "K",
            "area_level": "municipality",
            "value": 0.1,
            "lower": 0.1,
            "upper": 0.1,
        }
    )
    rows = pd.concat([rows, muni], ignore_index=True)
    rows["verdict"] = compare_to_benchmark(rows["lower"], rows["upper"], 0.1, direction="none")
    rows.loc[rows["area_level"] == "municipality", "verdict"] = "benchmark"
    plain = rows["verdict"].isin(["higher", "lower"]).sum()
    kept = fdr_significant(rows).sum()
    assert plain >= 15  # about 5 % of 525 by chance
    assert kept <= 2  # BH at 5 %: under the global null, any false finding in ≤ 5 % of years
