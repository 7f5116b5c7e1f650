"""The attacker audit (indicators/audit.py) and protect's guarantee (docs/disclosure.md).

Tables built to leak must be caught (the audit can fail); everything :func:`protect`
publishes must pass it: random hierarchical tables, and the full demo export.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import UserError
from indicators.audit import (
    AUDIT_COLUMNS,
    audit,
    build_lines,
    encode_keys,
    make_problem,
    reason_constraints,
    sensitive_quantities,
)
from indicators.audit import bounds as attacker_bounds
from indicators.disclosure import PROTECTED, protect

ROOT = Path(__file__).resolve().parents[2]
TERMS = {"2015-VT": "2015", "2015-HT": "2015"}


def table(rows: list[tuple], *, kind: str = "count", indicator: str = "x") -> pd.DataFrame:
    """Rows of (area_code, period, numerator[, denominator])."""
    return pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "kind": kind,
                "area_code": area,
                "period": period,
                "numerator": float(numerator),
                "denominator": float(rest[0]) if rest else np.nan,
            }
            for area, period, numerator, *rest in rows
        ]
    )


def publish(truth: pd.DataFrame, hidden: list[bool], reasons: list | None = None) -> pd.DataFrame:
    """A table published by hand (as an older version of the dashboard would have)."""
    out = truth.assign(suppressed=hidden)
    for column in ("numerator", "denominator"):
        out[column] = out[column].mask(out["suppressed"])
    if reasons is not None:
        out["reason"] = reasons
    return out


def interval(result: pd.DataFrame, area: str, period: str, quantity: str = "numerator"):
    row = result[
        (result["area_code"] == area)
        & (result["period"] == period)
        & (result["quantity"] == quantity)
    ].iloc[0]
    return row["lower"], row["upper"], bool(row["pinned"])


# --- tables built to leak: the audit pins them -------------------------------------------------


def test_issue_example_terms_with_rule_reasons_pin_both_terms():
    # Issue 10: avstängningar 2015, VT "färre än 5", HT "skyddar…", year published ⇒ VT 1, HT 5.
    truth = table([("U", "2015-VT", 1), ("U", "2015-HT", 5), ("U", "2015", 6)])
    leaked = publish(
        truth,
        [True, True, False],
        ["prickad: färre än 5", "prickad: skyddar en annan prickad uppgift", None],
    )

    result = audit(leaked, period_parent=TERMS, truth=truth)

    assert interval(result, "U", "2015-VT") == (1.0, 1.0, True)
    assert interval(result, "U", "2015-HT")[:2] == (5.0, 5.0)


def test_same_cells_with_the_one_symbol_are_not_narrowed_by_the_reason():
    truth = table([("U", "2015-VT", 1), ("U", "2015-HT", 5), ("U", "2015", 6)])
    one_symbol = publish(truth, [True, True, False], [PROTECTED, PROTECTED, None])

    result = audit(one_symbol, period_parent=TERMS, truth=truth)

    assert interval(result, "U", "2015-VT") == (0.0, 6.0, False)


def test_two_small_cells_hidden_together_without_enough_room_are_pinned():
    # "A line where two cells are hidden as 'färre än 5' and the rest is published gives both."
    areas = {"A": "U", "B": "U", "C": "U"}
    truth = table([("A", "2025", 2), ("B", "2025", 2), ("C", "2025", 40), ("U", "2025", 44)])
    reasons = ["prickad: färre än 5", "prickad: färre än 5", None, None]
    leaked = publish(truth, [True, True, False, False], reasons)

    with_reasons = audit(leaked, area_parent=areas, truth=truth)
    without = audit(leaked.drop(columns="reason"), area_parent=areas, truth=truth)

    assert interval(with_reasons, "A", "2025") == (1.0, 3.0, True)
    # Even without reasons: A + B = 4 leaves A within 0..4, short of 2 + 4 = 6.
    assert interval(without, "A", "2025") == (0.0, 4.0, True)
    out = protect(truth, area_parent=areas)
    assert out["suppressed"].tolist() == [True, True, True, False]
    assert not audit(out, area_parent=areas, truth=truth)["pinned"].any()


def test_nearly_all_and_small_base_reasons_narrow_the_cell():
    areas = {"A": "U", "B": "U"}
    truth = table(
        [("A", "2025", 18, 20), ("B", "2025", 5, 8), ("U", "2025", 23, 28)], kind="proportion"
    )
    leaked = publish(
        truth,
        [True, True, False],
        ["prickad: nästan alla (färre än 5 utan)", "prickad: underlag färre än 10", None],
    )

    result = audit(leaked, area_parent=areas, truth=truth)

    # Complement of A: 1..4 by the reason, and B's base is 0..9, so A's base is ≥ 19.
    low, high, pinned = interval(result, "A", "2025", "complement")
    assert 1.0 <= low and high <= 4.0 and pinned
    assert interval(result, "A", "2025", "denominator")[0] >= 19.0


def test_published_whole_group_is_pinned_and_protect_hides_it():
    # 12 of 12 "ej behöriga" tells the whole group; 0 of 12 likewise.
    truth = table([("A", "2025", 12, 12), ("B", "2025", 0, 12)], kind="proportion")

    out = protect(truth)

    assert out["suppressed"].tolist() == [True, True]
    big = table([("A", "2025", 120, 120), ("B", "2025", 0, 120)], kind="proportion")
    assert not protect(big)["suppressed"].any()


def test_a_lone_hidden_part_is_pinned_to_the_difference():
    truth = table([("A", "2025", 3), ("B", "2025", 30), ("U", "2025", 33)])
    leaked = publish(truth, [True, False, False])

    result = audit(leaked, area_parent={"A": "U", "B": "U"}, truth=truth)

    assert interval(result, "A", "2025") == (3.0, 3.0, True)


def test_two_dimensional_table_leaks_through_rows_and_columns():
    # Stadsdelar × terms: each hidden cell has 2 hidden in its row and its column, yet the
    # 2 × 2 block with one large cell pins the small ones (classic 2-D attack).
    areas = {"A": "U", "B": "U"}
    truth = table(
        [
            ("A", "2015-VT", 1),
            ("A", "2015-HT", 1),
            ("B", "2015-VT", 1),
            ("B", "2015-HT", 30),
            ("A", "2015", 2),
            ("B", "2015", 31),
            ("U", "2015-VT", 2),
            ("U", "2015-HT", 31),
            ("U", "2015", 33),
        ]
    )
    hidden = [True, True, True, True, False, False, False, False, False]
    leaked = publish(truth, hidden)

    result = audit(leaked, area_parent=areas, period_parent=TERMS, truth=truth)

    assert result["pinned"].any()
    out = protect(truth, area_parent=areas, period_parent=TERMS)
    assert not audit(out, area_parent=areas, period_parent=TERMS, truth=truth)["pinned"].any()


# --- the audit itself ---------------------------------------------------------------------------


def test_audit_columns_and_quantities_per_kind():
    truth = table([("A", "2025", 2, 40), ("B", "2025", 38, 40), ("U", "2025", 40, 80)], kind="rate")
    leaked = publish(truth, [True, True, False])

    result = audit(leaked, area_parent={"A": "U", "B": "U"}, truth=truth)

    assert list(result.columns) == list(AUDIT_COLUMNS)
    assert sorted(result["quantity"].unique()) == ["denominator", "numerator"]
    assert interval(result, "A", "2025", "denominator") == (0.0, 80.0, False)


def test_without_truth_every_hidden_quantity_must_be_wide_enough():
    truth = table([("A", "2025", 2), ("B", "2025", 1), ("C", "2025", 40), ("U", "2025", 43)])
    leaked = publish(truth, [True, True, False, False])

    result = audit(leaked, area_parent={"A": "U", "B": "U", "C": "U"})

    assert result["value"].isna().all()
    assert result["pinned"].all()  # 0..3 is narrower than threshold - 1 = 4


def test_a_hidden_total_with_hidden_parts_is_unbounded_above():
    areas = {"A": "U", "B": "U", "U": "R", "V": "R"}
    truth = table(
        [
            ("A", "2025", 2),
            ("B", "2025", 9),
            ("U", "2025", 11),
            ("V", "2025", 50),
            ("R", "2025", 61),
        ]
    )
    leaked = publish(truth, [True, True, True, True, False])

    result = audit(leaked, area_parent=areas, truth=truth, closed_form=False)

    assert interval(result, "A", "2025") == (0.0, 61.0, False)
    assert interval(result, "U", "2025")[:2] == (0.0, 61.0)


def test_reason_constraints_read_older_texts_and_ignore_the_one_symbol():
    told, not_small = reason_constraints(
        [
            "prickad: färre än 5",
            "prickad: nästan alla (färre än 3 utan)",
            "prickad: underlag färre än 10",
            "prickad: skyddar en annan prickad uppgift",
            PROTECTED,
            None,
        ],
        min_denominator=10,
    )
    assert told[0, :2].tolist() == [1.0, 4.0]
    assert told[1, 4:].tolist() == [1.0, 2.0]
    assert told[2, 2:4].tolist() == [0.0, 9.0]
    assert not_small.tolist() == [False, False, False, True, False, False]
    assert np.isnan(told[4:]).all()


def test_audit_refuses_a_table_without_the_suppressed_column_in_swedish():
    with pytest.raises(UserError, match="saknar kolumnen 'suppressed'"):
        audit(table([("A", "2025", 3)]))
    truth = table([("A", "2025", 3)])
    with pytest.raises(UserError, match="inte samma rader"):
        audit(publish(truth, [True]), truth=truth.set_index(pd.Index([7])))


# --- random tables: closed form = MILP; protect always passes -------------------------------------


def ancestors(name: str, parent_of: dict[str, str]) -> list[str]:
    chain = [name]
    while chain[-1] in parent_of:
        chain.append(parent_of[chain[-1]])
    return chain


@st.composite
def hierarchical_tables(draw, *, max_children: int = 6):
    """Municipality → districts → stadsdelar (2 or 3 levels) × years with optional terms,
    additive by construction; counts often small; 1–2 indicators of mixed kinds."""
    levels = draw(st.integers(2, 3))
    area_parent: dict[str, str] = {}
    leaves = []
    for d in range(draw(st.integers(2, 3))):
        area_parent[f"D{d}"] = "U"
        if levels == 3:
            for s in range(draw(st.integers(1, max_children // 2))):
                area_parent[f"D{d}S{s}"] = f"D{d}"
                leaves.append(f"D{d}S{s}")
        else:
            leaves.append(f"D{d}")
    years = [str(2020 + y) for y in range(draw(st.integers(1, 2)))]
    period_parent: dict[str, str] = {}
    for year in years:
        if draw(st.booleans()):
            period_parent |= {f"{year}-VT": year, f"{year}-HT": year}
    leaf_periods = list(period_parent) + [y for y in years if y not in period_parent.values()]
    small = st.one_of(st.integers(0, 6), st.integers(0, 60))
    rows = []
    for i, kind in enumerate(
        draw(st.lists(st.sampled_from(["count", "proportion", "rate"]), min_size=1, max_size=2))
    ):
        num: dict[tuple[str, str], int] = defaultdict(int)
        den: dict[tuple[str, str], int] = defaultdict(int)
        for leaf in leaves:
            for period in leaf_periods:
                n = draw(small)
                d = n + draw(small)
                for a in ancestors(leaf, area_parent):
                    for p in ancestors(period, period_parent):
                        num[(a, p)] += n
                        den[(a, p)] += d
        for (a, p), n in num.items():
            rows.append(
                {
                    "indicator_id": f"i{i}",
                    "kind": kind,
                    "area_code": a,
                    "period": p,
                    "numerator": float(n),
                    "denominator": np.nan if kind == "count" else float(den[(a, p)]),
                }
            )
    return pd.DataFrame(rows), area_parent, period_parent


@settings(max_examples=200, deadline=None)
@given(hierarchical_tables())
def test_protect_passes_the_audit_on_200_random_hierarchical_tables(case):
    truth, area_parent, period_parent = case

    out = protect(truth, area_parent=area_parent, period_parent=period_parent)

    result = audit(out, area_parent=area_parent, period_parent=period_parent, truth=truth)
    assert not result["pinned"].any(), result[result["pinned"]]
    shown = out[~out["suppressed"] & out["kind"].isin(["count", "proportion", "rate"])]
    assert not shown["numerator"].between(1, 4).any()
    assert len(out) == len(truth)


@settings(max_examples=40, deadline=None)
@given(hierarchical_tables(max_children=4))
def test_closed_form_bounds_equal_the_integer_program(case):
    truth, area_parent, period_parent = case
    out = protect(truth, area_parent=area_parent, period_parent=period_parent)

    fast = audit(out, area_parent=area_parent, period_parent=period_parent, truth=truth)
    slow = audit(
        out, area_parent=area_parent, period_parent=period_parent, truth=truth, closed_form=False
    )

    pd.testing.assert_frame_equal(fast, slow)


@settings(max_examples=40, deadline=None)
@given(hierarchical_tables(max_children=4))
def test_bounds_of_some_quantities_equal_those_of_all(case):
    # protect asks the attacker's bounds of the sensitive quantities only; they must be the
    # same as when every hidden quantity is asked for (unasked hidden cells still count).
    truth, area_parent, period_parent = case
    out = protect(truth, area_parent=area_parent, period_parent=period_parent)
    codes = encode_keys(truth)
    lines = build_lines(codes, area_parent=area_parent, period_parent=period_parent)
    numerator, denominator = truth["numerator"].to_numpy(), truth["denominator"].to_numpy()
    problem = make_problem(codes, lines, out["suppressed"].to_numpy(), numerator, denominator)
    sensitive = sensitive_quantities(
        codes, numerator, denominator, threshold=5, min_denominator=10, min_group=20
    )

    rows, lower, upper = attacker_bounds(problem)
    some_rows, some_lower, some_upper = attacker_bounds(problem, wanted=sensitive)

    asked = sensitive[rows] & ~np.isnan(lower)
    assert (rows == some_rows).all()
    assert np.array_equal(lower[asked], some_lower[asked])
    assert np.array_equal(upper[asked], some_upper[asked])
    assert np.isnan(some_lower[~sensitive[rows]]).all()


# --- the demo export ---------------------------------------------------------------------------


def demo_truth(store, published: pd.DataFrame) -> pd.DataFrame:
    """The demo's values before protection, rebuilt here from the stored observations by
    hand (an oracle independent of the engine): every area and year is the sum of its
    descendants' stored rows and terms."""
    from catalogue import load_catalogue
    from indicators.inputs import indicator_inputs
    from store.areas import read_area_table
    from store.observations import read_observations

    catalogue = load_catalogue()
    obs = read_observations(store)
    areas = read_area_table(store)
    parent = {
        c: p
        for c, p in zip(areas["code"], areas["parent_code"], strict=True)
        if isinstance(p, str) and p
    }
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for ind_id in published["indicator_id"].unique():
        inputs = indicator_inputs(catalogue[ind_id], obs)
        for a, p, n, d in zip(
            inputs["area_code"],
            inputs["period"],
            inputs["numerator"],
            inputs["denominator"],
            strict=True,
        ):
            periods = [p] if p.isdigit() or "W" in p else [p, p[:4]]
            stored_year = ((inputs["area_code"] == a) & (inputs["period"] == p[:4])).any()
            for area in ancestors(a, parent):
                for period in periods:
                    if period != p and stored_year:
                        continue
                    cell = sums[(ind_id, area, period)]
                    cell[0] += 0.0 if pd.isna(n) else float(n)
                    cell[1] += 0.0 if pd.isna(d) else float(d)
                    cell[2] += 1.0 if period != p else 0.0  # terms in a rolled-up year
    # Catalogue roll-up rules (docs/methods.md): head counts are the mean of the terms, and
    # rare events are pooled over three years.
    for (ind_id, area, period), cell in list(sums.items()):
        ind = catalogue[ind_id]
        if cell[2]:
            terms = {p for (i, a, p) in sums if i == ind_id and a == area and p[:4] == period}
            k = len(terms - {period})
            if ind.numerator_rollup == "mean":
                cell[0] /= k
            if ind.denominator_rollup == "mean":
                cell[1] /= k
    pooled = {}
    for ind_id, area, period in list(sums):
        width = catalogue[ind_id].pool_years
        if width > 1 and period.isdigit():
            window = [sums.get((ind_id, area, str(int(period) - j))) for j in range(width)]
            if all(w is not None for w in window):
                pooled[(ind_id, area, period)] = [
                    sum(w[0] for w in window),
                    sum(w[1] for w in window),
                ]
    for key, cell in pooled.items():
        sums[key] = cell
    truth = published.copy()
    keys = zip(truth["indicator_id"], truth["area_code"], truth["period"], strict=True)
    values = [sums.get(k, [np.nan, np.nan]) for k in keys]
    truth["numerator"] = [v[0] for v in values]
    truth["denominator"] = np.where(truth["kind"] == "count", np.nan, [v[1] for v in values])
    return truth


