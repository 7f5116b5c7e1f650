"""What the council brief (Rådsunderlag) says: its analysis, as plain data.

:func:`brief_content` turns the published values into everything the brief states — the
districts, the map's indicator and its value table, the changes since the previous year
(:func:`indicators.changes.significant_changes`, the same rule and order as Översikt), the
counts of indicators worse/better than the municipality, the trend indicators and their
trend words, and the method text.  :mod:`reports.brief` only lays this out (fpdf,
matplotlib); nothing here draws.  Pure pandas: the values come in as an argument
(:func:`access.reads.indicator_values`, disclosure control already applied).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from catalogue import Indicator
from common.errors import UserError
from common.fmt import MISSING, fmt_date, fmt_int, fmt_number, fmt_value
from common.periods import check_year, previous_year, year_mask
from common.settings import MIN_DENOMINATOR, SUPPRESSION_THRESHOLD
from geo import PLACE
from geo.areas import read_areas, resolve_area
from indicators.changes import MAX_CHANGES, change_sentence, signed_percent, significant_changes
from indicators.disclosure import PROTECTED
from indicators.levels import DEFAULT_LEVEL, at_level, level_text
from indicators.national import SWEDEN, with_sweden
from indicators.since_meeting import changes_since, new_periods
from indicators.stats import VERDICT_LABELS, fdr_significant
from indicators.trend import TREND_LABELS, recent_trend

#: More districts would not fit in four pages (one spine panel each).
MAX_DISTRICTS = 8
MAX_TREND_INDICATORS = 4
#: At most this many interventions get a block in the brief.
MAX_INTERVENTIONS = 6
#: The evaluation design whose verdict heads each intervention block (the other two are
#: given in one line).
HEADLINE_METHOD = "did"


@dataclass(frozen=True)
class BriefContent:
    """Everything the brief states, ready to lay out (see :func:`brief_content`)."""

    period: str
    previous: str
    #: False when the data hold no values for the previous year.
    have_previous: bool
    #: The chosen district codes, in order.
    districts: list[str]
    municipality: str
    #: Area code → name (districts, the municipality, Sweden).
    names: dict[str, str]
    #: The map's indicator.
    headline: Indicator
    #: Yearly published values of the municipality and the districts.
    values: pd.DataFrame
    #: The same with Sweden's rows and the verdict against Sweden.
    with_national: pd.DataFrame
    #: The map's table: area, value, interval, counts, against the municipality, against Sweden.
    value_rows: list[list[str]]
    #: Which values in that table are real and which synthetic.
    data_line: str
    #: :func:`indicators.changes.significant_changes` plus ``text`` (one sentence each).
    changes: pd.DataFrame
    #: :func:`verdict_summary` of the districts.
    summary: pd.DataFrame
    summary_rows: list[list[str]]
    trend_ids: list[str]
    trend_headings: list[str]
    trend_rows: list[list[str]]
    #: The method box, paragraph by paragraph (without the demo note).
    method: list[str] = field(default_factory=list)


def resolve_districts(districts: Iterable[str] | None = None) -> list[str]:
    """District codes for names or codes (default: the focus districts), in the order given.

    Examples
    --------
    >>> resolve_districts()
    ['d-ersboda', 'd-mariehem', 'd-tomtebo', 'd-alidhem']
    >>> resolve_districts(["ålidhem", "d-ersboda", "Ålidhem"])
    ['d-alidhem', 'd-ersboda']
    """
    known = read_areas(level="district")
    if districts is None:
        return known.loc[known["focus"], "code"].tolist()
    codes: list[str] = []
    for given in districts:
        code = resolve_area(given, level="district")
        if code is None or code not in set(known["code"]):
            raise UserError(
                f"Okänt område '{given}' (ange ett områdes namn eller kod, t.ex. "
                f"{known['name'].iloc[0]}).",
                message_en=f"Unknown district '{given}'.",
            )
        if code not in codes:
            codes.append(code)
    if not codes:
        raise UserError("Välj minst ett område.", message_en="Choose at least one district.")
    if len(codes) > MAX_DISTRICTS:
        raise UserError(
            f"Välj högst {MAX_DISTRICTS} områden (underlaget ska rymmas på fyra sidor).",
            message_en=f"Choose at most {MAX_DISTRICTS} districts.",
        )
    return codes


def headline_indicator(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str,
    indicator: str | None = None,
) -> str:
    """The map's indicator: ``indicator`` if given, else the first risk indicator (catalogue
    order, counts skipped: a map of raw counts compares sizes, not risk) published for ``period``.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({"indicator_id": ["skadegorelse"], "period": ["2025"], "value": [3.0]})
    >>> headline_indicator(v, load_catalogue(), period="2025")
    'skadegorelse'
    """
    published = set(
        values.loc[(values["period"] == period) & values["value"].notna(), "indicator_id"]
    )
    if indicator is not None:
        if indicator not in catalogue:
            raise UserError(
                f"Okänd indikator '{indicator}' (se sidan Om & metod för id:n).",
                message_en=f"Unknown indicator '{indicator}'.",
            )
        if indicator not in published:
            raise UserError(
                f"Indikatorn '{indicator}' har inga publicerade värden för {period}.",
                message_en=f"Indicator '{indicator}' has no published values for {period}.",
            )
        return indicator
    ordered = [i for i in catalogue.values() if i.id in published and i.kind != "count"]
    risk = [i for i in ordered if i.role == "risk"]
    if not (risk or ordered):
        raise UserError(f"Det finns inga publicerade indikatorvärden för {period}.")
    return (risk or ordered)[0].id


def verdict_summary(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str,
    areas: Sequence[str],
) -> pd.DataFrame:
    """Per area: how many indicators are significantly worse / better than Umeå, similar, or
    hidden, and the names of the worse ones (catalogue order). Counts are not compared.

    "Significantly" here survives Benjamini–Hochberg at 5 % over all indicators × areas
    counted (:func:`indicators.stats.fdr_significant`); a difference that does not is
    counted as similar.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({"indicator_id": ["skadegorelse", "personran"], "area_code": "A",
    ...                   "period": "2025", "verdict": ["higher_worse", None],
    ...                   "suppressed": [False, True]})
    >>> s = verdict_summary(v, load_catalogue(), period="2025", areas=["A"])
    >>> int(s.loc[0, "worse"]), int(s.loc[0, "hidden"]), s.loc[0, "worse_names"]
    (1, 1, ['Skadegörelse'])
    """
    order = {ind_id: i for i, ind_id in enumerate(catalogue)}
    compared = [i.id for i in catalogue.values() if i.kind != "count"]
    rows = values[(values["period"] == period) & values["indicator_id"].isin(compared)]
    # Many comparisons: a difference counts only if it survives Benjamini–Hochberg over all
    # indicators × areas shown (docs/methods.md, "Many comparisons").
    shown = rows["area_code"].isin(list(areas)) & ~rows["suppressed"].astype(bool)
    survives = fdr_significant(rows, family=shown.to_numpy())
    out = []
    for code in areas:
        part = rows[rows["area_code"] == code]
        part = part.assign(_o=part["indicator_id"].map(order)).sort_values("_o")
        verdict = part["verdict"].astype(object).where(survives.loc[part.index], "similar")
        verdict = verdict.where(~part["verdict"].isna(), None)
        hidden = part["suppressed"].astype(bool)
        worse = verdict.isin(["higher_worse", "lower_worse"]) & ~hidden
        out.append(
            {
                "area_code": code,
                "worse": int(worse.sum()),
                "better": int((verdict.isin(["higher_better", "lower_better"]) & ~hidden).sum()),
                "similar": int((verdict.eq("similar") & ~hidden).sum()),
                "hidden": int(hidden.sum()),
                "worse_names": [catalogue[i].name_sv for i in part.loc[worse, "indicator_id"]],
            }
        )
    return pd.DataFrame(
        out, columns=["area_code", "worse", "better", "similar", "hidden", "worse_names"]
    )


def name_list(names: Sequence[str], *, limit: int = 6) -> str:
    """Names joined with commas, at most ``limit`` of them.

    Examples
    --------
    >>> name_list(["A", "B", "C"], limit=2), name_list([])
    ('A, B … och 1 till', '–')
    """
    if not names:
        return MISSING
    more = f" … och {len(names) - limit} till" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def summary_rows(summary: pd.DataFrame, *, names: Mapping[str, str]) -> list[list[str]]:
    """The "Läget i korthet" table: area, worse, better, similar, hidden, the worse ones.

    Examples
    --------
    >>> s = pd.DataFrame({"area_code": ["A"], "worse": [1], "better": [0], "similar": [2],
    ...                   "hidden": [0], "worse_names": [["Skadegörelse"]]})
    >>> summary_rows(s, names={"A": "Ersboda"})
    [['Ersboda', '1', '0', '2', '0', 'Skadegörelse']]
    """
    return [
        [
            names.get(r.area_code, r.area_code),
            str(r.worse),
            str(r.better),
            str(r.similar),
            str(r.hidden),
            name_list(r.worse_names),
        ]
        for r in summary.itertuples(index=False)
    ]


def trend_codes(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str,
    indicator_ids: Sequence[str],
    areas: Sequence[str],
) -> pd.DataFrame:
    """Fingertips recent-trend code per indicator and area over the years up to ``period``.

    Uses the published rows only (a suppressed year among the last five gives
    "cannot_calculate"). Returns ``indicator_id, area_code, trend``.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> years = [str(y) for y in range(2021, 2026)]
    >>> v = pd.DataFrame({"indicator_id": "skadegorelse", "area_code": "A", "period": years,
    ...                   "numerator": [10.0, 20, 30, 40, 50], "denominator": 1000.0,
    ...                   "value": np.nan, "lower": np.nan, "upper": np.nan})
    >>> trend_codes(v, load_catalogue(), period="2025", indicator_ids=["skadegorelse"],
    ...             areas=["A"])["trend"].tolist()
    ['increasing']
    """
    out = []
    upto = values[
        (values["period"] <= period)
        & values["indicator_id"].isin(list(indicator_ids))
        & values["area_code"].isin(list(areas))
    ]
    for ind_id, part in upto.groupby("indicator_id", sort=False):
        kind = catalogue[ind_id].kind
        tables = {
            col: part.pivot_table(
                index="area_code", columns="period", values=col, aggfunc="first", dropna=False
            ).sort_index(axis=1)
            for col in ("numerator", "denominator", "value", "lower", "upper")
        }
        index = tables["numerator"].index
        tables = {
            k: t.reindex(index=index, columns=tables["numerator"].columns)
            for k, t in tables.items()
        }
        result = recent_trend(
            tables["numerator"].to_numpy(float),
            tables["denominator"].to_numpy(float),
            kind=kind,
            values=tables["value"].to_numpy(float),
            lower=tables["lower"].to_numpy(float),
            upper=tables["upper"].to_numpy(float),
        )
        out.append(
            pd.DataFrame(
                {
                    "indicator_id": ind_id,
                    "area_code": index,
                    "trend": result["trend"].to_numpy(object),
                }
            )
        )
    if not out:
        return pd.DataFrame(columns=["indicator_id", "area_code", "trend"])
    return pd.concat(out, ignore_index=True)


def trend_word(code: str, direction: str) -> str:
    """Swedish trend label, with "sämre"/"bättre" where the indicator has a direction.

    Examples
    --------
    >>> trend_word("increasing", "higher_is_worse")
    'Ökande (sämre)'
    """
    label = TREND_LABELS.get(code, {"sv": MISSING})["sv"]
    if direction not in ("higher_is_worse", "higher_is_better"):
        return label  # context indicators: no better/worse
    if code == "increasing":
        return f"{label} ({'sämre' if direction == 'higher_is_worse' else 'bättre'})"
    if code == "decreasing":
        return f"{label} ({'bättre' if direction == 'higher_is_worse' else 'sämre'})"
    return label


def trend_indicators(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str,
    headline: str,
    changes: pd.DataFrame,
    limit: int = MAX_TREND_INDICATORS,
) -> list[str]:
    """2–4 indicators for the trend panel: the map's, those that changed, then the first
    risk and protective indicators with values (catalogue order; counts skipped).

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({"indicator_id": ["skadegorelse", "personran"], "period": "2025",
    ...                   "value": [3.0, 1.0]})
    >>> trend_indicators(v, load_catalogue(), period="2025", headline="personran",
    ...                  changes=pd.DataFrame({"indicator_id": []}))
    ['personran', 'skadegorelse']
    """
    published = set(
        values.loc[(values["period"] == period) & values["value"].notna(), "indicator_id"]
    )
    usable = [i.id for i in catalogue.values() if i.id in published and i.kind != "count"]
    wanted = [headline, *changes["indicator_id"].tolist()]
    protective = [i for i in usable if catalogue[i].role == "protective"]
    risk = [i for i in usable if catalogue[i].role == "risk"]
    for pair in zip(protective, risk, strict=False):  # alternate: both kinds of factor
        wanted += list(pair)
    wanted += protective + risk
    chosen: list[str] = []
    for ind_id in wanted:
        if ind_id in usable and ind_id not in chosen:
            chosen.append(ind_id)
    return chosen[:limit]


def trend_table(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str,
    indicator_ids: Sequence[str],
    areas: Sequence[str],
    names: Mapping[str, str],
) -> tuple[list[str], list[list[str]]]:
    """Headings and rows of the trend table: one row per area, a trend word per indicator.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> years = [str(y) for y in range(2021, 2026)]
    >>> v = pd.DataFrame({"indicator_id": "skadegorelse", "area_code": "A", "period": years,
    ...                   "numerator": [10.0, 20, 30, 40, 50], "denominator": 1000.0,
    ...                   "value": np.nan, "lower": np.nan, "upper": np.nan})
    >>> trend_table(v, load_catalogue(), period="2025", indicator_ids=["skadegorelse"],
    ...             areas=["A"], names={"A": "Ersboda"})
    (['Trend, fem senaste åren', 'Skadegörelse'], [['Ersboda', 'Ökande (sämre)']])
    """
    codes = trend_codes(values, catalogue, period=period, indicator_ids=indicator_ids, areas=areas)
    lookup = codes.set_index(["indicator_id", "area_code"])["trend"].to_dict()
    rows = [
        [
            names.get(a, a),
            *[
                trend_word(lookup.get((i, a), "cannot_calculate"), catalogue[i].direction)
                for i in indicator_ids
            ],
        ]
        for a in areas
    ]
    headings = [
        "Trend, fem senaste åren",
        *[textwrap.shorten(catalogue[i].name_sv, 40, placeholder="…") for i in indicator_ids],
    ]
    return headings, rows


def _verdict_word(code) -> str:
    if code == "benchmark":
        return "referens"
    if not isinstance(code, str):
        return MISSING
    return VERDICT_LABELS.get(code, {"sv": MISSING})["sv"]


def value_table_rows(
    values: pd.DataFrame,
    indicator: Indicator,
    *,
    period: str,
    areas: Sequence[str],
    names: Mapping[str, str],
) -> list[list[str]]:
    """The map's table: area, value, 95 % interval, counts, verdict against the municipality
    and against Sweden; a hidden value is "–" with its reason, never a number.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({"indicator_id": "skadegorelse", "period": "2025",
    ...     "area_code": ["A", "B"], "value": [5.0, np.nan], "lower": [3.1, np.nan],
    ...     "upper": [7.7, np.nan], "numerator": [20.0, np.nan], "denominator": [4000.0] * 2,
    ...     "suppressed": [False, True], "reason": [None, "uppgift skyddad"],
    ...     "verdict": ["similar", None]})
    >>> for r in value_table_rows(v, load_catalogue()["skadegorelse"], period="2025",
    ...                           areas=["A", "B", "C"], names={"A": "Ersboda"}):
    ...     print(r)
    ['Ersboda', '5,0', '3,1–7,7', '20 / 4\\xa0000', 'Ingen signifikant skillnad', '–']
    ['B', '–', '–', '–', 'uppgift skyddad', '–']
    ['C', '–', '–', '–', 'uppgift saknas', '–']
    """
    rows = values[(values["period"] == period) & (values["indicator_id"] == indicator.id)]
    by_area = rows.set_index("area_code")
    out = []
    for code in areas:
        name = names.get(code, code)
        if code not in by_area.index:
            out.append([name, MISSING, MISSING, MISSING, "uppgift saknas", MISSING])
            continue
        r = by_area.loc[code]
        if bool(r["suppressed"]):
            out.append([name, MISSING, MISSING, MISSING, str(r["reason"] or PROTECTED), MISSING])
            continue
        kind, mult = indicator.kind, indicator.multiplier
        if kind == "count":
            counts = fmt_int(r["numerator"])
        elif kind == "mean":  # the numerator is a sum of scores, not people
            counts = f"n = {fmt_int(r['denominator'])}"
        else:
            counts = f"{fmt_int(r['numerator'])} / {fmt_int(r['denominator'])}"
        interval = (
            MISSING
            if not (np.isfinite(r["lower"]) and np.isfinite(r["upper"]))
            else f"{fmt_number(r['lower'])}–{fmt_number(r['upper'])}"
        )
        out.append(
            [
                name,
                fmt_value(r["value"], kind=kind, multiplier=mult),
                interval,
                counts,
                _verdict_word(r["verdict"]),
                _verdict_word(r.get("verdict_sweden")),  # indicators.national.with_sweden
            ]
        )
    return out


def data_line(shown: pd.DataFrame, *, names: Mapping[str, str]) -> str:
    """Which values of a table are real and which synthetic (demo), in one sentence.

    Examples
    --------
    >>> data_line(pd.DataFrame({"area_code": ["A", "B"], "synthetic": [True, False]}),
    ...           names={"B": "Umeå"})
    'Data: verkliga värden för Umeå; övriga är syntetiska (demo).'
    """
    real = [names.get(c, c) for c in shown.loc[~shown["synthetic"].astype(bool), "area_code"]]
    if not real:
        return "Data: alla värden i tabellen är syntetiska (demo)."
    rest = (
        "övriga är syntetiska (demo)."
        if len(real) < len(shown)
        else "inga syntetiska värden i tabellen."
    )
    return f"Data: verkliga värden för {', '.join(real)}; {rest}"


def method_paragraphs(
    catalogue: Mapping[str, Indicator],
    shown: Iterable[str],
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    min_denominator: int = MIN_DENOMINATOR,
    level: str = DEFAULT_LEVEL,
) -> list[str]:
    """The method box: intervals, comparisons, change and trend rules, disclosure control,
    place not person, and the sources of the indicators ``shown``.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> method_paragraphs(load_catalogue(), ["skadegorelse"])[-1].startswith("Källor: ")
    True
    """
    sources = sorted({catalogue[i].source for i in shown if i in catalogue})
    return [
        f"Intervall: {level_text(level)} konfidensintervall"
        + (" (Fingertips andra nivå)" if level != DEFAULT_LEVEL else "")
        + ". Andelar: Wilsons score-intervall. Kvoter per "
        "befolkning och antal: exakt Poisson-intervall under 10 händelser, Byars approximation "
        "från 10 händelser (som PHE Fingertips). Medelvärden: t-fördelningen.",
        f"Jämförelse med {PLACE.name}: ett område är signifikant högre eller lägre när hela dess "
        "intervall ligger över eller under kommunens värde (Fingertips). Bättre eller sämre "
        "följer indikatorns riktning i katalogen. Förändring sedan förra året räknas som "
        "signifikant när årets och förra årets intervall inte överlappar (försiktig regel). "
        "Trend: Fingertips trendmarkör över de fem senaste åren (χ²-test, 99,8 %).",
        f"Röjandekontroll: antal 1–{threshold - 1} visas inte, inte heller andelar och kvoter "
        f"med täljare under {threshold}, med färre än {threshold} personer utanför "
        f"(nästan alla) eller med ett underlag under {min_denominator}. Sekundär prickning "
        "hindrar att ett dolt värde räknas fram ur en summa. Dolda värden visas som "
        f'"{MISSING}" med skälet.',
        "Indikatorerna beskriver platser (områden), aldrig personer. Inget sammanvägt index "
        "används för att bedöma personer; underlaget stöder förebyggande arbete och "
        "resursfördelning, inte prediktivt polisarbete.",
        "Källor: " + "; ".join(sources) + "." if sources else "Källor: –.",
    ]


def changes_note(*, threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """How the changes were chosen (printed under them).

    Examples
    --------
    >>> changes_note().startswith("Urval: upp till 8 förändringar")
    True
    """
    return (
        f"Urval: upp till {MAX_CHANGES} förändringar där årets och förra årets 95 %-"
        "intervall inte överlappar, störst skillnad i förhållande till intervallens bredd "
        f"först. Procentuell förändring visas bara när båda åren bygger på minst {threshold} "
        "händelser."
    )


def since_meeting_lines(
    loaded: pd.DataFrame,
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    districts: Sequence[str],
    names: Mapping[str, str],
) -> list[str]:
    """ "Sedan rådets förra möte": the files that arrived (``loaded`` as
    :func:`access.reads.loaded_since`), how many significant changes they brought, the
    verdicts against the municipality and the recent trends that turned
    (:mod:`indicators.since_meeting`).

    Examples
    --------
    >>> loaded = pd.DataFrame({"file_name": ["a.csv"], "periods": [["2025"]]})
    >>> since_meeting_lines(loaded, pd.DataFrame(columns=["indicator_id", "period"]), {},
    ...                     districts=["d-ersboda"], names={})
    ['Nya data: a.csv.', 'Signifikanta förändringar mot året före i de nya uppgifterna: 0.']
    """
    files = sorted(set(loaded["file_name"]))
    found = changes_since(values, catalogue, new_periods(loaded, values), areas=list(districts))
    lines = [
        f"Nya data: {', '.join(files[:6])}{' med flera' if len(files) > 6 else ''}.",
        f"Signifikanta förändringar mot året före i de nya uppgifterna: {len(found['changes'])}.",
    ]
    for r in found["turned"].head(6).itertuples(index=False):
        before = VERDICT_LABELS.get(r.verdict_before, {"sv": r.verdict_before})["sv"]
        now = VERDICT_LABELS.get(r.verdict_now, {"sv": r.verdict_now})["sv"]
        lines.append(
            f"{names.get(r.area_code, r.area_name)}: {catalogue[r.indicator_id].name_sv} "
            f"{r.period} – nu {now.lower()} (året före: {before.lower()})."
        )
    for r in found["trends"].head(6).itertuples(index=False):
        lines.append(
            f"{names.get(r.area_code, r.area_name)}: {catalogue[r.indicator_id].name_sv} – "
            f"trenden har vänt: nu {TREND_LABELS[r.trend_now]['sv'].lower()} (till och med "
            f"{r.period}), vid mötet {TREND_LABELS[r.trend_before]['sv'].lower()} (till och "
            f"med {r.period_before})."
        )
    return lines


def active_interventions(
    register: pd.DataFrame,
    *,
    period: str,
    districts: Sequence[str],
    limit: int = MAX_INTERVENTIONS,
) -> pd.DataFrame:
    """Interventions running some time in year ``period`` in any of ``districts`` (at most
    ``limit``, register order).

    Examples
    --------
    >>> reg = pd.DataFrame({"districts": [["d-a"], ["d-b"]], "start_date": [date(2021, 9, 1)] * 2,
    ...                     "end_date": [None, date(2020, 1, 1)]})
    >>> len(active_interventions(reg, period="2025", districts=["d-a", "d-b"]))
    1
    """
    if register.empty:
        return register
    first, last = date(int(period), 1, 1), date(int(period), 12, 31)
    started = register["start_date"].map(lambda d: d <= last)
    running = register["end_date"].map(lambda d: d is None or pd.isna(d) or d >= first)
    here = register["districts"].map(lambda ds: bool(set(ds) & set(districts)))
    return register[started & running & here].head(limit)


def intervention_marks(
    interventions: pd.DataFrame | None, *, districts: Sequence[str], first: int, last: int
) -> list[tuple[int, float, str]]:
    """(number, decimal year, note) for the interventions in ``districts`` that start in the
    trend panel's years ``first``–``last``, numbered in time order.

    Examples
    --------
    >>> reg = pd.DataFrame({"name": ["Fritidsbanken", "Annat"], "districts": [["d-a"], ["d-b"]],
    ...                     "start_date": [date(2022, 3, 1), date(2023, 1, 1)]})
    >>> [(n, round(x, 2), note) for n, x, note in
    ...  intervention_marks(reg, districts=["d-a"], first=2016, last=2025)]
    [(1, 2022.16, 'Fritidsbanken (2022-03-01)')]
    """
    if interventions is None or interventions.empty:
        return []
    marks = []
    start = pd.to_datetime(interventions["start_date"], errors="coerce")
    for (_, row), when in zip(interventions.iterrows(), start, strict=True):  # a handful of rows
        codes = [c for c in (row.get("districts") or []) if c]
        if pd.isna(when) or not set(codes) & set(districts):
            continue
        x = when.year + (when.dayofyear - 1) / 365.25
        if first - 0.5 <= x <= last + 1:
            marks.append((x, row["name"], when.date()))
    marks.sort()
    return [(i + 1, x, f"{name} ({fmt_date(d)})") for i, (x, name, d) in enumerate(marks)]


def effect_lines(result: Mapping, *, headline: str = HEADLINE_METHOD) -> tuple[str, str]:
    """The intervention block's two lines from an evaluation (``indicators.evaluation``):
    the headline design's verdict, and the other designs' effects in one line.

    Examples
    --------
    >>> result = {"results": {
    ...     "did": {"verdict": "Ingen säker effekt", "method_name": "DiD", "effect": 0.1,
    ...             "status": "ok"},
    ...     "its": {"verdict": "", "method_name": "Avbruten tidsserie", "effect": -0.12,
    ...             "status": "ok"},
    ...     "scm": {"verdict": "", "method_name": "Syntetisk kontroll", "effect": float("nan"),
    ...             "status": "insufficient"}}}
    >>> effect_lines(result)
    ('Ingen säker effekt', '(avbruten tidsserie: −12\xa0%; syntetisk kontroll: – (otillräckligt underlag))')
    """
    others = "; ".join(
        f"{out['method_name'].lower()}: {signed_percent(out['effect'])}"
        + ("" if out["status"] == "ok" else " (otillräckligt underlag)")
        for method, out in result["results"].items()
        if method != headline
    )
    return str(result["results"][headline]["verdict"]), f"({others})"


def brief_changes(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str,
    districts: Sequence[str],
) -> pd.DataFrame:
    """The brief's "Vad har förändrats": :func:`indicators.changes.significant_changes` for
    the districts (the rule and order Översikt shows) with one Swedish sentence each (``text``).

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({
    ...     "indicator_id": "skadegorelse", "area_code": "d-x", "area_name": "X",
    ...     "period": ["2024", "2025"], "numerator": [20.0, 60.0], "value": [5.0, 15.0],
    ...     "lower": [3.1, 11.5], "upper": [7.7, 19.3], "suppressed": False})
    >>> brief_changes(v, load_catalogue(), period="2025", districts=["d-x"])["text"].tolist()
    ['X – Skadegörelse: högre än förra året (sämre). 5,0 → 15,0 per 1 000 invånare (+200\\xa0%).']
    """
    changes = significant_changes(values, catalogue, period=period, areas=districts)
    texts = [
        change_sentence(row, catalogue[row["indicator_id"]])
        for row in changes.to_dict("records")  # at most MAX_CHANGES rows
    ]
    return changes.assign(text=pd.Series(texts, index=changes.index, dtype=object))


def brief_content(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str | int,
    districts: Iterable[str] | None = None,
    indicator: str | None = None,
    level: str = DEFAULT_LEVEL,
) -> BriefContent:
    """Everything the council brief states for one year and a few districts.

    Parameters
    ----------
    values : DataFrame
        Published values of Sweden, the municipality and the districts
        (:func:`access.reads.indicator_values` with those levels).
    catalogue : mapping of id to :class:`catalogue.Indicator`
    period : str or int
        A year present in the data; the year before is the comparison.
    districts : iterable of str, optional
        District codes or names (default: the focus districts); at most :data:`MAX_DISTRICTS`.
    indicator : str, optional
        The map's indicator (default: :func:`headline_indicator`).
    level : str
        Confidence level of intervals and verdicts: "95" or "99.8" (:mod:`indicators.levels`).

    Raises
    ------
    UserError
        In Swedish, for a bad year, an unknown district or indicator, or no values.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> empty = pd.DataFrame(columns=["indicator_id", "area_code", "area_name", "area_level",
    ...                               "period", "value", "suppressed"])
    >>> brief_content(empty, load_catalogue(), period=2025)
    Traceback (most recent call last):
    ...
    common.errors.UserError: Det finns inga indikatorvärden för 2025 (databasen är tom).
    """
    period = check_year(period)
    codes = resolve_districts(districts)
    # Intervals and verdicts at the chosen level (95 % or 99,8 %: indicators.levels).
    values = at_level(values, level=level)
    # Sweden (area SE, real national statistics) is the second benchmark.
    with_national = with_sweden(values, catalogue)
    with_national = with_national[year_mask(with_national["period"])].reset_index(drop=True)
    local = with_national[with_national["area_level"] != "country"].reset_index(drop=True)
    years = sorted(local["period"].unique())
    if period not in years:
        have = f"tillgängliga år: {years[0]}–{years[-1]}" if years else "databasen är tom"
        raise UserError(
            f"Det finns inga indikatorvärden för {period} ({have}).",
            message_en=f"There are no indicator values for {period}.",
        )
    previous = previous_year(period)
    municipality = local.loc[local["area_level"] == "municipality", "area_code"].iloc[0]
    areas = read_areas()
    names = dict(zip(local["area_code"], local["area_name"], strict=False))
    names |= dict(zip(areas["code"], areas["name"], strict=True))
    names[SWEDEN] = "Sverige"
    headline = catalogue[headline_indicator(local, catalogue, period=period, indicator=indicator)]
    table_areas = [*codes, municipality, SWEDEN]
    shown = with_national[
        (with_national["indicator_id"] == headline.id)
        & (with_national["period"] == period)
        & with_national["area_code"].isin(table_areas)
    ]
    changes = brief_changes(local, catalogue, period=period, districts=codes)
    summary = verdict_summary(local, catalogue, period=period, areas=codes)
    trend_ids = trend_indicators(
        local, catalogue, period=period, headline=headline.id, changes=changes
    )
    headings, rows = trend_table(
        local,
        catalogue,
        period=period,
        indicator_ids=trend_ids,
        areas=[*codes, municipality],
        names=names,
    )
    return BriefContent(
        period=period,
        previous=previous,
        have_previous=previous in years,
        districts=codes,
        municipality=municipality,
        names=names,
        headline=headline,
        values=local,
        with_national=with_national,
        value_rows=value_table_rows(
            with_national, headline, period=period, areas=table_areas, names=names
        ),
        data_line=data_line(shown, names=names),
        changes=changes,
        summary=summary,
        summary_rows=summary_rows(summary, names=names),
        trend_ids=trend_ids,
        trend_headings=headings,
        trend_rows=rows,
        method=method_paragraphs(
            catalogue, local.loc[local["period"] == period, "indicator_id"].unique(), level=level
        ),
    )
