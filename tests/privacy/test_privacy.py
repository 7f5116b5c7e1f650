"""No personal data gets in by any door (issue 11, docs/privacy.md).

Every door a text can enter by — a template cell, a header, a file name, an Excel sheet name,
``--source``, an EST file, an EST form field — is attacked with the synthetic identity numbers
below, disguised by random separators and Unicode forms (en dash, minus sign, no-break and
narrow no-break spaces, zero-width characters, spaced digit groups, full-width and other
digits). Each attempt must exit with code 2 (or raise the Swedish UserError for a form), never
repeat the number, and leave the store byte for byte as it was, on SQLite and PostgreSQL.
``test_nothing_of_the_numbers_is_anywhere_after_every_attack`` then greps the SQLite file,
var/, the PostgreSQL data directory (heap, WAL and server log) and the audit table.

Only synthetic numbers are used (never real ones): 19121212-1212 (Skatteverket's "Tolvan"),
850709-9805 (python-stdnum's documentation) and the samordningsnummer 701063-2391.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.cli import run_cli
from common.errors import UserError
from common.personal_numbers import find_personal_numbers, mask, normalise, text_has_personal_number
from tests.sources.conftest import dump, sqlite_bytes

#: Synthetic numbers only (12-digit form): Tolvan, stdnum's docs, a samordningsnummer.
KNOWN = ("191212121212", "198507099805", "197010632391")
CORES = tuple(k[2:] for k in KNOWN)
SEPARATORS = (
    "",
    "-",
    "+",
    " ",
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2212",  # minus sign
    "\u2011",  # non-breaking hyphen
    "\ufe63",  # small hyphen-minus
    "\uff0d",  # full-width hyphen-minus
    "\u00a0",  # no-break space
    "\u202f",  # narrow no-break space
    "\u2009",  # thin space
    "\u3000",  # ideographic space
    "\u200b",  # zero-width space
    "\u2060",  # word joiner
    "\u00ad",  # soft hyphen
    "\ufeff",  # BOM / zero-width no-break space
    " \u2013 ",
    ".",
)
#: Digit forms: ASCII, full-width, mathematical bold (NFKC), Arabic-Indic (decimal value).
DIGIT_FORMS = {
    "ascii": "0123456789",
    "fullwidth": "".join(chr(0xFF10 + i) for i in range(10)),
    "mathbold": "".join(chr(0x1D7CE + i) for i in range(10)),
    "arabic": "".join(chr(0x0660 + i) for i in range(10)),
}
TEMPLATE = "omrade;period;matt;antal;kalla\nErsboda;2024;pop_total;5;Skolan\n"


def disguise(number: str, cuts: list[int], seps: list[str], form: str) -> str:
    """``number`` split at ``cuts``, joined with ``seps``, digits written in ``form``."""
    bounds = [0, *sorted(set(cuts)), len(number)]
    parts = [number[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    text = parts[0] + "".join(sep + part for sep, part in zip(seps, parts[1:], strict=False))
    return text.translate(str.maketrans("0123456789", DIGIT_FORMS[form]))


@st.composite
def disguised(draw, *, ten_only: bool = False, file_safe: bool = False) -> str:
    """A known number in random disguise, maybe inside some words."""
    full = draw(st.sampled_from(KNOWN))
    number = full[2:] if ten_only or draw(st.booleans()) else full
    cuts = draw(st.lists(st.integers(1, len(number) - 1), max_size=4, unique=True))
    seps = [
        draw(st.sampled_from([s for s in SEPARATORS if not (file_safe and s in "/.")]))
        for _ in range(len(cuts))
    ]
    form = draw(st.sampled_from(sorted(DIGIT_FORMS)))
    text = disguise(number, cuts, seps, form)
    before = draw(st.sampled_from(["", "pnr ", "Ring ", "elev: "]))
    after = draw(st.sampled_from(["", " tack", "!"]))
    return before + text + after


def assert_not_echoed(output: str, text: str) -> None:
    """Neither the text, nor its normalised form, nor any of the numbers' digits."""
    digits_only = re.sub(r"\D", "", normalise(output))
    if text.strip():
        assert text not in output
        assert normalise(text).strip() not in normalise(output)
    assert not any(core in digits_only for core in CORES), output
    assert not text_has_personal_number(output), output


def snapshot(store):
    return dump(store), sqlite_bytes(store)


