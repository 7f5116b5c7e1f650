"""Every bad file is refused with a clear message, exit code 2 and an unchanged store.

The files are in ``tests/data/bad/`` (made by ``tests/data/make_bad_files.py``). For each:
``import_file`` raises a user error whose first problem has the expected row and column, the
CLI (``python -m sources import``) exits with 2 and prints the Swedish message without a
traceback, and the store is unchanged: every table row for row, and the SQLite file byte for
byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import BAD, dump, sqlite_bytes

from common.cli import run_cli
from common.errors import UserError
from sources.__main__ import main
from sources.template import import_file

ROOT = Path(__file__).resolve().parents[2]
PNR = "personnummer eller samordningsnummer"

#: file → (message fragment, row, column) of the first problem; None where not applicable.
EXPECTED: dict[str, tuple[str, int | None, str | None]] = {
    "empty.csv": ("Filen är tom", None, None),
    "bom_only.csv": ("Filen är tom", None, None),
    "header_only.csv": ("inga datarader", 2, None),
    "missing_column.csv": ("Kolumnen 'matt' saknas", 1, "matt"),
    "mixed_separators.csv": ("avgränsad med ','", 4, "omrade"),
    "mixed_encoding_bom_cp1252.csv": ("blandade teckenkodningar", None, None),
    "utf16_without_bom.csv": ("NUL-tecken", None, None),
    "unknown_encoding.csv": ("teckenkodning känns inte igen", None, None),
    "huge_number.csv": ("orimligt stort", 3, "antal"),
    "negative_count.csv": ("kan inte vara negativt", 3, "antal"),
    "not_a_number.csv": ("'tre' är inte ett tal", 3, "antal"),
    "formula_hyperlink.csv": ("tolkas som en formel", 3, "kalla"),
    "formula_in_comment.csv": ("börjar med '@'", 3, "kommentar"),
    "script_tag.csv": ("HTML eller skript", 3, "omrade"),
    "pnr_12_digits_dash.csv": (PNR, 3, "kommentar"),
    "pnr_10_digits_dash_in_area.csv": (PNR, 3, "omrade"),
    "pnr_10_digits_plus.csv": (PNR, 4, "kommentar"),
    "pnr_no_separator_in_count.csv": (PNR, 3, "antal"),
    "pnr_12_digits_space.csv": (PNR, 2, "kommentar"),
    "samordningsnummer.csv": (PNR, 3, "kommentar"),
    "pnr_as_number.xlsx": (PNR, 4, "kommentar"),
    "pnr_leading_zero_lost.xlsx": (PNR, 2, "kommentar"),
    "pnr_on_other_sheet.xlsx": (PNR, 2, "A (bladet 'Anteckningar')"),
    "person_header_fornamn.csv": ("enskilda personer ('Förnamn')", None, "Förnamn"),
    "person_header_personnummer.csv": ("enskilda personer ('personnummer')", None, "personnummer"),
    "person_header_email.csv": ("enskilda personer ('E-post')", None, "E-post"),
    "unknown_area.csv": ("Okänt område 'Atlantis'", 3, "omrade"),
    "unknown_measure.csv": ("menade du 'barn_ekonomiskt_utsatta'", 3, "matt"),
    "bad_period.csv": ("Perioden '2025-13' kan inte läsas", 3, "period"),
    "bad_period.xlsx": ("Perioden '2025-13' kan inte läsas", 5, "period"),
    "numerator_gt_denominator.csv": ("Antalet (400) är större än nämnaren (310)", 3, "antal"),
    "denominator_zero.csv": ("Nämnaren är 0", 3, "namnare"),
    "neither_count_nor_value.csv": ("Varken antal eller värde", 3, "antal"),
    "duplicate_keys.csv": ("Dubblett", 4, "omrade"),
    "duplicate_by_name_and_code.csv": ("finns redan på rad 2", 3, "omrade"),
    "district_and_its_deso.csv": ("på ett annat sätt", 3, "omrade"),
    "value_only_on_deso.csv": ("ett färdigt värde kan inte summeras", 2, "varde"),
    "several_sources.csv": ("flera källor", None, "kalla"),
    "decimal_comma_unquoted.csv": ("Raden har 5 fält men rubrikraden har 4", 2, None),
    "unclosed_quote.csv": ("citattecken", 3, None),
    "bad_row_at_end.csv": ("Okänt mått 'okänt_mått'", 43, "matt"),
    "old_excel.xls": (".xls) stöds inte", None, None),
    "not_really.xlsx": ("ingen Excel-arbetsbok", None, None),
    "truncated.xlsx": ("kan inte läsas som Excel-arbetsbok", None, None),
    "merged_cells.xlsx": ("sammanslagna celler (A4:A5)", 4, "A"),
    "formula.xlsx": ("innehåller en formel", 3, "antal"),
    "empty_sheet.xlsx": ("Arbetsboken är tom", None, None),
    "header_only.xlsx": ("inga datarader", 2, None),
    "no_header_row.xlsx": ("Hittade ingen rubrikrad", None, None),
}


def test_every_bad_file_has_an_expectation_and_there_are_enough():
    files = {p.name for p in BAD.iterdir()}
    assert files == set(EXPECTED)
    assert len(files) >= 22


def _message(exc: UserError) -> str:
    return exc.report() if hasattr(exc, "report") else str(exc)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_refused_with_message_and_store_unchanged(store, capsys, name):
    fragment, row, column = EXPECTED[name]
    before_rows, before_bytes = dump(store), sqlite_bytes(store)

    with pytest.raises(UserError) as caught:
        import_file(store, BAD / name, user="test")
    first = caught.value.problems[0]
    assert fragment in _message(caught.value)
    assert (first.row, first.column) == (row, column)
    for digits in ("1212-1212", "12121212", "0709-9805", "8507099805", "1063-2391", "101011237"):
        assert digits not in _message(caught.value)

    code = run_cli(main, ["import", str(BAD / name), "--db", store.url, "--user", "test"])
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err and "Traceback" not in err

    assert dump(store) == before_rows
    assert sqlite_bytes(store) == before_bytes


@pytest.fixture(scope="module")
def large_file_with_late_bad_row(tmp_path_factory) -> tuple[Path, int]:
    """250 000 valid rows with one bad row after the first 200 000-row chunk."""
    from geo.areas import read_areas

    areas = read_areas()
    names = np.array(areas.loc[areas["level"].isin(["district", "stadsdel"]), "code"], dtype=object)
    weeks = np.array(
        [f"{y}-W{w:02d}" for y in range(1980, 2060) for w in range(1, 53)], dtype=object
    )
    n = 250_000
    idx = np.arange(n)
    frame = pd.DataFrame(
        {
            "omrade": names[idx % len(names)],
            "period": weeks[idx // len(names) % len(weeks)],
            "matt": np.where(idx // (len(names) * len(weeks)) == 0, "pop_total", "pop_0_17"),
            "antal": idx % 1000 + 1,
        }
    )
    bad_index = 210_000
    frame.loc[bad_index, "antal"] = -7
    path = tmp_path_factory.mktemp("large") / "large_bad_row_after_first_chunk.csv"
    frame.to_csv(path, sep=";", index=False)
    return path, bad_index + 2


def test_large_file_with_a_bad_row_after_the_first_chunk_is_refused_whole(
    store, capsys, large_file_with_late_bad_row
):
    path, bad_row = large_file_with_late_bad_row
    before_rows, before_bytes = dump(store), sqlite_bytes(store)
    with pytest.raises(UserError) as caught:
        import_file(store, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(bad_row, "antal")]
    assert run_cli(main, ["import", str(path), "--db", store.url]) == 2
    assert f"rad {bad_row}, kolumn antal" in capsys.readouterr().err
    assert dump(store) == before_rows
    assert sqlite_bytes(store) == before_bytes


def test_the_real_command_exits_2_without_traceback(store, tmp_path):
    before = sqlite_bytes(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sources",
            "import",
            str(BAD / "pnr_12_digits_dash.csv"),
            "--db",
            store.url,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and PNR in result.stderr
    assert "1212" not in result.stderr
    assert sqlite_bytes(store) == before
