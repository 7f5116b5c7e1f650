"""Importing EST incidents and activities from partners' CSV/Excel files (and the in-app form).

EST ("effektiv samordning för trygghet") partners report incidents (skadegörelse, klotter, …)
with a time and a position, and plan or report activities (patrols, walks, fritidsgård
evenings).  The rules (docs/architecture.md principle 1, issue 6):

* **Positions become grid cells.**  A position is snapped to its 250 m SWEREF 99 TM cell with
  :func:`geo.grid.snap_points` and the district is taken from the cell; the raw point is never
  stored.  Positions may be SWEREF 99 TM (``x``/``y``, EPSG:3006, the default) or WGS84
  (``lat``/``lon`` columns, or ``x``/``y`` with a ``crs`` column or option of 4326).  Points
  outside the place's municipality are refused.
* **No free text about persons.**  Type, reporting partner, activity kind and organiser come
  from fixed vocabularies (:data:`INCIDENT_TYPES`, :data:`PARTNERS`, :data:`ACTIVITY_KINDS`,
  :data:`ORGANISERS`: the built-in ones plus the place file's ``est.vocabularies``), so nothing typed about a person can reach the store through them.  A
  ``beskrivning`` column is allowed for the partner's own use: the file is refused as a whole
  when it (or any other cell) holds a personnummer or samordningsnummer, otherwise the column
  is dropped and never stored.  Columns we do not know are dropped too.
* **All rows or none.**  Every problem is reported with its row (header = row 1) and column, in
  Swedish; nothing is written unless the whole file is clean.  A file already imported (same
  checksum) is not imported twice.

Columns (headers in any case, with or without å/ä/ö; aliases in :data:`INCIDENT_COLUMNS` and
:data:`ACTIVITY_COLUMNS`):

* incidents: ``tidpunkt`` (or ``tid``), ``typ``, ``partner`` (or ``rapportör``), ``x``/``y``
  (+ optional ``crs``) or ``lat``/``lon``, optional ``beskrivning``;
* activities: ``start``, optional ``slut``, ``typ``, ``status`` (planerad/genomförd),
  ``arrangör``, and ``område`` (district or stadsdel) and/or a position; optional
  ``beskrivning``.

Times are local Swedish time written ISO-style (``2025-11-17 21:30``) or Excel date-times.

``python -m sources.est import FILE --kind incident|activity [--crs 3006|4326] [--db URL]``
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import json
import re
import sys
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from common.cli import run_cli
from common.errors import UserError
from geo import PLACE
from geo.areas import read_areas, resolve_areas
from geo.boundaries import MAP_CRS, METRIC_CRS
from geo.grid import snap_points
from sources.personal_data import refuse_personal_data
from sources.validate import ProblemLog, parse_numbers, quote
from store.db import Store
from store.events import write_events
from store.observations import BatchResult

KINDS = ("incident", "activity")
#: Source name of rows entered one by one in the app.
FORM_SOURCE = "est-formulär"
#: Source name of imported partner files.
FILE_SOURCE = "est"
#: Incidents dated later than now plus this are refused (a typo in the year, usually).
FUTURE_MARGIN = timedelta(hours=1)
#: Earliest accepted time (older rows are nearly always a date typed wrongly).
EARLIEST = pd.Timestamp("2000-01-01")

# --- vocabularies ---------------------------------------------------------------------------------
# Stored value → other ways partners write it.  Matching folds case, å/ä/ö and punctuation.
# The place file adds its own (est.vocabularies: value → aliases; a new value is a new category).


def with_place_words(
    base: dict[str, tuple[str, ...]], key: str, *, place=PLACE
) -> dict[str, tuple[str, ...]]:
    """A built-in vocabulary with the place file's additions (``est.vocabularies.<key>``).

    Examples
    --------
    >>> from common.place import load_place
    >>> with_place_words({"fritid": ("fritidsgård",)}, "partners", place=load_place("umea"))
    {'fritid': ('fritidsgård', 'fritid umeå')}
    """
    extra = (place.est.get("vocabularies") or {}).get(key) or {}
    if not isinstance(extra, dict):
        raise UserError(
            f"est.vocabularies.{key} ska vara värde → lista av andra skrivsätt.",
            file=f"data/place/{place.key}.yml",
            column=f"est.vocabularies.{key}",
        )
    out = dict(base)
    for value, aliases in extra.items():
        words = [aliases] if isinstance(aliases, str) else list(aliases or ())
        out[str(value)] = tuple(dict.fromkeys([*out.get(str(value), ()), *map(str, words)]))
    return out


INCIDENT_TYPES: dict[str, tuple[str, ...]] = {
    "skadegörelse": ("vandalisering", "skadegorelse vandalisering"),
    "klotter": ("graffiti", "tagg", "taggning"),
    "narkotika": ("narkotikabrott", "droger", "narkotikainnehav", "langning"),
    "personrån": ("rån", "ran mot person"),
    "hot": ("olaga hot", "hot och trakasserier"),
    "våld": ("misshandel", "slagsmål"),
    "ordningsstörning": ("bråk", "störning", "ordningsstorningar"),
    "brand": ("anlagd brand", "eldning"),
    "samling av unga": ("ungdomssamling", "samling unga", "samlingar av unga"),
    "stöld": ("snatteri",),
    "inbrott": (),
    "annat": ("annan", "övrigt"),
}
PARTNERS: dict[str, tuple[str, ...]] = {
    "polis": ("polisen",),
    "fastighetsbolag": ("bostadsbolag", "hyresvärd", "fastighetsägare", "bostaden"),
    "Gator och parker": ("gator & parker", "gator parker", "gatuavdelningen"),
    "fältare": ("fältgruppen", "fältassistent", "fältassistenter", "fältarbetare"),
    "handel": ("butik", "handlare", "köpcentrum", "centrumförening"),
    "skola": ("skolan",),
    "fritid": ("fritidsgård", "fritidsgården"),
    "annan": ("annat", "övrig"),
}
ACTIVITY_KINDS: dict[str, tuple[str, ...]] = {
    "patrull": ("polispatrull", "patrullering", "polisens patrull"),
    "nattvandring": ("vuxenvandring", "vuxna på stan"),
    "fältvandring": ("fältarbete", "fältpass", "trygghetsvandring"),
    "fritidsgårdskväll": ("fritidsgård", "öppen fritidsgård", "fritidsgårdskvällar"),
    "lovaktivitet": ("lovaktiviteter", "sommarlovsaktivitet", "lovverksamhet"),
    "annat": ("annan", "övrigt"),
}
#: Stored values follow the schema ("genomford" in ASCII); shown as "genomförd".
ACTIVITY_STATUSES: dict[str, tuple[str, ...]] = {
    "planerad": ("planerat", "planerade", "plan"),
    "genomford": ("genomförd", "genomfört", "genomförda", "hållen", "utförd", "utförd", "klar"),
}
ORGANISERS: dict[str, tuple[str, ...]] = {
    **PARTNERS,
    "nattvandrare": ("nattvandrarna", "föreningen nattvandrarna", "vuxenvandrare"),
    "socialtjänst": ("socialtjänsten", "soc"),
    "kommunen": ("kommun",),
}
INCIDENT_TYPES = with_place_words(INCIDENT_TYPES, "incident_types")
ACTIVITY_KINDS = with_place_words(ACTIVITY_KINDS, "activity_kinds")
ORGANISERS = with_place_words(with_place_words(ORGANISERS, "partners"), "organisers")
PARTNERS = with_place_words(PARTNERS, "partners")

# --- columns -------------------------------------------------------------------------------------
# Canonical column → headers accepted (compared after folding; the canonical name is implied).

_POSITION_COLUMNS: dict[str, tuple[str, ...]] = {
    "x": ("e", "öst", "ost", "easting", "x koordinat"),
    "y": ("n", "nord", "northing", "y koordinat"),
    "lat": ("latitud", "latitude"),
    "lon": ("lng", "longitud", "longitude"),
    "crs": ("epsg", "koordinatsystem", "referenssystem"),
    "beskrivning": ("kommentar", "fritext", "anteckning", "notering", "description"),
}
INCIDENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "tidpunkt": ("tid", "datum och tid", "datum tid", "händelsetid"),
    "typ": ("händelse", "händelsetyp", "kategori"),
    "partner": ("rapportör", "rapporterad av", "rapporterande partner"),
    **_POSITION_COLUMNS,
}
ACTIVITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("starttid", "tidpunkt", "tid", "börjar", "från"),
    "slut": ("sluttid", "slutar", "till"),
    "typ": ("aktivitet", "aktivitetstyp", "slag"),
    "status": (),
    "arrangor": ("arrangör", "organisatör", "utförare"),
    "omrade": ("område", "distrikt", "stadsdel"),
    **_POSITION_COLUMNS,
}
_REQUIRED = {
    "incident": ("tidpunkt", "typ", "partner"),
    "activity": ("start", "typ", "status", "arrangor"),
}
#: Column names the user sees in messages.
_LABELS = {
    "tidpunkt": "tidpunkt",
    "typ": "typ",
    "partner": "partner",
    "x": "x",
    "y": "y",
    "lat": "lat",
    "lon": "lon",
    "crs": "crs",
    "start": "start",
    "slut": "slut",
    "status": "status",
    "arrangor": "arrangör",
    "omrade": "område",
    "beskrivning": "beskrivning",
}
_CRS_WORDS = {
    "3006": METRIC_CRS,
    "epsg3006": METRIC_CRS,
    "sweref99tm": METRIC_CRS,
    "sweref99": METRIC_CRS,
    "sweref": METRIC_CRS,
    "4326": MAP_CRS,
    "epsg4326": MAP_CRS,
    "wgs84": MAP_CRS,
    "wgs": MAP_CRS,
}


def _fold(text: object) -> str:
    """Lower case, å/ä/ö → a/a/o, punctuation to single spaces: the key used for matching."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _lookup(vocabulary: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, aliases in vocabulary.items():
        for word in (canonical, *aliases):
            table[_fold(word)] = canonical
    return table


