"""What of EST the roles that may not see counts (``publik``, ``rad``) and the weekly PDF get.

Weekly district counts cannot be protected over time: consecutive eight-week means differ by
(count(W−1) − count(W−9))/8, and a p-value computed from a hidden baseline gives it back
(issue 10).  So outside the EST group there are **no weekly figures at all**, only
**non-overlapping four-week periods** (docs/disclosure.md §6):

* period k of an ISO year holds weeks 4k−3 .. 4k (k = 1..13; period 13 also holds week 53);
* a period is shown only once it has ended, so a growing partial sum can never be differenced;
* per period: each district's total and the municipality's, through
  :func:`indicators.disclosure.protect` (districts = municipality); the same for incident types;
* no means, p-values, "fler än vanligt", hotspots, cells or hours.

Every period is its own table (the periods share no cell), so publishing any number of them
adds nothing an attacker can difference; ``tests/indicators/test_est_public.py`` runs the audit
over a year of periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from common.errors import UserError
from common.fmt import iso_week
from common.settings import SUPPRESSION_THRESHOLD
from geo.areas import read_areas
from indicators.disclosure import protect
from indicators.est import MUNICIPALITY, week_monday

__all__ = [
    "PERIOD_WEEKS",
    "last_complete_period",
    "period_label",
    "period_of_week",
    "period_weeks",
    "previous_periods",
    "public_periods",
    "public_view",
]

PERIOD_WEEKS = 4
"""Weeks per published EST period."""
_PERIODS_PER_YEAR = 13


def period_of_week(week: str) -> str:
    """The four-week period an ISO week belongs to, ``2025-P12``.

    Examples
    --------
    >>> period_of_week("2025-W47"), period_of_week("2025-W48"), period_of_week("2020-W53")
    ('2025-P12', '2025-P12', '2020-P13')
    """
    monday = week_monday(week)
    year, number, _ = monday.isocalendar()
    k = min((number - 1) // PERIOD_WEEKS, _PERIODS_PER_YEAR - 1) + 1
    return f"{year}-P{k:02d}"


def _parse_period(period: str) -> tuple[int, int]:
    try:
        year, k = str(period).strip().upper().split("-P")
        year_i, k_i = int(year), int(k)
    except ValueError as exc:
        raise UserError(
            f"Perioden '{period}' kan inte läsas (skriv t.ex. 2025-P12)",
            message_en=f"Cannot read the period '{period}' (write e.g. 2025-P12)",
        ) from exc
    if not 1 <= k_i <= _PERIODS_PER_YEAR:
        raise UserError(
            f"Perioden '{period}' finns inte (1–{_PERIODS_PER_YEAR})",
            message_en=f"No such period '{period}'",
        )
    return year_i, k_i


def period_weeks(period: str) -> list[str]:
    """The ISO weeks of a period, in order.

    Examples
    --------
    >>> period_weeks("2025-P12")
    ['2025-W45', '2025-W46', '2025-W47', '2025-W48']
    >>> period_weeks("2020-P13")[-1]
    '2020-W53'
    """
    year, k = _parse_period(period)
    first = date.fromisocalendar(year, PERIOD_WEEKS * (k - 1) + 1, 1)
    weeks = [iso_week(first + timedelta(weeks=i)) for i in range(PERIOD_WEEKS)]
    if k == _PERIODS_PER_YEAR:
        extra = iso_week(first + timedelta(weeks=PERIOD_WEEKS))
        if extra.startswith(f"{year}-W"):
            weeks.append(extra)
    return weeks


def period_label(period: str, *, lang: str = "sv") -> str:
    """'period 12 2025 (v. 45–48)'.

    Examples
    --------
    >>> period_label("2025-P12"), period_label("2025-P12", lang="en")
    ('period 12 2025 (v. 45–48)', 'period 12 2025 (weeks 45–48)')
    """
    year, k = _parse_period(period)
    weeks = period_weeks(period)
    first, last = (int(w.split("-W")[1]) for w in (weeks[0], weeks[-1]))
    return f"period {k} {year} ({'v.' if lang == 'sv' else 'weeks'} {first}–{last})"


def last_complete_period(week: str) -> str:
    """The latest period that has ended by the end of ``week``.

    Examples
    --------
    >>> last_complete_period("2025-W48"), last_complete_period("2025-W47")
    ('2025-P12', '2025-P11')
    >>> last_complete_period("2026-W02")
    '2025-P13'
    """
    period = period_of_week(week)
    if period_weeks(period)[-1] == iso_week(week_monday(week)):
        return period
    year, k = _parse_period(period)
    return f"{year}-P{k - 1:02d}" if k > 1 else f"{year - 1}-P{_PERIODS_PER_YEAR:02d}"


def previous_periods(period: str, n: int) -> list[str]:
    """``n`` periods ending with ``period``, oldest first.

    Examples
    --------
    >>> previous_periods("2026-P01", 3)
    ['2025-P12', '2025-P13', '2026-P01']
    """
    year, k = _parse_period(period)
    out = []
    for _ in range(n):
        out.append(f"{year}-P{k:02d}")
        year, k = (year, k - 1) if k > 1 else (year - 1, _PERIODS_PER_YEAR)
    return out[::-1]


def _district_names() -> dict[str, str]:
    districts = read_areas(level="district")
    return dict(zip(districts["code"], districts["name"], strict=True))


def _period_column(incidents: pd.DataFrame) -> pd.Series:
    times = pd.to_datetime(incidents["occurred_at"])
    iso = times.dt.isocalendar()
    k = np.minimum((iso["week"].to_numpy(dtype=int) - 1) // PERIOD_WEEKS, _PERIODS_PER_YEAR - 1)
    return pd.Series(
        [f"{y}-P{kk + 1:02d}" for y, kk in zip(iso["year"].to_numpy(dtype=int), k, strict=True)],
        index=incidents.index,
        dtype=object,
    )


def public_periods(
    incidents: pd.DataFrame,
    periods: Sequence[str],
    *,
    by: str = "district_code",
    categories: Sequence[str] | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> pd.DataFrame:
    """Protected counts per period × category (district or incident type) and municipality.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``occurred_at`` and the ``by`` column (as :func:`store.est.read_incidents`).
    periods : sequence of str
        Periods to publish (``2025-P12``); pass only ended ones.
    by : str
        ``district_code`` (default) or ``type``.
    categories : sequence of str, optional
        Categories always listed (with 0); default: the districts of ``areas.csv`` for
        districts, the seen types for types.

    Returns
    -------
    pandas.DataFrame
        ``period, code, count, suppressed, reason``; one row per period and category plus
        ``code`` = :data:`indicators.est.MUNICIPALITY` for the whole municipality; hidden
        counts NaN.

    Examples
    --------
    >>> times = pd.to_datetime(["2025-11-04 20:00"] * 3 + ["2025-11-05 21:00"] * 30)
    >>> inc = pd.DataFrame({"occurred_at": times,
    ...                     "district_code": ["d-a"] * 3 + ["d-b"] * 30})
    >>> out = public_periods(inc, ["2025-P12"], categories=["d-a", "d-b", "d-c"])
    >>> out[["code", "count"]].values.tolist()
    [['d-a', nan], ['d-b', nan], ['d-c', 0.0], ['2480', 33.0]]
    """
    if by not in ("district_code", "type"):
        raise UserError(f"Okänd indelning '{by}' (använd district_code eller type)")
    periods = list(dict.fromkeys(periods))
    for period in periods:
        _parse_period(period)
    own = _period_column(incidents) if len(incidents) else pd.Series([], dtype=object)
    keep = own.isin(periods).to_numpy() if len(incidents) else np.zeros(0, dtype=bool)
    sub = pd.DataFrame(
        {"period": own[keep].to_numpy(), "code": incidents.loc[keep, by].astype(str).to_numpy()}
    )
    if categories is None:
        categories = list(_district_names()) if by == "district_code" else []
    codes = list(dict.fromkeys([*map(str, categories), *sorted(sub["code"].unique())]))
    counts = sub.groupby(["period", "code"]).size()
    index = pd.MultiIndex.from_product([periods, codes], names=["period", "code"])
    parts = counts.reindex(index, fill_value=0).rename("numerator").reset_index()
    totals = parts.groupby("period", sort=False)["numerator"].sum().reset_index()
    totals["code"] = MUNICIPALITY
    table = pd.concat([parts, totals], ignore_index=True)
    table = table.assign(
        indicator_id=f"est_{by}",
        kind="count",
        area_code=table["code"],
        numerator=table["numerator"].astype(float),
        denominator=np.nan,
    )
    out = protect(
        table,
        area_parent=dict.fromkeys(codes, MUNICIPALITY),
        threshold=threshold,
    )
    order = {p: i for i, p in enumerate(periods)}
    out = out.assign(
        _p=out["period"].map(order), _m=(out["code"] == MUNICIPALITY).astype(int)
    ).sort_values(["_p", "_m"], kind="stable")
    return pd.DataFrame(
        {
            "period": out["period"].to_numpy(dtype=object),
            "code": out["code"].to_numpy(dtype=object),
            "count": out["numerator"].to_numpy(dtype=float),
            "suppressed": out["suppressed"].to_numpy(dtype=bool),
            "reason": out["reason"].to_numpy(dtype=object),
        }
    )


def public_view(
    incidents: pd.DataFrame,
    week: str,
    *,
    trend_periods: int = _PERIODS_PER_YEAR,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> dict:
    """The EST page (and weekly PDF) as ``publik`` and ``rad`` may see it for ``week``.

    Returns
    -------
    dict
        ``week``, ``period`` (the last one ended by the end of ``week``), ``period_label``,
        ``weeks`` (its ISO weeks), ``synthetic``, ``threshold``, ``districts`` (``district_code,
        name, count, suppressed, reason``), ``municipality`` (``count, suppressed``),
        ``by_type`` (``type, count, suppressed``) and ``trend`` (``period, count,
        suppressed``: the municipality over the last ``trend_periods`` periods).  No cells,
        no means, no p-values, no flags.

    Examples
    --------
    >>> times = pd.to_datetime(["2025-11-18 20:00"] * 7 + ["2025-11-19 21:00"] * 2)
    >>> inc = pd.DataFrame({"occurred_at": times, "type": "hot",
    ...                     "district_code": ["d-ersboda"] * 7 + ["d-alidhem"] * 2})
    >>> view = public_view(inc, "2025-W48")
    >>> view["period"], "cells" in view, "previous_mean" in view["districts"]
    ('2025-P12', False, False)
    """
    week = iso_week(week_monday(week))
    period = last_complete_period(week)
    names = _district_names()
    trend = previous_periods(period, trend_periods)
    districts = public_periods(incidents, [period], threshold=threshold)
    types_seen = sorted(incidents["type"].astype(str).unique()) if "type" in incidents else []
    by_type = public_periods(
        incidents, [period], by="type", categories=types_seen, threshold=threshold
    )
    municipal = public_periods(incidents, trend, threshold=threshold)
    municipal = municipal[municipal["code"] == MUNICIPALITY]
    parts = districts[districts["code"] != MUNICIPALITY]
    total = districts[districts["code"] == MUNICIPALITY].iloc[0]
    kinds = by_type[by_type["code"] != MUNICIPALITY]
    in_period = (
        _period_column(incidents).eq(period) if len(incidents) else pd.Series([], dtype=bool)
    )
    synthetic = (
        bool(incidents.loc[in_period.to_numpy(), "synthetic"].any())
        if "synthetic" in incidents.columns and len(incidents)
        else False
    )
    return {
        "week": week,
        "period": period,
        "period_label": period_label(period),
        "weeks": period_weeks(period),
        "synthetic": synthetic,
        "threshold": threshold,
        "districts": pd.DataFrame(
            {
                "district_code": parts["code"].to_numpy(dtype=object),
                "name": [names.get(c, c) for c in parts["code"]],
                "count": parts["count"].to_numpy(dtype=float),
                "suppressed": parts["suppressed"].to_numpy(dtype=bool),
                "reason": parts["reason"].to_numpy(dtype=object),
            }
        ),
        "municipality": {
            "count": float(total["count"]),
            "suppressed": bool(total["suppressed"]),
        },
        "by_type": pd.DataFrame(
            {
                "type": kinds["code"].to_numpy(dtype=object),
                "count": kinds["count"].to_numpy(dtype=float),
                "suppressed": kinds["suppressed"].to_numpy(dtype=bool),
            }
        )
        .sort_values("count", ascending=False, na_position="last", kind="stable")
        .reset_index(drop=True),
        "trend": pd.DataFrame(
            {
                "period": municipal["period"].to_numpy(dtype=object),
                "count": municipal["count"].to_numpy(dtype=float),
                "suppressed": municipal["suppressed"].to_numpy(dtype=bool),
            }
        ),
    }
