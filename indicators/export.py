"""Exports of published (already suppressed) indicator tables.

- Swedish Excel CSV: semicolon, decimal comma, UTF-8 with BOM, '..' for suppressed values,
  header comment lines with the indicator's definition and source.
- ``csv-plain``: comma, decimal point, UTF-8, no BOM — the stable machine-readable contract.
- Excel (.xlsx) with a second sheet describing the indicator; GeoJSON for map data.
No cell starts with a character a spreadsheet would run as a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import pandas as pd

from catalogue import Indicator
from indicators.engine import OUTPUT_COLUMNS, WIDE_COLUMNS
from indicators.levels import DEFAULT_LEVEL, at_level, level_text
from indicators.stats import VERDICT_LABELS
from indicators.trend import TREND_LABELS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SUPPRESSED_MARK = ".."


def defuse(text):
    """Prefix a text cell that a spreadsheet would treat as a formula with an apostrophe.

    >>> defuse("=HYPERLINK(1)"), defuse("Ersboda"), defuse(-1.5)
    ("'=HYPERLINK(1)", 'Ersboda', -1.5)
    """
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def _defused(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(defuse)
    return out


#: Columns of the other level: an export carries one level, in ``lower``/``upper``/``verdict``.
_OTHER_LEVEL = {*WIDE_COLUMNS, "verdict_998"}


def _tidy(frame: pd.DataFrame, level: str = DEFAULT_LEVEL) -> pd.DataFrame:
    frame = at_level(frame, level=level)
    cols = [c for c in OUTPUT_COLUMNS if c in frame.columns and c not in _OTHER_LEVEL]
    return frame[cols].reset_index(drop=True)


def level_lines(level: str = DEFAULT_LEVEL) -> list[tuple[str, str]]:
    """The header line naming the confidence level of ``lower``, ``upper`` and ``verdict``.

    >>> level_lines("99.8")
    [('Konfidensnivå', '99,8 % (kolumnerna lower, upper och verdict; Confidence level 99.8%)')]
    """
    return [
        (
            "Konfidensnivå",
            f"{level_text(level)} (kolumnerna lower, upper och verdict; "
            f"Confidence level {level_text(level, lang='en')})",
        )
    ]


def metadata_lines(
    indicator: Indicator | None,
    *,
    provenance: Sequence[str] = (),
    synthetic: bool | None = False,
) -> list[tuple[str, str]]:
    """(label, text) lines describing the indicator in an export: its definition and source,
    the suppression mark, each loaded batch it comes from (``provenance``,
    store.observations.batch_provenance) and, for ``synthetic`` data, the demo label.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> lines = metadata_lines(load_catalogue()["skadegorelse"], synthetic=True)
    >>> lines[0], lines[-1]
    (('Indikator', 'Skadegörelse'), ('OBS', 'Demodata – syntetiska värden'))
    >>> metadata_lines(None)
    []
    """
    if indicator is None:
        return []
    keys = [
        ("Indikator", "name_sv"),
        ("Indicator", "name_en"),
        ("Id", "id"),
        ("Enhet", "unit_sv"),
        ("Täljare", "numerator_sv"),
        ("Nämnare", "denominator_sv"),
        ("Källa", "source"),
        ("Uppdateras", "update_frequency"),
        ("Förbehåll", "caveats_sv"),
    ]
    fields = indicator.model_dump()  # the last step: a table of the model's fields
    lines = [(label, str(fields[key])) for label, key in keys if fields.get(key)]
    lines.append(("Prickning", f"'{SUPPRESSED_MARK}' = prickad uppgift (för få för att visas)"))
    lines.append(
        ("Data", "Kolumnen synthetic: true = syntetiskt demovärde, false = verkligt värde")
    )
    for line in provenance:  # store.observations.batch_provenance
        lines.append(("Ursprung", str(line)))
    if synthetic:
        lines.append(("OBS", "Demodata – syntetiska värden"))
    return lines


def _swedish_decimal(x) -> str:
    """A number with a decimal comma and no grouping (Excel reads it as a number): 12,5."""
    if x is None or pd.isna(x):
        return ""
    x = float(x)
    text = str(int(x)) if x.is_integer() else f"{x:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def to_csv_bytes(
    frame: pd.DataFrame,
    *,
    indicator: Indicator | None = None,
    provenance: Sequence[str] = (),
    synthetic: bool | None = None,
    level: str = DEFAULT_LEVEL,
) -> bytes:
    """CSV the way Swedish Excel opens it, with '#' comment lines describing the indicator
    (:func:`metadata_lines`) and naming the confidence ``level`` (:func:`level_lines`)."""
    tidy = _defused(_tidy(frame, level))
    if synthetic is None and "synthetic" in tidy.columns:
        synthetic = bool(tidy["synthetic"].any())
    lines = metadata_lines(indicator, provenance=provenance, synthetic=synthetic)
    lines += level_lines(level)
    header = "".join(f"# {k}: {v}\n" for k, v in lines)
    body = tidy.copy()
    hidden = (
        body["suppressed"].astype(bool)
        if "suppressed" in body.columns
        else pd.Series(False, index=body.index)
    )
    for col in ("numerator", "denominator", "value", "lower", "upper"):
        if col in body.columns:
            body[col] = [
                SUPPRESSED_MARK if h else _swedish_decimal(x)
                for x, h in zip(body[col], hidden, strict=True)
            ]
    for col in ("suppressed", "synthetic"):
        if col in body.columns:
            body[col] = body[col].map(lambda b: "true" if bool(b) else "false")
    text = body.to_csv(sep=";", index=False, lineterminator="\r\n")
    return ("\ufeff" + header.replace("\n", "\r\n") + text).encode("utf-8")


def to_csv_plain(frame: pd.DataFrame) -> bytes:
    """The machine-readable contract: comma, decimal point, UTF-8, no BOM, empty suppressed
    cells; 95 % intervals and verdicts (the contract's columns)."""
    tidy = _defused(_tidy(frame))
    for col in ("suppressed", "synthetic"):
        if col in tidy.columns:
            tidy[col] = tidy[col].map(lambda b: "true" if bool(b) else "false")
    return tidy.to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_excel_bytes(
    frame: pd.DataFrame,
    *,
    indicator: Indicator | None = None,
    provenance: Sequence[str] = (),
    level: str = DEFAULT_LEVEL,
) -> bytes:
    """An .xlsx with the data and a second sheet 'Om indikatorn' (:func:`metadata_lines`,
    with the confidence ``level``: :func:`level_lines`)."""
    tidy = _defused(_tidy(frame, level))
    hidden = (
        tidy["suppressed"].astype(bool)
        if "suppressed" in tidy.columns
        else pd.Series(False, index=tidy.index)
    )
    for col in ("numerator", "denominator", "value", "lower", "upper"):
        if col in tidy.columns:  # a suppressed cell says so ('..'), never a blank
            tidy[col] = [
                SUPPRESSED_MARK if h else x for x, h in zip(tidy[col], hidden, strict=True)
            ]
    if "verdict" in tidy.columns:  # verdicts in words, as on screen
        tidy["verdict"] = [
            VERDICT_LABELS[v]["sv"] if isinstance(v, str) and v in VERDICT_LABELS else v
            for v in tidy["verdict"]
        ]
    if "trend" in tidy.columns:
        tidy["trend"] = [
            TREND_LABELS[v]["sv"] if isinstance(v, str) and v in TREND_LABELS else v
            for v in tidy["trend"]
        ]
    buf = io.BytesIO()
    synthetic = bool(tidy["synthetic"].any()) if "synthetic" in tidy.columns else False
    lines = metadata_lines(indicator, provenance=provenance, synthetic=synthetic)
    lines += level_lines(level)
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        tidy.to_excel(xl, sheet_name="Data", index=False)
        pd.DataFrame(lines, columns=["Fält", "Beskrivning"]).map(defuse).to_excel(
            xl, sheet_name="Om indikatorn", index=False
        )
    return buf.getvalue()


def to_geojson_bytes(frame: pd.DataFrame, polygons) -> bytes:
    """GeoJSON (EPSG:4326) of the published values joined to area polygons (``code`` column)."""
    tidy = _tidy(frame)  # the frame's own lower/upper/verdict: a page passes its chosen level
    gdf = polygons[["code", "geometry"]].merge(
        tidy, left_on="code", right_on="area_code", how="inner"
    )
    gdf = gdf.drop(columns="code")
    data = json.loads(gdf.to_crs(4326).to_json(na="null", drop_id=True))
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