# --- reading ------------------------------------------------------------------------------------


def read_est_table(path: str | Path) -> pd.DataFrame:
    """A CSV (``;``, ``,`` or tab separated, UTF-8 or Windows-1252) or Excel file, cells as read.

    CSV cells stay text (so ``0701…`` keeps its zero); Excel cells keep their types (date-times).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("tidpunkt;typ\\n2025-11-17 21:30;klotter\\n")
    >>> read_est_table(p).to_dict("records")
    [{'tidpunkt': '2025-11-17 21:30', 'typ': 'klotter'}]
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Filen {path} finns inte", message_en=f"No such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            return pd.read_excel(path, dtype=object)
        except (ValueError, OSError, KeyError) as exc:
            raise UserError(
                f"Excelfilen kan inte läsas: {exc}",
                file=path.name,
                message_en="The Excel file cannot be read",
            ) from exc
    if suffix not in (".csv", ".txt", ".tsv"):
        raise UserError(
            f"Filtypen '{suffix}' stöds inte (använd CSV eller Excel)",
            file=path.name,
            message_en=f"Unsupported file type '{suffix}' (use CSV or Excel)",
        )
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):  # latin-1 always decodes
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first_line = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=first_line.count)
    try:
        return pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise UserError(
            f"CSV-filen kan inte läsas: {exc}",
            file=path.name,
            message_en="The CSV file cannot be read",
        ) from exc


# --- validating ---------------------------------------------------------------------------------


def _canonical_columns(frame: pd.DataFrame, kind: str, log: ProblemLog) -> dict[str, str]:
    """Canonical column → the file's header; duplicates and missing columns are logged."""
    spec = INCIDENT_COLUMNS if kind == "incident" else ACTIVITY_COLUMNS
    by_key = _lookup({name: aliases for name, aliases in spec.items()})
    found: dict[str, str] = {}
    for header in frame.columns:
        canonical = by_key.get(_fold(header))
        if canonical is None:
            continue
        if canonical in found:
            log.add(
                f"Kolumnerna '{found[canonical]}' och '{header}' betyder samma sak "
                f"({_LABELS[canonical]}); behåll en av dem",
                column=str(header),
            )
            continue
        found[canonical] = str(header)
    for name in _REQUIRED[kind]:
        if name not in found:
            log.add(f"Kolumnen '{_LABELS[name]}' saknas", column=_LABELS[name])
    has_xy = "x" in found or "y" in found
    has_latlon = "lat" in found or "lon" in found
    if has_xy and not ("x" in found and "y" in found):
        log.add("Både 'x' och 'y' behövs för en position", column="x" if "x" not in found else "y")
    if has_latlon and not ("lat" in found and "lon" in found):
        log.add(
            "Både 'lat' och 'lon' behövs för en position",
            column="lat" if "lat" not in found else "lon",
        )
    if has_xy and has_latlon:
        log.add("Ange positionen antingen som x/y eller som lat/lon, inte båda", column="lat")
    if kind == "incident" and not (has_xy or has_latlon):
        log.add(
            "Position saknas: ange kolumnerna x och y (SWEREF 99 TM) eller lat och lon", column="x"
        )
    if kind == "activity" and not (has_xy or has_latlon or "omrade" in found):
        log.add(
            "Ange var aktiviteten är: kolumnen 'område' eller en position (x/y, lat/lon)",
            column="område",
        )
    return found