def run(main, argv: list[str], capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = run_cli(main, argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def cli_import(store, path: Path, capsys, *extra: str) -> tuple[int, str]:
    from sources.__main__ import main

    return run(main, ["import", str(path), "--db", store.url, *extra], capsys)


def est_import(store, path: Path, capsys) -> tuple[int, str]:
    from sources.est import main

    return run(main, ["import", str(path), "--kind", "incident", "--db", store.url], capsys)


def write_xlsx(path: Path, rows: list[list], *, title: str = "Data") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# --- every door, every disguise (hypothesis) ---------------------------------------------------


def _csv_cell(folder: Path, text: str) -> tuple[Path, list[str]]:
    body = f"omrade;period;matt;antal;kalla\nErsboda;2024;pop_total;5;{text}\n"
    path = folder / "celler.csv"
    path.write_text(body, encoding="utf-8")
    return path, []


def _csv_area(folder: Path, text: str) -> tuple[Path, list[str]]:
    path = folder / "omrade.csv"
    path.write_text(f"omrade;period;matt;antal\n{text};2024;pop_total;5\n", encoding="utf-8")
    return path, []


def _csv_header(folder: Path, text: str) -> tuple[Path, list[str]]:
    path = folder / "rubrik.csv"
    path.write_text(
        f"omrade;period;matt;antal;{text}\nErsboda;2024;pop_total;5;x\n", encoding="utf-8"
    )
    return path, []


def _file_name(folder: Path, text: str) -> tuple[Path, list[str]]:
    path = folder / f"rapport {text}.csv"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path, []


def _source(folder: Path, text: str) -> tuple[Path, list[str]]:
    path = folder / "kalla.csv"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path, ["--source", text]


def _xlsx_cell(folder: Path, text: str) -> tuple[Path, list[str]]:
    rows = [
        ["omrade", "period", "matt", "antal", "kalla"],
        ["Ersboda", "2024", "pop_total", 5, text],
    ]
    return write_xlsx(folder / "cell.xlsx", rows), []


def _xlsx_sheet(folder: Path, text: str) -> tuple[Path, list[str]]:
    rows = [["omrade", "period", "matt", "antal"], ["Ersboda", "2024", "pop_total", 5]]
    return write_xlsx(folder / "blad.xlsx", rows, title=text[:31]), []


DOORS = {
    "csv cell (kalla)": _csv_cell,
    "csv cell (omrade)": _csv_area,
    "header": _csv_header,
    "file name": _file_name,
    "source": _source,
    "xlsx cell": _xlsx_cell,
    "xlsx sheet name": _xlsx_sheet,
}
_SHEET_FORBIDDEN = set("[]:*?/\\")


@pytest.mark.parametrize("door", list(DOORS))
def test_a_disguised_number_in_any_door_is_refused_without_echo_and_store_unchanged(
    any_store, tmp_path_factory, capsys, door
):
    make = DOORS[door]
    before = snapshot(any_store)

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        text=disguised(ten_only=door == "xlsx sheet name", file_safe=door == "file name"),
    )
    def attack(text):
        if door == "xlsx sheet name":
            text = "".join(c for c in text if c not in _SHEET_FORBIDDEN)
            if len(text) > 31 or not text_has_personal_number(text):
                return
        path, extra = make(tmp_path_factory.mktemp("door"), text)
        code, output = cli_import(any_store, path, capsys, *extra)
        assert code == 2, output
        assert "personnummer" in output
        assert_not_echoed(output, text)
        assert snapshot(any_store) == before

    attack()


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=disguised())
def test_a_disguised_number_in_an_est_file_is_refused(any_store, tmp_path_factory, capsys, text):
    before = snapshot(any_store)
    path = tmp_path_factory.mktemp("est") / "handelser.csv"
    path.write_text(
        "tidpunkt;typ;partner;x;y;beskrivning\n"
        f"2025-11-15 22:10;klotter;polis;761400;7092300;{text}\n",
        encoding="utf-8",
    )
    code, output = est_import(any_store, path, capsys)
    assert code == 2, output
    assert_not_echoed(output, text)
    assert snapshot(any_store) == before


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=disguised(), field=st.sampled_from(["occurred_at", "partner", "type"]))
def test_a_disguised_number_in_an_est_form_field_is_refused(any_store, text, field):
    from access.app import add_incident

    before = snapshot(any_store)
    fields = {
        "occurred_at": "2025-11-15 22:10",
        "type": "brand",
        "partner": "fältare",
        "x": 759000.0,
        "y": 7087000.0,
    }
    fields[field] = f"{fields[field]} {text}"
    with pytest.raises(UserError) as caught:
        add_incident(any_store, "est", user="anna", **fields)
    assert_not_echoed(str(caught.value) + (caught.value.message_en or ""), text)
    assert snapshot(any_store) == before


