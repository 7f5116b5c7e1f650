"""SCB RegSO table exports ("Kommun (RegSO-namn)" layout) → tidy context observations.

SCB's Statistikdatabasen exports RegSO tables with one row per area (and category) and one
column per year. The area is written ``"Umeå (Ålidhem norra)"`` — municipality name, then the
RegSO name in parentheses; there are no codes. Three tables are read (docs/public-data.md):

* mean earned income (``region, inkomstkomponent, kön, "Medelvärde för samtliga, tkr YYYY"``),
* dwellings by tenure (``region, upplåtelseform, "Antal YYYY"``),
* population by birth region (``region, födelseregion, kön, "Antal YYYY"``).

They become the context measures of the catalogue (family demography, role ``context``):

* ``medelinkomst_lon``: ``count`` = mean × population, ``denominator`` = population (the
  birth-region table's ``totalt``), so that summing RegSO into a district gives the
  population-weighted mean;
* ``andel_hyresratt``: rented dwellings over dwellings of known tenure;
* ``andel_utrikes_fodda``: born abroad (``totalt − Sverige``) over population. Birth region is
  demographic context only, never a risk or protective factor.

The files are UTF-8 with BOM, comma-separated, quoted, with ``\\r\\r\\n`` line ends.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from common.errors import UserError
from sources.tidy import ParsedSource, tidy_frame

SOURCE = "SCB"
#: Area code of the national totals (the Sweden benchmark).
SWEDEN = "SE"
INCOME, TENURE, BIRTH_REGION = "income", "tenure", "birth_region"
MEASURES = {
    "medelinkomst_lon": INCOME,
    "andel_hyresratt": TENURE,
    "andel_utrikes_fodda": BIRTH_REGION,
}
_LAYOUTS = {
    INCOME: (("region", "inkomstkomponent", "kön"), r"Medelvärde för samtliga, tkr (\d{4})"),
    TENURE: (("region", "upplåtelseform"), r"Antal (\d{4})"),
    BIRTH_REGION: (("region", "födelseregion", "kön"), r"Antal (\d{4})"),
}
_REGION = re.compile(r"(?P<municipality>[^()]+?) \((?P<regso>.+)\)")
TABLE_COLUMNS = ["municipality", "regso", "category", "year", "value", "row"]


@dataclass(frozen=True)
class RegsoTable:
    """One parsed RegSO export: which table it is and its long rows.

    ``frame`` has :data:`TABLE_COLUMNS`; ``row`` is the 1-based line in the file.
    """

    layout: str
    frame: pd.DataFrame
    file: str


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"Filen är inte UTF-8 (byte {exc.start}); spara exporten från SCB som UTF-8.",
            file=path.name,
        ) from exc
    except OSError as exc:
        raise UserError(f"Filen kan inte läsas: {exc.strerror}.", file=path.name) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.reader(io.StringIO(text)))


def read_regso_table(path: str | Path) -> RegsoTable:
    """Read one SCB RegSO export; refuse anything else with a Swedish message saying where.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(p, "w", encoding="utf-8-sig").write(
    ...     '"region","upplåtelseform","Antal 2023"\\r\\r\\n"Umeå (Teg västra)","hyresrätt",812\\r\\r\\n')
    >>> t = read_regso_table(p)
    >>> t.layout, t.frame[["municipality", "regso", "category", "year", "value"]].values.tolist()
    ('tenure', [['Umeå', 'Teg västra', 'hyresrätt', '2023', 812.0]])
    """
    path = Path(path)
    rows = _rows(path)
    lines = [(i + 1, r) for i, r in enumerate(rows) if r and "".join(r).strip()]
    if not lines:
        raise UserError("Filen är tom.", file=path.name)
    header_line, header = lines[0]
    header = [h.strip() for h in header]
    layout = None
    for name, (keys, year_pattern) in _LAYOUTS.items():
        if tuple(h.casefold() for h in header[: len(keys)]) == keys and all(
            re.fullmatch(year_pattern, h) for h in header[len(keys) :]
        ):
            layout = name
            break
    if layout is None or len(header) == len(_LAYOUTS[layout][0]):
        raise UserError(
            "Rubrikraden är inte en av SCB:s RegSO-tabeller som kan läsas (medelinkomst, "
            f"upplåtelseform, födelseregion): {', '.join(header[:8])}",
            file=path.name,
            row=header_line,
            message_en="Not a known SCB RegSO table export.",
        )
    keys, year_pattern = _LAYOUTS[layout]
    years = [re.fullmatch(year_pattern, h)[1] for h in header[len(keys) :]]
    body = lines[1:]
    if not body:
        raise UserError("Tabellen har inga rader.", file=path.name, row=header_line + 1)
    widths = np.array([len(r) for _, r in body])
    line_nos = np.array([n for n, _ in body])
    if (widths != len(header)).any():
        k = int(np.flatnonzero(widths != len(header))[0])
        raise UserError(
            f"Raden har {widths[k]} fält men rubriken {len(header)}.",
            file=path.name,
            row=int(line_nos[k]),
        )
    columns = list(zip(*(r for _, r in body), strict=True))  # column-wise from here
    # Each distinct area text is split once (a region repeats for every category and sex).
    split: dict[str, tuple[str, str] | None] = {}
    for text in dict.fromkeys(columns[0]):
        match = _REGION.fullmatch(text.strip())
        split[text] = (match["municipality"], match["regso"].strip()) if match else None
    parts = [split[text] for text in columns[0]]
    if None in parts:
        k = parts.index(None)
        raise UserError(
            f"Området {columns[0][k]!r} har inte formen 'Kommun (RegSO-namn)'.",
            file=path.name,
            row=int(line_nos[k]),
            column="region",
        )
    keep = np.ones(len(parts), dtype=bool)
    if len(keys) == 3:  # by sex: only the total is used
        keep = np.array([c.strip().casefold() == "totalt" for c in columns[2]], dtype=bool)
    n_years = len(years)
    m = int(keep.sum())
    kept = np.flatnonzero(keep)
    values = np.array(columns[len(keys) :], dtype=object).T[keep]
    frame = pd.DataFrame(
        {
            "municipality": np.repeat(np.array([parts[i][0] for i in kept], dtype=object), n_years),
            "regso": np.repeat(np.array([parts[i][1] for i in kept], dtype=object), n_years),
            "category": np.repeat(
                np.array([columns[1][i].strip() for i in kept], dtype=object), n_years
            ),
            "year": np.tile(np.array(years, dtype=object), m),
            "value": values.reshape(-1),
            "row": np.repeat(line_nos[keep], n_years),
        }
    )
    frame["value"] = _numbers(frame, path.name, header, len(keys), years)
    duplicated = frame.duplicated(["municipality", "regso", "category", "year"])
    if duplicated.any():
        first = frame.loc[duplicated].iloc[0]
        raise UserError(
            f"Området {first['municipality']} ({first['regso']}) med {first['category']!r} "
            "finns mer än en gång.",
            file=path.name,
            row=int(first["row"]),
        )
    return RegsoTable(layout, frame, path.name)


def _numbers(frame: pd.DataFrame, file: str, header, n_keys: int, years) -> np.ndarray:
    """Cells as numbers; SCB's '..' (not published) and '-' (nil/none) become NaN."""
    text = frame["value"].str.strip()
    missing = text.isin(["..", ".", "-", ""])
    values = pd.to_numeric(text.where(~missing).str.replace(" ", ""), errors="coerce")
    bad = values.isna() & ~missing
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        column = header[n_keys + years.index(frame["year"].iloc[i])]
        raise UserError(
            f"{frame['value'].iloc[i]!r} är inget tal.",
            file=file,
            row=int(frame["row"].iloc[i]),
            column=column,
        )
    if (values < 0).any():
        i = int(np.flatnonzero((values < 0).to_numpy())[0])
        raise UserError(
            f"Negativt värde {values.iloc[i]} i en SCB-tabell över antal eller inkomst.",
            file=file,
            row=int(frame["row"].iloc[i]),
        )
    return values.to_numpy(dtype=float)


