"""Exports: what the screen shows, suppressed cells never leak, no spreadsheet formulas."""

import io
import json

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import load_catalogue
from indicators.export import defuse, to_csv_bytes, to_csv_plain, to_excel_bytes, to_geojson_bytes

SECRET = 3.0  # a suppressed numerator that must never leave


def published() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": ["x", "x", "x"],
            "area_code": ["2480", "d-a", "d-b"],
            "area_name": ["Umeå kommun", '=HYPERLINK("http://evil")', "<script>alert(1)</script>"],
            "area_level": ["municipality", "district", "district"],
            "period": ["2025"] * 3,
            "numerator": [40.0, None, 37.0],
            "denominator": [400.0, None, 300.0],
            "value": [10.0, None, 12.333],
            "lower": [7.3, None, 9.0],
            "upper": [13.4, None, 16.4],
            "verdict": ["benchmark", None, "similar"],
            "trend": ["no_change"] * 3,
            "suppressed": [False, True, False],
            "reason": [None, "prickad: färre än 5", None],
            "synthetic": [True, True, True],
        }
    )


def test_swedish_csv_marks_suppressed_cells_and_carries_the_definition():
    ind = load_catalogue()["skadegorelse"]
    text = to_csv_bytes(
        published(), indicator=ind, provenance=["BRÅ: tabell 1; hämtad 2025-01-02"]
    ).decode("utf-8-sig")
    assert f"# Indikator: {ind.name_sv}" in text and f"# Källa: {ind.source}" in text
    assert "# Ursprung: BRÅ: tabell 1; hämtad 2025-01-02" in text
    assert "Demodata – syntetiska värden" in text
    row = [line for line in text.splitlines() if line.startswith("x;d-a")][0]
    assert row.split(";")[5:10] == ["..", "..", "..", "..", ".."]
    assert "12,333" in text  # decimal comma


def test_no_cell_starts_like_a_formula_in_any_export():
    frame = published()
    csv_text = to_csv_bytes(frame).decode("utf-8-sig")
    plain = to_csv_plain(frame).decode()
    for text, sep in ((csv_text, ";"), (plain, ",")):
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            cells = [c.strip('"') for c in line.split(sep)]
            assert not any(c.startswith(("=", "+", "@")) for c in cells), line
    book = pd.read_excel(io.BytesIO(to_excel_bytes(frame)), sheet_name=None)
    for sheet in book.values():
        for value in sheet.astype(str).to_numpy().ravel():
            assert not str(value).startswith(("=", "+", "@"))


def test_plain_csv_is_the_machine_contract():
    text = to_csv_plain(published()).decode()
    assert not text.startswith("\ufeff")
    back = pd.read_csv(io.StringIO(text), dtype={"area_code": str, "period": str})
    assert back.loc[1, ["numerator", "denominator", "value", "lower", "upper"]].isna().all()
    assert back["suppressed"].tolist() == [False, True, False]


