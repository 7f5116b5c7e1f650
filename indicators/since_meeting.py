"""What changed since the council's last meeting ("sedan förra mötet").

The store keeps every import batch with its time, so what arrived after a meeting is known
exactly (:func:`access.reads.loaded_since`).  For the indicator periods that arrived, this
module reports the significant changes against the period before (the value the council had
in front of it), the verdicts against Umeå that turned, and the recent trends that turned.
Pure pandas, no store.

Trends that turned (:func:`turned_trends`): old published versions are not kept (only the
current one and its predecessor), so the recent trend "at the meeting" is recomputed with the
same rule (:func:`indicators.trend.recent_trend`, five latest yearly points) on the published
series without the periods that arrived since; a series with a protected point among those
five is left out (its word at the meeting cannot be given without the hidden value).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from catalogue import Indicator
from common.periods import is_year, previous_year
from indicators.changes import CHANGE_COLUMNS, significant_changes
from indicators.trend import RECENT_TREND_POINTS, recent_trend

#: Columns of :func:`turned_trends`.
TURNED_TREND_COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "period",
    "period_before",
    "trend_before",
    "trend_now",
]
#: Trend words that can turn (a trend that "cannot be calculated" has not turned).
_TREND_WORDS = ("increasing", "decreasing", "no_change")
_TREND_INPUTS = {"trend", "kind", "numerator", "denominator", "value", "lower", "upper"}


def new_periods(loaded: pd.DataFrame, values: pd.DataFrame) -> dict[str, list[str]]:
    """Indicator id → yearly periods that arrived after the meeting.

    A period is new for an indicator when any measure imported since then has that period
    and the indicator has published values for it (a new population figure changes every rate
    of that year, so it counts too).

    Examples
    --------
    >>> loaded = pd.DataFrame({"measure_id": ["x"], "periods": [["2025"]]})
    >>> values = pd.DataFrame({"indicator_id": ["a", "a", "b"], "period": ["2025", "2024", "2024"]})
    >>> new_periods(loaded, values)
    {'a': ['2025']}
    """
    if loaded.empty or values.empty:
        return {}
    periods = {p for ps in loaded["periods"] for p in ps if is_year(p)}
    out: dict[str, list[str]] = {}
    for ind, part in values[values["period"].isin(periods)].groupby("indicator_id"):
        out[str(ind)] = sorted(set(part["period"]))
    return out


def changes_since(
    values: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    arrived: dict[str, list[str]],
    *,
    areas: list[str],
) -> dict[str, pd.DataFrame]:
    """Significant changes, turned verdicts and turned trends in ``areas`` for the periods
    that arrived.

    Returns ``{"changes": ..., "turned": ..., "trends": ...}``: ``changes`` as
    :func:`indicators.changes.significant_changes` — the one rule and ranking Översikt and
    the brief use — for each new period against the year before, all of them, in that
    order within each period; ``turned`` has indicator_id,
    area_code, area_name, period, verdict_before, verdict_now for verdicts against the
    municipality that differ from the year before; ``trends`` as :func:`turned_trends`.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["indicator_id", "area_code", "area_name", "period",
    ...                               "verdict", "suppressed"])
    >>> out = changes_since(empty, {}, {}, areas=["d-1"])
    >>> out["changes"].empty, out["turned"].empty, out["trends"].empty
    (True, True, True)
    """
    changes, turned = [], []
    for ind, periods in arrived.items():
        for period in periods:
            part = values[values["indicator_id"] == ind]
            sig = significant_changes(part, catalogue, period=period, areas=areas, limit=None)
            if not sig.empty:
                changes.append(sig)
            prev = previous_year(period)
            here = part[part["area_code"].isin(areas) & part["period"].isin([period, prev])]
            wide = here.pivot_table(
                index=["area_code", "area_name"],
                columns="period",
                values="verdict",
                aggfunc="first",
            )
            if period in wide and prev in wide:
                moved = wide[
                    (wide[period] != wide[prev]) & wide[period].notna() & wide[prev].notna()
                ]
                for (code, name), row in moved.iterrows():
                    turned.append(
                        {
                            "indicator_id": ind,
                            "area_code": code,
                            "area_name": name,
                            "period": period,
                            "verdict_before": row[prev],
                            "verdict_now": row[period],
                        }
                    )
    turned_cols = [
        "indicator_id",
        "area_code",
        "area_name",
        "period",
        "verdict_before",
        "verdict_now",
    ]
    return {
        "changes": pd.concat(changes, ignore_index=True)
        if changes
        else pd.DataFrame(columns=CHANGE_COLUMNS),
        "turned": pd.DataFrame(turned, columns=turned_cols)
        .sort_values("period", ascending=False, kind="stable")
        .reset_index(drop=True),
        "trends": turned_trends(values, arrived, areas=areas),
    }


def turned_trends(
    values: pd.DataFrame, arrived: dict[str, list[str]], *, areas: list[str]
) -> pd.DataFrame:
    """Recent trends in ``areas`` whose word changed between the meeting and now.

    "Now" is the published trend of each series' latest year; "at the meeting" is the same
    rule run on the series without the periods in ``arrived`` (what the council saw).  Only
    the words increasing, decreasing and no_change count; a series with a protected point
    among the five used at the meeting is skipped.

    Examples
    --------
    >>> years = [str(y) for y in range(2019, 2026)]
    >>> n = [10, 11, 10, 11, 10, 11, 40]
    >>> v = pd.DataFrame({"indicator_id": "a", "area_code": "d-1", "area_name": "Ersboda",
    ...                   "period": years, "numerator": n, "denominator": 1000.0,
    ...                   "value": [x / 10 for x in n], "lower": float("nan"),
    ...                   "upper": float("nan"), "suppressed": False, "kind": "proportion",
    ...                   "trend": ["cannot_calculate"] * 6 + ["increasing"]})
    >>> out = turned_trends(v, {"a": ["2025"]}, areas=["d-1"])
    >>> out[["area_name", "period_before", "trend_before", "trend_now"]].values.tolist()
    [['Ersboda', '2024', 'no_change', 'increasing']]
    """
    rows = []
    if not _TREND_INPUTS <= set(values.columns):  # a table without trends: none can turn
        return pd.DataFrame(rows, columns=TURNED_TREND_COLUMNS)
    for ind, periods in arrived.items():
        new = set(periods)
        part = values[
            (values["indicator_id"] == ind)
            & values["area_code"].isin(areas)
            & values["period"].map(is_year)
        ]
        for (code, name), series in part.groupby(["area_code", "area_name"], sort=False):
            series = series.sort_values("period")
            now = series.iloc[-1]
            before = series[~series["period"].isin(new)].tail(RECENT_TREND_POINTS)
            if now["period"] not in new or now["trend"] not in _TREND_WORDS or before.empty:
                continue
            if "suppressed" in before and bool(before["suppressed"].any()):
                continue
            then = recent_trend(
                [before["numerator"].to_numpy(float)],
                [before["denominator"].to_numpy(float)],
                kind=str(now["kind"]),
                values=[before["value"].to_numpy(float)],
                lower=[before["lower"].to_numpy(float)],
                upper=[before["upper"].to_numpy(float)],
            )["trend"].iloc[0]
            if then in _TREND_WORDS and then != now["trend"]:
                rows.append(
                    [ind, code, name, now["period"], before["period"].iloc[-1], then, now["trend"]]
                )
    return pd.DataFrame(rows, columns=TURNED_TREND_COLUMNS)
