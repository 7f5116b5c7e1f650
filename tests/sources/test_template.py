"""Importing template files: formats that load, all-or-nothing, re-import, replace, roll back."""

from __future__ import annotations

import codecs
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import GOOD, dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import UserError, ValidationError
from sources.template import (
    check_file,
    header_key,
    import_dataframe,
    import_file,
    open_template,
    read_table,
    write_template_files,
)
from store.observations import list_batches, read_observations, rollback_batch

ROOT = Path(__file__).resolve().parents[2]


def active(store, **filters) -> dict[tuple[str, str, str], tuple]:
    frame = read_observations(store, **filters)
    return {
        (r.measure_id, r.area_code, r.period): (r.count, r.denominator, r.value)
        for r in frame.itertuples()
    }


def same(a: tuple, b: tuple) -> bool:
    return all(
        (pd.isna(x) and pd.isna(y)) or x == pytest.approx(y) for x, y in zip(a, b, strict=True)
    )


GOOD_FILES = {
    "semicolon_decimal_comma_bom.csv": {
        ("meritvarde_ak9", "d-ersboda", "2025"): (46230.5, 200.0, np.nan),
        ("meritvarde_ak9", "d-mariehem", "2025"): (50120.0, 220.0, np.nan),
        ("meritvarde_ak9", "d-alidhem", "2025"): (np.nan, np.nan, 229.4),
    },
    "comma.csv": {
        ("barn_ekonomiskt_utsatta", "d-ersboda", "2025-VT"): (12.0, 240.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-mariehem", "2025-VT"): (15.0, 310.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-tomtebo", "2025-VT"): (8.0, 350.0, np.nan),
    },
    "windows1252.csv": {
        ("barn_ekonomiskt_utsatta", "d-alidhem", "2024"): (20.0, 280.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-roback", "2024"): (3.0, 90.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-vasterslatt", "2024"): (7.0, 150.0, np.nan),
    },
    "utf16_bom.tsv": {("barn_ekonomiskt_utsatta", "d-alidhem", "2023"): (19.0, 270.0, np.nan)},
    "english_headers.csv": {
        ("skadegorelse", "d-ersboda", "2025-W47"): (4.0, 9000.0, np.nan),
        ("skadegorelse", "2480", "2025-W47"): (80.0, 134000.0, np.nan),
    },
    "periods_various.csv": {
        ("barn_ekonomiskt_utsatta", "d-ersboda", "2024-VT"): (12.0, 240.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-ersboda", "2024-HT"): (11.0, 230.0, np.nan),
        ("skadegorelse", "d-ersboda", "2025-W47"): (3.0, 9000.0, np.nan),
        ("skadegorelse", "d-ersboda", "2025-03"): (5.0, 9000.0, np.nan),
        ("orosanmalningar", "d-ersboda", "2025-03"): (5.0, 2000.0, np.nan),
    },
    # DeSO rows of Ersboda summed (410 + 390 + 505 + 300), a RegSO of Ålidhem, a district.
    "deso_rows.csv": {
        ("pop_0_17", "d-ersboda", "2025"): (1605.0, np.nan, np.nan),
        ("pop_0_17", "d-alidhem", "2025"): (700.0, np.nan, np.nan),
        ("pop_0_17", "d-mariehem", "2025"): (1500.0, np.nan, np.nan),
    },
    "template.xlsx": {
        ("barn_ekonomiskt_utsatta", "d-ersboda", "2025"): (12.0, 240.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-mariehem", "2025"): (15.0, 310.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-alidhem", "2025"): (20.0, 280.0, np.nan),
        ("orosanmalningar", "d-tomtebo", "2025-03"): (11.0, 2400.0, np.nan),
    },
    "data_on_second_sheet.xlsx": {
        ("barn_ekonomiskt_utsatta", "d-ersboda", "2025"): (12.0, 240.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-mariehem", "2025"): (15.0, 310.0, np.nan),
        ("barn_ekonomiskt_utsatta", "d-alidhem", "2025"): (20.0, 280.0, np.nan),
    },
}


@pytest.mark.parametrize("name", sorted(GOOD_FILES))
def test_good_files_load_with_the_expected_values(store, name):
    result = import_file(store, GOOD / name, user="test")
    expected = GOOD_FILES[name]
    assert result.status == "loaded" and result.rows_loaded == len(expected)
    got = active(store)
    assert set(got) == set(expected)
    for key, values in expected.items():
        assert same(got[key], values), (key, got[key], values)


def test_the_source_comes_from_the_kalla_column_unless_given():
    assert check_file(GOOD / "windows1252.csv").source == "Socialtjänsten"
    assert check_file(GOOD / "windows1252.csv", source="Annan").source == "Annan"
    assert check_file(GOOD / "comma.csv").source == "kommunal mall"


def test_reimporting_the_same_file_changes_nothing(store):
    first = import_file(store, GOOD / "comma.csv")
    before = dump(store)
    again = import_file(store, GOOD / "comma.csv")
    assert (again.status, again.batch_id, again.rows_loaded) == ("unchanged", first.batch_id, 0)
    assert dump(store) == before


def test_a_newer_file_replaces_values_and_rollback_brings_them_back(store, tmp_path):
    first = import_file(store, GOOD / "comma.csv")
    newer = tmp_path / "newer.csv"
    newer.write_text(
        "omrade;period;matt;antal;namnare\n"
        "Ersboda;2025-VT;barn_ekonomiskt_utsatta;13;241\n"
        "Nydala;2025-VT;barn_ekonomiskt_utsatta;2;50\n",
        encoding="utf-8",
    )
    second = import_file(store, newer)
    assert (second.rows_loaded, second.rows_replaced) == (2, 1)
    key = ("barn_ekonomiskt_utsatta", "d-ersboda", "2025-VT")
    assert active(store)[key][:2] == (13.0, 241.0)
    batches = list_batches(store).set_index("id")
    assert batches.loc[second.batch_id, "rows_replaced"] == 1
    rollback_batch(store, second.batch_id, user="test")
    after = active(store)
    assert after[key][:2] == (12.0, 240.0)
    assert ("barn_ekonomiskt_utsatta", "d-nydala", "2025-VT") not in after
    assert {k[1] for k in after} == {"d-ersboda", "d-mariehem", "d-tomtebo"}
    assert first.batch_id in set(read_observations(store)["batch_id"])


def test_synthetic_flag_is_stored(store):
    import_file(store, GOOD / "comma.csv", synthetic=True)
    assert read_observations(store)["synthetic"].all()


def test_deso_rows_and_duplicates_are_handled_across_chunk_boundaries(store, tmp_path):
    path = tmp_path / "chunks.csv"
    deso = ["2480C1480", "2480C1490", "2480C1500", "2480C1510"]  # Ersboda
    path.write_text(
        "omrade;period;matt;antal\n"
        + "".join(f"{d};2025;pop_total;{100 + i}\n" for i, d in enumerate(deso)),
        encoding="utf-8",
    )
    result = import_file(store, path, chunk_rows=3)  # the four rows span two chunks
    assert result.rows_loaded == 1
    assert active(store)[("pop_total", "d-ersboda", "2025")][0] == 406.0
    path.write_text(
        "omrade;period;matt;antal\nErsboda;2024;pop_total;1\nTomtebo;2024;pop_total;2\n"
        "Nydala;2024;pop_total;3\nersboda;2024;pop_total;4\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        import_file(store, path, chunk_rows=2)
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "omrade")]


def test_problems_in_a_later_chunk_abort_the_whole_import(store, tmp_path):
    path = tmp_path / "late.csv"
    lines = [f"Ersboda;{y};pop_total;{y}" for y in range(1950, 2020)]
    lines.append("Ersboda;2020;pop_total;-1")
    path.write_text("omrade;period;matt;antal\n" + "\n".join(lines) + "\n", encoding="utf-8")
    before = dump(store)
    with pytest.raises(ValidationError) as caught:
        import_file(store, path, chunk_rows=10)
    assert caught.value.problems[0].row == 72
    assert dump(store) == before


def test_import_dataframe_takes_numbers_and_english_headers_and_is_idempotent(store):
    frame = pd.DataFrame(
        {
            "Area": ["Ersboda", "2480"],
            "Period": [2025, 2025],
            "Measure": ["pop_total", "pop_total"],
            "Count": [9000, 134000],
        }
    )
    first = import_dataframe(store, frame, file_name="scb-hämtning", source="SCB")
    assert first.rows_loaded == 2
    again = import_dataframe(store, frame, file_name="scb-hämtning", source="SCB")
    assert again.status == "unchanged"
    assert active(store)[("pop_total", "2480", "2025")][0] == 134000.0


def test_import_dataframe_refuses_identity_numbers_held_as_integers(store):
    frame = pd.DataFrame(
        {"omrade": ["Ersboda"], "period": ["2025"], "matt": ["pop_total"], "antal": [8507099805]}
    )
    with pytest.raises(UserError, match="personnummer") as caught:
        import_dataframe(store, frame, file_name="x")
    assert (caught.value.problem.row, caught.value.problem.column) == (2, "antal")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Område", "omrade"),
        (" NÄMNARE ", "namnare"),
        ("Mått-ID", "mattid"),
        ("\ufeffomrade", "omrade"),
    ],
)
def test_headers_are_folded(header, key):
    assert header_key(header) == key