# --- the listed bypasses, one by one -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "850709\u20139805",  # en dash
        "850709\u22129805",  # minus sign
        "850709\u00a09805",  # no-break space
        "850709\u202f9805",  # narrow no-break space
        "850709\u200b9805",  # zero-width space
        "85 07 09 98 05",  # spaced digit groups
        "\uff18\uff15\uff10\uff17\uff10\uff19-\uff19\uff18\uff10\uff15",  # full-width digits
    ],
)
def test_each_listed_disguise_is_refused_in_csv_excel_and_est(any_store, tmp_path, capsys, text):
    before = snapshot(any_store)
    for path in (
        _csv_cell(tmp_path, text)[0],
        _csv_area(tmp_path, text)[0],
        _xlsx_cell(tmp_path, text)[0],
    ):
        code, output = cli_import(any_store, path, capsys)
        assert code == 2, (path.name, output)
        assert_not_echoed(output, text)
    est = tmp_path / "est.csv"
    est.write_text(
        f"tidpunkt;typ;partner;x;y;beskrivning\n2025-11-15 22:10;klotter;polis;761400;7092300;{text}\n",
        encoding="utf-8",
    )
    code, output = est_import(any_store, est, capsys)
    assert code == 2 and "personnummer" in output
    assert_not_echoed(output, text)
    assert snapshot(any_store) == before


def test_the_data_page_source_field_goes_through_the_same_refusal(any_store, tmp_path):
    from access.reads import import_file

    before = snapshot(any_store)
    path = _source(tmp_path, "x")[0]
    with pytest.raises(UserError) as caught:
        import_file(any_store, "analytiker", path, user="anna", source="Skolan 850709\u20139805")
    assert_not_echoed(str(caught.value), "850709\u20139805")
    assert snapshot(any_store) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "omrade;period;matt;antal;elev_id;kön;födelseår\n"
            "Ersboda;2024;pop_total;1;17;F;2009\nErsboda;2023;pop_total;1;18;M;2010\n",
            "enskilda personer",
        ),
        (
            "omrade;period;matt;antal;kön;födelseår\n"
            "Ersboda;2024;pop_total;1;F;2009\nTomtebo;2024;pop_total;1;M;2010\n",
            "en rad per person",
        ),
        ("omrade;period;matt;antal;Löpnr\nErsboda;2024;pop_total;3;1\n", "enskilda personer"),
    ],
)
def test_person_level_shapes_are_refused(any_store, tmp_path, capsys, body, expected):
    before = snapshot(any_store)
    path = tmp_path / "elever.csv"
    path.write_text(body, encoding="utf-8")
    code, output = cli_import(any_store, path, capsys)
    assert code == 2 and expected in output, output
    assert snapshot(any_store) == before


def test_a_birth_year_column_with_real_counts_is_not_taken_for_persons():
    from sources.personal_data import refuse_one_row_per_person

    refuse_one_row_per_person(["födelseår"], counts_all_one=False, rows=40, file_name="a.csv")
    refuse_one_row_per_person(["födelseår"], counts_all_one=True, rows=1, file_name="a.csv")


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("omrade;period;matt;antal;kalla;kalla\nErsboda;2024;pop_total;5;a;b\n", "rad 1"),
        ("omrade;period;matt;antal;Kommentar;kommentar\nErsboda;2024;pop_total;5;a;b\n", "rad 1"),
        ("omrade;period;matt;antal\nErsboda;2099;pop_total;5\n", "rad 2, kolumn period"),
        ("omrade;period;matt;antal\nErsboda;2024;pop_total;5,5\n", "rad 2, kolumn antal"),
        ("omrade;period;matt;antal;namnare\nErsboda;2024;pop_total;5;10,25\n", "kolumn namnare"),
    ],
)
def test_duplicate_headers_future_periods_and_fractional_counts_are_refused(
    any_store, tmp_path, capsys, body, where
):
    before = snapshot(any_store)
    path = tmp_path / "fel.csv"
    path.write_text(body, encoding="utf-8")
    code, output = cli_import(any_store, path, capsys)
    assert code == 2 and where in output, output
    assert "Traceback" not in output
    assert snapshot(any_store) == before


