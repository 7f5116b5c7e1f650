"""The area hierarchy (municipality → district → stadsdel) and the DeSO/RegSO → district key.

The hierarchy is data: ``data/geo/areas.csv`` (one row per area).  Districts are *our* grouping
of Umeå kommun's official stadsdelar (see ``data/geo/PROVENANCE.md``); the four focus districts
carry their everyday names (Mariehem, Ålidhem, …) with the official stadsdel name kept in
``official_name``.  SCB's DeSO/RegSO areas are mapped to districts through
``data/geo/deso_district.csv`` (versioned), made from RegSO names because no DeSO polygons are
available offline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from common.errors import Problem, UserError, ValidationError
from geo import MUNICIPALITY_CODE, PLACE

#: Sweden as a benchmark area beside the municipality (national values from SCB and
#: Skolverket, sources/public.py). Not part of the municipality's hierarchy: no parent, no
#: children, nothing rolls up into it; the store adds it (store.areas.sync_areas).
SWEDEN_CODE = "SE"
SWEDEN_AREA = {
    "code": SWEDEN_CODE,
    "name": "Sverige",
    "name_en": "Sweden",
    "official_name": "Riket",
    "level": "country",
    "parent_code": None,
    "focus": False,
    "sort_order": -1,
}
#: The place's area hierarchy and DeSO/RegSO → district key (None: a place whose districts
#: are its RegSO, data/place/<place>.yml).
AREAS_FILE = PLACE.areas_file
DESO_DISTRICT_FILE = PLACE.deso_district_file

AREA_COLUMNS = [
    "code",
    "name",
    "name_en",
    "official_name",
    "level",
    "parent_code",
    "focus",
    "sort_order",
]
LEVELS = ("municipality", "district", "stadsdel")
#: The level a parent must have, per child level.
PARENT_LEVEL = {"district": "municipality", "stadsdel": "district"}
DESO_MAPPING_COLUMNS = [
    "mapping_version",
    "deso_version",
    "deso_code",
    "deso_category",
    "regso_version",
    "regso_code",
    "regso_name",
    "district_code",
    "fit",
]

_DESO_RE = re.compile(r"^(\d{4}[A-C]\d{4})(?:_DESO(\d{4}))?$")
_REGSO_RE = re.compile(r"^(\d{4}R\d{3})(?:_REGSO(\d{4}))?$")
_SEPARATORS_RE = re.compile(r"[\s\-–—/,.:;_()]+")
#: Extra everyday names for the municipality as a whole.
_MUNICIPALITY_ALIASES = PLACE.aliases


def _read_csv(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _validate_areas(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    missing = [c for c in AREA_COLUMNS if c not in raw.columns]
    if missing:
        raise UserError(
            f"Kolumner saknas: {', '.join(missing)}",
            file=file,
            message_en=f"Missing columns: {', '.join(missing)}",
        )
    df = raw[AREA_COLUMNS].apply(lambda s: s.str.strip())
    problems: list[Problem] = []

    def problem(i: int, column: str, message: str) -> None:
        problems.append(Problem(message, file=file, row=i + 2, column=column))

    for i, code in df.loc[df["code"].duplicated(keep="first"), "code"].items():
        problem(i, "code", f"Koden '{code}' förekommer flera gånger")
    level_of = dict(zip(df["code"], df["level"], strict=True))
    for i, row in df.iterrows():
        if not row["code"]:
            problem(i, "code", "Koden saknas")
        if not row["name"]:
            problem(i, "name", "Namnet saknas")
        if row["level"] not in LEVELS:
            problem(i, "level", f"Okänd nivå '{row['level']}' (tillåtna: {', '.join(LEVELS)})")
            continue
        if row["level"] == "municipality":
            if row["parent_code"]:
                problem(i, "parent_code", "Kommunen ska inte ha någon överordnad")
        elif row["parent_code"] not in level_of:
            problem(i, "parent_code", f"Överordnat område '{row['parent_code']}' finns inte")
        elif level_of[row["parent_code"]] != PARENT_LEVEL[row["level"]]:
            problem(
                i,
                "parent_code",
                f"Ett område på nivån {row['level']} ska ligga under "
                f"nivån {PARENT_LEVEL[row['level']]}",
            )
        if row["focus"] not in ("0", "1"):
            problem(i, "focus", f"focus ska vara 0 eller 1, inte '{row['focus']}'")
        if not row["sort_order"].lstrip("-").isdigit():
            problem(i, "sort_order", f"sort_order ska vara ett heltal, inte '{row['sort_order']}'")
    n_municipalities = int((df["level"] == "municipality").sum())
    if n_municipalities != 1:
        problems.append(
            Problem(f"Exakt en kommun krävs, hittade {n_municipalities}", file=file, column="level")
        )
    if problems:
        raise ValidationError(problems, file=file)
    df["focus"] = df["focus"].astype(int).astype(bool)
    df["sort_order"] = df["sort_order"].astype(int)
    for column in ("parent_code", "official_name"):
        df[column] = df[column].where(df[column] != "", None)
    return df.sort_values("sort_order", kind="stable").reset_index(drop=True)


@lru_cache(maxsize=1)
def _areas() -> pd.DataFrame:
    return _validate_areas(_read_csv(AREAS_FILE), AREAS_FILE.name)


def read_areas(*, level: str | None = None, path: str | Path | None = None) -> pd.DataFrame:
    """The validated area hierarchy from ``data/geo/areas.csv``, in ``sort_order``.

    Parameters
    ----------
    level : {"municipality", "district", "stadsdel"}, optional
        Only areas of this level.
    path : str or Path, optional
        Validate and read another hierarchy file instead (e.g. one being prepared for another
        municipality); the shipped file is read once and cached.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name, name_en, official_name, level, parent_code, focus`` (bool)
        and ``sort_order`` (int).  Raises :class:`~common.errors.ValidationError` if the file
        breaks a rule (duplicate code, unknown parent, not exactly one municipality, …).

    Examples
    --------
    >>> districts = read_areas(level="district")
    >>> sorted(districts.loc[districts["focus"], "name"])
    ['Ersboda', 'Mariehem', 'Tomtebo', 'Ålidhem']
    """
    df = _areas() if path is None else _validate_areas(_read_csv(path), Path(path).name)
    if level is not None:
        if level not in LEVELS:
            raise UserError(f"Okänd nivå '{level}' (tillåtna: {', '.join(LEVELS)})")
        df = df[df["level"] == level].reset_index(drop=True)
    return df.copy()


@lru_cache(maxsize=1)
def _parent_map() -> dict[str, str]:
    df = _areas()
    has_parent = df["parent_code"].notna()
    return dict(zip(df.loc[has_parent, "code"], df.loc[has_parent, "parent_code"], strict=True))


def area_parent_map() -> dict[str, str]:
    """Child code → parent code for every area except the municipality.

    Examples
    --------
    >>> parents = area_parent_map()
    >>> parents["sd-marieomradet"], parents["d-mariehem"]
    ('d-mariehem', '2480')
    """
    return dict(_parent_map())


def descendants(code: str, *, level: str | None = None) -> list[str]:
    """All areas below ``code`` (children, grandchildren, …) in ``sort_order``.

    Parameters
    ----------
    code : str
        An area code from ``areas.csv``.
    level : str, optional
        Only descendants of this level.

    Examples
    --------
    >>> descendants("d-centrum")
    ['sd-centrala-stan', 'sd-regementet']
    >>> len(descendants("2480", level="stadsdel"))
    121
    """
    df = _areas()
    if code not in set(df["code"]):
        raise UserError(f"Okänt område '{code}'", message_en=f"Unknown area '{code}'")
    parents = _parent_map()
    found: list[str] = []
    for child in df["code"]:  # df is in sort_order, so the result is too
        ancestor = parents.get(child)
        while ancestor is not None:
            if ancestor == code:
                found.append(child)
                break
            ancestor = parents.get(ancestor)
    if level is not None:
        level_of = dict(zip(df["code"], df["level"], strict=True))
        found = [c for c in found if level_of[c] == level]
    return found


def district_of(code: str) -> str | None:
    """The district an area belongs to: itself for a district, None for the municipality.

    Examples
    --------
    >>> district_of("sd-alidhemsomradet"), district_of("d-teg"), district_of("2480")
    ('d-alidhem', 'd-teg', None)
    """
    level = _level_map().get(code)
    if level is None:
        raise UserError(f"Okänt område '{code}'", message_en=f"Unknown area '{code}'")
    if level == "district":
        return code
    if level == "stadsdel":
        return _parent_map()[code]
    return None


@lru_cache(maxsize=1)
def _level_map() -> dict[str, str]:
    df = _areas()
    return dict(zip(df["code"], df["level"], strict=True))


@lru_cache(maxsize=1)
def _deso_mapping() -> pd.DataFrame:
    if DESO_DISTRICT_FILE is None:  # districts are the RegSO themselves: no key
        return pd.DataFrame(columns=DESO_MAPPING_COLUMNS, dtype=str)
    file = DESO_DISTRICT_FILE.name
    df = _read_csv(DESO_DISTRICT_FILE)
    missing = [c for c in DESO_MAPPING_COLUMNS if c not in df.columns]
    if missing:
        raise UserError(f"Kolumner saknas: {', '.join(missing)}", file=file)
    levels = _level_map()
    problems = [
        Problem(
            f"Distriktet '{code}' finns inte i areas.csv",
            file=file,
            row=i + 2,
            column="district_code",
        )
        for i, code in df["district_code"].items()
        if levels.get(code) != "district"
    ]
    duplicated = df.duplicated(["mapping_version", "deso_version", "deso_code"], keep="first")
    problems += [
        Problem(
            f"DeSO '{code}' förekommer flera gånger i samma version",
            file=file,
            row=i + 2,
            column="deso_code",
        )
        for i, code in df.loc[duplicated, "deso_code"].items()
    ]
    if problems:
        raise ValidationError(problems, file=file)
    return df


def _version_number(version: str | int | None, prefix: str) -> str | None:
    if version is None:
        return None
    text = str(version).strip()
    if text.lower().startswith(prefix.lower()):
        text = text[len(prefix) :].strip()
    return text


def read_deso_mapping(
    version: str | int | None = None, *, mapping_version: str | None = None
) -> pd.DataFrame:
    """The DeSO → RegSO → district key (``data/geo/deso_district.csv``).

    Parameters
    ----------
    version : str or int, optional
        DeSO version: ``2018``, ``2025``, ``"DeSO 2025"``.  None gives all versions.
    mapping_version : str, optional
        Version of *our* DeSO → district mapping; None gives the latest.

    Returns
    -------
    pandas.DataFrame
        Columns ``mapping_version, deso_version, deso_code, deso_category, regso_version,
        regso_code, regso_name, district_code, fit`` (``fit``: ``within``, ``broader`` or
        ``approximate``, see PROVENANCE.md).

    Examples
    --------
    >>> key = read_deso_mapping(2025)
    >>> len(key), key["regso_code"].nunique()
    (72, 42)
    """
    df = _deso_mapping()
    if df.empty:  # a place without a DeSO key (its districts are its RegSO)
        return df.copy()
    if mapping_version is None:
        mapping_version = max(
            df["mapping_version"], key=lambda v: tuple(int(p) for p in v.split("."))
        )
    df = df[df["mapping_version"] == str(mapping_version)]
    if df.empty:
        raise UserError(f"Okänd version av DeSO-nyckeln: '{mapping_version}'")
    deso_version = _version_number(version, "DeSO")
    if deso_version is not None:
        df = df[df["deso_version"] == deso_version]
        if df.empty:
            raise UserError(f"Okänd DeSO-version: '{version}' (tillgängliga: 2018, 2025)")
    return df.reset_index(drop=True).copy()


def _name_key(text: str) -> str:
    """Case-, whitespace- and punctuation-insensitive key; keeps å, ä, ö."""
    text = unicodedata.normalize("NFC", text).casefold()
    return _SEPARATORS_RE.sub(" ", text).strip()


def _ascii_key(key: str) -> str:
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    """Normalised name or code → area code; later insertions take precedence."""
    df = _areas()
    index: dict[str, str] = {}

    def add(names: Iterable[str | None], codes: Iterable[str]) -> None:
        for name, code in zip(names, codes, strict=True):
            if isinstance(name, str) and name:
                index[_name_key(name)] = code

    key = read_deso_mapping()
    regso = key.drop_duplicates("regso_code", keep="last")
    add(regso["regso_name"], regso["district_code"])  # lowest precedence: SCB RegSO names
    for level in ("stadsdel", "municipality", "district"):  # a district name beats a stadsdel's
        part = df[df["level"] == level]
        for column in ("name_en", "official_name", "name"):
            add(part[column], part["code"])
    add(_MUNICIPALITY_ALIASES, [MUNICIPALITY_CODE] * len(_MUNICIPALITY_ALIASES))
    add(df["code"], df["code"])

    # Names typed without å/ä/ö ("Alidhem") resolve too, unless that would be ambiguous.
    folded: dict[str, set[str]] = {}
    for name_key, code in index.items():
        folded.setdefault(_ascii_key(name_key), set()).add(code)
    for ascii_key, codes in folded.items():
        if ascii_key not in index and len(codes) == 1:
            index[ascii_key] = next(iter(codes))
    return index


@lru_cache(maxsize=1)
def _statistical_area_index() -> dict[str, str]:
    """DeSO and RegSO code → district code; the newest DeSO version wins."""
    key = read_deso_mapping().sort_values("deso_version")
    index = dict(zip(key["regso_code"], key["district_code"], strict=True))
    index.update(zip(key["deso_code"], key["district_code"], strict=True))
    return index


@lru_cache(maxsize=4096)
def _resolve(text: str) -> str | None:
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).upper()
    match = _DESO_RE.match(compact) or _REGSO_RE.match(compact)
    if match:
        return _statistical_area_index().get(match.group(1))
    key = _name_key(text)
    index = _name_index()
    return index.get(key) or index.get(_ascii_key(key))


def resolve_area(name_or_code: str, *, level: str | None = None) -> str | None:
    """Our area code for a name or code, or None if it is not known.

    Accepts area codes (``d-alidhem``, ``sd-marieomradet``, ``2480``), everyday and official
    names in any case, with or without å/ä/ö and with stray whitespace (``"ÅLIDHEM"``,
    ``"ålidhem "``, ``"Ålidhemsområdet"``), SCB RegSO names, and DeSO/RegSO codes, also with
    the PxWeb suffix (``2480C1091_DeSO2025``, ``2480R040_RegSO2025``); DeSO and RegSO resolve
    to their district through :func:`read_deso_mapping`.  A name shared by a district and a
    stadsdel resolves to the district.

    Parameters
    ----------
    name_or_code : str
        What a user or a source file wrote.
    level : {"district"}, optional
        ``"district"`` lifts a stadsdel to its district (and gives None for the municipality).

    Examples
    --------
    >>> resolve_area("ÅLIDHEM"), resolve_area("Marieområdet"), resolve_area("2480C1091_DeSO2025")
    ('d-alidhem', 'd-mariehem', 'd-tomtebo')
    >>> resolve_area("Regementet"), resolve_area("Regementet", level="district")
    ('sd-regementet', 'd-centrum')
    >>> resolve_area("Atlantis") is None
    True
    """
    if level not in (None, "district"):
        raise UserError(f"Okänd nivå '{level}' (tillåtet: district)")
    if name_or_code is None or (isinstance(name_or_code, float) and pd.isna(name_or_code)):
        return None
    code = _resolve(str(name_or_code))
    if code is None or level is None:
        return code
    return district_of(code)


def resolve_areas(values: Iterable[str] | pd.Series, *, level: str | None = None) -> pd.Series:
    """:func:`resolve_area` for many values at once (each distinct value is resolved once).

    Examples
    --------
    >>> resolve_areas(["Ersboda", "ersboda", "2480R016", "okänt"]).tolist()
    ['d-ersboda', 'd-ersboda', 'd-mariehem', None]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(series)
    resolved = np.array([resolve_area(v, level=level) for v in uniques] + [None], dtype=object)
    return pd.Series(resolved[codes], index=series.index, dtype=object, name=series.name)