def test_read_table_gives_text_cells_indexed_by_file_row(tmp_path):
    path = tmp_path / "insatser.csv"
    path.write_bytes(
        "Insats;Områden;Startdatum\nFältarbete;Ersboda;2025-01-01\n;;\n"
        "Läxhjälp;Ålidhem;2025-02-01\n".encode("cp1252")
    )
    table = read_table(path)
    assert table.to_dict("index") == {
        2: {"insats": "Fältarbete", "omraden": "Ersboda", "startdatum": "2025-01-01"},
        4: {"insats": "Läxhjälp", "omraden": "Ålidhem", "startdatum": "2025-02-01"},
    }


def test_shipped_templates_are_what_the_code_writes_and_are_header_only(tmp_path):
    shipped = ROOT / "data" / "templates"
    written = write_template_files(tmp_path)
    assert (shipped / "mall_observationer.csv").read_bytes() == written[0].read_bytes()
    for path in (shipped / "mall_observationer.csv", shipped / "mall_observationer.xlsx"):
        table = open_template(path)
        assert list(table.labels) == [
            "omrade",
            "period",
            "matt",
            "antal",
            "namnare",
            "varde",
            "kalla",
        ]
        with pytest.raises(ValidationError) as caught:
            check_file(path)
        assert "inga datarader" in caught.value.report()
    assert (shipped / "README.md").exists()


