"""indicators.brief_content: what the council brief says, as plain data (no PDF here).

Run on the shipped demo database read through access (as reports.brief reads it) and on
generated rows; the PDF itself is tested in tests/reports/test_brief.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from access.reads import indicator_values
from catalogue import load_catalogue
from common.errors import UserError
from common.fmt import MISSING, fmt_value
from geo.areas import read_areas
from indicators.brief_content import (
    MAX_DISTRICTS,
    BriefContent,
    brief_content,
    value_table_rows,
    verdict_summary,
)
from indicators.changes import change_sentence, significant_changes
from store import Store

CATALOGUE = load_catalogue()
LEVELS = ("country", "municipality", "district")


@pytest.fixture(scope="module")
def demo_values(demo_db_file) -> pd.DataFrame:
    store = Store(f"sqlite:///{demo_db_file}")
    try:
        return indicator_values(store, "rad", levels=LEVELS)
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def content(demo_values) -> BriefContent:
    return brief_content(demo_values, CATALOGUE, period="2024")


def test_changes_are_the_one_rule_each_with_its_sentence(content):
    want = significant_changes(content.values, CATALOGUE, period="2024", areas=content.districts)
    assert len(want) > 0  # the demo data hold changes in the focus districts in 2024
    pd.testing.assert_frame_equal(content.changes.drop(columns="text"), want)
    assert content.changes["text"].tolist() == [
        change_sentence(r, CATALOGUE[r["indicator_id"]]) for r in want.to_dict("records")
    ]


def test_summary_counts_every_compared_value_of_a_district_once(content):
    period = content.period
    for row in content.summary.itertuples(index=False):
        part = content.values[
            (content.values["area_code"] == row.area_code)
            & (content.values["period"] == period)
            & content.values["indicator_id"].map(lambda i: CATALOGUE[i].kind != "count")
        ]
        judged = part["suppressed"].astype(bool) | part["verdict"].notna()
        assert row.worse + row.better + row.similar + row.hidden == int(judged.sum())
        assert len(row.worse_names) == row.worse


def test_value_table_names_every_district_municipality_and_sweden(content):
    names = [r[0] for r in content.value_rows]
    assert names == [content.names[c] for c in [*content.districts, content.municipality, "SE"]]
    assert names[-1] == "Sverige"


def test_trend_table_has_a_row_per_area_and_a_word_per_indicator(content):
    assert len(content.trend_rows) == len(content.districts) + 1
    assert all(len(r) == len(content.trend_ids) + 1 for r in content.trend_rows)
    assert content.headline.id in content.trend_ids


def test_bad_input_is_a_swedish_user_error(demo_values):
    with pytest.raises(UserError, match="inga indikatorvärden för 2031"):
        brief_content(demo_values, CATALOGUE, period=2031)
    with pytest.raises(UserError, match="Okänd indikator 'nope'"):
        brief_content(demo_values, CATALOGUE, period=2024, indicator="nope")
    every = read_areas(level="district")["code"].tolist()
    with pytest.raises(UserError, match=f"högst {MAX_DISTRICTS} områden"):
        brief_content(demo_values, CATALOGUE, period=2024, districts=every[: MAX_DISTRICTS + 1])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.floats(0.5, 500), st.integers(5, 900)),
        min_size=1,
        max_size=6,
    )
)
def test_a_hidden_value_is_a_dash_never_a_number(cells):
    ind = CATALOGUE["skadegorelse"]
    frame = pd.DataFrame(
        {
            "indicator_id": ind.id,
            "period": "2025",
            "area_code": [f"A{i}" for i in range(len(cells))],
            "value": [v for _, v, _ in cells],
            "lower": [v * 0.8 for _, v, _ in cells],
            "upper": [v * 1.2 for _, v, _ in cells],
            "numerator": [float(n) for _, _, n in cells],
            "denominator": 4000.0,
            "suppressed": [s for s, _, _ in cells],
            "reason": [("uppgift skyddad" if s else None) for s, _, _ in cells],
            "verdict": [(None if s else "similar") for s, _, _ in cells],
        }
    )
    rows = value_table_rows(frame, ind, period="2025", areas=frame["area_code"], names={})
    for (hidden, value, n), row in zip(cells, rows, strict=True):
        if hidden:
            assert row[1:4] == [MISSING] * 3 and row[5] == MISSING
            assert fmt_value(value, kind=ind.kind, multiplier=ind.multiplier) not in row
            assert str(n) not in " ".join(row)
        else:
            assert row[1] == fmt_value(value, kind=ind.kind, multiplier=ind.multiplier)


def test_a_barely_worse_district_among_many_comparisons_counts_as_similar():
    # Benjamini–Hochberg over the districts shown: A is far above Umeå and stays "worse"; B's
    # interval only just clears Umeå's value and, among the comparisons, counts as similar.
    v = pd.DataFrame(
        {
            "indicator_id": "skadegorelse",
            "period": "2025",
            "area_code": ["K", "A", "B", "C"],
            "area_level": ["municipality", "district", "district", "district"],
            "value": [10.0, 14.0, 10.9, 10.2],
            "lower": [9.5, 12.0, 10.05, 9.0],
            "upper": [10.5, 16.0, 11.8, 11.4],
            "verdict": ["benchmark", "higher_worse", "higher_worse", "similar"],
            "suppressed": False,
        }
    )
    summary = verdict_summary(v, CATALOGUE, period="2025", areas=["A", "B", "C"])
    counts = summary.set_index("area_code")[["worse", "similar"]]
    assert counts.to_dict("index") == {
        "A": {"worse": 1, "similar": 0},
        "B": {"worse": 0, "similar": 1},
        "C": {"worse": 0, "similar": 1},
    }
