"""Tests for indicators/disclosure.py: primary and secondary suppression (docs/methods.md §2)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import UserError
from indicators.disclosure import (
    HIDDEN_COLUMNS,
    KINDS,
    PROTECTED,
    REASONS,
    REASONS_EN,
    reason_texts,
    suppress,
)

KEY = ["indicator_id", "area_code", "period"]


def make_table(rows: list[tuple], *, kind: str = "count", indicator: str = "x") -> pd.DataFrame:
    """Rows of (area_code, period, numerator[, denominator])."""
    records = []
    for row in rows:
        area, period, numerator, *rest = row
        denominator = rest[0] if rest else np.nan
        value = numerator / denominator if denominator == denominator else numerator
        records.append(
            {
                "indicator_id": indicator,
                "kind": kind,
                "area_code": area,
                "period": period,
                "numerator": float(numerator),
                "denominator": float(denominator),
                "value": float(value),
                "lower": float(value) * 0.9,
                "upper": float(value) * 1.1,
            }
        )
    return pd.DataFrame(records)


def by_area(out: pd.DataFrame) -> dict[str, bool]:
    return dict(zip(out["area_code"], out["suppressed"], strict=True))


# --- line oracle used by the property tests: rebuilt here from the hierarchy, by hand -----


def lines_of(
    table: pd.DataFrame, area_parent: dict[str, str], period_parent: dict[str, str]
) -> list[tuple[tuple, list[tuple]]]:
    """Every (total cell, [part cells]) relation among the table's cells."""
    cells = set(zip(table["indicator_id"], table["area_code"], table["period"], strict=True))
    area_children: dict[str, list[str]] = defaultdict(list)
    for child, parent in area_parent.items():
        area_children[parent].append(child)
    period_children: dict[str, list[str]] = defaultdict(list)
    for child, parent in period_parent.items():
        period_children[parent].append(child)
    lines = []
    for indicator, area, period in sorted(cells):
        if area in area_children:
            parts = [(indicator, child, period) for child in sorted(area_children[area])]
            lines.append(((indicator, area, period), [c for c in parts if c in cells]))
        if period in period_children:
            parts = [(indicator, area, child) for child in sorted(period_children[period])]
            lines.append(((indicator, area, period), [c for c in parts if c in cells]))
    return lines


def recover_by_difference(
    out: pd.DataFrame, lines: list[tuple[tuple, list[tuple]]]
) -> dict[tuple, float]:
    """What an outsider gets from published totals and parts by one subtraction."""
    keys = zip(out["indicator_id"], out["area_code"], out["period"], strict=True)
    published = {
        key: (None if hidden else numerator)
        for key, numerator, hidden in zip(keys, out["numerator"], out["suppressed"], strict=True)
    }
    recovered = {}
    for total, parts in lines:
        members = [total, *parts]
        unknown = [m for m in members if published[m] is None]
        if len(unknown) != 1:
            continue
        (cell,) = unknown
        if cell == total:
            recovered[cell] = sum(published[p] for p in parts)
        else:
            recovered[cell] = published[total] - sum(published[p] for p in parts if p != cell)
    return recovered


def ancestors(name: str, parent_of: dict[str, str]) -> list[str]:
    chain = [name]
    while chain[-1] in parent_of:
        chain.append(parent_of[chain[-1]])
    return chain


def add_up(
    leaves: dict[tuple[str, str], int], area_parent: dict[str, str], period_parent: dict[str, str]
) -> dict[tuple[str, str], int]:
    """Every (area, period) total implied by leaf counts, so that all lines add up."""
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for (area, period), n in leaves.items():
        for a in ancestors(area, area_parent):
            for p in ancestors(period, period_parent):
                cells[(a, p)] += n
    return dict(cells)


# --- primary suppression -----------------------------------------------------------------


def test_counts_below_threshold_are_hidden_and_zero_and_threshold_are_shown():
    table = make_table([(f"A{n}", "2025", n) for n in range(8)])

    out = suppress(table)

    assert out["suppressed"].tolist() == [False, True, True, True, True, False, False, False]
    assert out.loc[out["suppressed"], "reason"].eq(PROTECTED).all()
    assert out.loc[0, "numerator"] == 0.0 and out.loc[0, "reason"] is None