# --- property: valid files round-trip ---------------------------------------------------------

AREAS = [
    ("Ersboda", "d-ersboda"),
    ("ÅLIDHEM", "d-alidhem"),
    ("mariehem", "d-mariehem"),
    ("d-tomtebo", "d-tomtebo"),
    ("Röbäck", "d-roback"),
    ("Umeå", "2480"),
]
PERIODS = [
    ("2025", "2025"),
    ("vt 2024", "2024-VT"),
    ("2024 HT", "2024-HT"),
    ("2025-03", "2025-03"),
    ("v47 2025", "2025-W47"),
    ("2023M11", "2023-11"),
]
KNOWN = {"andel": "proportion", "kvot": "rate", "medel": "mean", "antal_x": "count"}
_nonce = itertools.count()


@st.composite
def template_rows(draw):
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(range(len(AREAS))),
                st.sampled_from(range(len(PERIODS))),
                st.sampled_from(sorted(KNOWN)),
            ),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    rows = []
    for a, p, m in keys:
        denominator = draw(st.integers(0, 100_000))
        if m == "andel":
            count = draw(st.integers(0, denominator)) if denominator else 0
            rows.append((a, p, m, float(count), float(denominator), np.nan))
        elif m == "medel":
            value = draw(st.floats(-1000, 1000, allow_nan=False).map(lambda x: round(x, 3)))
            rows.append((a, p, m, np.nan, np.nan, value))
        else:
            count = draw(st.integers(0, 10**6))
            rows.append(
                (a, p, m, float(count), float(denominator) if denominator else np.nan, np.nan)
            )
    return rows


def _cell(x: float, comma: bool) -> str:
    if pd.isna(x):
        return ""
    text = str(int(x)) if float(x).is_integer() else repr(float(x))
    return text.replace(".", ",") if comma else text


def _write(path: Path, rows, fmt: str, nonce: int) -> Path:
    header = ["omrade", "period", "matt", "antal", "namnare", "varde", "kalla"]
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.append(header)
        for a, p, m, c, d, v in rows:
            wb.active.append(
                [
                    AREAS[a][0],
                    PERIODS[p][0],
                    m,
                    None if pd.isna(c) else c,
                    None if pd.isna(d) else d,
                    None if pd.isna(v) else v,
                    f"k{nonce}",
                ]
            )
        path = path.with_suffix(".xlsx")
        wb.save(path)
        return path
    sep, comma, encoding = {
        "semicolon_bom": (";", True, "utf-8-sig"),
        "comma": (",", False, "utf-8"),
        "cp1252": (";", True, "cp1252"),
        "tab": ("\t", False, "utf-8"),
    }[fmt]
    lines = [sep.join(header)] + [
        sep.join(
            [
                AREAS[a][0],
                PERIODS[p][0],
                m,
                _cell(c, comma),
                _cell(d, comma),
                _cell(v, comma),
                f"k{nonce}",
            ]
        )
        for a, p, m, c, d, v in rows
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=template_rows(), fmt=st.sampled_from(["semicolon_bom", "comma", "cp1252", "tab", "xlsx"])
)
def test_valid_generated_files_round_trip(store, tmp_path, rows, fmt):
    nonce = next(_nonce)
    path = _write(tmp_path / f"gen{nonce}.csv", rows, fmt, nonce)
    result = import_file(store, path, known_measures=KNOWN)
    assert result.status == "loaded" and result.rows_loaded == len(rows)
    expected = {(m, AREAS[a][1], PERIODS[p][1]): (c, d, v) for a, p, m, c, d, v in rows}
    got = active(store, measure_ids=sorted(KNOWN))
    for key, values in expected.items():
        assert same(got[key], values), (key, got[key], values)
    batch = read_observations(store)
    assert (batch.loc[batch["batch_id"] == result.batch_id, "source"] == f"k{nonce}").all()


def test_bom_variants_that_are_still_fine(tmp_path):
    body = b"omrade;period;matt;antal\r\nErsboda;2025;pop_total;5\r\n"
    for name, data in {
        "double_bom.csv": codecs.BOM_UTF8 * 2 + body,
        "utf16be.csv": codecs.BOM_UTF16_BE + body.decode().encode("utf-16-be"),
        "no_bom.csv": body,
    }.items():
        path = tmp_path / name
        path.write_bytes(data)
        out = check_file(path, known_measures={"pop_total"}).observations
        assert out[["area_code", "count"]].values.tolist() == [["d-ersboda", 5.0]], name