def test_a_forecast_measure_may_have_future_periods():
    from sources.validate import validate_observations

    rows = pd.DataFrame(
        {"omrade": ["A"], "period": ["2099"], "matt": ["befolkning_prognos"], "antal": ["7"]}
    )
    out = validate_observations(
        rows, known_measures={"befolkning_prognos": "count"}, resolve_area=lambda s: "d-a"
    )
    assert out["period"].tolist() == ["2099"]


def test_the_antal_of_a_mean_may_be_a_sum_with_decimals():
    from sources.validate import validate_observations

    rows = pd.DataFrame(
        {
            "omrade": ["A"],
            "period": ["2024"],
            "matt": ["m"],
            "antal": ["46 230,5"],
            "namnare": ["200"],
        }
    )
    out = validate_observations(rows, known_measures={"m": "mean"}, resolve_area=lambda s: "d-a")
    assert out["count"].tolist() == [46230.5]


# --- audit and batch texts: the last door in the store ------------------------------------------


def test_the_store_refuses_a_batch_text_and_masks_the_audit_log(any_store):
    from access.reads import audit_entries, record_signin
    from store.observations import write_observations

    before = snapshot(any_store)
    rows = pd.DataFrame(
        {
            "measure_id": ["pop_total"],
            "area_code": ["d-ersboda"],
            "period": ["2024"],
            "count": [5.0],
            "denominator": [None],
            "value": [None],
        }
    )
    for field in ("source", "file_name"):
        kwargs = {"source": "s", "file_name": "f.csv"} | {field: "x 19121212\u20131212"}
        with pytest.raises(UserError):
            write_observations(any_store, [rows], checksum="c", user="t", **kwargs)
        assert snapshot(any_store) == before
    record_signin(any_store, user="19121212-1212", detail="namn Test 850709 9805")
    line = audit_entries(any_store, "admin").iloc[0]
    assert_not_echoed(f"{line['user_name']} {line['detail']}", "19121212-1212")


def test_an_admin_cannot_store_a_personnummer_as_a_user_identity(any_store):
    from access.reads import set_role

    before = snapshot(any_store)
    with pytest.raises(UserError) as caught:
        set_role(any_store, "admin", "19121212\u20121212", "admin", by="it")
    assert_not_echoed(str(caught.value), "19121212\u20121212")
    assert snapshot(any_store) == before


# --- the grep after every attack ------------------------------------------------------------------


def _attack_everything(store, folder: Path, capsys) -> None:
    """Each door once per known number in a few fixed disguises (all must be refused)."""
    from access.app import add_incident

    for number in KNOWN:
        for text in (
            number,
            disguise(number[2:], [2, 4, 6, 8], [" ", "\u00a0", "\u200b", "\u2212"], "fullwidth"),
        ):
            for make in DOORS.values():
                if make is _xlsx_sheet and len(text) > 31:
                    continue
                path, extra = make(folder, text)
                code, _ = cli_import(store, path, capsys, *extra)
                assert code == 2
                path.unlink()
            est = folder / "est.csv"
            est.write_text(
                f"tidpunkt;typ;partner;x;y;beskrivning\n2025-11-15 22:10;klotter;polis;1;2;{text}\n",
                encoding="utf-8",
            )
            assert est_import(store, est, capsys)[0] == 2
            est.unlink()
            with pytest.raises(UserError):
                add_incident(
                    store,
                    "est",
                    user="anna",
                    occurred_at=f"2025-11-15 22:10 {text}",
                    type="brand",
                    partner="fältare",
                    x=759000.0,
                    y=7087000.0,
                )


def _needles() -> list[bytes]:
    out: list[bytes] = []
    for number in KNOWN:
        core = number[2:]
        for form in ("ascii", "fullwidth"):
            for text in (number, core, f"{core[:6]}-{core[6:]}", f"{number[:8]}-{number[8:]}"):
                out.append(text.translate(str.maketrans("0123456789", DIGIT_FORMS[form])).encode())
    return out


