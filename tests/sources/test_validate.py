"""Validation of template rows: every problem with row and column, DeSO sums, speed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.errors import ValidationError
from sources.validate import (
    MAX_KEPT_PROBLEMS,
    ImportValidationError,
    MeasureCatalogue,
    ObservationCollector,
    ProblemLog,
    parse_numbers,
    quote,
    unsafe_text,
    validate_observations,
)

MEASURES = {"andel": "proportion", "kvot": "rate", "medel": "mean", "antal_x": "count"}


def rows(*records, columns=("omrade", "period", "matt", "antal", "namnare")) -> pd.DataFrame:
    return pd.DataFrame(list(records), columns=list(columns))


def problems_of(frame: pd.DataFrame, **kwargs) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationError) as caught:
        validate_observations(frame, known_measures=MEASURES, **kwargs)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_clean_rows_become_observations_with_our_area_codes():
    out = validate_observations(
        rows(
            ("Ersboda", "2025", "andel", "3", "10"), ("ÅLIDHEM", "vt 2025", "ANDEL", "4,0", "1 000")
        ),
        known_measures=MEASURES,
    )
    assert list(out.columns) == [
        "measure_id",
        "area_code",
        "period",
        "count",
        "denominator",
        "value",
    ]
    got = out[["measure_id", "area_code", "period", "count", "denominator"]].astype(object)
    assert got.values.tolist() == [
        ["andel", "d-alidhem", "2025-VT", 4.0, 1000.0],
        ["andel", "d-ersboda", "2025", 3.0, 10.0],
    ]
    assert out["value"].isna().all()  # sorted by measure, area, period


def test_every_problem_is_reported_with_the_row_the_user_sees():
    found = problems_of(
        rows(
            ("Ersboda", "2025", "andel", "3", "10"),  # row 2: fine
            ("Atlantis", "2025", "andel", "3", "10"),  # row 3: area
            ("Ersboda", "2025-13", "andel", "3", "10"),  # row 4: period
            ("Ersboda", "2025", "andle", "3", "10"),  # row 5: measure (suggestion)
            ("Ersboda", "2024", "andel", "-1", "10"),  # row 6: negative
            ("Ersboda", "2023", "andel", "tre", "10"),  # row 7: not a number
            ("Ersboda", "2022", "andel", "30", "10"),  # row 8: numerator > denominator
            ("Ersboda", "2021", "andel", "2e9", "3e9"),  # row 9: huge (both cells)
            ("Ersboda", "2020", "andel", "", "10"),  # row 10: neither count nor value
        )
    )
    assert [(r, c) for r, c, _ in found] == [
        (3, "omrade"),
        (4, "period"),
        (5, "matt"),
        (6, "antal"),
        (7, "antal"),
        (8, "antal"),
        (9, "antal"),
        (9, "namnare"),
        (10, "antal"),
    ]
    messages = [m for _, _, m in found]
    assert "Okänt område 'Atlantis'" in messages[0]
    assert "menade du 'andel'" in messages[2]
    assert "större än nämnaren" in messages[5]
    assert "orimligt stort" in messages[6]


def test_first_row_offset_is_respected():
    found = problems_of(rows(("Atlantis", "2025", "andel", "1", "2")), first_row=15)
    assert found[0][0] == 15


def test_rates_may_exceed_their_denominator_but_not_a_zero_one():
    out = validate_observations(
        rows(("Ersboda", "2025", "kvot", "30", "10")), known_measures=MEASURES
    )
    assert out["count"].tolist() == [30.0]
    found = problems_of(rows(("Ersboda", "2025", "kvot", "3", "0")))
    assert found == [(2, "namnare", "Nämnaren är 0 men antalet är större än 0")]


def test_duplicates_are_found_also_between_a_name_and_a_code():
    found = problems_of(
        rows(
            ("Ersboda", "2025", "andel", "1", "2"),
            ("d-ersboda", "2025", "andel", "1", "2"),
            ("ersboda", "2025", "andel", "1", "2"),
        )
    )
    assert [(r, c) for r, c, _ in found] == [(3, "omrade"), (4, "omrade")]
    assert all(m.endswith("rad 2") for _, _, m in found)


def test_deso_rows_are_summed_into_their_district():
    out = validate_observations(
        rows(
            ("2480C1480", "2025", "andel", "1", "10"),
            ("2480C1490_DeSO2025", "2025", "andel", "2", "20"),
            ("2480C1500", "2025", "andel", "3", "30"),
            ("2480C1510", "2025", "andel", "4", "40"),
            ("2480R040", "2025", "andel", "5", "50"),
            ("Mariehem", "2025", "andel", "6", "60"),
        ),
        known_measures=MEASURES,
    )
    got = {r.area_code: (r.count, r.denominator) for r in out.itertuples()}
    assert got == {"d-ersboda": (10.0, 100.0), "d-alidhem": (5.0, 50.0), "d-mariehem": (6.0, 60.0)}


def test_a_district_given_directly_and_through_deso_is_refused():
    found = problems_of(
        rows(("Ersboda", "2025", "andel", "1", "10"), ("2480C1480", "2025", "andel", "1", "10"))
    )
    assert found[0][:2] == (3, "omrade") and "annat sätt" in found[0][2]


def test_deso_and_regso_of_the_same_district_are_refused():
    # 2480C1490 lies in RegSO 2480R004; both belong to Ersboda.
    found = problems_of(
        rows(("2480C1490", "2025", "andel", "1", "10"), ("2480R004", "2025", "andel", "1", "10"))
    )
    assert len(found) == 1 and "annat sätt" in found[0][2]


def test_the_same_deso_twice_is_a_duplicate_even_with_the_suffix():
    found = problems_of(
        rows(
            ("2480C1490", "2025", "andel", "1", "10"),
            ("2480C1490_DeSO2025", "2025", "andel", "1", "10"),
        )
    )
    assert found[0][0] == 3 and "Dubblett" in found[0][2]


def test_deso_rows_need_counts_and_consistent_denominators():
    found = problems_of(
        rows(
            ("2480C1490", "2025", "medel", "", "", "231"),
            columns=("omrade", "period", "matt", "antal", "namnare", "varde"),
        )
    )
    assert found[0][:2] == (2, "varde")
    found = problems_of(
        rows(("2480C1490", "2025", "andel", "1", "10"), ("2480C1480", "2025", "andel", "1", ""))
    )
    assert found[0][:2] == (3, "namnare") and "summan blir fel" in found[0][2]


def test_text_that_a_spreadsheet_would_run_or_render_is_refused():
    frame = rows(
        ("Ersboda", "2025", "andel", "1", "2", '=HYPERLINK("http://x")'),
        ("Mariehem", "2025", "andel", "1", "2", "<script>alert(1)</script>"),
        ("Tomtebo", "2025", "andel", "1", "2", "+46 90 16 10 00"),
        ("Ålidhem", "2025", "andel", "1", "2", "-"),
        columns=("omrade", "period", "matt", "antal", "namnare", "kommentar"),
    )
    found = problems_of(frame)
    assert [(r, c) for r, c, _ in found] == [(2, "kommentar"), (3, "kommentar"), (4, "kommentar")]
    assert "formel" in found[0][2] and "HTML" in found[1][2]


def test_a_formula_in_a_number_cell_says_formula_not_just_not_a_number():
    found = problems_of(rows(("Ersboda", "2025", "andel", "=A1+1", "2")))
    assert "formel" in found[0][2]


def test_messages_never_echo_long_digit_runs():
    assert quote("8507099806") == "'##########'"
    found = problems_of(rows(("850709-9806", "2025", "andel", "1", "2")))
    assert "9806" not in found[0][2]


def test_numbers_are_read_the_swedish_and_the_english_way():
    values, bad = parse_numbers(
        pd.Series(
            [
                "12,5",
                "12.5",
                "1 234",
                "1\u00a0234,5",
                "1\u202f000",
                "",
                "nan",
                "inf",
                "1.234,5",
                "5 %",
            ]
        )
    )
    assert values[:5].tolist() == [12.5, 12.5, 1234.0, 1234.5, 1000.0]
    assert bad.tolist() == [False] * 6 + [True] * 4


def test_unsafe_text_masks():
    formula, html = unsafe_text(pd.Series(["@x", "+x", "-x", "=x", "-", "a=b", "<b>", "x < 5"]))
    assert formula.tolist() == [True, True, True, True, False, False, False, False]
    assert html.tolist() == [False] * 6 + [True, False]


def test_problem_log_keeps_the_first_problems_and_counts_all():
    log = ProblemLog("f.csv", limit=3)
    log.add_rows(np.arange(2, 12), "x", column="antal")
    assert len(log.problems) == 3 and log.total == 10
    with pytest.raises(ImportValidationError) as caught:
        log.raise_if_any()
    report = caught.value.report(limit=2)
    assert "10 fel i f.csv" in report and "8 fel till (10 totalt)" in report


def test_a_file_with_many_bad_rows_reports_all_of_them_in_the_count():
    n = MAX_KEPT_PROBLEMS + 500
    frame = pd.DataFrame(
        {
            "omrade": ["Ersboda"] * n,
            "period": [str(1900 + i % 200) for i in range(n)],
            "matt": ["okänt"] * n,
            "antal": ["1"] * n,
        }
    )
    with pytest.raises(ImportValidationError) as caught:
        validate_observations(frame, known_measures=MEASURES)
    assert caught.value.total == n  # duplicate keys are checked once the rows are clean
    assert len(caught.value.problems) == MAX_KEPT_PROBLEMS


def test_measure_catalogue_accepts_sets_mappings_and_case():
    by_set = MeasureCatalogue.from_known({"a_b"})
    assert by_set.lookup(" A_B ") == "a_b" and by_set.kind("a_b") is None
    assert MeasureCatalogue.from_known({"a": "weird"}).kind("a") is None


def test_default_measures_come_from_the_indicator_catalogue():
    catalogue = MeasureCatalogue.from_known(None)
    assert catalogue.kind("pop_total") == "count"
    assert catalogue.kind("barn_ekonomiskt_utsatta") == "proportion"


def test_many_rows_validate_in_chunks():
    # Speed is measured by `make bench` (bench_import), not asserted here.
    n = 200_000
    areas = ["Ersboda", "Mariehem", "Ålidhem", "Tomtebo"]
    weeks = [f"{y}-W{w:02d}" for y in range(1980, 2025) for w in range(1, 53)]
    idx = np.arange(n)
    frame = pd.DataFrame(
        {
            "omrade": np.array(areas, dtype=object)[idx % 4],
            "period": np.array(weeks, dtype=object)[(idx // 4) % len(weeks)],
            "matt": np.array([f"m{i}" for i in range(200)], dtype=object)[idx // (4 * len(weeks))],
            "antal": (idx % 50).astype(str),
            "namnare": "100",
        }
    ).astype("str")
    collector = ObservationCollector(
        MeasureCatalogue.from_known({f"m{i}": "proportion" for i in range(200)}), file="big.csv"
    )
    for begin in range(0, n, 50_000):
        part = frame.iloc[begin : begin + 50_000]
        collector.add(part, rows=np.arange(begin, begin + len(part)) + 2)
    out = collector.finish()
    assert len(out) == n