def read_regso_tables(folder: str | Path) -> dict[str, RegsoTable]:
    """The three RegSO tables of a folder, by layout (each file's header says which it is)."""
    tables: dict[str, RegsoTable] = {}
    for path in sorted(Path(folder).glob("*.csv")):
        table = read_regso_table(path)
        if table.layout in tables:
            raise UserError(
                f"Två filer är samma SCB-tabell ({tables[table.layout].file} och {path.name}).",
                file=path.name,
            )
        tables[table.layout] = table
    return tables


def _wide(table: RegsoTable) -> pd.DataFrame:
    """(municipality, regso, year) × category."""
    keys = ["municipality", "regso", "year", "category"]
    return table.frame.set_index(keys)["value"].unstack("category")


def context_measures(tables: Mapping[str, RegsoTable]) -> pd.DataFrame:
    """Context measures per RegSO and year: ``municipality, regso, year, measure_id, count,
    denominator`` (rows whose inputs are missing are left out).

    Examples
    --------
    >>> f = pd.DataFrame([("K", "A", "hyresrätt", "2023", 30.0, 2),
    ...                   ("K", "A", "bostadsrätt", "2023", 50.0, 3),
    ...                   ("K", "A", "äganderätt", "2023", 20.0, 4),
    ...                   ("K", "A", "uppgift saknas", "2023", 5.0, 5)], columns=TABLE_COLUMNS)
    >>> context_measures({TENURE: RegsoTable(TENURE, f, "t.csv")})[["measure_id", "count",
    ...     "denominator"]].values.tolist()
    [['andel_hyresratt', 30.0, 100.0]]
    """
    parts = []
    population = None
    if BIRTH_REGION in tables:
        births = _wide(tables[BIRTH_REGION])
        population = births.get("totalt")
        if population is not None and "Sverige" in births:
            parts.append(
                pd.DataFrame(
                    {
                        "measure_id": "andel_utrikes_fodda",
                        "count": population - births["Sverige"],
                        "denominator": population,
                    }
                )
            )
    if TENURE in tables:
        tenure = _wide(tables[TENURE])
        known = tenure.reindex(columns=["hyresrätt", "bostadsrätt", "äganderätt"])
        parts.append(
            pd.DataFrame(
                {
                    "measure_id": "andel_hyresratt",
                    "count": known["hyresrätt"],
                    "denominator": known.sum(axis=1, min_count=3),
                }
            )
        )
    if INCOME in tables and population is not None:
        income = _wide(tables[INCOME]).iloc[:, 0]  # löneinkomst, totalt: one column
        weight = population.reindex(income.index)
        # The sum is exact at the source's precision (tkr to one decimal × persons): rounding
        # drops the binary noise (829349.7999999999), which also spares the personal-number
        # scan thousands of long digit chains.
        total = (income * weight).round(6)
        parts.append(
            pd.DataFrame({"measure_id": "medelinkomst_lon", "count": total, "denominator": weight})
        )
    if not parts:
        return pd.DataFrame(
            columns=["municipality", "regso", "year", "measure_id", "count", "denominator"]
        )
    out = pd.concat(parts).reset_index()
    ok = out["count"].notna() & out["denominator"].notna() & (out["denominator"] > 0)
    return out.loc[ok].reset_index(drop=True)


