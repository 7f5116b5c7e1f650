"""Skolverket's school units (Planned educations API v4) → a list of schools to place later.

Reads ``GET https://api.skolverket.se/planned-educations/v4/school-units`` (HAL:
``body._embedded.listedSchoolUnits`` and ``body.page``; the API wants the Accept header
:data:`ACCEPT`). The list has no observations: it gives each school unit's code, name,
municipality and, when the answer carries them, WGS 84 coordinates, so that ``geo`` can put
schools in districts (docs/data.md: schools per district are not hard-coded anywhere).
``schoolYears`` come as strings in some records and as integers in others; both are read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from common.errors import UserError
from common.place import current_place
from sources.tidy import ParsedSource, tidy_frame

SOURCE = "Skolverket"
BASE_URL = "https://api.skolverket.se"
ACCEPT = "application/vnd.skolverket.plannededucations.api.v4.hal+json"
SCHOOL_UNIT_COLUMNS = [
    "school_unit_code",
    "name",
    "municipality_code",
    "post_code_district",
    "organiser_type",
    "school_types",
    "school_years",
    "latitude",
    "longitude",
]
_LAT_KEYS = ("wgs84Latitude", "wgs84Lat", "latitude", "lat")
_LON_KEYS = ("wgs84Longitude", "wgs84Long", "wgs84Lng", "longitude", "lon", "lng")


def school_units_url(
    municipality: str | None = None,
    *,
    type_of_schooling: str | None = "gr",
    page: int = 0,
    size: int = 100,
    base: str = BASE_URL,
) -> str:
    """The v4 school-units address for one municipality (default: the place's code).

    Examples
    --------
    >>> school_units_url("2480")
    'https://api.skolverket.se/planned-educations/v4/school-units?geographicalAreaCode=2480&typeOfSchooling=gr&page=0&size=100'
    >>> school_units_url() == school_units_url(current_place().code)
    True
    """
    query = {
        "geographicalAreaCode": municipality or current_place().code,
        "typeOfSchooling": type_of_schooling,
        "page": page,
        "size": size,
    }
    return f"{base}/planned-educations/v4/school-units?" + urlencode(
        {k: v for k, v in query.items() if v is not None}
    )


def _coordinate(unit: Mapping, keys: tuple[str, ...]) -> float:
    places = [
        unit,
        unit.get("coordinates") or {},
        unit.get("geoData") or {},
        unit.get("position") or {},
    ]
    for place in places:
        for key in keys:
            if isinstance(place, Mapping) and place.get(key) not in (None, ""):
                try:
                    return float(str(place[key]).replace(",", "."))
                except ValueError:
                    return np.nan
    return np.nan


def _years(schooling: list) -> str:
    years = sorted(
        {
            int(y)
            for s in schooling
            for y in (s.get("schoolYears") or [])
            if str(y).strip().isdigit()
        }
    )
    return ",".join(str(y) for y in years)


def parse_school_units(payload: Mapping) -> pd.DataFrame:
    """School units of one answer page as a table (:data:`SCHOOL_UNIT_COLUMNS`).

    Examples
    --------
    >>> page = {"body": {"_embedded": {"listedSchoolUnits": [{"code": "1", "name": "A-skolan",
    ...     "geographicalAreaCode": "2480", "typeOfSchooling": [{"code": "gr",
    ...     "schoolYears": ["7", 8, "9"]}]}]}}}
    >>> parse_school_units(page)[["school_unit_code", "school_years"]].values.tolist()
    [['1', '7,8,9']]
    """
    try:
        body = payload.get("body", payload)
        units = (body.get("_embedded") or {}).get("listedSchoolUnits", [])
        rows = []
        for unit in units:
            schooling = unit.get("typeOfSchooling") or []
            rows.append(
                {
                    "school_unit_code": str(unit["code"]),
                    "name": str(unit.get("name", "")).strip(),
                    "municipality_code": str(unit.get("geographicalAreaCode") or ""),
                    "post_code_district": str(unit.get("postCodeDistrict") or ""),
                    "organiser_type": str(unit.get("principalOrganizerType") or ""),
                    "school_types": ",".join(
                        str(s.get("code")) for s in schooling if s.get("code")
                    ),
                    "school_years": _years(schooling),
                    "latitude": _coordinate(unit, _LAT_KEYS),
                    "longitude": _coordinate(unit, _LON_KEYS),
                }
            )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise UserError(
            "Svaret från Skolverket har inte formen {body: {_embedded: "
            "{listedSchoolUnits}}} som väntat."
        ) from exc
    frame = pd.DataFrame(rows, columns=SCHOOL_UNIT_COLUMNS)
    frame[["latitude", "longitude"]] = frame[["latitude", "longitude"]].astype("float64")
    return frame


def next_page_url(payload: Mapping) -> str | None:
    """The HAL ``next`` link of an answer page, if there is one.

    Examples
    --------
    >>> next_page_url({"body": {"_links": {"next": {"href": "https://x/?page=1"}}}})
    'https://x/?page=1'
    """
    body = payload.get("body", payload) if isinstance(payload, Mapping) else {}
    link = ((body.get("_links") or {}).get("next") or {}).get("href")
    return str(link) if link else None


# --- "Statistik från Skolverket" CSV exports (final grades per school unit) -----------------

#: Our measures from the export's columns (share columns are % of ``Antal elever``).
GRADE_COLUMNS = {
    "Antal elever": "pupils",
    "Andel (%) elever som uppfyllt betygskriterierna i alla ämnen": "godkanda_alla_amnen",
    "Andel (%) elever behöriga till yrkesprog.": "behoriga_yrkesprogram",
    "Genomsnittligt meritvärde (17 ämnen)": "meritvarde_ak9",
}
SCHOOL_COLUMNS = {
    "Skola": "school",
    "Skol-enhetskod": "school_unit_code",
    "Skolkommun": "municipality",
    "Kommun-kod": "municipality_code",
    "Typ av huvudman": "organiser_type",
    "Huvudman": "organiser",
}
#: Skolverket's markers: '..' too few pupils to publish, '.' no data, '~100' nearly 100 %
#: (the exact share is withheld to protect pupils). None of them is a number to guess.
MARKERS = {"..": "för få elever", ".": "uppgift saknas", "~100": "nära 100 %", "": "tomt"}


@dataclass(frozen=True)
class SchoolResults:
    """One Skolverket export: per-school rows, the school year, and the file's name."""

    frame: pd.DataFrame
    school_year: str
    file: str

    @property
    def period(self) -> str:
        """The calendar year the school year ends in: '2024/25' → '2025' (grades set in June)."""
        return str(int(self.school_year[:4]) + 1)


def _grade_number(cell: str) -> float:
    text = cell.strip()
    if text in MARKERS:
        return np.nan
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def read_school_results(path: str | Path) -> SchoolResults:
    """Read Skolverket's "Statistik från Skolverket" export of year-9 final grades per school.

    The preamble (source line, title, ``Valt läsår: 2024/25``) comes first, then the header;
    the body ends at the first empty line (definitions follow). Cells use decimal comma and the
    markers in :data:`MARKERS`, which become NaN — a hidden value is never guessed.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "s.csv")
    >>> head = ";".join([*SCHOOL_COLUMNS, "Huvudman orgnr", *GRADE_COLUMNS])
    >>> _ = open(p, "w", encoding="utf-8-sig").write(
    ...     "Statistik från Skolverket;\\n;\\nGrundskola - Slutbetyg årskurs 9;\\n"
    ...     "Valt läsår: 2024/25;\\n;\\n" + head + "\\nA-skolan;1;Umeå;2480;Kommunal;K;1;20;75;~100;230,5\\n")
    >>> r = read_school_results(p)
    >>> r.period, r.frame[["pupils", "godkanda_alla_amnen", "behoriga_yrkesprogram"]].values.tolist()
    ('2025', [[20.0, 75.0, nan]])
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"Filen är inte UTF-8 (byte {exc.start}).", file=path.name) from exc
    except OSError as exc:
        raise UserError(f"Filen kan inte läsas: {exc.strerror}.", file=path.name) from exc
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter=";"))
    if not rows or not rows[0] or not rows[0][0].startswith("Statistik från Skolverket"):
        raise UserError(
            "Filen börjar inte med 'Statistik från Skolverket' (Skolverkets export).",
            file=path.name,
            row=1,
        )
    header_at = next((i for i, r in enumerate(rows[:20]) if r and r[0].strip() == "Skola"), None)
    year_match = next(
        (m for r in rows[: header_at or 10] if r and (m := re.search(r"(\d{4})/(\d{2})", r[0]))),
        None,
    )
    if header_at is None or year_match is None:
        raise UserError(
            "Hittar inte rubrikraden (Skola;Skol-enhetskod;…) eller raden 'Valt läsår: ÅÅÅÅ/ÅÅ' "
            "bland de första raderna.",
            file=path.name,
        )
    header = [h.strip() for h in rows[header_at]]
    missing = [c for c in [*SCHOOL_COLUMNS, *GRADE_COLUMNS] if c not in header]
    if missing:
        raise UserError(
            f"Kolumnerna {', '.join(missing)} saknas.", file=path.name, row=header_at + 1
        )
    records = []
    for i in range(header_at + 1, len(rows)):
        row = rows[i]
        if not any(c.strip() for c in row):
            break  # the definitions after the table
        if len(row) != len(header):
            raise UserError(
                f"Raden har {len(row)} fält men rubriken {len(header)}.", file=path.name, row=i + 1
            )
        record = {"row": i + 1}
        for column, key in SCHOOL_COLUMNS.items():
            record[key] = row[header.index(column)].strip()
        for column, key in GRADE_COLUMNS.items():
            cell = row[header.index(column)]
            record[f"{key}_near_100"] = cell.strip() == "~100"
            try:
                record[key] = _grade_number(cell)
            except ValueError:
                raise UserError(
                    f"{cell!r} är varken ett tal eller en av Skolverkets markeringar "
                    f"({', '.join(repr(m) for m in MARKERS if m)}).",
                    file=path.name,
                    row=i + 1,
                    column=column,
                ) from None
            if key != "meritvarde_ak9" and key != "pupils" and record[key] > 100:
                raise UserError(
                    f"Andelen {cell} är över 100 %.", file=path.name, row=i + 1, column=column
                )
        records.append(record)
    frame = pd.DataFrame(records)
    if frame.empty:
        raise UserError("Tabellen har inga skolor.", file=path.name, row=header_at + 2)
    twice = frame["school_unit_code"].duplicated()
    if twice.any():
        raise UserError(
            f"Skolenheten {frame.loc[twice, 'school_unit_code'].iloc[0]} finns två gånger.",
            file=path.name,
            row=int(frame.loc[twice, "row"].iloc[0]),
            column="Skol-enhetskod",
        )
    return SchoolResults(frame, f"{year_match[1]}/{year_match[2]}", path.name)


def _school_measures(frame: pd.DataFrame) -> pd.DataFrame:
    """Per school and measure: count (passed pupils, or the sum of merit values) and pupils.

    A share becomes a count of pupils (rounded: Skolverket rounds shares to 0,1 %); a row is
    left out when the pupils or the share is hidden ('..', '.'). '~100' means that 1–4 pupils
    did not reach it (Skolverket's note in the export): counted as pupils − 2,5, the middle of
    that range, so a school is neither dropped nor put at 100 % (error at most ±1,5 pupils).
    """
    pupils = frame["pupils"]
    parts = []
    for measure in ("godkanda_alla_amnen", "behoriga_yrkesprogram"):
        count = (frame[measure] / 100 * pupils).round()
        near = frame.get(f"{measure}_near_100", pd.Series(False, index=frame.index))
        count = count.where(~near.astype(bool), pupils - 2.5)
        parts.append(frame.assign(measure_id=measure, count=count, denominator=pupils))
    parts.append(
        frame.assign(
            measure_id="meritvarde_ak9",
            count=frame["meritvarde_ak9"] * pupils,
            denominator=pupils,
        )
    )
    out = pd.concat(parts, ignore_index=True)
    return out[out["count"].notna() & out["denominator"].notna()]


def school_observations(
    results: SchoolResults, *, school_district: Mapping[str, str]
) -> ParsedSource:
    """District observations from the schools the municipality's key places in a district.

    ``school_district`` maps a school-unit code to a district code (the filled-in key
    ``data/templates/skola_distrikt_<place>.csv``). A school without a district is left out
    with a note: its district is never guessed.

    Examples
    --------
    >>> f = pd.DataFrame({"row": [7, 8], "school_unit_code": ["1", "2"], "pupils": [20.0, 30.0],
    ...     "godkanda_alla_amnen": [50.0, np.nan], "behoriga_yrkesprogram": [np.nan, np.nan],
    ...     "meritvarde_ak9": [200.0, 250.0]})
    >>> obs = school_observations(SchoolResults(f, "2024/25", "x.csv"),
    ...                           school_district={"1": "d-a", "2": "d-a"}).observations
    >>> obs[["measure_id", "area_code", "count", "denominator"]].values.tolist()
    [['godkanda_alla_amnen', 'd-a', 10.0, 20.0], ['meritvarde_ak9', 'd-a', 11500.0, 50.0]]
    """
    frame = results.frame
    district = frame["school_unit_code"].map(dict(school_district))
    notes = []
    unplaced = int(district.isna().sum())
    if unplaced:
        notes.append(
            f"{unplaced} skolor har inget distrikt i nyckeln skola → distrikt och räknas inte "
            "till något distrikt (distriktet gissas aldrig)"
        )
    placed = _school_measures(frame.assign(area_code=district)[district.notna()])
    hidden = len(frame[district.notna()]) * 3 - len(placed)
    if hidden:
        notes.append(f"{hidden} skolvärden är dolda av Skolverket ('..', '.') och hoppades över")
    sums = placed.groupby(["measure_id", "area_code"], as_index=False)[
        ["count", "denominator"]
    ].sum()
    return ParsedSource(tidy_frame(sums.assign(period=results.period), source=SOURCE), tuple(notes))


def national_school_observations(results: SchoolResults) -> ParsedSource:
    """Sweden's pupil-weighted values (area ``SE``) from every school with published figures.

    Hidden cells ('..', '.') are left out, so Sweden's value is over the schools that publish
    the figure (stated as a caveat); Skolverket's own national figure includes them.
    """
    measures = _school_measures(results.frame)
    sums = measures.groupby("measure_id", as_index=False)[["count", "denominator"]].sum()
    note = (
        f"Riksvärdet är elevviktat över de {results.frame['school_unit_code'].nunique()} "
        "skolenheterna i filen, utan skolor vars värde är dolt"
    )
    return ParsedSource(
        tidy_frame(sums.assign(area_code="SE", period=results.period), source=SOURCE), (note,)
    )


def municipality_schools(results: SchoolResults, municipality_code: str) -> pd.DataFrame:
    """The schools of one municipality (name, code, organiser), e.g. Umeå's 23.

    >>> f = pd.DataFrame({"school": ["A"], "school_unit_code": ["1"], "municipality_code":
    ...     ["2480"], "organiser_type": ["Kommunal"], "organiser": ["Umeå kommun"]})
    >>> len(municipality_schools(SchoolResults(f, "2024/25", "x"), "2480"))
    1
    """
    f = results.frame
    return f.loc[
        f["municipality_code"] == municipality_code,
        ["school", "school_unit_code", "organiser_type", "organiser"],
    ].reset_index(drop=True)