def test_threshold_is_configurable():
    table = make_table([("A", "2025", 3), ("B", "2025", 2)])

    out = suppress(table, threshold=3)

    assert out["suppressed"].tolist() == [False, True]
    assert out.loc[1, "reason"] == PROTECTED


def test_proportion_of_nearly_everyone_is_hidden_by_complement_rule():
    table = make_table(
        [("A", "2025", 18, 20), ("B", "2025", 15, 20), ("C", "2025", 20, 20)], kind="proportion"
    )

    out = suppress(table)

    assert by_area(out) == {"A": True, "B": False, "C": False}
    assert out.loc[0, "reason"] == PROTECTED


def test_complement_rule_applies_to_proportions_only():
    table = make_table([("A", "2025", 18, 20)], kind="rate")

    assert not suppress(table)["suppressed"].any()


@pytest.mark.parametrize("kind", ["proportion", "rate", "mean"])
def test_small_denominator_is_hidden(kind):
    table = make_table([("A", "2025", 0, 9), ("B", "2025", 5, 10)], kind=kind)

    out = suppress(table)

    assert by_area(out) == {"A": True, "B": False}
    assert out.loc[0, "reason"] == PROTECTED


def test_mean_is_judged_by_its_denominator_only():
    # The numerator of a mean is a sum of scores (e.g. merit values), not a count of pupils.
    table = make_table([("A", "2025", 3, 40), ("B", "2025", 38, 40)], kind="mean")

    assert not suppress(table)["suppressed"].any()


def test_count_kind_has_no_denominator_rule():
    table = make_table([("A", "2025", 7, 3)], kind="count")

    assert not suppress(table)["suppressed"].any()


def test_every_hidden_cell_gives_the_same_reason_whatever_rule_hid_it():
    # A reason naming the rule ("färre än 5", "nästan alla") narrows the cell: one text only.
    table = make_table(
        [("A", "2025", 4, 30), ("B", "2025", 25, 30), ("C", "2025", 8, 15)], kind="proportion"
    )

    out = suppress(table, threshold=6, min_denominator=20)

    assert out["reason"].tolist() == ["uppgift skyddad"] * 3
    assert reason_texts(threshold=6, language="en") == {"protected": "figure protected"}
    assert REASONS.keys() == REASONS_EN.keys() == {"protected"}


def test_suppressed_values_are_nan_never_zero_and_rows_are_never_dropped():
    table = make_table(
        [("A", "2025", 2, 50), ("B", "2025", 0, 50), ("C", "2025", 30, 50)], kind="proportion"
    )
    table.index = [10, 20, 30]

    out = suppress(table)

    assert list(out.index) == [10, 20, 30]
    assert out[KEY].equals(table[KEY])
    hidden = out.loc[10, list(HIDDEN_COLUMNS)]
    assert hidden.isna().all()
    assert out.loc[10, "reason"] == PROTECTED
    assert out.loc[20, "numerator"] == 0.0 and not out.loc[20, "suppressed"]
    assert (
        out.loc[30, list(HIDDEN_COLUMNS)].tolist() == table.loc[30, list(HIDDEN_COLUMNS)].tolist()
    )


def test_other_columns_are_kept_and_input_is_not_modified():
    table = make_table([("A", "2025", 2), ("B", "2025", 9)])
    table["source"] = ["polisen", "polisen"]
    table["import_batch_id"] = [7, 8]
    before = table.copy(deep=True)

    out = suppress(table)

    assert out["source"].tolist() == ["polisen", "polisen"]
    assert out["import_batch_id"].tolist() == [7, 8]
    pd.testing.assert_frame_equal(table, before)
    assert list(out.columns) == [*table.columns, "suppressed", "reason"]


def test_hide_columns_blanks_extra_columns_in_suppressed_rows():
    table = make_table([("A", "2025", 2), ("B", "2025", 9)])
    table["rank_in_municipality"] = [1.0, 2.0]

    out = suppress(table, hide_columns=["rank_in_municipality"])

    assert np.isnan(out.loc[0, "rank_in_municipality"])
    assert out.loc[1, "rank_in_municipality"] == 2.0


def test_no_data_is_not_marked_suppressed():
    table = make_table([("A", "2025", np.nan, np.nan)], kind="proportion")

    out = suppress(table)

    assert not out.loc[0, "suppressed"] and out.loc[0, "reason"] is None