def regso_observations(
    tables: Mapping[str, RegsoTable],
    *,
    municipality: str,
    area_of: Callable[[str], str | None],
) -> ParsedSource:
    """One municipality's context observations, one row per RegSO (``area_of`` gives the code
    the importer resolves, e.g. ``2480R040``; None = not known, left out with a note).

    Examples
    --------
    >>> f = pd.DataFrame([("K", "A", c, "2023", v, 2) for c, v in
    ...                   [("hyresrätt", 3.0), ("bostadsrätt", 5.0), ("äganderätt", 2.0)]],
    ...                  columns=TABLE_COLUMNS)
    >>> obs = regso_observations({TENURE: RegsoTable(TENURE, f, "t.csv")}, municipality="K",
    ...                          area_of={"A": "9999R001"}.get).observations
    >>> obs[["measure_id", "area_code", "period", "count", "denominator"]].values.tolist()
    [['andel_hyresratt', '9999R001', '2023', 3.0, 10.0]]
    """
    measures = context_measures(tables)
    mine = measures[measures["municipality"] == municipality]
    if mine.empty:
        raise UserError(
            f"Kommunen {municipality!r} finns inte i SCB:s RegSO-tabeller.",
            message_en=f"Municipality {municipality!r} is not in the RegSO tables.",
        )
    codes = {name: area_of(name) for name in mine["regso"].unique()}
    unknown = sorted(name for name, code in codes.items() if not code)
    notes = []
    if unknown:
        notes.append(
            f"{len(unknown)} RegSO i {municipality} saknar kod i områdesnyckeln och hoppades "
            f"över: {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}"
        )
    mine = mine.assign(area_code=mine["regso"].map(codes), period=mine["year"])
    mine = mine[mine["area_code"].notna()]
    return ParsedSource(tidy_frame(mine, source=SOURCE), tuple(notes))


