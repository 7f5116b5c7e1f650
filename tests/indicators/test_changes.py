"""indicators.changes: what Översikt shows as "Förändrat sedan förra året"."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import load_catalogue
from indicators.changes import CHANGE_COLUMNS, significant_changes
from indicators.stats import proportion_ci

CATALOGUE = load_catalogue()


def row(indicator, area, period, x, n, *, suppressed=False, label=None):
    """A published proportion row with its Wilson interval, in percent."""
    low, high = proportion_ci(x, n)
    return {
        "indicator_id": indicator,
        "area_code": area,
        "area_name": area.removeprefix("d-").title(),
        "period": period,
        "period_label": label or period,
        "numerator": None if suppressed else x,
        "value": None if suppressed else 100 * x / n,
        "lower": None if suppressed else 100 * low,
        "upper": None if suppressed else 100 * high,
        "suppressed": suppressed,
    }


def test_non_overlapping_intervals_are_a_change_with_better_or_worse_from_the_direction():
    frame = pd.DataFrame(
        [
            row("unga_uvas", "d-ersboda", "2024", 40, 1000),
            row("unga_uvas", "d-ersboda", "2025", 90, 1000),  # up: worse
            row("godkanda_alla_amnen", "d-ersboda", "2024", 600, 1000),
            row("godkanda_alla_amnen", "d-ersboda", "2025", 700, 1000),  # up: better
            row("unga_uvas", "d-tomtebo", "2024", 40, 1000),
            row("unga_uvas", "d-tomtebo", "2025", 45, 1000),  # overlap: no change
        ]
    )
    out = significant_changes(frame, CATALOGUE, period="2025")
    assert list(out.columns) == CHANGE_COLUMNS
    got = {(r.indicator_id, r.area_code): r for r in out.itertuples()}
    assert set(got) == {("unga_uvas", "d-ersboda"), ("godkanda_alla_amnen", "d-ersboda")}
    uvas = got[("unga_uvas", "d-ersboda")]
    assert (uvas.direction_word, uvas.better) == ("higher", False)
    assert uvas.pct_change == pytest.approx(125.0)
    assert got[("godkanda_alla_amnen", "d-ersboda")].better is True
    assert out["indicator_id"].iloc[0] == "unga_uvas"  # largest change first


def test_small_counts_give_no_percentage_and_suppressed_or_pooled_rows_are_left_out():
    frame = pd.DataFrame(
        [
            row("unga_uvas", "d-ersboda", "2024", 1, 2000),
            row("unga_uvas", "d-ersboda", "2025", 60, 2000),
            row("unga_uvas", "d-haga", "2024", 40, 1000, suppressed=True),
            row("unga_uvas", "d-haga", "2025", 90, 1000),
            row("personran", "d-teg", "2024", 5, 30000, label="2022–2024"),
            row("personran", "d-teg", "2025", 90, 30000, label="2023–2025"),
        ]
    )
    out = significant_changes(frame, CATALOGUE, period="2025")
    assert out["area_code"].tolist() == ["d-ersboda"]
    assert math.isnan(out["pct_change"].iloc[0])  # never "+5 900 %" from 1 pupil


def test_areas_filter_and_empty_inputs_give_the_columns():
    frame = pd.DataFrame(
        [
            row("unga_uvas", "d-ersboda", "2024", 40, 1000),
            row("unga_uvas", "d-ersboda", "2025", 90, 1000),
        ]
    )
    assert significant_changes(frame, CATALOGUE, period="2025", areas=["d-teg"]).empty
    for empty in (
        significant_changes(frame.iloc[0:0], CATALOGUE, period="2025"),
        significant_changes(frame, CATALOGUE, period="2025-VT"),
        significant_changes(
            pd.DataFrame(columns=["indicator_id", "area_code", "period"]), {}, period="2025"
        ),
    ):
        assert empty.empty and list(empty.columns) == CHANGE_COLUMNS


@settings(max_examples=60, deadline=None)
@given(st.integers(5, 500), st.integers(5, 500), st.integers(600, 3000))
def test_a_change_is_listed_exactly_when_the_intervals_do_not_overlap(x0, x1, n):
    frame = pd.DataFrame(
        [row("unga_uvas", "d-ersboda", "2024", x0, n), row("unga_uvas", "d-ersboda", "2025", x1, n)]
    )
    out = significant_changes(frame, CATALOGUE, period="2025")
    a, b = frame.iloc[0], frame.iloc[1]
    separate = b["lower"] > a["upper"] or b["upper"] < a["lower"]
    assert len(out) == int(separate)
    if separate:
        assert out["pct_change"].iloc[0] == pytest.approx((x1 - x0) / x0 * 100)
        assert np.sign(x1 - x0) == (1 if out["direction_word"].iloc[0] == "higher" else -1)
