"""What changed since the previous year: the one rule for significant changes.

Översikt, "Sedan förra mötet" (:mod:`indicators.since_meeting`) and the council brief all
call :func:`significant_changes`, so the screen and the PDF list the same changes in the same
order (docs/methods.md, "Change since the previous year").

* A change counts when this year's and last year's 95 % intervals do not overlap (Fingertips'
  rule for "change from previous"; conservative: non-overlap implies a significant
  difference, overlap does not imply none).
* Only published rows (not suppressed, finite limits) of yearly periods take part; pooled
  periods (e.g. "2023–2025") overlap their predecessor and are left out, and so are context
  measures (no better/worse side) and indicators outside the catalogue.
* Ranked by the gap between the two intervals divided by their mean width (a score that
  does not depend on how small the counts are), worse before better on a tie.
* Never a percentage from counts below the disclosure threshold (5), nor for a mean, nor
  beyond tenfold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from catalogue import Indicator
from common.fmt import MISSING, fmt_number, fmt_value
from common.periods import is_year, previous_year
from common.settings import SUPPRESSION_THRESHOLD
from indicators.trend import percent_change

#: The columns of :func:`significant_changes`.
CHANGE_COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "previous",
    "current",
    "change",
    "worse",
    "relative_change",
    "score",
]
#: At most this many changes are listed (Översikt and the council brief alike).
MAX_CHANGES = 8
#: Relative changes above ±1 000 % are not given as a percentage.
MAX_RELATIVE_CHANGE = 10.0
#: Indicator directions that have a better and a worse side.
JUDGED_DIRECTIONS = ("higher_is_worse", "higher_is_better")


def significant_changes(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    *,
    period: str,
    previous: str | None = None,
    areas: Sequence[str] | None = None,
    limit: int | None = MAX_CHANGES,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> pd.DataFrame:
    """Indicator × area rows whose value in ``period`` differs significantly from ``previous``.

    Parameters
    ----------
    values : DataFrame
        Published rows (:func:`indicators.compute`): ``indicator_id, area_code, area_name,
        period, numerator, value, lower, upper, suppressed`` (``period_label`` optional;
        when present, pooled periods whose label differs from the period are left out).
    catalogue : mapping of id to :class:`catalogue.Indicator`
    period : str
        A year, e.g. ``"2025"``; any other period gives no changes.
    previous : str, optional
        The comparison year (default: the year before ``period``).
    areas : sequence of str, optional
        Area codes taking part (default: all).
    limit : int or None
        At most this many rows (default :data:`MAX_CHANGES`); ``None`` for all.
    threshold : int
        Both numerators must reach this for a relative change (the disclosure threshold).

    Returns
    -------
    DataFrame
        :data:`CHANGE_COLUMNS`: ``previous``/``current`` values, ``change`` "higher"/"lower",
        ``worse`` (bool), ``relative_change`` (a fraction; NaN when not shown) and ``score``
        (gap between the intervals / their mean width), highest score first.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({
    ...     "indicator_id": "skadegorelse", "area_code": "d-x", "area_name": "X",
    ...     "period": ["2024", "2025"], "numerator": [20.0, 60.0], "value": [5.0, 15.0],
    ...     "lower": [3.1, 11.5], "upper": [7.7, 19.3], "suppressed": False})
    >>> out = significant_changes(v, load_catalogue(), period="2025")
    >>> out[["change", "worse", "relative_change"]].values.tolist()
    [['higher', True, 2.0]]
    """
    empty = pd.DataFrame(columns=CHANGE_COLUMNS)
    if previous is None:
        if not is_year(period):
            return empty
        previous = previous_year(period)
    if values.empty:
        return empty
    period, previous = str(period), str(previous)
    periods = values["period"].astype(str)
    keep = (
        periods.isin([period, previous])
        & ~values["suppressed"].fillna(False).astype(bool)
        & np.isfinite(pd.to_numeric(values["lower"], errors="coerce").to_numpy(float))
        & np.isfinite(pd.to_numeric(values["upper"], errors="coerce").to_numpy(float))
        & values["indicator_id"].isin(list(catalogue))
    )
    if "period_label" in values.columns:  # pooled years ("2023–2025") overlap: not compared
        keep &= values["period_label"].fillna(values["period"]).astype(str) == periods
    if areas is not None:
        keep &= values["area_code"].isin(list(areas))
    cols = ["indicator_id", "area_code", "area_name", "numerator", "value", "lower", "upper"]
    now = values.loc[keep & (periods == period), cols]
    before = values.loc[keep & (periods == previous), cols]
    pairs = now.merge(
        before.drop(columns="area_name"), on=["indicator_id", "area_code"], suffixes=("", "_prev")
    )
    meta = pd.DataFrame(
        [
            {"indicator_id": i.id, "direction": i.direction, "kind": i.kind}
            for i in catalogue.values()
        ],
        columns=["indicator_id", "direction", "kind"],
    )
    pairs = pairs.merge(meta, on="indicator_id", how="left")
    # Context measures (e.g. birth region) are background, not a change to judge: left out.
    pairs = pairs[pairs["direction"].isin(JUDGED_DIRECTIONS)]
    higher = pairs["lower"] > pairs["upper_prev"]
    lower = pairs["upper"] < pairs["lower_prev"]
    pairs = pairs.assign(change=np.where(higher, "higher", "lower"))[higher | lower]
    if pairs.empty:
        return empty
    gap = np.where(
        pairs["change"] == "higher",
        pairs["lower"] - pairs["upper_prev"],
        pairs["lower_prev"] - pairs["upper"],
    )
    width = ((pairs["upper"] - pairs["lower"]) + (pairs["upper_prev"] - pairs["lower_prev"])) / 2
    pairs["score"] = gap / width.where(width > 0, np.nan).fillna(1e-9)
    pairs["worse"] = (pairs["change"] == "higher") == (pairs["direction"] == "higher_is_worse")
    # Never a percentage from counts below the threshold: the one home of that rule is
    # indicators.trend.percent_change; a mean's numerator is a sum of scores, not events.
    percent = np.asarray(
        percent_change(
            pairs["numerator_prev"].to_numpy(float),
            pairs["numerator"].to_numpy(float),
            pairs["value_prev"].to_numpy(float),
            pairs["value"].to_numpy(float),
            threshold=threshold,
        ),
        dtype=float,
    )
    ratio = pd.Series(percent / 100, index=pairs.index)
    # Beyond tenfold a percentage says little; the two values are given anyway (exactly
    # tenfold still is: values are rounded shares, so allow for floating-point noise).
    within = ratio.abs() <= MAX_RELATIVE_CHANGE * (1 + 1e-9)
    pairs["relative_change"] = ratio.where((pairs["kind"] != "mean") & within)
    pairs = pairs.rename(columns={"value_prev": "previous", "value": "current"})
    pairs = pairs.sort_values(["score", "worse"], ascending=[False, False], kind="stable")
    if limit is not None:
        pairs = pairs.head(limit)
    out = pairs[CHANGE_COLUMNS].reset_index(drop=True)
    out["worse"] = out["worse"].astype(bool)
    return out


def signed_percent(x: float | None, *, lang: str = "sv") -> str:
    """A relative change (a fraction) as a signed whole percentage; "–" when there is none.

    Examples
    --------
    >>> signed_percent(2.0), signed_percent(-0.254, lang="en"), signed_percent(float("nan"))
    ('+200\\xa0%', '−25%', '–')
    >>> signed_percent(0.004)
    '±0\\xa0%'
    """
    if x is None or not np.isfinite(x):
        return MISSING
    rounded = round(float(x) * 100)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
    number = fmt_number(abs(rounded), decimals=0, lang=lang)
    return f"{sign}{number}\xa0%" if lang == "sv" else f"{sign}{number}%"


def change_sentence(change: Mapping, indicator: Indicator, *, lang: str = "sv") -> str:
    """One sentence for a row of :func:`significant_changes`, the same on screen and in the PDF.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> row = {"area_name": "X", "previous": 5.0, "current": 15.0, "change": "higher",
    ...        "worse": True, "relative_change": 2.0}
    >>> ind = load_catalogue()["skadegorelse"]
    >>> print(change_sentence(row, ind))
    X – Skadegörelse: högre än förra året (sämre). 5,0 → 15,0 per 1 000 invånare (+200\xa0%).
    >>> print(change_sentence(row | {"relative_change": float("nan")}, ind, lang="en"))
    X – Vandalism: higher than last year (worse). 5.0 → 15.0 per 1,000 residents.
    """
    sv = lang == "sv"
    kind, mult = indicator.kind, indicator.multiplier
    before = fmt_value(change["previous"], kind=kind, multiplier=mult, lang=lang)
    now = fmt_value(change["current"], kind=kind, multiplier=mult, lang=lang)
    unit_text = indicator.unit_sv if sv else indicator.unit_en
    unit = "" if kind == "proportion" or not unit_text else f" {unit_text}"
    if sv:
        word = "högre" if change["change"] == "higher" else "lägre"
        judged = " (sämre)" if change["worse"] else " (bättre)"
        than = "än förra året"
    else:
        word = "higher" if change["change"] == "higher" else "lower"
        judged = " (worse)" if change["worse"] else " (better)"
        than = "than last year"
    rel = change.get("relative_change")
    relative = "" if rel is None or pd.isna(rel) else f" ({signed_percent(rel, lang=lang)})"
    name = indicator.name_sv if sv else indicator.name_en
    return (
        f"{change['area_name']} – {name}: {word} {than}{judged}. {before} → {now}{unit}{relative}."
    )