def test_empty_table_gives_empty_output_with_the_added_columns():
    table = make_table([("A", "2025", 3)]).iloc[0:0]

    out = suppress(table, area_parent={"A": "U"}, period_parent={"2025-VT": "2025"})

    assert out.empty and list(out.columns) == [*table.columns, "suppressed", "reason"]


# --- secondary suppression -----------------------------------------------------------------

DISTRICTS = {"Ersboda": "Umeå", "Mariehem": "Umeå", "Tomtebo": "Umeå", "Ålidhem": "Umeå"}


def test_sweden_and_municipality_rows_pass_through_protect_in_the_engine():
    # Sweden (SE, level country) is in no line of ours, yet every figure of it leaves
    # indicators/ through the same protection step as the districts' (issue 10).
    from indicators.engine import compute_frame

    areas = pd.DataFrame(
        {
            "code": ["SE", "K", "A", "B"],
            "name": ["Sverige", "Kommun", "A", "B"],
            "level": ["country", "municipality", "district", "district"],
            "parent_code": [None, None, "K", "K"],
        }
    )
    obs = pd.DataFrame(
        {
            "measure_id": "skadegorelse",
            "area_code": ["A", "B", "SE", "A", "B", "SE"],
            "period": ["2024"] * 3 + ["2025"] * 3,
            "count": [40.0, 60.0, 3.0, 2.0, 60.0, 900.0],
            "denominator": [2000.0, 3000.0, 90000.0, 2000.0, 3000.0, 90000.0],
            "value": None,
            "synthetic": True,
        }
    )

    out = compute_frame(obs, areas).set_index(["area_code", "period"])

    assert out.loc[("SE", "2024"), "suppressed"] and np.isnan(out.loc[("SE", "2024"), "numerator"])
    assert not out.loc[("SE", "2025"), "suppressed"]
    # 2025: A's 2 is hidden, and B with it: the published municipal total gives nothing away.
    assert out.loc[("A", "2025"), "suppressed"] and out.loc[("B", "2025"), "suppressed"]
    assert not out.loc[("K", "2024"), "suppressed"]


def test_suppressed_cell_cannot_be_recovered_from_total():
    table = make_table(
        [
            ("Umeå", "2025", 60),
            ("Ersboda", "2025", 3),
            ("Mariehem", "2025", 12),
            ("Tomtebo", "2025", 25),
            ("Ålidhem", "2025", 20),
        ]
    )

    out = suppress(table, area_parent=DISTRICTS)

    # Umeå total minus the other districts no longer gives Ersboda.
    assert by_area(out) == {
        "Umeå": False,
        "Ersboda": True,
        "Mariehem": True,
        "Tomtebo": False,
        "Ålidhem": False,
    }
    assert out.set_index("area_code").loc["Mariehem", "reason"] == PROTECTED
    assert recover_by_difference(out, lines_of(table, DISTRICTS, {})) == {}


def test_without_the_hierarchy_a_hidden_cell_is_recovered_from_the_total():
    # Shows why area_parent matters, and that the recovery oracle used below really works.
    table = make_table(
        [
            ("Umeå", "2025", 60),
            ("Ersboda", "2025", 3),
            ("Mariehem", "2025", 12),
            ("Tomtebo", "2025", 25),
            ("Ålidhem", "2025", 20),
        ]
    )

    out = suppress(table)

    assert recover_by_difference(out, lines_of(table, DISTRICTS, {})) == {
        ("x", "Ersboda", "2025"): 3.0
    }


def test_suppressed_cell_cannot_be_recovered_from_sub_periods():
    periods = {"2025-VT": "2025", "2025-HT": "2025"}
    table = make_table(
        [("Ersboda", "2025", 40), ("Ersboda", "2025-VT", 3), ("Ersboda", "2025-HT", 37)]
    )

    out = suppress(table, period_parent=periods)

    # Year minus VT would give HT: HT (smaller than the year) is hidden too.
    assert out["suppressed"].tolist() == [False, True, True]
    assert out.loc[2, "reason"] == PROTECTED
    assert recover_by_difference(out, lines_of(table, {}, periods)) == {}


