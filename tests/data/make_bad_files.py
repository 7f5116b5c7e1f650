"""Write the import test files: ``tests/data/bad/`` (each must be refused) and
``tests/data/good/`` (each must load). The output is committed; run again after a change:

    .venv/bin/python tests/data/make_bad_files.py

Bytes are written explicitly so encodings, BOMs and separators are exactly what the file
name says. Excel files are made with openpyxl with fixed document dates. Identity numbers
are the documented example numbers of docs/methods.md §3.2 (19121212-1212, 850709-9805,
701063-2391), never real ones. The large file with a bad row after the first chunk is made
at test time (tests/sources/test_bad_files.py) so the repository stays small.
"""

from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD, GOOD = HERE / "bad", HERE / "good"
HEADER = "omrade;period;matt;antal;namnare;kalla"
M = "barn_ekonomiskt_utsatta"  # a proportion in the indicator catalogue
VALID = [
    f"Ersboda;2025;{M};12;240;Socialtjänsten",
    f"Mariehem;2025;{M};15;310;Socialtjänsten",
    f"Ålidhem;2025;{M};20;280;Socialtjänsten",
    f"Tomtebo;2025;{M};8;350;Socialtjänsten",
]
FIXED_DATE = datetime(2025, 1, 1)


def lines(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else content.encode(encoding)
    (folder / name).write_bytes(data)


def bad_csv_files() -> dict[str, str | bytes]:
    v = VALID
    return {
        "empty.csv": b"",
        "bom_only.csv": codecs.BOM_UTF8,
        "header_only.csv": lines(),
        "missing_column.csv": lines(
            "Ersboda;2025;12;240;x", header="omrade;period;antal;namnare;kalla"
        ),
        "mixed_separators.csv": lines(v[0], v[1], f"Ålidhem,2025,{M},20,280,Socialtjänsten"),
        "mixed_encoding_bom_cp1252.csv": codecs.BOM_UTF8
        + lines(v[0]).encode()
        + (f"Ålidhem;2025;{M};20;280;Socialtjänsten\n".encode("cp1252")),
        "utf16_without_bom.csv": lines(*v).encode("utf-16-le"),
        "unknown_encoding.csv": lines(v[0]).encode() + b"\x81\x8d\xff;2025;x;1;2;y\n",
        "huge_number.csv": lines(v[0], f"Mariehem;2025;{M};12000000000;31000000000;Socialtjänsten"),
        "negative_count.csv": lines(v[0], f"Mariehem;2025;{M};-3;310;Socialtjänsten"),
        "not_a_number.csv": lines(v[0], f"Mariehem;2025;{M};tre;310;Socialtjänsten"),
        "formula_hyperlink.csv": lines(
            v[0], f'Mariehem;2025;{M};15;310;"=HYPERLINK(""http://x"")"'
        ),
        "formula_in_comment.csv": lines(
            f"{v[0]};ok", f"{v[1]};@SUM(A1:A9)", header=HEADER + ";kommentar"
        ),
        "script_tag.csv": lines(v[0], f"<script>alert(1)</script>;2025;{M};15;310;x"),
        "pnr_12_digits_dash.csv": lines(
            f"{v[0]};", f"{v[1]};kontakt 19121212-1212", header=HEADER + ";kommentar"
        ),
        "pnr_10_digits_dash_in_area.csv": lines(v[0], f"850709-9805;2025;{M};15;310;x"),
        "pnr_10_digits_plus.csv": lines(
            f"{v[0]};", f"{v[1]};", f"{v[2]};121212+1212", header=HEADER + ";kommentar"
        ),
        "pnr_no_separator_in_count.csv": lines(v[0], f"Mariehem;2025;{M};8507099805;310;x"),
        "pnr_12_digits_space.csv": lines(f"{v[0]};19121212 1212", header=HEADER + ";kommentar"),
        "samordningsnummer.csv": lines(
            f"{v[0]};", f"{v[1]};samordningsnr 701063-2391", header=HEADER + ";kommentar"
        ),
        "person_header_fornamn.csv": lines("Ersboda;2025;x;1;2;Anna", header=HEADER + ";Förnamn"),
        "person_header_personnummer.csv": lines(
            "Ersboda;2025;x;1;2;saknas", header=HEADER + ";personnummer"
        ),
        "person_header_email.csv": lines("Ersboda;2025;x;1;2;a", header=HEADER + ";E-post"),
        "unknown_area.csv": lines(v[0], f"Atlantis;2025;{M};15;310;x"),
        "unknown_measure.csv": lines(v[0], "Mariehem;2025;barn_ekonomiskt_utsata;15;310;x"),
        "bad_period.csv": lines(v[0], f"Mariehem;2025-13;{M};15;310;x"),
        "numerator_gt_denominator.csv": lines(v[0], f"Mariehem;2025;{M};400;310;x"),
        "denominator_zero.csv": lines(v[0], "Mariehem;2025;orosanmalningar;4;0;x"),
        "neither_count_nor_value.csv": lines(v[0], f"Mariehem;2025;{M};;310;x"),
        "duplicate_keys.csv": lines(v[0], v[1], v[0]),
        "duplicate_by_name_and_code.csv": lines(v[0], f"d-ersboda;2025;{M};13;240;x"),
        "district_and_its_deso.csv": lines(v[0], f"2480C1490;2025;{M};3;60;x"),
        "value_only_on_deso.csv": lines(
            "2480C1490;2025;meritvarde_ak9;;;x;231,5", header=HEADER + ";varde"
        ),
        "several_sources.csv": lines(v[0], f"Mariehem;2025;{M};15;310;Skolan"),
        "decimal_comma_unquoted.csv": lines(
            "Ersboda,2025,meritvarde_ak9,231,5", header="omrade,period,matt,varde"
        ),
        "unclosed_quote.csv": lines(v[0], f'"Mariehem;2025;{M};15;310;x'),
        "bad_row_at_end.csv": lines(
            *[
                f"{a};{y};{M};{10 + i};{200 + i};x"
                for i, (a, y) in enumerate(
                    (a, y)
                    for y in range(2015, 2025)
                    for a in ("Ersboda", "Mariehem", "Ålidhem", "Tomtebo")
                )
            ],
            f"Tomtebo;2025;{M};8;;x",
            "Tomtebo;2026;okänt_mått;8;350;x",
        ),
        "old_excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "not_really.xlsx": b"this is not a workbook\n",
    }


def _workbook():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_DATE
    return wb


def _save(wb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _rows(ws, rows: list[list]) -> None:
    for row in rows:
        ws.append(row)


HEADER_CELLS = ["omrade", "period", "matt", "antal", "namnare", "kalla"]
ROWS = [
    ["Ersboda", 2025, M, 12, 240, "Skola"],
    ["Mariehem", 2025, M, 15, 310, "Skola"],
    ["Ålidhem", 2025, M, 20, 280, "Skola"],
]


def bad_excel_files() -> None:
    wb = _workbook()
    ws = wb.active
    ws.title = "Data"
    _rows(ws, [HEADER_CELLS, *ROWS, ["Tomtebo", 2025, M, 8, 350, "Skola"]])
    ws.merge_cells("A4:A5")
    _save(wb, BAD / "merged_cells.xlsx")

    wb = _workbook()
    ws = wb.active
    _rows(ws, [HEADER_CELLS, *ROWS])
    ws["D3"] = "=10+5"
    _save(wb, BAD / "formula.xlsx")

    wb = _workbook()
    wb.active.title = "Blad1"
    _save(wb, BAD / "empty_sheet.xlsx")

    wb = _workbook()
    _rows(wb.active, [HEADER_CELLS])
    _save(wb, BAD / "header_only.xlsx")

    wb = _workbook()
    _rows(wb.active, [["Rapport om något"], ["utan rubrikrad"], [1, 2, 3]])
    _save(wb, BAD / "no_header_row.xlsx")

    wb = _workbook()
    _rows(
        wb.active,
        [HEADER_CELLS + ["kommentar"], *[r + [""] for r in ROWS[:2]], ROWS[2] + [8507099805]],
    )
    _save(wb, BAD / "pnr_as_number.xlsx")

    wb = _workbook()
    # 010101-1237 typed as a number loses its leading zero: 101011237.
    _rows(wb.active, [HEADER_CELLS + ["kommentar"], ROWS[0] + [101011237]])
    _save(wb, BAD / "pnr_leading_zero_lost.xlsx")

    wb = _workbook()
    _rows(wb.active, [HEADER_CELLS, *ROWS])
    notes = wb.create_sheet("Anteckningar")
    _rows(notes, [["Kontaktperson"], ["Anna, 850709-9805"]])
    _save(wb, BAD / "pnr_on_other_sheet.xlsx")

    wb = _workbook()
    _rows(wb.active, [HEADER_CELLS, *ROWS, ["Tomtebo", "2025-13", M, 8, 350, "Skola"]])
    _save(wb, BAD / "bad_period.xlsx")

    with (BAD / "merged_cells.xlsx").open("rb") as handle:
        start = handle.read(600)
    (BAD / "truncated.xlsx").write_bytes(start)


def good_files() -> None:
    # Swedish Excel's CSV: semicolon, decimal comma, UTF-8 with BOM, thousands with a space.
    write(
        GOOD,
        "semicolon_decimal_comma_bom.csv",
        codecs.BOM_UTF8
        + lines(
            "Ersboda;2025;meritvarde_ak9;46 230,5;200;Skolan",
            "Mariehem;2025;meritvarde_ak9;50 120,0;220;Skolan",
            "ålidhem;2025;meritvarde_ak9;;;Skolan;229,4",
            header=HEADER + ";varde",
        ).encode(),
    )
    write(
        GOOD,
        "comma.csv",
        "omrade,period,matt,antal,namnare\n"
        f"Ersboda,2025-VT,{M},12,240\nMariehem,2025-VT,{M},15,310\n"
        f"TOMTEBO,2025-VT,{M},8,350\n",
    )
    write(
        GOOD,
        "windows1252.csv",
        lines(
            f"ÅLIDHEM;2024;{M};20;280;Socialtjänsten",
            f"Röbäck;2024;{M};3;90;Socialtjänsten",
            f"Västerslätt-Rödäng;2024;{M};7;150;Socialtjänsten",
        ),
        encoding="cp1252",
    )
    write(
        GOOD,
        "utf16_bom.tsv",
        codecs.BOM_UTF16_LE
        + (f"omrade\tperiod\tmatt\tantal\tnamnare\nÅlidhem\t2023\t{M}\t19\t270\n").encode(
            "utf-16-le"
        ),
    )
    write(
        GOOD,
        "english_headers.csv",
        "Area,Period,Measure,Count,Denominator,Source\n"
        "d-ersboda,2025-W47,skadegorelse,4,9000,Polis\nUmeå,2025-W47,skadegorelse,80,134000,Polis\n",
    )
    write(
        GOOD,
        "periods_various.csv",
        lines(
            f"Ersboda;vt 2024;{M};12;240;x",
            f"Ersboda;2024 HT;{M};11;230;x",
            "Ersboda;v47 2025;skadegorelse;3;9000;x",
            "Ersboda;2025M03;skadegorelse;5;9000;x",
            "Ersboda;2025-3;orosanmalningar;5;2000;x",
        ),
    )
    # DeSO rows (Ersboda: 2480C1480, 2480C1490, 2480C1500, 2480C1510) are summed into
    # the district; a RegSO code (Ålidhem norra 2480R040) likewise.
    write(
        GOOD,
        "deso_rows.csv",
        lines(
            "2480C1480;2025;pop_0_17;410;;SCB",
            "2480C1490_DeSO2025;2025;pop_0_17;390;;SCB",
            "2480C1500;2025;pop_0_17;505;;SCB",
            "2480C1510;2025;pop_0_17;300;;SCB",
            "2480R040;2025;pop_0_17;700;;SCB",
            "Mariehem;2025;pop_0_17;1500;;SCB",
        ),
    )
    wb = _workbook()
    ws = wb.active
    ws.title = "Data"
    _rows(
        ws,
        [
            ["Skolstatistik Umeå (exempel)"],
            [],
            HEADER_CELLS,
            *ROWS,
            ["Tomtebo", datetime(2025, 3, 1), "orosanmalningar", 11, 2400, "Skola"],
        ],
    )
    _rows(wb.create_sheet("Instruktioner"), [["Fyll i en rad per område, period och mått."]])
    _save(wb, GOOD / "template.xlsx")
    # Instructions first (and empty hidden sheet), data on the second sheet.
    wb = _workbook()
    wb.active.title = "Instruktioner"
    _rows(wb.active, [["Läs README"]])
    data = wb.create_sheet("Data")
    _rows(data, [HEADER_CELLS, *ROWS])
    _save(wb, GOOD / "data_on_second_sheet.xlsx")


def main() -> None:
    for name, content in bad_csv_files().items():
        write(BAD, name, content)
    bad_excel_files()
    good_files()


if __name__ == "__main__":
    main()