def _as_text(column: pd.Series) -> pd.Series:
    """Cells as stripped text ("" for empty); Excel numbers lose a trailing ``.0``."""

    def one(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime | date | pd.Timestamp):
            return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
        return str(value).strip()

    return pd.Series([one(v) for v in column.tolist()], index=column.index, dtype=object)


def _parse_times(text: pd.Series) -> pd.Series:
    """ISO-style local times → naive timestamps (NaT when unreadable); an offset is converted."""
    parsed = pd.to_datetime(text.where(text != ""), format="ISO8601", errors="coerce", utc=True)
    local = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
    naive = pd.to_datetime(text.where((text != "") & ~local), format="ISO8601", errors="coerce")
    as_local = parsed.dt.tz_convert("Europe/Stockholm").dt.tz_localize(None)
    out = naive.where(~local, as_local)
    return out.astype("datetime64[us]")


def _vocabulary_column(
    text: pd.Series,
    vocabulary: Mapping[str, tuple[str, ...]],
    *,
    column: str,
    what: str,
    rows: np.ndarray,
    log: ProblemLog,
    required: bool = True,
) -> pd.Series:
    lookup = _lookup(vocabulary)
    codes, uniques = pd.factorize(text)
    mapped = np.array([lookup.get(_fold(v)) for v in uniques] + [None], dtype=object)[codes]
    allowed = ", ".join(vocabulary)
    for position in np.flatnonzero(pd.isna(mapped)):
        value = text.iloc[position]
        if value == "":
            if required:
                log.add(
                    f"{what} saknas (tillåtna: {allowed})", row=int(rows[position]), column=column
                )
            continue
        close = difflib.get_close_matches(_fold(value), list(lookup), n=1, cutoff=0.75)
        hint = f"; menade du '{lookup[close[0]]}'?" if close else ""
        log.add(
            f"Okänd {what.lower()} {quote(value)}{hint} (tillåtna: {allowed})",
            row=int(rows[position]),
            column=column,
        )
    return pd.Series(mapped, index=text.index, dtype=object)


