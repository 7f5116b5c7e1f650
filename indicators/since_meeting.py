"""What changed since the council's last meeting ("sedan förra mötet").

The store keeps every import batch with its time, so what arrived after a meeting is known
exactly (:func:`access.reads.loaded_since`).  For the indicator periods that arrived, this
module reports the significant changes against the period before (the value the council had
in front of it) and the verdicts against Umeå that turned.  Pure pandas, no store.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from catalogue import Indicator
from common.periods import is_year, previous_year
from indicators.changes import CHANGE_COLUMNS, significant_changes


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
    """Significant changes and turned verdicts in ``areas`` for the periods that arrived.

    Returns ``{"changes": ..., "turned": ...}``: ``changes`` as
    :func:`indicators.changes.significant_changes` — the one rule and ranking Översikt and
    the brief use — for each new period against the year before, all of them, in that
    order within each period; ``turned`` has indicator_id,
    area_code, area_name, period, verdict_before, verdict_now for verdicts against the
    municipality that differ from the year before.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["indicator_id", "area_code", "area_name", "period",
    ...                               "verdict", "suppressed"])
    >>> out = changes_since(empty, {}, {}, areas=["d-1"])
    >>> out["changes"].empty, out["turned"].empty
    (True, True)
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
    }