def test_hidden_total_is_one_member_of_its_line():
    # In an additive table a small total implies small parts; here the 4 people have no
    # known district (a real case: unknown address), so only the total is primary-hidden.
    table = make_table([("Umeå", "2025", 4), ("Ersboda", "2025", 0), ("Mariehem", "2025", 0)])

    out = suppress(table, area_parent={"Ersboda": "Umeå", "Mariehem": "Umeå"})

    # No non-zero part is published, so the smallest member (a zero, first by code) is hidden.
    assert by_area(out) == {"Umeå": True, "Ersboda": True, "Mariehem": False}
    assert out["reason"].tolist()[:2] == [PROTECTED, PROTECTED]


def test_secondary_picks_smallest_non_zero_then_area_code():
    table = make_table(
        [
            ("Umeå", "2025", 31),
            ("Ersboda", "2025", 2),
            ("Mariehem", "2025", 0),
            ("Tomtebo", "2025", 9),
            ("Ålidhem", "2025", 9),
            ("Östra", "2025", 11),
        ]
    )
    parents = {**DISTRICTS, "Östra": "Umeå"}

    out = suppress(table, area_parent=parents)

    assert [a for a, hidden in by_area(out).items() if hidden] == ["Ersboda", "Tomtebo"]


def test_zero_is_hidden_only_when_no_non_zero_member_is_published():
    # No total row: the line is the parts alone (the total may be published elsewhere).
    table = make_table([("Ersboda", "2025", 3), ("Mariehem", "2025", 0), ("Tomtebo", "2025", 0)])

    out = suppress(table, area_parent={"Ersboda": "Umeå", "Mariehem": "Umeå", "Tomtebo": "Umeå"})

    assert by_area(out) == {"Ersboda": True, "Mariehem": True, "Tomtebo": False}


def test_secondary_suppression_reaches_a_fixed_point_across_levels_and_periods():
    areas = {"E1": "Ersboda", "E2": "Ersboda", "Ersboda": "Umeå", "Mariehem": "Umeå"}
    periods = {"2025-VT": "2025", "2025-HT": "2025"}
    leaves = {
        ("E1", "2025-VT"): 2,
        ("E1", "2025-HT"): 30,
        ("E2", "2025-VT"): 40,
        ("E2", "2025-HT"): 50,
        ("Mariehem", "2025-VT"): 60,
        ("Mariehem", "2025-HT"): 70,
    }
    cells = add_up(leaves, areas, periods)
    table = make_table([(a, p, n) for (a, p), n in sorted(cells.items())])

    out = suppress(table, area_parent=areas, period_parent=periods)

    assert out["suppressed"].sum() >= 4
    assert recover_by_difference(out, lines_of(table, areas, periods)) == {}


def test_same_input_gives_identical_output_whatever_the_row_order():
    table = make_table(
        [
            ("Umeå", "2025", 60),
            ("Ersboda", "2025", 3),
            ("Mariehem", "2025", 12),
            ("Tomtebo", "2025", 12),
            ("Ålidhem", "2025", 33),
        ]
    )

    first = suppress(table, area_parent=DISTRICTS)
    again = suppress(table, area_parent=DISTRICTS)
    shuffled = suppress(table.sample(frac=1, random_state=3), area_parent=DISTRICTS)

    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, shuffled.sort_index())


def test_suppressing_twice_changes_nothing():
    table = make_table(
        [
            ("Umeå", "2025", 60),
            ("Ersboda", "2025", 3),
            ("Mariehem", "2025", 12),
            ("Tomtebo", "2025", 25),
            ("Ålidhem", "2025", 20),
        ]
    )
    once = suppress(table, area_parent=DISTRICTS)

    twice = suppress(once, area_parent=DISTRICTS)

    pd.testing.assert_frame_equal(once, twice)


# --- refused input -------------------------------------------------------------------------


def test_missing_column_is_refused_in_swedish():
    table = make_table([("A", "2025", 3)]).drop(columns="denominator")

    with pytest.raises(UserError, match="saknar kolumn") as error:
        suppress(table)
    assert error.value.problem.column == "denominator"


def test_unknown_kind_and_unknown_hide_column_are_refused():
    table = make_table([("A", "2025", 3)], kind="percent")
    with pytest.raises(UserError, match="Okänd indikatortyp 'percent'"):
        suppress(table)
    with pytest.raises(UserError, match="finns inte"):
        suppress(make_table([("A", "2025", 3)]), hide_columns=["rank"])


