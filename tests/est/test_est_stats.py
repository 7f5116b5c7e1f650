"""The weekly lägesbild's statistics and views (indicators/est.py), checked by hand."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import betabinom, binom
from statsmodels.stats.multitest import multipletests

from indicators.est import (
    DETECTION_PERMUTATIONS,
    MORE_THAN_USUAL,
    default_week,
    est_view,
    hotspot_cells,
    hotspots,
    last_complete_week,
    week_data,
    weeks_needed,
)
from indicators.stats import weekly_excess, weekly_overdispersion

WEEK = "2025-W47"  # Monday 17 November 2025
ERSBODA, ALIDHEM = "d-ersboda", "d-alidhem"


def incidents(
    times, *, district=ERSBODA, cell=(761250, 7092250), type_="klotter", partner="polis"
) -> pd.DataFrame:
    times = pd.DatetimeIndex(pd.to_datetime(times))
    return pd.DataFrame(
        {
            "occurred_at": times,
            "type": type_,
            "partner": partner,
            "cell_x": cell[0],
            "cell_y": cell[1],
            "district_code": district,
        }
    )


def weekly(per_week: list[int], *, this_week: int, district=ERSBODA, **kw) -> pd.DataFrame:
    """``per_week`` counts for the 8 weeks before WEEK (oldest first), then ``this_week``."""
    mondays = pd.date_range("2025-09-22 21:00", periods=8, freq="7D")
    times = [t for t, k in zip(mondays, per_week, strict=True) for _ in range(k)]
    times += [pd.Timestamp("2025-11-22 22:15")] * this_week
    return incidents(times, district=district, **kw)


# --- weekly test against the previous 8 weeks (docs/methods.md, "EST weekly test") ------------


def test_ten_after_eight_weeks_of_four_is_flagged_by_the_conditional_binomial():
    data = week_data(weekly([4] * 8, this_week=10), WEEK, districts=[ERSBODA])
    row = data["districts"].iloc[0]
    assert row["previous_mean"] == 4.0
    # 42 incidents in 9 weeks; this week's share is Binomial(42, 1/9) if nothing changed.
    assert math.isclose(row["p_value"], binom.sf(9, 42, 1 / 9), rel_tol=1e-9)
    assert bool(row["flag"]) and row["label"] == MORE_THAN_USUAL


def test_a_week_within_the_usual_range_is_not_flagged():
    row = week_data(weekly([4] * 8, this_week=6), WEEK, districts=[ERSBODA])["districts"].iloc[0]
    assert math.isclose(row["p_value"], binom.sf(5, 38, 1 / 9), rel_tol=1e-9)
    assert not row["flag"] and row["label"] == ""


def test_two_incidents_after_quiet_weeks_are_too_few_to_flag():
    frame = pd.concat(
        [
            weekly([1, 0, 0, 0, 0, 0, 0, 0], this_week=0, district=ALIDHEM),
            weekly([0] * 8, this_week=2),
        ]
    )
    table = week_data(frame, WEEK, districts=[ERSBODA, ALIDHEM])["districts"].set_index(
        "district_code"
    )
    assert table.loc[ERSBODA, "p_value"] == pytest.approx((1 / 9) ** 2)  # both in this week
    assert not table.loc[ERSBODA, "flag"]  # x = 2 < 3


def test_overdispersed_weeks_use_the_beta_binomial_and_flag_less():
    # Weeks that swing 0/10 are overdispersed: the same 10 is less surprising there.
    calm = week_data(weekly([5] * 8, this_week=10), WEEK, districts=[ERSBODA])
    wild = week_data(weekly([10, 0] * 4, this_week=10), WEEK, districts=[ERSBODA])
    p_calm = calm["districts"]["p_value"].iloc[0]
    p_wild = wild["districts"]["p_value"].iloc[0]
    weeks = np.array([[10, 0] * 4], dtype=float)
    c = weekly_overdispersion(weeks)
    assert c > 0
    assert p_wild == pytest.approx(betabinom.sf(9, 50, 1 / c, 8 / c))
    assert p_wild > p_calm


def simulate_null(rng, *, shape, reps, alpha, adjust):
    """Null weeks for 22 districts: Poisson (shape None) or gamma-Poisson, nothing changed."""
    mu = np.geomspace(0.5, 12.0, 22)[:, None]
    per_test = family = 0
    for _ in range(reps):
        rate = mu if shape is None else rng.gamma(shape, mu / shape, (22, 9))
        weeks = rng.poisson(np.broadcast_to(rate, (22, 9)))
        _, flag = weekly_excess(weeks[:, 8], weeks[:, :8], alpha=alpha, adjust=adjust)
        per_test += flag.sum()
        family += flag.any()
    return per_test / (reps * 22), family / reps


@pytest.mark.parametrize("shape", [None, 4.0, 1.0], ids=["poisson", "mild", "strong"])
def test_null_flag_rates_stay_within_nominal_levels(shape):
    """Simulation: with nothing changed, false alarms are at most the nominal rate.

    Per district at 1 % unadjusted, and across the 22 districts with Benjamini–Hochberg at
    5 % (the probability of any false "fler än vanligt" in a week). 1 500 weeks each; the
    bounds include 2 Monte Carlo standard errors.
    """
    rng = np.random.default_rng(16)
    reps = 1500
    per_test, _ = simulate_null(rng, shape=shape, reps=reps, alpha=0.01, adjust="none")
    assert per_test <= 0.01 + 2 * math.sqrt(0.01 * 0.99 / (reps * 22))
    _, family = simulate_null(rng, shape=shape, reps=reps, alpha=0.05, adjust="bh")
    assert family <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / reps)


def test_a_real_tripling_is_found_most_weeks():
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(300):
        weeks = rng.poisson(np.full((22, 9), 6.0))
        weeks[0, 8] = rng.poisson(18.0)
        _, flag = weekly_excess(weeks[:, 8], weeks[:, :8])
        found += flag[0]
    assert found / 300 > 0.6


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=8, max_size=8),
    st.integers(0, 40),
)
def test_p_is_a_probability_and_falls_as_the_week_grows(baseline, x):
    weeks = np.array([baseline], dtype=float)
    p_now, _ = weekly_excess([x], weeks, adjust="none")
    p_more, _ = weekly_excess(
        [x + 1], weeks, adjust="none", overdispersion=weekly_overdispersion(weeks)
    )
    assert 0.0 <= p_now[0] <= 1.0
    assert p_more[0] <= p_now[0] + 1e-12


def test_no_flag_when_the_data_do_not_reach_back_over_the_baseline():
    data = week_data(
        incidents(["2025-11-12 20:00"] + ["2025-11-20 20:00"] * 10), WEEK, districts=[ERSBODA]
    )
    assert not data["baseline_complete"]
    assert not data["districts"]["flag"].any() and data["districts"]["p_value"].isna().all()


# --- counts ---------------------------------------------------------------------------------------


def test_weekday_hour_matrix_puts_saturday_evening_in_its_slot():
    data = week_data(incidents(["2025-11-22 22:15", "2025-11-22 22:59", "2025-11-17 00:05"]), WEEK)
    matrix = data["weekday_hour"]
    assert matrix.loc["lördag", 22] == 2 and matrix.loc["måndag", 0] == 1
    assert int(matrix.to_numpy().sum()) == 3


def test_previous_weeks_on_the_grid_count_four_or_eight_weeks_back():
    frame = weekly([1, 1, 1, 1, 2, 2, 2, 2], this_week=3)
    four = week_data(frame, WEEK, previous_weeks=4)["cells"].iloc[0]
    eight = week_data(frame, WEEK, previous_weeks=8)["cells"].iloc[0]
    assert (four["count"], four["count_previous"], four["count_baseline"]) == (3, 8, 12)
    assert (eight["count_previous"], eight["count_baseline"]) == (12, 12)
    assert weeks_needed(WEEK, previous_weeks=4) == weeks_needed(WEEK)  # baseline needs 8


def test_counts_by_type_and_partner_with_their_eight_week_means():
    frame = pd.concat(
        [
            weekly([2] * 8, this_week=3, type_="hot", partner="polis"),
            weekly([1] * 8, this_week=1, type_="brand", partner="fältare"),
        ]
    )
    data = week_data(frame, WEEK)
    assert data["by_type"].values.tolist() == [["hot", 3, 2.0], ["brand", 1, 1.0]]
    assert data["by_partner"]["partner"].tolist() == ["polis", "fältare"]
    assert data["weekly_totals"]["count"].tolist() == [3] * 8 + [4]


def test_incident_times_read_as_text_are_accepted():
    frame = weekly([4] * 8, this_week=10)
    frame["occurred_at"] = frame["occurred_at"].astype(str).astype(object)
    assert week_data(frame, WEEK)["total"] == 10


# --- who sees what --------------------------------------------------------------------------------


def test_est_view_shows_active_cells_without_any_raw_position():
    frame = pd.concat(
        [weekly([0] * 7 + [1], this_week=0, cell=(761500, 7092250)), weekly([0] * 8, this_week=2)]
    )
    view = est_view(week_data(frame, WEEK, previous_weeks=4))
    assert view["cells"].columns.tolist() == [
        "cell_id",
        "cell_x",
        "cell_y",
        "district_code",
        "count",
        "count_previous",
    ]
    assert view["cells"]["cell_id"].tolist() == [
        "CRS3006RES250mN7092250E761250",
        "CRS3006RES250mN7092250E761500",
    ]


# --- Getis–Ord Gi* (docs/methods.md §1.10) -------------------------------------------------------------


def grid(values: np.ndarray) -> pd.DataFrame:
    ny, nx = values.shape
    xs, ys = np.meshgrid(np.arange(nx) * 250, np.arange(ny) * 250)
    return pd.DataFrame(
        {"cell_x": xs.ravel(), "cell_y": ys.ravel(), "count": values.ravel().astype(float)}
    )


def gi_star_by_formula(cells: pd.DataFrame) -> np.ndarray:
    """docs/methods.md §1.10 with binary queen weights including the cell itself."""
    x = cells["count"].to_numpy()
    n = len(x)
    xbar, s = x.mean(), math.sqrt((x**2).mean() - x.mean() ** 2)
    out = []
    for cx, cy in zip(cells["cell_x"], cells["cell_y"], strict=True):
        w = ((abs(cells["cell_x"] - cx) <= 250) & (abs(cells["cell_y"] - cy) <= 250)).to_numpy()
        sw, sw2 = w.sum(), (w**2).sum()
        denominator = s * math.sqrt((n * sw2 - sw**2) / (n - 1))
        out.append((x[w].sum() - xbar * sw) / denominator if denominator else np.nan)
    return np.array(out)


def test_gi_star_on_a_3x3_grid_with_one_high_cell_matches_the_formula():
    cells = grid(np.array([[9, 0, 0], [0, 0, 0], [0, 0, 0]]))  # the high cell in the SW corner
    out = hotspots(cells, permutations=99)
    # By hand: x̄ = 1, S = √8; corner (W = 4): (9 − 4)/(√8·√(20/8)) = 5/√20; edge beside it
    # (W = 6): 3/√18; the far corner: −4/√20; the far edge: −6/√18; the centre (W = n) has none.
    z = out.set_index(["cell_x", "cell_y"])["gi_z"]
    assert z[(0, 0)] == pytest.approx(5 / math.sqrt(20), rel=1e-9)
    assert z[(250, 0)] == pytest.approx(3 / math.sqrt(18), rel=1e-9)
    assert z[(500, 500)] == pytest.approx(-4 / math.sqrt(20), rel=1e-9)
    assert z[(500, 250)] == pytest.approx(-6 / math.sqrt(18), rel=1e-9)
    assert np.isnan(z[(250, 250)])
    finite = np.isfinite(out["gi_z"])
    np.testing.assert_allclose(
        out.loc[finite, "gi_z"], gi_star_by_formula(cells)[finite], rtol=1e-9
    )


def test_hotspot_q_values_are_benjamini_hochberg_of_the_permutation_p_values():
    rng = np.random.default_rng(5)
    values = rng.poisson(0.6, size=(12, 12))
    values[4:7, 4:7] += 6
    out = hotspots(grid(values), permutations=DETECTION_PERMUTATIONS)
    tested = out["p_sim"].notna()
    reject, q, _, _ = multipletests(out.loc[tested, "p_sim"], alpha=0.05, method="fdr_bh")
    np.testing.assert_allclose(out.loc[tested, "q"], q)
    hot = (out["q"] <= 0.05) & (out["gi_z"] > 0)
    assert (out["hotspot"] == "hot").tolist() == hot.tolist()
    assert out.loc[(out["cell_x"] == 1250) & (out["cell_y"] == 1250), "hotspot"].item() == "hot"


def test_999_permutations_are_too_coarse_for_fdr_over_many_cells():
    values = np.random.default_rng(5).poisson(0.6, size=(12, 12))
    values[4:7, 4:7] += 6
    coarse = hotspots(grid(values), permutations=999)
    fine = hotspots(grid(values), permutations=DETECTION_PERMUTATIONS)
    assert coarse["p_sim"].min() == pytest.approx(2 / 1000)  # 5 cells there: q = 0,002·144/5
    assert (coarse["hotspot"] == "hot").sum() == 0 and (fine["hotspot"] == "hot").sum() >= 5


def test_benjamini_hochberg_on_known_p_values():
    # q_(i) = min_{j ≥ i} p_(j)·m/j: 0,001·4/1 = 0,004; 0,01·4/2 = 0,02; 0,04·4/3; 0,5.
    _, q, _, _ = multipletests([0.04, 0.001, 0.5, 0.01], method="fdr_bh")
    np.testing.assert_allclose(q, [0.04 * 4 / 3, 0.004, 0.5, 0.02])


def test_cells_tied_with_every_permutation_are_not_cold_spots():
    values = np.zeros((10, 10), dtype=int)
    values[0, 0], values[9, 9], values[0, 9] = 3, 1, 1
    out = hotspots(grid(values), permutations=999)
    assert (out["hotspot"] == "cold").sum() == 0
    assert out["p_sim"].min() > 0.05


def test_cell_without_neighbours_is_not_tested():
    cells = pd.concat(
        [
            grid(np.array([[1, 0], [2, 0]])),
            pd.DataFrame({"cell_x": [5000], "cell_y": [5000], "count": [9.0]}),
        ],
        ignore_index=True,
    )
    out = hotspots(cells, permutations=99)
    island = out.iloc[-1]
    assert np.isnan(island["p_sim"]) and island["hotspot"] == "none"


def test_cells_that_are_all_islands_get_z_but_no_test():
    cells = pd.DataFrame({"cell_x": [0, 5000, 10000], "cell_y": [0, 0, 0], "count": [1.0, 2, 9]})
    out = hotspots(cells)
    assert out["gi_z"].notna().all() and out["p_sim"].isna().all()
    assert out["hotspot"].eq("none").all()


def test_hotspots_repeat_with_the_same_seed_and_handle_no_variation():
    values = np.random.default_rng(1).poisson(1.0, size=(8, 8))
    first, second = hotspots(grid(values)), hotspots(grid(values))
    pd.testing.assert_frame_equal(first, second)
    flat = hotspots(grid(np.ones((3, 3))))
    assert flat["hotspot"].eq("none").all() and flat["gi_z"].isna().all()


# --- weeks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "week"),
    [
        (date(2025, 11, 26), "2025-W47"),  # Wednesday
        (date(2025, 11, 24), "2025-W47"),  # Monday: last week has just ended
        (date(2025, 11, 23), "2025-W46"),  # Sunday: this week is not over
        (date(2025, 1, 1), "2024-W52"),  # ISO year boundary
        (date(2021, 1, 4), "2020-W53"),
    ],
)
def test_last_complete_week(today, week):
    assert last_complete_week(today) == week


def test_default_week_is_not_after_the_last_week_with_data():
    assert default_week(date(2026, 11, 25), latest_with_data="2025-W48") == "2025-W48"
    assert default_week(date(2025, 11, 26), latest_with_data="2025-W48") == "2025-W47"


def test_hotspot_cell_set_is_this_week_and_the_eight_before_whatever_is_shown():
    old = incidents(["2025-09-01 20:00"], cell=(761500, 7092250))  # 11 weeks before WEEK
    recent = weekly([1] * 8, this_week=1)
    data = week_data(pd.concat([old, recent]), WEEK, previous_weeks=12)
    assert len(data["cells"]) == 2
    assert hotspot_cells(data)[["cell_x", "cell_y"]].values.tolist() == [[761250, 7092250]]
