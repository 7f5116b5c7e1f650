"""compute() on a real store: period roll-up rules, partial benchmarks, overdispersion,
pooled rare events, the mean's real spread and the 99,8 % option (issue #16)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import compute
from indicators.stats import mean_ci, proportion_ci, rate_ci
from store.areas import sync_areas
from store.observations import write_observations

DISTRICTS = [f"d-{c}" for c in "abcdefgh"]
AREAS = pd.DataFrame(
    [("2480", "Umeå kommun", "municipality", None)]
    + [(d, d[2:].upper() + "by", "district", "2480") for d in DISTRICTS],
    columns=["code", "name", "level", "parent_code"],
).assign(name_en=None, official_name=None, focus=0, sort_order=range(len(DISTRICTS) + 1))


def load(store, rows, *, with_value=False):
    sync_areas(store, AREAS)
    frame = pd.DataFrame(
        rows, columns=["measure_id", "area_code", "period", "count", "denominator"]
    )
    frame["value"] = None
    write_observations(
        store, [frame], source="t", file_name="f.csv", checksum="c1", user="t", synthetic=True
    )


def test_events_sum_over_terms_and_head_counts_average(any_store):
    load(
        any_store,
        [
            ("avstangningar", "d-a", "2024-VT", 6, 400),
            ("avstangningar", "d-a", "2024-HT", 8, 420),
            ("avstangningar", "d-b", "2024-VT", 7, 500),  # HT missing: half a year is no year
            ("problematisk_franvaro", "d-a", "2025-VT", 40, 420),
            ("problematisk_franvaro", "d-a", "2025-HT", 50, 434),
        ],
    )
    out = compute(any_store, ["avstangningar", "problematisk_franvaro"])
    year = out[out["period"].isin(["2024", "2025"])].set_index(["indicator_id", "area_code"])
    assert year.loc[("avstangningar", "d-a"), ["numerator", "denominator"]].tolist() == [14, 410]
    assert ("avstangningar", "d-b") not in year.index
    row = year.loc[("problematisk_franvaro", "d-a")]
    assert row[["numerator", "denominator"]].tolist() == [45, 427]  # not 90 of 854
    lo, hi = proportion_ci(45, 427)
    assert row[["lower", "upper"]].tolist() == pytest.approx([lo * 100, hi * 100])


def test_benchmark_from_some_districts_is_marked_partial(any_store):
    load(
        any_store,
        [
            ("ej_behoriga_gymnasiet", "d-a", "2024", 30, 200),
            ("ej_behoriga_gymnasiet", "d-b", "2024", 20, 300),
        ],
    )
    out = compute(any_store, ["ej_behoriga_gymnasiet"]).set_index("area_code")
    assert out["benchmark_partial"].all()
    assert out.loc["2480", "numerator"] == 50


def test_stored_municipality_row_is_the_benchmark_and_not_partial(any_store):
    load(
        any_store,
        [
            ("ej_behoriga_gymnasiet", "d-a", "2024", 30, 200),
            ("ej_behoriga_gymnasiet", "d-b", "2024", 20, 300),
            ("ej_behoriga_gymnasiet", "2480", "2024", 180, 1500),
        ],
    )
    out = compute(any_store, ["ej_behoriga_gymnasiet"]).set_index("area_code")
    assert out.loc["2480", ["numerator", "denominator"]].tolist() == [180, 1500]
    assert not out["benchmark_partial"].any()
    # 15 % (10,7–20,6) against the stored 12 %: no significant difference
    assert out.loc["d-a", "verdict"] == "similar"


def test_overdispersed_visits_get_quasi_poisson_intervals(any_store):
    rng = np.random.default_rng(3)
    population = rng.integers(2_000, 6_000, len(DISTRICTS))
    rates = rng.gamma(4.0, 14.0 / 4.0, len(DISTRICTS))  # real between-district spread
    visits = rng.poisson(rates * population)
    load(
        any_store,
        [
            ("lovaktiviteter", d, "2024", int(v), int(n))
            for d, v, n in zip(DISTRICTS, visits, population, strict=True)
        ],
    )
    out = compute(any_store, ["lovaktiviteter"]).set_index("area_code")
    phi = out.loc["d-a", "phi"]
    assert phi > 10 and out.loc[DISTRICTS, "phi"].nunique() == 1
    plain = rate_ci(visits[0], population[0], multiplier=1000)
    quasi = rate_ci(visits[0] / phi, population[0] / phi, multiplier=1000)
    assert out.loc["d-a", ["lower", "upper"]].tolist() == pytest.approx(list(quasi))
    assert out.loc["d-a", "upper"] - out.loc["d-a", "lower"] > 3 * (plain[1] - plain[0])
    plain_out = compute(any_store, ["lovaktiviteter"], overdispersion=False)
    flagged = lambda f: f["verdict"].str.contains("er_").sum()  # noqa: E731
    assert flagged(out) <= flagged(plain_out)


def test_no_interval_for_a_mean_without_its_spread_and_a_real_one_with_it(any_store):
    rows = [("meritvarde_ak9", d, "2024", 230.0 * 40, 40) for d in DISTRICTS[:3]]
    load(any_store, rows)
    out = compute(any_store, ["meritvarde_ak9"]).set_index("area_code")
    assert out.loc["d-a", ["lower", "upper"]].isna().all()
    assert out.loc["d-a", "verdict"] == "not_compared"


def test_mean_interval_from_stored_sum_of_squares(any_store):
    scores = np.array([200.0, 250.0, 300.0, 180.0, 270.0, 220.0, 240.0, 310.0, 190.0, 260.0] * 2)
    rows = [
        ("meritvarde_ak9", "d-a", "2024", scores.sum(), len(scores)),
        ("meritvarde_ak9_kvadratsumma", "d-a", "2024", float((scores**2).sum()), None),
    ]
    load(any_store, rows)
    out = compute(any_store, ["meritvarde_ak9"]).set_index("area_code")
    lo, hi = mean_ci(scores.sum(), len(scores), scores.std(ddof=1))
    assert out.loc["d-a", ["lower", "upper"]].tolist() == pytest.approx([lo, hi])


def test_rare_events_are_pooled_over_three_years_and_labelled(any_store):
    rows = [
        ("vapenbrott", d, str(y), 3 + i, 10_000)
        for i, d in enumerate(DISTRICTS[:3])
        for y in range(2020, 2025)
    ]
    load(any_store, rows)
    out = compute(any_store, ["vapenbrott"], periods=["2024"]).set_index("area_code")
    assert out.loc["2480", "period_label"] == "2022–2024"
    assert out.loc["2480", ["numerator", "denominator"]].tolist() == [3 * (3 + 4 + 5), 90_000]
    assert (out["trend"] == "cannot_calculate").all()  # overlapping pools carry no trend
    years = set(compute(any_store, ["vapenbrott"])["period"])
    assert years == {"2022", "2023", "2024"}  # no pool without all three years


def test_998_level_is_wider_than_95(any_store):
    load(any_store, [("ej_behoriga_gymnasiet", "d-a", "2024", 30, 200)])
    wide = compute(any_store, ["ej_behoriga_gymnasiet"], confidence=0.998)
    narrow = compute(any_store, ["ej_behoriga_gymnasiet"])
    lo, hi = proportion_ci(30, 200, 0.998)
    row = wide.set_index("area_code").loc["d-a"]
    assert row[["lower", "upper"]].tolist() == pytest.approx([lo * 100, hi * 100])
    assert (wide["upper"] - wide["lower"] >= narrow["upper"] - narrow["lower"]).all()
