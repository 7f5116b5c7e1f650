"""The vectorised engine stages against the plain rules they implement (issue 17).

Each stage that was rewritten on integer codes (pooling of rare-event years, φ per
indicator × year, the area roll-up's partial flags, trends) is compared with a direct,
row-by-row reading of its rule in docs/methods.md on random small tables: same rows, same
numbers.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import _roll_up_areas
from indicators.rollup import pool_years, roll_up_areas
from indicators.stats import dispersion_by_group, dispersion_factor


def _pool_by_rule(frame: pd.DataFrame, width: int) -> dict[tuple[str, str], tuple]:
    """Per kept (area, year): (numerator, denominator, synthetic, label), row by row."""
    out = {}
    rows = {(r.area_code, int(r.period)): r for r in frame.itertuples()}
    for (area, year), _row in rows.items():
        window = [rows.get((area, y)) for y in range(year - width + 1, year + 1)]
        if any(r is None for r in window):
            continue
        nums = [r.numerator for r in window]
        dens = [r.denominator for r in window]
        out[(area, str(year))] = (
            np.nan if any(np.isnan(nums)) else float(sum(nums)),
            np.nan if any(np.isnan(dens)) else float(sum(dens)),
            any(r.synthetic for r in window),
            f"{year - width + 1}–{year}",
        )
    return out


cells = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.integers(2015, 2024),
        st.one_of(st.just(np.nan), st.integers(0, 50).map(float)),
        st.one_of(st.just(np.nan), st.integers(1, 5000).map(float)),
        st.booleans(),
    ),
    max_size=30,
    unique_by=lambda c: (c[0], c[1]),
)


@settings(max_examples=150, deadline=None)
@given(cells=cells, width=st.integers(2, 4), categorical=st.booleans())
def test_pool_years_matches_the_rule(cells, width, categorical):
    frame = pd.DataFrame(
        [
            {
                "indicator_id": "r",
                "area_code": a,
                "period": str(y),
                "numerator": n,
                "denominator": d,
                "synthetic": s,
            }
            for a, y, n, d, s in cells
        ]
        + [  # a term row and another indicator's years pass through unchanged
            {
                "indicator_id": "r",
                "area_code": "A",
                "period": "2024-VT",
                "numerator": 3.0,
                "denominator": 9.0,
                "synthetic": False,
            },
            {
                "indicator_id": "y",
                "area_code": "A",
                "period": "2024",
                "numerator": 1.0,
                "denominator": 2.0,
                "synthetic": True,
            },
        ]
    )
    if categorical:
        frame = frame.astype({"indicator_id": "category", "area_code": "category"})
        frame["period"] = frame["period"].astype("category")
    rules = {"r": SimpleNamespace(pool_years=width), "y": SimpleNamespace(pool_years=1)}
    out = pool_years(frame, rules)
    pooled = out[(out["indicator_id"] == "r") & (out["period"].astype(str).str.len() == 4)]
    got = {
        (r.area_code, r.period): (r.numerator, r.denominator, r.synthetic, r.period_label)
        for r in pooled.astype({"area_code": str, "period": str, "period_label": str}).itertuples()
    }
    want = _pool_by_rule(frame[frame["indicator_id"].astype(str) == "r"].iloc[:-1], width)
    assert got.keys() == want.keys()
    for key, (num, den, syn, label) in want.items():
        g_num, g_den, g_syn, g_label = got[key]
        assert (np.isnan(num) and np.isnan(g_num)) or num == g_num
        assert (np.isnan(den) and np.isnan(g_den)) or den == g_den
        assert (bool(g_syn), g_label) == (syn, label)
    rest = out[~out.index.isin(pooled.index)].astype({"period": str, "period_label": str})
    assert (rest["period_label"] == rest["period"]).all()
    assert len(rest) == 2


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["i", "j"]),
            st.sampled_from(["2023", "2024", None]),
            st.sampled_from(["proportion", "rate", "mean"]),
            st.integers(0, 80),
            st.integers(80, 600),
            st.booleans(),
        ),
        max_size=40,
    )
)
def test_dispersion_by_group_matches_a_loop_over_groups(rows):
    frame = pd.DataFrame(
        rows, columns=["indicator_id", "period", "kind", "numerator", "denominator", "unit"]
    )
    # One kind per indicator, as in the catalogue.
    frame["kind"] = frame["indicator_id"].map({"i": "proportion", "j": "rate"})
    frame.loc[frame.index % 5 == 4, "kind"] = "mean"
    got = dispersion_by_group(frame, units=frame["unit"].to_numpy(bool))
    for pos, row in enumerate(frame.itertuples()):
        if row.period is None or row.kind == "mean":
            assert np.isnan(got.iloc[pos])
            continue
        part = frame[
            (frame["indicator_id"] == row.indicator_id)
            & (frame["period"] == row.period)
            & frame["unit"]
            & frame["kind"].isin(["proportion", "rate"])
        ]
        want = (
            dispersion_factor(part["numerator"], part["denominator"], kind=part["kind"].iloc[0])
            if len(part)
            else np.nan
        )
        assert (np.isnan(want) and np.isnan(got.iloc[pos])) or want == got.iloc[pos]


AREAS = pd.DataFrame(
    {
        "code": ["K", "D1", "D2", "S1", "S2", "S3"],
        "parent_code": [None, "K", "K", "D1", "D1", "D2"],
    }
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["i", "j"]),
            st.sampled_from(["K", "D1", "D2", "S1", "S2", "S3", "X"]),
            st.sampled_from(["2023", "2024"]),
            st.one_of(st.just(np.nan), st.integers(0, 90).map(float)),
            st.one_of(st.just(np.nan), st.integers(1, 900).map(float)),
            st.booleans(),
        ),
        max_size=25,
        unique_by=lambda r: r[:3],
    )
)
def test_area_roll_up_matches_the_plain_rule(rows):
    """The engine's bincount roll-up gives the rows, sums and partial flags of
    indicators.rollup.roll_up_areas (a pandas group-by and a loop over the tree)."""
    frame = pd.DataFrame(
        rows,
        columns=["indicator_id", "area_code", "period", "numerator", "denominator", "synthetic"],
    )
    want = roll_up_areas(frame, AREAS)
    got = _roll_up_areas(frame, AREAS)
    columns = ["numerator", "denominator", "synthetic", "partial"]

    def keyed(f):
        f = f.astype({"indicator_id": str, "area_code": str, "period": str})
        return f.set_index(["indicator_id", "area_code", "period"])[columns].sort_index()

    pd.testing.assert_frame_equal(keyed(got), keyed(want), check_dtype=False)