@pytest.fixture(scope="module")
def demo_case(demo_db_file):
    """The full demo export (every level), its hierarchy and its truth (oracle above)."""
    from indicators import compute
    from indicators.engine import period_parent_map
    from store import Store
    from store.areas import read_area_table

    store = Store(f"sqlite:///{demo_db_file}")
    # Every level an output can contain, Sweden (SE, in no line of ours) included.
    published = compute(store, levels=("country", "municipality", "district", "stadsdel"))
    areas = read_area_table(store)
    area_parent = {
        c: p
        for c, p in zip(areas["code"], areas["parent_code"], strict=True)
        if isinstance(p, str) and p
    }
    period_parent = period_parent_map(published["period"].unique())
    truth = demo_truth(store, published)
    yield store, published, area_parent, period_parent, truth
    store.dispose()


def audit_output(frame: pd.DataFrame, case) -> pd.DataFrame:
    """Audit what one output contains, with the truth of exactly those rows."""
    _, published, area_parent, period_parent, truth = case
    keys = ["indicator_id", "area_code", "period"]
    # Every row the output holds, Sweden's (SE: no line of ours, yet protected) included.
    frame = frame.reset_index(drop=True)
    frame = frame.assign(**{k: frame[k].astype(str) for k in keys})
    if "kind" not in frame.columns:
        frame = frame.merge(published[[*keys, "kind"]], on=keys, how="left")
    rows = frame[keys].merge(truth, on=keys, how="left")
    assert rows["kind"].notna().all()
    rows.index = frame.index
    return audit(frame, area_parent=area_parent, period_parent=period_parent, truth=rows)