def _parse_crs(text: pd.Series, *, default: int, rows: np.ndarray, log: ProblemLog) -> np.ndarray:
    keys = text.map(lambda v: re.sub(r"[^a-z0-9]", "", str(v).casefold()))
    crs = keys.map(lambda k: _CRS_WORDS.get(k, default if k == "" else 0)).to_numpy(dtype=np.int64)
    for position in np.flatnonzero(crs == 0):
        log.add(
            f"Okänt koordinatsystem {quote(text.iloc[position])} (använd 3006 för SWEREF 99 TM "
            "eller 4326 för WGS84)",
            row=int(rows[position]),
            column="crs",
        )
    return crs


def _snap(
    x: np.ndarray,
    y: np.ndarray,
    crs: np.ndarray,
    has_point: np.ndarray,
    *,
    rows: np.ndarray,
    column: str,
    file: str | None,
    log: ProblemLog,
) -> pd.DataFrame:
    """Cells and districts of the rows with a point; None elsewhere.  Refusals go to ``log``."""
    n = len(x)
    out = pd.DataFrame(
        {
            "cell_x": pd.array([None] * n, dtype="Int64"),
            "cell_y": pd.array([None] * n, dtype="Int64"),
            "district_code": pd.Series([None] * n, dtype=object),
            "has_point": has_point,
        }
    )
    for code in (METRIC_CRS, MAP_CRS):
        positions = np.flatnonzero(has_point & (crs == code))
        if positions.size == 0:
            continue
        points = pd.DataFrame({"x": x[positions], "y": y[positions]})
        try:
            # first_row=0: the error's rows are positions within this group.
            snapped = snap_points(points, "x", "y", crs=code, first_row=0, file=file)
        except UserError as exc:
            listed = [p.row for p in exc.problems if p.row is not None]
            for p in listed:
                hint = ""
                px, py = x[positions[p]], y[positions[p]]
                if code == METRIC_CRS and abs(px) <= 180 and abs(py) <= 90:
                    hint = " (talen ser ut som grader: ange crs 4326 eller kolumnerna lat/lon)"
                log.add(
                    f"Punkten ligger utanför {PLACE.name_municipality}{hint}",
                    row=int(rows[positions[p]]),
                    column=column,
                )
            # snap_points lists the first rows only; its message starts with the total.
            total = re.match(r"\d+", exc.problem.message)
            log.total += max(int(total.group()) - len(listed), 0) if total else 0
            continue
        out.loc[positions, "cell_x"] = snapped["cell_x"].to_numpy()
        out.loc[positions, "cell_y"] = snapped["cell_y"].to_numpy()
        out.loc[positions, "district_code"] = snapped["district_code"].to_numpy(dtype=object)
    return out


