"""Trends that turned since the council's last meeting (indicators/since_meeting.py)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import load_catalogue
from indicators.brief_content import since_meeting_lines
from indicators.since_meeting import TURNED_TREND_COLUMNS, turned_trends
from indicators.trend import recent_trend

YEARS = [str(y) for y in range(2018, 2026)]


def series(counts, *, trend_now="increasing", suppressed=None, area="d-ersboda"):
    n = len(counts)
    return pd.DataFrame(
        {
            "indicator_id": "ind",
            "area_code": area,
            "area_name": area,
            "period": YEARS[-n:],
            "numerator": [float(c) for c in counts],
            "denominator": 1000.0,
            "value": [c / 10 for c in counts],
            "lower": float("nan"),
            "upper": float("nan"),
            "suppressed": suppressed or [False] * n,
            "kind": "proportion",
            "trend": ["cannot_calculate"] * (n - 1) + [trend_now],
        }
    )


def test_a_flat_series_that_now_climbs_has_turned_and_says_from_what():
    v = series([20, 21, 20, 21, 20, 21, 80])
    out = turned_trends(v, {"ind": ["2025"]}, areas=["d-ersboda"])
    assert out.to_dict("records") == [
        {
            "indicator_id": "ind",
            "area_code": "d-ersboda",
            "area_name": "d-ersboda",
            "period": "2025",
            "period_before": "2024",
            "trend_before": "no_change",
            "trend_now": "increasing",
        }
    ]


def test_a_protected_point_in_the_meetings_window_gives_no_word_for_the_meeting():
    hidden = [False, False, True, False, False, False, False]
    v = series([20, 21, 2, 21, 20, 21, 80], suppressed=hidden)
    assert turned_trends(v, {"ind": ["2025"]}, areas=["d-ersboda"]).empty


def test_nothing_turns_without_new_periods_or_outside_the_areas_asked_for():
    v = series([20, 21, 20, 21, 20, 21, 80])
    assert turned_trends(v, {}, areas=["d-ersboda"]).empty
    assert turned_trends(v, {"ind": ["2025"]}, areas=["d-alidhem"]).empty
    # the latest year is not new: the council saw it, nothing can have turned
    assert turned_trends(v, {"ind": ["2023"]}, areas=["d-ersboda"]).empty


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 200), min_size=6, max_size=8),
    now=st.sampled_from(["increasing", "decreasing", "no_change", "cannot_calculate"]),
)
def test_a_turned_trend_always_names_two_different_words_and_the_meetings_rule(counts, now):
    v = series(counts, trend_now=now)
    out = turned_trends(v, {"ind": ["2025"]}, areas=["d-ersboda"])
    assert list(out.columns) == TURNED_TREND_COLUMNS
    then = recent_trend(
        [v["numerator"].iloc[:-1].tail(5).to_numpy()],
        [v["denominator"].iloc[:-1].tail(5).to_numpy()],
        kind="proportion",
    )["trend"].iloc[0]
    words = {"increasing", "decreasing", "no_change"}
    expected = now in words and then in words and then != now
    assert len(out) == int(expected)
    if expected:
        assert out.loc[0, "trend_before"] == then and out.loc[0, "trend_now"] == now


def test_the_council_brief_says_which_trend_turned_in_words():
    catalogue = load_catalogue()
    ind = next(i for i, m in catalogue.items() if m.kind == "proportion")
    v = series([20, 21, 20, 21, 20, 21, 80]).assign(indicator_id=ind, verdict="similar")
    loaded = pd.DataFrame({"file_name": ["ny.csv"], "measure_id": ["x"], "periods": [["2025"]]})
    lines = since_meeting_lines(
        loaded, v, catalogue, districts=["d-ersboda"], names={"d-ersboda": "Ersboda"}
    )
    assert (
        f"Ersboda: {catalogue[ind].name_sv} – trenden har vänt: nu ökande (till och med 2025), "
        "vid mötet ingen signifikant förändring (till och med 2024)." in lines
    ), lines