def national_observations(tables: Mapping[str, RegsoTable]) -> ParsedSource:
    """Sweden's totals (area :data:`SWEDEN`): the sums of every RegSO, per measure and year.

    A year is given only when every RegSO of the file has its inputs (no partial sums).
    """
    measures = context_measures(tables)
    n_regso = {
        layout: t.frame[["municipality", "regso"]].drop_duplicates().shape[0]
        for layout, t in tables.items()
    }
    grouped = measures.groupby(["measure_id", "year"])
    sums = grouped[["count", "denominator"]].sum().reset_index()
    sums["areas"] = grouped.size().to_numpy()
    expected = sums["measure_id"].map(lambda m: n_regso.get(MEASURES[m], 0))
    notes = []
    partial = sums["areas"] < expected
    if partial.any():
        notes.append(
            f"{int(partial.sum())} riksvärden utelämnade: alla RegSO hade inte värden det året"
        )
    sums = sums.loc[~partial].assign(area_code=SWEDEN, period=lambda f: f["year"])
    # Sweden's income sum (≈ 3·10⁹ tkr) is beyond the importer's bound for a count: the mean
    # is stored as a ready value with its weight (the catalogue multiplies them back).
    mean = sums["measure_id"] == "medelinkomst_lon"
    sums.loc[mean, "value"] = sums.loc[mean, "count"] / sums.loc[mean, "denominator"]
    sums.loc[mean, "count"] = np.nan
    return ParsedSource(tidy_frame(sums, source=SOURCE), tuple(notes))


def municipalities(tables: Mapping[str, RegsoTable]) -> list[str]:
    """Municipality names in the tables (290 in a national export).

    Examples
    --------
    >>> f = pd.DataFrame([("B", "x", "c", "2023", 1.0, 2), ("A", "y", "c", "2023", 1.0, 3)],
    ...                  columns=TABLE_COLUMNS)
    >>> municipalities({TENURE: RegsoTable(TENURE, f, "t.csv")})
    ['A', 'B']
    """
    names: set[str] = set()
    for table in tables.values():
        names |= set(table.frame["municipality"])
    return sorted(names)


def regso_names(tables: Mapping[str, RegsoTable], municipality: str) -> list[str]:
    """The RegSO names of one municipality, sorted (e.g. 42 for Umeå)."""
    names: set[str] = set()
    for table in tables.values():
        f = table.frame
        names |= set(f.loc[f["municipality"] == municipality, "regso"])
    return sorted(names)
