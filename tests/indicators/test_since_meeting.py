"""indicators.since_meeting: which periods arrived, and every verdict that turned is listed."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import load_catalogue
from indicators.changes import CHANGE_COLUMNS, significant_changes
from indicators.since_meeting import changes_since, new_periods
from indicators.stats import proportion_ci

VERDICTS = ["similar", "higher_worse", "lower_better", None]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(VERDICTS), st.sampled_from(VERDICTS)), min_size=1, max_size=6
    )
)
def test_turned_lists_exactly_the_areas_whose_verdict_changed(pairs):
    rows = []
    for i, (before, now) in enumerate(pairs):
        for period, verdict in (("2024", before), ("2025", now)):
            rows.append(
                {
                    "indicator_id": "x",
                    "area_code": f"d-{i}",
                    "area_name": f"Område {i}",
                    "period": period,
                    "verdict": verdict,
                    "value": 10.0,
                    "lower": 5.0,
                    "upper": 15.0,
                    "numerator": 10.0,
                    "suppressed": False,
                }
            )
    values = pd.DataFrame(rows)
    out = changes_since(values, {}, {"x": ["2025"]}, areas=[f"d-{i}" for i in range(len(pairs))])
    expected = {f"d-{i}" for i, (b, n) in enumerate(pairs) if b and n and b != n}
    assert set(out["turned"]["area_code"]) == expected
    assert out["changes"].empty  # equal intervals: nothing significant


def test_new_periods_are_years_with_values_only():
    loaded = pd.DataFrame({"measure_id": ["m", "m"], "periods": [["2025", "2025-W47"], ["2019"]]})
    values = pd.DataFrame({"indicator_id": ["a", "b", "a"], "period": ["2025", "2024", "2019"]})
    assert new_periods(loaded, values) == {"a": ["2019", "2025"]}
    assert new_periods(loaded.iloc[0:0], values) == {}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 300), st.integers(0, 300), st.integers(300, 3000)),
        min_size=1,
        max_size=8,
    )
)
def test_changes_since_a_meeting_are_the_one_rule_in_the_one_order(cells):
    """ "Sedan förra mötet" lists what indicators.changes.significant_changes lists (all of it,
    same order): the page, the brief and this section never disagree about a change."""
    catalogue = load_catalogue()
    rows = []
    for i, (x0, x1, n) in enumerate(cells):
        for period, x in (("2024", x0), ("2025", x1)):
            low, high = proportion_ci(x, n)
            rows.append(
                {
                    "indicator_id": "unga_uvas",
                    "area_code": f"d-{i}",
                    "area_name": f"Område {i}",
                    "period": period,
                    "verdict": "similar",
                    "numerator": float(x),
                    "value": 100 * x / n,
                    "lower": 100 * low,
                    "upper": 100 * high,
                    "suppressed": False,
                }
            )
    values = pd.DataFrame(rows)
    areas = [f"d-{i}" for i in range(len(cells))]
    got = changes_since(values, catalogue, {"unga_uvas": ["2025"]}, areas=areas)["changes"]
    want = significant_changes(values, catalogue, period="2025", areas=areas, limit=None)
    assert list(got.columns) == CHANGE_COLUMNS
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)