def test_full_demo_export_passes_the_audit(demo_case):
    _, published, area_parent, period_parent, truth = demo_case
    shown = ~published["suppressed"]
    # The oracle agrees with every published figure, so its hidden values are the truth.
    assert np.allclose(
        truth.loc[shown, "numerator"].fillna(-1), published.loc[shown, "numerator"].fillna(-1)
    )

    result = audit(published, area_parent=area_parent, period_parent=period_parent, truth=truth)

    assert len(result) > 500 and result["sensitive"].any()
    assert not result["pinned"].any(), result[result["pinned"]].head()
    assert (published["area_code"] == "SE").sum() > 10  # the audit saw Sweden's rows too
    # Attacker's view without the truth: every hidden figure at least threshold - 1 wide.
    attacker = audit(published, area_parent=area_parent, period_parent=period_parent)
    assert not attacker["pinned"].any()


# --- every output: the audit passes on what it contains -------------------------------------


def read_back(data: bytes, fmt: str, tmp_path: Path) -> pd.DataFrame:
    import io
    import json

    from indicators.audit import read_published_csv

    if fmt in ("csv", "csv-plain"):
        path = tmp_path / f"export-{fmt}.csv"
        path.write_bytes(data)
        return read_published_csv(path)
    if fmt == "excel":
        frame = pd.read_excel(io.BytesIO(data), sheet_name="Data", dtype={"period": str})
        # The workbook writes ".." in hidden cells (as the CSV does); read them back as missing.
        for column in ("numerator", "denominator", "value", "lower", "upper"):
            if column in frame:
                frame[column] = pd.to_numeric(frame[column].replace("..", None), errors="coerce")
        frame["suppressed"] = frame["suppressed"].astype(str).str.lower().eq("true")
        return frame
    features = json.loads(data)["features"]
    return pd.DataFrame([f["properties"] for f in features])