def _positions(
    frame: pd.DataFrame,
    columns: dict[str, str],
    *,
    crs: int | None,
    required: bool,
    rows: np.ndarray,
    file: str | None,
    log: ProblemLog,
) -> pd.DataFrame:
    n = len(frame)
    if "x" in columns and "y" in columns:
        xc, yc, default = columns["x"], columns["y"], crs or METRIC_CRS
    elif "lat" in columns and "lon" in columns:
        xc, yc, default = columns["lon"], columns["lat"], MAP_CRS
        if crs not in (None, MAP_CRS):
            log.add(
                "Kolumnerna lat/lon är WGS84 (4326); --crs 3006 passar inte ihop med dem",
                column="lat",
            )
    else:
        return _snap(
            np.zeros(n),
            np.zeros(n),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=bool),
            rows=rows,
            column="x",
            file=file,
            log=log,
        )
    if crs is not None and crs not in (METRIC_CRS, MAP_CRS):
        raise UserError(
            f"Koordinatsystemet EPSG:{crs} stöds inte (använd 3006 eller 4326)",
            message_en=f"EPSG:{crs} is not supported (use 3006 or 4326)",
        )
    crs_codes = (
        _parse_crs(_as_text(frame[columns["crs"]]), default=default, rows=rows, log=log)
        if "crs" in columns
        else np.full(n, default, dtype=np.int64)
    )
    xs, x_bad = parse_numbers(_as_text(frame[xc]))
    ys, y_bad = parse_numbers(_as_text(frame[yc]))
    x_label, y_label = ("x", "y") if xc == columns.get("x") else ("lon", "lat")
    for bad, label in ((x_bad, x_label), (y_bad, y_label)):
        for position in np.flatnonzero(bad):
            log.add(
                f"Koordinaten {quote(frame[columns[label]].iloc[position])} är inte ett tal",
                row=int(rows[position]),
                column=label,
            )
    empty = np.isnan(xs) | np.isnan(ys)
    one_missing = np.isnan(xs) != np.isnan(ys)
    for position in np.flatnonzero((empty & required & ~x_bad & ~y_bad) | one_missing):
        log.add("Positionen saknas eller är ofullständig", row=int(rows[position]), column=x_label)
    has_point = ~empty & ~x_bad & ~y_bad & (crs_codes > 0)
    return _snap(
        np.nan_to_num(xs),
        np.nan_to_num(ys),
        crs_codes,
        has_point,
        rows=rows,
        column=x_label,
        file=file,
        log=log,
    )


def _iso_weeks(times: pd.Series) -> pd.Series:
    iso = times.dt.isocalendar()
    return iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)


