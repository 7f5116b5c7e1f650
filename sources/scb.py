"""SCB population (Statistikdatabasen) → tidy population measures per area and year.

Reads the PxWebApi 2.0 JSON-stat 2.0 answer (``/api/v2/tables/{table}/data?
outputFormat=json-stat2``, format sample in ``tests/data/fixtures/``) and the PxWeb API v1
``"json"`` answer (``{"columns", "data": [{"key", "values"}]}``). Population contents
(``BE0101N1`` or a contents label with "folkmängd") become the measures ``pop_total`` and
``pop_<from>_<to>`` (the same ids as ``catalogue.POPULATION_MEASURES``):

* regions: a municipality code (``2480``) stays as it is; DeSO and RegSO codes (also with the
  ``_DeSO2025``/``_RegSO2025`` suffix) are mapped to our districts with
  ``geo.areas.resolve_area`` and **summed** per district; other codes are skipped with a note;
* age: one-year (``0``, ``1``, …, ``100+``) or banded (``0-4``, ``80-``) classes; a band is
  produced only if the table's classes add up to exactly that band (``pop_13_19`` cannot be
  made from five-year classes) — otherwise a note says so;
* sex: the total class if there is one, else the sum of men and women;
* time: years (``2024``) and months (``2024M03`` → ``2024-03``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from itertools import product

import numpy as np
import pandas as pd

from common.errors import UserError
from geo.areas import resolve_area as default_resolve_area
from sources.tidy import ParsedSource, tidy_frame

SOURCE = "SCB"
BASE_URL = "https://statistikdatabasen.scb.se"
#: Measure ids produced by default (same as the catalogue's population measures).
POPULATION_MEASURE_IDS = (
    "pop_total",
    "pop_0_17",
    "pop_6_15",
    "pop_7_25",
    "pop_13_19",
    "pop_15_20",
    "pop_16_24",
    "pop_18_24",
)
_POPULATION_CONTENTS = {"BE0101N1"}
_TOTAL_WORDS = {"tot", "totalt", "total", "samtliga", "1+2", "t"}


def data_url(table: str, *, base: str = BASE_URL, lang: str = "sv") -> str:
    """The PxWebApi 2.0 data address for a table, asking for JSON-stat 2.0.

    Examples
    --------
    >>> data_url("TAB638")
    'https://statistikdatabasen.scb.se/api/v2/tables/TAB638/data?lang=sv&outputFormat=json-stat2'
    """
    return f"{base}/api/v2/tables/{table}/data?lang={lang}&outputFormat=json-stat2"


def selection_body(selection: Mapping[str, Iterable[str]]) -> dict:
    """The POST body of a PxWebApi 2.0 data query.

    Examples
    --------
    >>> selection_body({"Region": ["2480"], "Tid": ["2024"]})["selection"][0]
    {'variableCode': 'Region', 'valueCodes': ['2480']}
    """
    return {"selection": [{"variableCode": k, "valueCodes": list(v)} for k, v in selection.items()]}


def jsonstat2_frame(payload: Mapping) -> pd.DataFrame:
    """A JSON-stat 2.0 dataset as a long table: one column per dimension (codes) + ``value``.

    Examples
    --------
    >>> ds = {"id": ["Region", "Tid"], "size": [1, 2], "value": [5, 6], "dimension": {
    ...     "Region": {"category": {"index": {"2480": 0}}},
    ...     "Tid": {"category": {"index": ["2023", "2024"]}}}}
    >>> jsonstat2_frame(ds).values.tolist()
    [['2480', '2023', 5.0], ['2480', '2024', 6.0]]
    """
    try:
        ids = list(payload["id"])
        dims = payload["dimension"]
        codes = []
        for dim in ids:
            index = dims[dim]["category"]["index"]
            ordered = sorted(index, key=index.get) if isinstance(index, Mapping) else list(index)
            codes.append(ordered)
        size = int(np.prod([len(c) for c in codes])) if codes else 0
        raw = payload["value"]
    except (KeyError, TypeError) as exc:
        raise UserError(
            "Svaret från SCB är inte JSON-stat 2.0 som väntat (saknar id, dimension eller value)."
        ) from exc
    if isinstance(raw, Mapping):  # sparse form: {"position": value}
        values = np.full(size, np.nan)
        for position, value in raw.items():
            values[int(position)] = np.nan if value is None else float(value)
    else:
        values = np.array([np.nan if v is None else float(v) for v in raw], dtype=float)
    if len(values) != size:
        raise UserError(f"Svaret från SCB har {len(values)} värden men dimensionerna ger {size}.")
    frame = pd.DataFrame(list(product(*codes)), columns=ids, dtype=object)
    frame["value"] = values
    return frame


def _labels(payload: Mapping, dim: str) -> dict[str, str]:
    return dict(payload.get("dimension", {}).get(dim, {}).get("category", {}).get("label", {}))


def parse_jsonstat2(
    payload: Mapping,
    *,
    measures: Iterable[str] = POPULATION_MEASURE_IDS,
    resolve_area: Callable[[str], str | None] | None = None,
) -> ParsedSource:
    """SCB population in JSON-stat 2.0 → tidy population measures.

    Examples
    --------
    >>> ds = {"id": ["Region", "ContentsCode", "Tid"], "size": [1, 1, 1], "value": [130000],
    ...       "role": {"time": ["Tid"], "metric": ["ContentsCode"]}, "dimension": {
    ...       "Region": {"category": {"index": {"2480": 0}}},
    ...       "ContentsCode": {"category": {"index": {"BE0101N1": 0}}},
    ...       "Tid": {"category": {"index": {"2024": 0}}}}}
    >>> obs = parse_jsonstat2(ds).observations
    >>> obs[["measure_id", "area_code", "period", "count"]].values.tolist()
    [['pop_total', '2480', '2024', 130000.0]]
    """
    frame = jsonstat2_frame(payload)
    role = payload.get("role", {}) or {}
    time_dim = (role.get("time") or [None])[0]
    metric_dim = (role.get("metric") or [None])[0]
    contents_labels = _labels(payload, metric_dim) if metric_dim else {}
    return _population(
        frame,
        time_dim=time_dim,
        metric_dim=metric_dim,
        contents_labels=contents_labels,
        measures=measures,
        resolve_area=resolve_area,
    )


def pxweb_v1_frame(payload: Mapping) -> tuple[pd.DataFrame, str | None, str | None, dict[str, str]]:
    """A PxWeb API v1 ``"json"`` answer as a long table (+ time and contents column names).

    Examples
    --------
    >>> v1 = {"columns": [{"code": "Region", "text": "region", "type": "d"},
    ...                   {"code": "Tid", "text": "år", "type": "t"},
    ...                   {"code": "BE0101N1", "text": "Folkmängd", "type": "c"}],
    ...       "data": [{"key": ["2480", "2023"], "values": ["130224"]}]}
    >>> pxweb_v1_frame(v1)[0].values.tolist()
    [['2480', '2023', 'BE0101N1', 130224.0]]
    """
    try:
        columns = payload["columns"]
        keys = [c["code"] for c in columns if c.get("type") != "c"]
        contents = [c for c in columns if c.get("type") == "c"]
        time_dim = next((c["code"] for c in columns if c.get("type") == "t"), None)
        rows = []
        for record in payload["data"]:
            for content, value in zip(contents, record["values"], strict=True):
                rows.append([*record["key"], content["code"], _number(value)])
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(
            "Svaret från SCB (PxWeb v1) har inte formen {columns, data} som väntat."
        ) from exc
    frame = pd.DataFrame(rows, columns=[*keys, "ContentsCode", "value"])
    labels = {c["code"]: c.get("text", "") for c in contents}
    return frame, time_dim, "ContentsCode", labels


def _number(value) -> float:
    if value is None:
        return np.nan
    text = str(value).strip().replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return np.nan  # "..", "-" and other SCB markers for a missing value


def parse_pxweb_v1(
    payload: Mapping,
    *,
    measures: Iterable[str] = POPULATION_MEASURE_IDS,
    resolve_area: Callable[[str], str | None] | None = None,
) -> ParsedSource:
    """SCB population in the PxWeb API v1 ``"json"`` format → tidy population measures."""
    frame, time_dim, metric_dim, labels = pxweb_v1_frame(payload)
    return _population(
        frame,
        time_dim=time_dim,
        metric_dim=metric_dim,
        contents_labels=labels,
        measures=measures,
        resolve_area=resolve_area,
    )


def parse_age_class(code: str, label: str = "") -> tuple[float, float] | None:
    """An age class as (from, to) in whole years; ``to`` is inf for an open class.

    Examples
    --------
    >>> [parse_age_class(c) for c in ["0", "17", "100+", "0-4", "-4", "80-", "tot"]]
    [(0, 0), (17, 17), (100, inf), (0, 4), (0, 4), (80, inf), None]
    """
    for text in (str(code), str(label)):
        compact = re.sub(r"\s*år\s*$", "", text.strip().casefold())
        if match := re.fullmatch(r"(\d+)", compact):
            return int(match[1]), int(match[1])
        if match := re.fullmatch(r"(\d+)\s*\+|(\d+)\s*(?:[-–]|år och äldre|och äldre)", compact):
            return int(match[1] or match[2]), np.inf
        if match := re.fullmatch(r"(\d+)?\s*[-–]\s*(\d+)", compact):
            return int(match[1] or 0), int(match[2])
    return None


def _band(measure_id: str) -> tuple[float, float] | None:
    if measure_id == "pop_total":
        return 0, np.inf
    match = re.fullmatch(r"pop_(\d+)_(\d+)", measure_id)
    return (int(match[1]), int(match[2])) if match else None


def _find_dim(frame: pd.DataFrame, *names: str) -> str | None:
    lowered = {c.casefold(): c for c in frame.columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _period(code: str) -> str | None:
    text = str(code).strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if match := re.fullmatch(r"(\d{4})M(\d{2})", text):
        return f"{match[1]}-{match[2]}"
    return None


def _population(
    frame: pd.DataFrame, *, time_dim, metric_dim, contents_labels, measures, resolve_area
) -> ParsedSource:
    notes: list[str] = []
    region_dim = _find_dim(frame, "region")
    time_dim = time_dim or _find_dim(frame, "tid", "time", "år")
    if region_dim is None or time_dim is None:
        raise UserError("Tabellen från SCB saknar dimensionen Region eller Tid.")
    if metric_dim and metric_dim in frame:
        population = [
            c
            for c in pd.unique(frame[metric_dim])
            if c in _POPULATION_CONTENTS
            or "folkmängd" in str(contents_labels.get(c, "")).casefold()
        ]
        others = sorted(set(frame[metric_dim]) - set(population))
        if others:
            notes.append(f"Tabellinnehåll som inte är folkmängd hoppades över: {', '.join(others)}")
        frame = frame[frame[metric_dim].isin(population)]
    missing = int(frame["value"].isna().sum())
    if missing:  # kept as NaN so that no sum is made from an incomplete set of cells
        notes.append(
            f"{missing} värden saknas i tabellen (t.ex. '..'); summor som behöver dem hoppades över"
        )

    sex_dim = _find_dim(frame, "kon", "sex")
    if sex_dim:
        classes = set(frame[sex_dim].astype(str))
        total = next((c for c in classes if c.casefold() in _TOTAL_WORDS), None)
        frame = frame[frame[sex_dim] == total] if total else frame[frame[sex_dim].isin(["1", "2"])]

    frame = frame.assign(period=frame[time_dim].map(_period))
    bad_time = frame["period"].isna()
    if bad_time.any():
        notes.append(
            "Tidpunkter som inte är år eller månad hoppades över: "
            + ", ".join(sorted(set(frame.loc[bad_time, time_dim].astype(str)))[:5])
        )
        frame = frame[~bad_time]

    frame, area_notes = _map_regions(frame, region_dim, resolve_area)
    notes += area_notes

    age_dim = _find_dim(frame, "alder", "ålder", "age")
    keys = ["area_code", "period"]
    pieces = []
    for measure_id in measures:
        band = _band(measure_id)
        if band is None:
            continue
        if age_dim is None:
            if measure_id == "pop_total":
                pieces.append(_complete_sums(frame, keys, None, measure_id))
            continue
        ages = {c: parse_age_class(c) for c in pd.unique(frame[age_dim])}
        totals = [c for c, a in ages.items() if a is None and str(c).casefold() in _TOTAL_WORDS]
        if measure_id == "pop_total" and totals:
            chosen = totals[:1]
        else:
            inside = sorted(
                (a, c)
                for c, a in ages.items()
                if a is not None and a[0] >= band[0] and a[1] <= band[1]
            )
            covered, upto = bool(inside), band[0]
            for (low, high), _ in inside:
                covered &= low == upto
                upto = high + 1
            covered &= (upto - 1 == band[1]) or (band[1] == np.inf and upto == np.inf)
            if not covered:
                notes.append(
                    f"{measure_id}: tabellens åldersklasser ger inte exakt "
                    f"{_band_text(band)}; måttet hoppades över"
                )
                continue
            chosen = [c for _, c in inside]
        part = frame[frame[age_dim].isin(chosen)]
        pieces.append(_complete_sums(part, keys, (age_dim, len(chosen)), measure_id))
    if not pieces:
        return ParsedSource(tidy_frame(None, source=SOURCE), tuple(notes))
    out = pd.concat(pieces, ignore_index=True).rename(columns={"value": "count"})
    return ParsedSource(tidy_frame(out, source=SOURCE), tuple(notes))


def _complete_sums(
    part: pd.DataFrame, keys: list[str], classes: tuple[str, int] | None, measure_id: str
) -> pd.DataFrame:
    """Sums per area and period, only where every cell is there (no '..', every age class)."""
    grouped = part.groupby(keys)
    sums = grouped["value"].sum(min_count=1)
    complete = ~grouped["value"].apply(lambda v: v.isna().any())
    if classes is not None:
        complete &= grouped[classes[0]].nunique() == classes[1]
    out = sums[complete & sums.notna()].reset_index()
    return out.assign(measure_id=measure_id)


def _band_text(band: tuple[float, float]) -> str:
    return f"{band[0]}+ år" if band[1] == np.inf else f"{band[0]}–{band[1]} år"


def _map_regions(frame: pd.DataFrame, region_dim: str, resolve_area) -> tuple[pd.DataFrame, list]:
    """Municipality codes stay; DeSO/RegSO go to their district (summed later by groupby)."""
    if resolve_area is None:
        resolve_area = default_resolve_area
    notes = []
    mapping = {}
    for code in pd.unique(frame[region_dim]):
        text = str(code).strip()
        if re.fullmatch(r"\d{4}", text):
            mapping[code] = text
        elif re.fullmatch(r"\d{4}[A-CR]\d{3,4}(?:_(?:DeSO|RegSO)\d{4})?", text, flags=re.I):
            mapping[code] = resolve_area(text)
        else:
            mapping[code] = None
    deso = [c for c in mapping if re.fullmatch(r"\d{4}[A-C]\d{4}.*", str(c).strip())]
    regso = [c for c in mapping if re.fullmatch(r"\d{4}R\d{3}.*", str(c).strip())]
    if deso and regso:  # both levels of the same areas: summing both would count people twice
        notes.append(
            f"Tabellen har både DeSO- och RegSO-koder; {len(regso)} RegSO-koder "
            "hoppades över (distrikten summeras från DeSO)"
        )
        for code in regso:
            mapping[code] = False
    unknown = sorted(str(c) for c, a in mapping.items() if a is None)
    if unknown:
        notes.append(
            f"{len(unknown)} regionkoder kunde inte knytas till ett område och hoppades "
            f"över: {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}"
        )
    frame = frame.assign(
        area_code=frame[region_dim].map(
            {c: (a if isinstance(a, str) else None) for c, a in mapping.items()}
        )
    )
    return frame[frame["area_code"].notna()], notes