def test_geojson_keeps_suppressed_cells_empty():
    import geopandas as gpd
    from shapely.geometry import box

    polys = gpd.GeoDataFrame(
        {"code": ["2480", "d-a", "d-b"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs=4326,
    )
    data = json.loads(to_geojson_bytes(published(), polys))
    hidden = [f for f in data["features"] if f["properties"]["area_code"] == "d-a"][0]["properties"]
    assert all(hidden[k] is None for k in ("numerator", "denominator", "value", "lower", "upper"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.booleans()), min_size=1, max_size=20))
def test_a_suppressed_value_never_appears_in_a_download(cells):
    rows = []
    for i, (n, hidden) in enumerate(cells):
        rows.append(
            {
                "indicator_id": "x",
                "area_code": f"d-{i}",
                "area_name": f"Område {i}",
                "area_level": "district",
                "period": "2025",
                "numerator": None if hidden else float(n),
                "denominator": None if hidden else 1000.0,
                "value": None if hidden else n / 10,
                "lower": None,
                "upper": None,
                "verdict": None,
                "trend": None,
                "suppressed": hidden,
                "reason": "prickad" if hidden else None,
                "synthetic": False,
            }
        )
    frame = pd.DataFrame(rows)
    csv_rows = [
        line.split(";")
        for line in to_csv_bytes(frame).decode("utf-8-sig").splitlines()
        if line.startswith("x;")
    ]
    for (_n, hidden), cols in zip(cells, csv_rows, strict=True):
        if hidden:
            assert cols[5:10] == ["..", "..", "..", "..", ".."]
    xl = pd.read_excel(io.BytesIO(to_excel_bytes(frame)), sheet_name="Data")
    # Excel says '..' too (issue #14: a blank reads as zero or as missing data)
    hidden_cells = xl.loc[xl["suppressed"], ["numerator", "denominator", "value"]]
    assert (hidden_cells == "..").all().all()


def test_defuse_only_touches_formula_like_text():
    assert defuse("@SUM(A1)") == "'@SUM(A1)" and defuse("Ålidhem") == "Ålidhem" and defuse(5) == 5


def test_excel_writes_verdicts_and_trends_in_words():
    frame = pd.DataFrame(
        [
            {
                "indicator_id": "x",
                "area_code": "d-1",
                "area_name": "Ersboda",
                "area_level": "district",
                "period": "2025",
                "numerator": 5.0,
                "denominator": 50.0,
                "value": 10.0,
                "lower": 4.0,
                "upper": 21.0,
                "verdict": "higher_worse",
                "trend": "no_change",
                "suppressed": False,
                "reason": None,
                "synthetic": False,
            }
        ]
    )
    xl = pd.read_excel(io.BytesIO(to_excel_bytes(frame)), sheet_name="Data")
    assert xl.loc[0, "verdict"] == "Signifikant högre (sämre)"
    assert xl.loc[0, "trend"] == "Ingen signifikant förändring"
    assert xl.loc[0, "value"] == 10.0


def test_excel_describes_the_indicator_model_and_defuses_its_texts():
    ind = load_catalogue()["skadegorelse"].model_copy(update={"caveats_sv": "=HYPERLINK(1)"})
    book = pd.read_excel(
        io.BytesIO(to_excel_bytes(published(), indicator=ind, provenance=["SCB: t; r"])),
        sheet_name="Om indikatorn",
    )
    about = dict(zip(book["Fält"], book["Beskrivning"], strict=True))
    assert about["Indikator"] == ind.name_sv and about["Enhet"] == ind.unit_sv
    assert about["Ursprung"] == "SCB: t; r"
    assert about["Förbehåll"] == "'=HYPERLINK(1)"  # text from data never runs as a formula
    assert about["OBS"] == "Demodata – syntetiska värden"


def test_exports_name_their_confidence_level_and_carry_that_level_only():
    """Issue 16: the CSV/Excel header says the level; lower/upper/verdict are at that level."""
    frame = published().assign(
        lower_998=[6.5, None, 7.9], upper_998=[14.9, None, 18.6], verdict_998="similar"
    )
    frame.loc[1, "verdict_998"] = None
    ind = load_catalogue()["skadegorelse"]
    at95 = to_csv_bytes(frame, indicator=ind).decode("utf-8-sig")
    at998 = to_csv_bytes(frame, indicator=ind, level="99.8").decode("utf-8-sig")
    assert "# Konfidensnivå: 95 %" in at95 and "# Konfidensnivå: 99,8 %" in at998
    row95 = [line for line in at95.splitlines() if line.startswith("x;d-b")][0].split(";")
    row998 = [line for line in at998.splitlines() if line.startswith("x;d-b")][0].split(";")
    assert row95[8:10] == ["9", "16,4"] and row998[8:10] == ["7,9", "18,6"]
    header = [line for line in at998.splitlines() if line.startswith("indicator_id")][0]
    assert "lower_998" not in header and "verdict_998" not in header  # one level per file
    assert ".." in [line for line in at998.splitlines() if line.startswith("x;d-a")][0]
    book = pd.read_excel(io.BytesIO(to_excel_bytes(frame, level="99.8")), sheet_name=None)
    about = book["Om indikatorn"]
    assert about.loc[about["Fält"] == "Konfidensnivå", "Beskrivning"].str.startswith("99,8 %").all()
    assert book["Data"]["upper"].tolist()[2] == 18.6