def test_duplicate_cell_is_refused_because_it_would_count_twice_in_a_line():
    table = make_table([("A", "2025", 3), ("B", "2025", 9), ("A", "2025", 3)])

    with pytest.raises(UserError, match="flera gånger") as error:
        suppress(table)
    assert error.value.problem.row == 1


# --- properties on random tables ----------------------------------------------------------

small_or_any = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def hierarchical_tables(draw):
    """A random municipality: districts with parts, years with optional terms, additive."""
    n_parents = draw(st.integers(1, 3))
    n_children = draw(st.integers(max(2, n_parents), 8))
    owner = list(range(n_parents)) + draw(
        st.lists(
            st.integers(0, n_parents - 1),
            min_size=n_children - n_parents,
            max_size=n_children - n_parents,
        )
    )
    area_parent = {f"D{p}": "U" for p in range(n_parents)}
    area_parent |= {f"D{owner[c]}-{c}": f"D{owner[c]}" for c in range(n_children)}
    years = [str(2020 + y) for y in range(draw(st.integers(1, 3)))]
    period_parent = {}
    for year in years:
        if draw(st.booleans()):
            period_parent |= {f"{year}-VT": year, f"{year}-HT": year}
    leaf_periods = [p for p in period_parent] + [
        y for y in years if y not in period_parent.values()
    ]

    rows = []
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=2))
    for i, kind in enumerate(kinds):
        leaf_numerators, leaf_denominators = {}, {}
        for c in range(n_children):
            for period in leaf_periods:
                leaf_numerators[(f"D{owner[c]}-{c}", period)] = draw(small_or_any)
                leaf_denominators[(f"D{owner[c]}-{c}", period)] = leaf_numerators[
                    (f"D{owner[c]}-{c}", period)
                ] + draw(small_or_any)
        numerators = add_up(leaf_numerators, area_parent, period_parent)
        denominators = add_up(leaf_denominators, area_parent, period_parent)
        for (area, period), numerator in numerators.items():
            denominator = denominators[(area, period)]
            value = numerator / denominator if denominator else np.nan
            rows.append(
                {
                    "indicator_id": f"i{i}",
                    "kind": kind,
                    "area_code": area,
                    "period": period,
                    "numerator": float(numerator),
                    "denominator": np.nan if kind == "count" else float(denominator),
                    "value": value,
                    "lower": value,
                    "upper": value,
                }
            )
    threshold = draw(st.integers(2, 6))
    return pd.DataFrame(rows), area_parent, period_parent, threshold


def published(out: pd.DataFrame) -> pd.DataFrame:
    return out[~out["suppressed"]]


@settings(max_examples=60, deadline=None)
@given(hierarchical_tables())
def test_no_published_count_is_small(case):
    table, area_parent, period_parent, threshold = case

    out = suppress(table, area_parent=area_parent, period_parent=period_parent, threshold=threshold)

    shown = published(out)
    counted = shown[shown["kind"].isin(["proportion", "rate", "count"])]
    assert not counted["numerator"].between(1, threshold - 1).any()
    based = shown[shown["kind"].isin(["proportion", "rate", "mean"])]
    assert not (based["denominator"] < 10).any()
    hidden = out[out["suppressed"]]
    assert hidden[list(HIDDEN_COLUMNS)].isna().all().all()
    assert hidden["reason"].notna().all() and len(out) == len(table)


@settings(max_examples=60, deadline=None)
@given(hierarchical_tables())
def test_no_hidden_cell_is_recovered_by_one_difference(case):
    table, area_parent, period_parent, threshold = case

    out = suppress(table, area_parent=area_parent, period_parent=period_parent, threshold=threshold)

    lines = lines_of(table, area_parent, period_parent)
    assert recover_by_difference(out, lines) == {}
    hidden = dict(zip(map(tuple, out[KEY].to_numpy().tolist()), out["suppressed"], strict=True))
    for total, parts in lines:
        assert sum(hidden[m] for m in [total, *parts]) != 1


@settings(max_examples=60, deadline=None)
@given(hierarchical_tables())
def test_no_published_proportion_is_nearly_everyone(case):
    table, area_parent, period_parent, threshold = case

    out = suppress(table, area_parent=area_parent, period_parent=period_parent, threshold=threshold)

    shown = published(out)
    shown = shown[shown["kind"] == "proportion"]
    complement = shown["denominator"] - shown["numerator"]
    assert not complement.between(1, threshold - 1).any()