@pytest.mark.parametrize("fmt", ["csv", "csv-plain", "excel", "geojson"])
def test_every_file_export_passes_the_audit(demo_case, fmt, tmp_path):
    from geo.boundaries import district_polygons, municipality_polygon, stadsdel_polygons
    from indicators import export

    _, published, *_ = demo_case
    if fmt == "csv":
        data = export.to_csv_bytes(published)
    elif fmt == "csv-plain":
        data = export.to_csv_plain(published)
    elif fmt == "excel":
        data = export.to_excel_bytes(published)
    else:
        polygons = pd.concat(
            [
                municipality_polygon(crs=4326),
                district_polygons(crs=4326),
                stadsdel_polygons(crs=4326),
            ],
            ignore_index=True,
        )
        data = export.to_geojson_bytes(published, polygons)

    frame = read_back(data, fmt, tmp_path)
    result = audit_output(frame, demo_case)

    assert frame["suppressed"].sum() > 100
    assert frame.loc[frame["suppressed"], "numerator"].isna().all()
    assert not result["pinned"].any(), result[result["pinned"]].head()


@pytest.mark.parametrize("role", ["publik", "rad"])
def test_what_pages_and_the_council_brief_read_passes_the_audit(demo_case, role):
    # Pages (Swedish and English alike) read through access.reads.indicator_values, the brief
    # through reports.brief.brief_values (Sweden, the municipality and the districts); Sweden's
    # rows are included in what is audited.
    from access.reads import indicator_values
    from reports.brief import brief_values

    store = demo_case[0]
    for frame in (indicator_values(store, role), brief_values(store, role)):
        assert (frame["area_code"] == "SE").any()
        result = audit_output(frame, demo_case)
        assert len(result) > 50 and not result["pinned"].any()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_tables_pages_show_in_swedish_and_english_pass_the_audit(demo_case, language):
    # The indicator table as a page shows it (ui.tables.display_table), in either language:
    # read back which cells it shows, check they are the published figures, audit those rows.
    import streamlit as st

    from access.reads import indicator_values
    from catalogue import load_catalogue
    from common.fmt import MISSING
    from indicators.disclosure import PROTECTED_EN
    from ui.tables import display_table

    store = demo_case[0]
    st.session_state["lang"] = language
    try:
        values = indicator_values(store, "publik")
        catalogue = load_catalogue()
        shown_parts = []
        for ind_id, rows in values.groupby("indicator_id", sort=True):
            rows = rows.reset_index(drop=True)
            table = display_table(rows, catalogue[ind_id])
            note = table["Anmärkning" if language == "sv" else "Note"]
            numerator = table["Täljare" if language == "sv" else "Numerator"]
            hidden = note.eq(PROTECTED if language == "sv" else PROTECTED_EN).to_numpy()
            assert (hidden == rows["suppressed"].to_numpy(bool)).all()
            assert (numerator[hidden] == MISSING).all()
            digits = numerator[~hidden].str.replace(r"\D", "", regex=True)
            published = rows.loc[~hidden, "numerator"].round().astype("Int64").astype(str)
            shown = digits.where(digits != "", "<NA>")
            assert (shown.to_numpy() == published.to_numpy()).all()
            shown_parts.append(rows.assign(suppressed=hidden))
    finally:
        st.session_state["lang"] = "sv"
    shown_rows = pd.concat(shown_parts, ignore_index=True)

    result = audit_output(shown_rows, demo_case)

    assert shown_rows["suppressed"].sum() > 50 and (shown_rows["area_code"] == "SE").any()
    assert not result["pinned"].any(), result[result["pinned"]].head()


# --- CLI ----------------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m indicators ARGS`` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "indicators", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


def test_cli_export_passes_the_cli_audit(demo_db_file, tmp_path):
    out = tmp_path / "export.csv"
    exported = run_cli("export", "--db", f"sqlite:///{demo_db_file}", "--out", str(out))
    assert exported.returncode == 0, exported.stderr

    done = run_cli("audit", "--file", str(out))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 skyddade uppgifter kan ringas in" in done.stdout


def test_cli_refuses_bad_input_with_a_swedish_message_and_exit_2(tmp_path):
    bad = tmp_path / "export.csv"
    bad.write_text("area_code,period\nA,2025\n", encoding="utf-8")
    done = run_cli("audit", "--file", str(bad))
    assert done.returncode == 2
    assert "saknar kolumn" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("audit", "--file", str(tmp_path / "finns_inte.csv"))
    assert done.returncode == 2 and "finns inte" in done.stderr