def validate_incidents(
    frame: pd.DataFrame,
    *,
    crs: int | None = None,
    file: str | None = None,
    first_row: int = 2,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Check incident rows and turn positions into cells: the rows :func:`write_events` stores.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file's rows as read (headers as written).
    crs : {3006, 4326}, optional
        Coordinate system of ``x``/``y`` when the file has no ``crs`` column (default 3006).
    file : str, optional
        File name for messages.
    first_row : int
        Row number of ``frame``'s first row in messages (2: a header row above).
    now : datetime, optional
        "Now" (Swedish local time) for the check against future times (default: the clock).

    Returns
    -------
    pandas.DataFrame
        ``occurred_at, iso_week, type, partner, cell_x, cell_y, district_code``; no point, no
        description.

    Raises
    ------
    UserError
        Personal data anywhere in the file (the whole file is refused), or any row problem
        (all listed, with row and column).

    Examples
    --------
    >>> rows = pd.DataFrame({"Tidpunkt": ["2025-11-15 22:10"], "Typ": ["Klotter"],
    ...                      "Rapportör": ["Gator & parker"], "x": ["761400,5"], "y": ["7092300"],
    ...                      "beskrivning": ["tag på vägg"]})
    >>> validate_incidents(rows).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'occurred_at': Timestamp('2025-11-15 22:10:00'), 'iso_week': '2025-W46', 'type': 'klotter',
     'partner': 'Gator och parker', 'cell_x': 761250, 'cell_y': 7092250,
     'district_code': 'd-ersboda'}
    """
    return _validate(frame, "incident", crs=crs, file=file, first_row=first_row, now=now)


def validate_activities(
    frame: pd.DataFrame,
    *,
    crs: int | None = None,
    file: str | None = None,
    first_row: int = 2,
) -> pd.DataFrame:
    """Check activity rows: the rows :func:`write_events` stores for ``activity``.

    The place is a district (``område``: a district or stadsdel name, lifted to its district)
    or a position (snapped to a cell; the district then comes from the cell and must agree with
    ``område`` if both are given).

    Returns
    -------
    pandas.DataFrame
        ``starts_at, ends_at, iso_week, kind, status, district_code, cell_x, cell_y, organiser``.

    Examples
    --------
    >>> rows = pd.DataFrame({"start": ["2025-11-21 19:00"], "slut": ["2025-11-21 23:00"],
    ...                      "typ": ["Nattvandring"], "status": ["genomförd"],
    ...                      "arrangör": ["Nattvandrarna"], "område": ["Ålidhem"]})
    >>> out = validate_activities(rows).iloc[0]
    >>> out["kind"], out["status"], out["district_code"], out["iso_week"], pd.isna(out["cell_x"])
    ('nattvandring', 'genomford', 'd-alidhem', '2025-W47', True)
    """
    return _validate(frame, "activity", crs=crs, file=file, first_row=first_row, now=None)


def _validate(
    frame: pd.DataFrame,
    kind: str,
    *,
    crs: int | None,
    file: str | None,
    first_row: int,
    now: datetime | None,
) -> pd.DataFrame:
    if kind not in KINDS:
        raise UserError(f"Okänd sort '{kind}' (använd incident eller activity)")
    rows = np.arange(len(frame)) + first_row
    # Wholly empty rows (a spreadsheet's trailing lines) are skipped; row numbers stay the file's.
    blank = frame.apply(lambda column: _as_text(column) == "").all(axis=1).to_numpy(dtype=bool)
    frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    # Whole-file refusal first: a personnummer anywhere (also in beskrivning), person columns.
    refuse_personal_data(frame, file_name=file, rows=rows)
    log = ProblemLog(file)
    columns = _canonical_columns(frame, kind, log)
    log.raise_if_any()
    if frame.empty:
        raise UserError("Filen har inga rader", file=file, message_en="The file has no rows")

    time_column = "tidpunkt" if kind == "incident" else "start"
    times_text = _as_text(frame[columns[time_column]])
    times = _parse_times(times_text)
    for position in np.flatnonzero(times.isna().to_numpy()):
        value = times_text.iloc[position]
        message = (
            "Tidpunkt saknas"
            if value == ""
            else f"Tidpunkten {quote(value)} kan inte läsas (skriv ÅÅÅÅ-MM-DD TT:MM)"
        )
        log.add(message, row=int(rows[position]), column=_LABELS[time_column])
    too_early = (times < EARLIEST).to_numpy(dtype=bool)
    for position in np.flatnonzero(too_early):
        log.add(
            f"Tidpunkten {quote(times_text.iloc[position])} är före år 2000",
            row=int(rows[position]),
            column=_LABELS[time_column],
        )
    if kind == "incident":
        # Times in files are Swedish local time; the server's clock may be UTC.
        local_now = (
            pd.Timestamp(now)
            if now is not None
            else pd.Timestamp.now(tz="Europe/Stockholm").tz_localize(None)
        )
        limit = local_now + FUTURE_MARGIN
        for position in np.flatnonzero((times > limit).to_numpy(dtype=bool)):
            log.add(
                f"Tidpunkten {quote(times_text.iloc[position])} ligger i framtiden",
                row=int(rows[position]),
                column=_LABELS[time_column],
            )

    place = _positions(
        frame, columns, crs=crs, required=kind == "incident", rows=rows, file=file, log=log
    )
    if kind == "incident":
        out = pd.DataFrame(
            {
                "occurred_at": times,
                "iso_week": None,
                "type": _vocabulary_column(
                    _as_text(frame[columns["typ"]]),
                    INCIDENT_TYPES,
                    column="typ",
                    what="Händelsetyp",
                    rows=rows,
                    log=log,
                ),
                "partner": _vocabulary_column(
                    _as_text(frame[columns["partner"]]),
                    PARTNERS,
                    column="partner",
                    what="Partner",
                    rows=rows,
                    log=log,
                ),
            }
        )
    else:
        ends = (
            _parse_times(_as_text(frame[columns["slut"]]))
            if "slut" in columns
            else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
        )
        if "slut" in columns:
            ends_text = _as_text(frame[columns["slut"]])
            for position in np.flatnonzero((ends.isna() & (ends_text != "")).to_numpy(dtype=bool)):
                log.add(
                    f"Sluttiden {quote(ends_text.iloc[position])} kan inte läsas "
                    "(skriv ÅÅÅÅ-MM-DD TT:MM)",
                    row=int(rows[position]),
                    column="slut",
                )
            for position in np.flatnonzero((ends < times).to_numpy(dtype=bool)):
                log.add("Sluttiden ligger före starttiden", row=int(rows[position]), column="slut")
        district = _activity_district(frame, columns, place, rows=rows, log=log)
        out = pd.DataFrame(
            {
                "starts_at": times,
                "ends_at": ends,
                "iso_week": None,
                "kind": _vocabulary_column(
                    _as_text(frame[columns["typ"]]),
                    ACTIVITY_KINDS,
                    column="typ",
                    what="Aktivitetstyp",
                    rows=rows,
                    log=log,
                ),
                "status": _vocabulary_column(
                    _as_text(frame[columns["status"]]),
                    ACTIVITY_STATUSES,
                    column="status",
                    what="Status",
                    rows=rows,
                    log=log,
                ),
                "district_code": district,
                "organiser": _vocabulary_column(
                    _as_text(frame[columns["arrangor"]]),
                    ORGANISERS,
                    column="arrangör",
                    what="Arrangör",
                    rows=rows,
                    log=log,
                ),
            }
        )
    log.raise_if_any()
    out["iso_week"] = _iso_weeks(out["occurred_at" if kind == "incident" else "starts_at"])
    if kind == "incident":
        out["cell_x"] = place["cell_x"].astype("int64").to_numpy()
        out["cell_y"] = place["cell_y"].astype("int64").to_numpy()
        out["district_code"] = place["district_code"].astype(str).to_numpy()
        return out[
            ["occurred_at", "iso_week", "type", "partner", "cell_x", "cell_y", "district_code"]
        ]
    out["cell_x"] = place["cell_x"]
    out["cell_y"] = place["cell_y"]
    return out[
        [
            "starts_at",
            "ends_at",
            "iso_week",
            "kind",
            "status",
            "district_code",
            "cell_x",
            "cell_y",
            "organiser",
        ]
    ]


def _activity_district(
    frame: pd.DataFrame,
    columns: dict[str, str],
    place: pd.DataFrame,
    *,
    rows: np.ndarray,
    log: ProblemLog,
) -> pd.Series:

    districts = read_areas(level="district")
    names = dict(zip(districts["code"], districts["name"], strict=True))
    from_cell = place["district_code"]
    if "omrade" not in columns:
        named = pd.Series([None] * len(frame), dtype=object)
        text = pd.Series([""] * len(frame), dtype=object)
    else:
        text = _as_text(frame[columns["omrade"]])
        named = resolve_areas(text.where(text != ""), level="district").reset_index(drop=True)
    for position in range(len(frame)):
        given, cell_district = text.iloc[position], from_cell.iloc[position]
        if given and named.iloc[position] is None:
            log.add(
                f"Okänt område {quote(given)} (ange ett distrikt eller en stadsdel i {PLACE.name})",
                row=int(rows[position]),
                column="område",
            )
        elif given and cell_district is not None and named.iloc[position] != cell_district:
            log.add(
                f"Området {quote(given)} stämmer inte med positionen (som ligger i "
                f"{names.get(cell_district, cell_district)})",
                row=int(rows[position]),
                column="område",
            )
        elif not given and not place["has_point"].iloc[position]:
            log.add(
                "Plats saknas: ange område eller position", row=int(rows[position]), column="område"
            )
    return from_cell.where(from_cell.notna(), named)


# --- importing ------------------------------------------------------------------------------------


def import_est_file(
    store: Store,
    path: str | Path,
    *,
    kind: str,
    crs: int | None = None,
    source: str = FILE_SOURCE,
    user: str = "cli",
    synthetic: bool = False,
) -> BatchResult:
    """Import a partner's incident or activity file: all rows or none, one batch.

    Parameters
    ----------
    store : Store
    path : str or Path
        CSV or Excel file (columns: module docstring).
    kind : {"incident", "activity"}
    crs : {3006, 4326}, optional
        Coordinate system of ``x``/``y`` when the file has no ``crs`` column.
    source, user, synthetic
        Recorded on the batch.

    Returns
    -------
    BatchResult
        ``status`` is ``"unchanged"`` when the same file was imported before.

    Examples
    --------
    >>> import tempfile, os
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> p = os.path.join(tempfile.mkdtemp(), "h.csv")
    >>> _ = open(p, "w", encoding="utf-8").write(
    ...     "tidpunkt;typ;partner;x;y\\n2025-11-15 22:10;klotter;polis;761400;7092300\\n")
    >>> import_est_file(s, p, kind="incident").rows_loaded
    1
    """
    if kind not in KINDS:
        raise UserError(
            f"Okänd sort '{kind}' (använd incident eller activity)",
            message_en=f"Unknown kind '{kind}' (use incident or activity)",
        )
    path = Path(path)
    frame = read_est_table(path)
    rows = (
        validate_incidents(frame, crs=crs, file=path.name)
        if kind == "incident"
        else validate_activities(frame, crs=crs, file=path.name)
    )
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    return write_events(
        store,
        kind,
        [rows],
        source=source,
        file_name=path.name,
        checksum=checksum,
        user=user,
        synthetic=synthetic,
    )


def _form_checksum(kind: str, values: dict) -> str:
    # One entry is one batch; a random salt keeps two identical entries apart.
    payload = json.dumps(
        {"kind": kind, "salt": uuid.uuid4().hex, **values}, default=str, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def add_incident(
    store: Store,
    *,
    occurred_at: datetime | str,
    type: str,  # noqa: A002 - the domain's word, as in the schema
    partner: str,
    x: float,
    y: float,
    crs: int = METRIC_CRS,
    user: str,
) -> BatchResult:
    """Store one incident entered in the app (same checks as a file; the point is not kept).

    Examples
    --------
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> add_incident(s, occurred_at="2025-11-15 22:10", type="brand", partner="fältare",
    ...              x=20.3235, y=63.8288, crs=4326, user="anna").rows_loaded
    1
    """
    frame = pd.DataFrame(
        {
            "tidpunkt": [occurred_at],
            "typ": [type],
            "partner": [partner],
            "x": [x],
            "y": [y],
            "crs": [crs],
        },
        dtype=object,
    )
    rows = validate_incidents(frame, file="formulär", first_row=1)
    return write_events(
        store,
        "incident",
        [rows],
        source=FORM_SOURCE,
        file_name="formulär",
        checksum=_form_checksum("incident", frame.iloc[0].to_dict()),
        user=user,
    )


def add_activity(
    store: Store,
    *,
    starts_at: datetime | str,
    kind: str,
    status: str,
    organiser: str,
    ends_at: datetime | str | None = None,
    district: str | None = None,
    x: float | None = None,
    y: float | None = None,
    crs: int = METRIC_CRS,
    user: str,
) -> BatchResult:
    """Store one activity entered in the app: a district, a position (→ cell), or both.

    Examples
    --------
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> add_activity(s, starts_at="2025-11-21 19:00", kind="patrull", status="planerad",
    ...              organiser="polis", district="Ersboda", user="anna").rows_loaded
    1
    """
    values = {
        "start": [starts_at],
        "slut": [ends_at],
        "typ": [kind],
        "status": [status],
        "arrangör": [organiser],
        "område": [district],
    }
    if x is not None or y is not None:
        values |= {"x": [x], "y": [y], "crs": [crs]}
    frame = pd.DataFrame(values, dtype=object)
    rows = validate_activities(frame, file="formulär", first_row=1)
    return write_events(
        store,
        "activity",
        [rows],
        source=FORM_SOURCE,
        file_name="formulär",
        checksum=_form_checksum("activity", frame.iloc[0].to_dict()),
        user=user,
    )


# --- command line ---------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2
        self.exit(2, f"Fel i argumenten: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m sources.est",
        description="Läs in EST-händelser eller aktiviteter från CSV/Excel.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    imp = sub.add_parser("import", help="läs in en fil (alla rader eller ingen)")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--kind",
        required=True,
        choices=KINDS,
        help="incident (händelser) eller activity (aktiviteter)",
    )
    imp.add_argument(
        "--crs",
        type=int,
        choices=(METRIC_CRS, MAP_CRS),
        help="koordinatsystem för x/y utan crs-kolumn (standard 3006)",
    )
    imp.add_argument("--db", help="databas-URL (standard: UVTS_DATABASE_URL eller var/uvts.sqlite)")
    imp.add_argument("--user", default="cli", help="vem som läser in (granskningsloggen)")
    args = parser.parse_args(argv)
    store = Store(args.db)
    try:
        store.migrate()
        result = import_est_file(store, args.file, kind=args.kind, crs=args.crs, user=args.user)
    finally:
        store.dispose()
    print(f"{args.file.name}: {result.message} (import {result.batch_id})")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
