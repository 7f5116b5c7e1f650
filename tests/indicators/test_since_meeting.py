"""indicators.since_meeting: which periods arrived, and every verdict that turned is listed."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.since_meeting import changes_since, new_periods

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