def _grep(folder: Path, needles: list[bytes]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                data = path.read_bytes()
            except OSError:
                continue
            hits += [f"{path}: {n!r}" for n in needles if n in data]
    return hits


def test_nothing_of_the_numbers_is_anywhere_after_every_attack(postgres_server, tmp_path, capsys):
    from access.reads import audit_entries
    from store import Store

    sqlite_store = Store(f"sqlite:///{tmp_path / 'grep.sqlite'}")
    pg_store = Store(postgres_server())
    folder = tmp_path / "files"
    folder.mkdir()
    try:
        for store in (sqlite_store, pg_store):
            store.migrate()
            # Something real in the store too: the refusals must not have left traces beside it.
            path = folder / "ok.csv"
            path.write_text(TEMPLATE, encoding="utf-8")
            assert cli_import(store, path, capsys)[0] == 0
            path.unlink()
            _attack_everything(store, folder, capsys)
            log = audit_entries(store, "admin")
            assert_not_echoed(log.to_csv(), "")
            for rows in dump(store).values():
                assert_not_echoed("\n".join(rows), "")
        with pg_store.engine.begin() as conn:
            conn.exec_driver_sql("CHECKPOINT")
            data_dir = Path(conn.exec_driver_sql("SHOW data_directory").scalar())
    finally:
        sqlite_store.dispose()
        pg_store.dispose()
    needles = _needles()
    root = Path(__file__).resolve().parents[2]
    places = [tmp_path, data_dir.parent, root / "var"]  # SQLite + WAL, PG data + WAL + log, var/
    hits = [hit for place in places if place.exists() for hit in _grep(place, needles)]
    # The attack files themselves were deleted above; nothing else may hold a number.
    assert hits == []


# --- limits and odd files --------------------------------------------------------------------------


def test_an_xlsx_whose_declared_size_is_too_small_is_read_to_its_last_row(tmp_path):
    import zipfile

    from sources.template import check_file

    rows = [["omrade", "period", "matt", "antal"]] + [
        ["Ersboda", str(2000 + i), "pop_total", i + 1] for i in range(20)
    ]
    good = write_xlsx(tmp_path / "full.xlsx", rows)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B3"/>', data)
                assert b'ref="A1:B3"' in data
            dst.writestr(item, data)
    checked = check_file(lying, known_measures={"pop_total": "count"})
    assert checked.rows_read == 20
    assert sorted(checked.observations["period"].astype(str)) == [str(2000 + i) for i in range(20)]


def test_a_row_far_to_the_right_or_far_below_is_refused_not_dropped(tmp_path):
    from sources.template import MAX_COLUMNS, MAX_XLSX_ROWS, check_file

    wide = write_xlsx(tmp_path / "wide.xlsx", [["omrade", "period", "matt", "antal"]])
    book = openpyxl.load_workbook(wide)
    book.active.cell(row=2, column=MAX_COLUMNS + 5, value="x")
    book.save(wide)
    with pytest.raises(UserError, match="kolumner"):
        check_file(wide, known_measures={"pop_total"})
    tall = write_xlsx(tmp_path / "tall.xlsx", [["omrade", "period", "matt", "antal"]])
    book = openpyxl.load_workbook(tall)
    book.active.cell(row=MAX_XLSX_ROWS + 3, column=1, value="Ersboda")
    book.save(tall)
    with pytest.raises(UserError, match="gränsen"):
        check_file(tall, known_measures={"pop_total"})


def test_limits_are_checked_before_parsing(tmp_path, monkeypatch):
    from sources import template

    with pytest.raises(UserError, match="kolumner"):
        path = tmp_path / "bred.csv"
        path.write_text(";".join(f"k{i}" for i in range(500)) + "\n", encoding="utf-8")
        template.check_file(path)
    with pytest.raises(UserError, match="längre än"):
        path = tmp_path / "lang.csv"
        path.write_text("omrade;period;matt;antal\n" + ";" * 300_000 + "\n", encoding="utf-8")
        template.check_file(path)
    with pytest.raises(UserError, match="tecken"):
        path = tmp_path / "cell.csv"
        path.write_text(
            "omrade;period;matt;antal;kalla\nErsboda;2024;pop_total;5;" + "x" * 5000 + "\n",
            encoding="utf-8",
        )
        template.check_file(path, known_measures={"pop_total"})
    monkeypatch.setattr(template, "MAX_ROWS", 10)
    with pytest.raises(UserError, match="rader"):
        path = tmp_path / "rader.csv"
        path.write_text("omrade;period;matt;antal\n" + "Ersboda;2024;pop_total;5\n" * 11)
        template.check_file(path)
    monkeypatch.setattr(template, "MAX_FILE_BYTES", 100)
    with pytest.raises(UserError, match="gränsen"):
        template.check_file(path)


def _zip_bomb(path: Path, unpacked: int) -> Path:
    import zipfile

    rows = [["omrade", "period", "matt", "antal"], ["Ersboda", "2024", "pop_total", 5]]
    good = write_xlsx(path.with_name("small.xlsx"), rows)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        # One part of blank space, highly compressible (a zip bomb), written in blocks.
        with dst.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as part:
            block = b" " * 2**20
            for _ in range(unpacked // len(block)):
                part.write(block)
    return path


MEMORY_PROBE = """
import resource, sys, time
from common.cli import run_cli
from sources.__main__ import main
start = time.perf_counter()
code = run_cli(main, ["import", sys.argv[1], "--check"])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"RESULT {code} {peak:.0f} {time.perf_counter() - start:.2f}")
"""


def _probe(path: Path) -> tuple[int, float, float]:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
    code, peak_mb, seconds = line.split()[1:]
    return int(code), float(peak_mb), float(seconds)


@pytest.mark.slow
def test_a_zip_bomb_and_a_csv_of_empty_fields_are_refused_fast_in_little_memory(tmp_path):
    from sources.template import MAX_XLSX_UNPACKED_BYTES

    bomb = _zip_bomb(tmp_path / "bomb.xlsx", 4 * MAX_XLSX_UNPACKED_BYTES)
    assert bomb.stat().st_size < 2**20  # under 1 MB that unpacks to 256 MB
    code, peak_mb, seconds = _probe(bomb)
    assert code == 2 and peak_mb < 1024 and seconds < 30, (peak_mb, seconds)

    empty = tmp_path / "tomma.csv"
    empty.write_bytes(b"omrade;period;matt;antal\n" + b";" * (2**20))
    code, peak_mb, seconds = _probe(empty)
    assert code == 2 and peak_mb < 1024 and seconds < 30, (peak_mb, seconds)

    lines = tmp_path / "tomma_rader.csv"
    lines.write_bytes(b"omrade;period;matt;antal\n" + b";;;\n" * (2**18))
    code, peak_mb, seconds = _probe(lines)
    assert code in (0, 2) and peak_mb < 1024 and seconds < 60, (peak_mb, seconds)


def test_numbers_are_still_found_quickly_and_near_misses_pass():
    from common.personal_numbers import find_personal_numbers

    assert find_personal_numbers(["0701234567", "2025-W47", "12,5", "Ålidhem"]).sum() == 0
    values = np.array([disguise(k[2:], [6], ["\u2013"], "fullwidth") for k in KNOWN])
    assert find_personal_numbers(values).all()
    assert unicodedata.normalize("NFKC", values[0]) != values[0]  # the form really differs


#: Characters that NFKC turns into two digits and nothing else ("⑬" → "13", "㉑" → "21").
TWO_DIGIT_CHARS = {
    unicodedata.normalize("NFKC", chr(cp)): chr(cp)
    for cp in [*range(0x2469, 0x2474), *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)]
}


def test_a_number_written_with_characters_that_become_two_digits_is_found_and_masked():
    # Each character counts as no digit (or one) before normalising, two after: the digit
    # count that decides whether a text can hold a number is taken after normalising.
    found = 0
    for core in CORES:
        for i in range(len(core) - 1):
            pair = core[i : i + 2]
            if pair not in TWO_DIGIT_CHARS:
                continue
            text = core[:i] + TWO_DIGIT_CHARS[pair] + core[i + 2 :]
            found += 1
            assert text_has_personal_number(text), text
            assert text_has_personal_number(f"elev {text} tack"), text
            masked = mask(f"elev {text}")
            assert not any(c.isdigit() for c in masked), masked
    assert found >= 3  # the three synthetic numbers give at least this many disguises


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(
            list("0123456789 -./") + list(TWO_DIGIT_CHARS.values()) + ["½", "²", "\u2212", "８"]
        ),
        max_size=20,
    )
)
def test_finding_a_number_does_not_depend_on_how_its_digits_are_written(text):
    assert text_has_personal_number(text) == text_has_personal_number(normalise(text))
    assert find_personal_numbers([text])[0] == text_has_personal_number(normalise(text))
