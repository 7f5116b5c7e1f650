"""Period forms (data/templates/README.md "Perioder")."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.periods import normalise_period, normalise_periods, period_kind


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2025", "2025"),
        (2025, "2025"),
        (2025.0, "2025"),
        ("2025-VT", "2025-VT"),
        ("2025 vt", "2025-VT"),
        ("VT 2025", "2025-VT"),
        ("ht-2024", "2024-HT"),
        ("2025VT", "2025-VT"),
        ("2025-03", "2025-03"),
        ("2025-3", "2025-03"),
        ("2025/03", "2025-03"),
        ("2025M03", "2025-03"),
        ("2025-03-01", "2025-03"),
        (datetime(2025, 3, 1), "2025-03"),
        (date(2025, 12, 1), "2025-12"),
        ("2025-W47", "2025-W47"),
        ("2025w47", "2025-W47"),
        ("2025 v47", "2025-W47"),
        ("2025 v. 47", "2025-W47"),
        ("v47 2025", "2025-W47"),
        ("vecka 47 2025", "2025-W47"),
        ("2025 vecka 7", "2025-W07"),
        ("2020-W53", "2020-W53"),
        ("  2025  ", "2025"),
    ],
)
def test_written_forms_are_normalised(written, stored):
    assert normalise_period(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        "2025-13",
        "2025-00",
        "2021-W53",
        "2025-W00",
        "HT25",
        "25",
        "2025-03-15",
        datetime(2025, 3, 15),
        "sommar 2025",
        "",
        None,
        "1850",
        "2025-Q1",
    ],
)
def test_unreadable_periods_give_none(written):
    assert normalise_period(written) is None


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)))
def test_every_iso_week_in_every_written_form_gives_the_same_period(day):
    iso = day.isocalendar()
    stored = f"{iso.year}-W{iso.week:02d}"
    forms = [
        stored,
        f"{iso.year} v{iso.week}",
        f"v{iso.week} {iso.year}",
        f"vecka {iso.week} {iso.year}",
        f"{iso.year}W{iso.week}",
    ]
    assert {normalise_period(f) for f in forms} == {stored}
    assert period_kind(stored) == "week"


def test_a_column_is_parsed_once_per_distinct_value():
    out = normalise_periods(pd.Series(["vt 2025"] * 3 + ["x"]))
    assert out.iloc[:3].tolist() == ["2025-VT"] * 3 and pd.isna(out.iloc[3])
