"""indicators.changes: the one rule Översikt, "Sedan förra mötet" and the council brief use."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import load_catalogue
from indicators.changes import (
    CHANGE_COLUMNS,
    MAX_CHANGES,
    MAX_RELATIVE_CHANGE,
    change_sentence,
    significant_changes,
)
from indicators.stats import proportion_ci

CATALOGUE = load_catalogue()
#: A context measure (no better/worse side): never listed as a change.
CONTEXT = next(
    i.id for i in CATALOGUE.values() if i.direction not in ("higher_is_worse", "higher_is_better")
)


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


def test_non_overlapping_intervals_are_a_change_with_worse_or_better_from_the_direction():
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
    assert (uvas.change, uvas.worse) == ("higher", True)
    assert uvas.relative_change == pytest.approx(1.25)
    assert not got[("godkanda_alla_amnen", "d-ersboda")].worse
    assert out["score"].is_monotonic_decreasing


def test_ranked_by_gap_over_width_not_by_percentage():
    # A: +200 % from small-ish counts, intervals barely apart. B: +30 % from large counts, far
    # apart. The percentage would put A first; the gap/width score puts B first.
    frame = pd.DataFrame(
        [
            row("unga_uvas", "d-ersboda", "2024", 20, 800),
            row("unga_uvas", "d-ersboda", "2025", 60, 800),
            row("unga_uvas", "d-tomtebo", "2024", 3000, 20000),
            row("unga_uvas", "d-tomtebo", "2025", 3900, 20000),
        ]
    )
    out = significant_changes(frame, CATALOGUE, period="2025")
    assert out["area_code"].tolist() == ["d-tomtebo", "d-ersboda"]
    assert out["relative_change"].iloc[1] > out["relative_change"].iloc[0]


def test_small_counts_give_no_percentage_and_suppressed_pooled_or_context_rows_are_left_out():
    frame = pd.DataFrame(
        [
            row("unga_uvas", "d-ersboda", "2024", 1, 2000),
            row("unga_uvas", "d-ersboda", "2025", 60, 2000),
            row("unga_uvas", "d-haga", "2024", 40, 1000, suppressed=True),
            row("unga_uvas", "d-haga", "2025", 90, 1000),
            row("personran", "d-teg", "2024", 5, 30000, label="2022–2024"),
            row("personran", "d-teg", "2025", 90, 30000, label="2023–2025"),
            row(CONTEXT, "d-ersboda", "2024", 100, 1000),
            row(CONTEXT, "d-ersboda", "2025", 300, 1000),
        ]
    )
    out = significant_changes(frame, CATALOGUE, period="2025")
    assert out["area_code"].tolist() == ["d-ersboda"]
    assert out["indicator_id"].tolist() == ["unga_uvas"]
    assert math.isnan(out["relative_change"].iloc[0])  # never "+5 900 %" from 1 pupil
    assert "(+" not in change_sentence(out.iloc[0], CATALOGUE["unga_uvas"])


def test_areas_filter_limit_and_empty_inputs_give_the_columns():
    frame = pd.DataFrame(
        [
            row("unga_uvas", f"d-{i}", y, x, 1000)
            for i in range(12)
            for y, x in (("2024", 40), ("2025", 90 + i))
        ]
    )
    assert significant_changes(frame, CATALOGUE, period="2025", areas=["d-teg"]).empty
    assert len(significant_changes(frame, CATALOGUE, period="2025")) == MAX_CHANGES
    assert len(significant_changes(frame, CATALOGUE, period="2025", limit=None)) == 12
    for empty in (
        significant_changes(frame.iloc[0:0], CATALOGUE, period="2025"),
        significant_changes(frame, CATALOGUE, period="2025-VT"),
        significant_changes(
            pd.DataFrame(columns=["indicator_id", "area_code", "period"]), {}, period="2025"
        ),
    ):
        assert empty.empty and list(empty.columns) == CHANGE_COLUMNS


def test_sentence_in_both_languages_names_area_indicator_direction_and_values():
    frame = pd.DataFrame(
        [
            row("godkanda_alla_amnen", "d-ersboda", "2024", 700, 1000),
            row("godkanda_alla_amnen", "d-ersboda", "2025", 600, 1000),
        ]
    )
    change = significant_changes(frame, CATALOGUE, period="2025").iloc[0]
    ind = CATALOGUE["godkanda_alla_amnen"]
    sv = change_sentence(change, ind)
    en = change_sentence(change, ind, lang="en")
    assert sv.startswith(f"Ersboda – {ind.name_sv}: lägre än förra året (sämre). 70,0")
    assert sv.endswith("(−14\xa0%).")
    assert en.startswith(f"Ersboda – {ind.name_en}: lower than last year (worse). 70.0")
    assert en.endswith("(−14%).")


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
        ratio = (x1 - x0) / x0
        if abs(ratio) <= MAX_RELATIVE_CHANGE:
            assert out["relative_change"].iloc[0] == pytest.approx(ratio)
        else:  # beyond tenfold no percentage, the two values only
            assert math.isnan(out["relative_change"].iloc[0])
        assert np.sign(x1 - x0) == (1 if out["change"].iloc[0] == "higher" else -1)
        assert out["score"].iloc[0] > 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(200, 3000)),
        min_size=1,
        max_size=10,
    ),
    st.integers(1, 10),
)
def test_ranking_is_by_score_and_a_limit_keeps_the_top_of_the_same_order(cells, limit):
    frame = pd.DataFrame(
        [
            r
            for i, (x0, x1, n) in enumerate(cells)
            for r in (
                row("unga_uvas", f"d-{i}", "2024", x0, n),
                row("unga_uvas", f"d-{i}", "2025", x1, n),
            )
        ]
    )
    full = significant_changes(frame, CATALOGUE, period="2025", limit=None)
    assert full["score"].is_monotonic_decreasing
    top = significant_changes(frame, CATALOGUE, period="2025", limit=limit)
    pd.testing.assert_frame_equal(top, full.head(limit))
    # A percentage only from counts of at least 5 on both sides.
    counts = {f"d-{i}": (x0, x1) for i, (x0, x1, _) in enumerate(cells)}
    for r in full.itertuples():
        if min(counts[r.area_code]) < 5:
            assert math.isnan(r.relative_change)
