"""What changed since the previous period: significant changes only.

Fingertips' rule for "change from previous": the two 95 % intervals do not overlap (a
conservative test: non-overlap implies a significant difference, overlap does not imply
none). Never a percentage change from small counts (:func:`indicators.trend.percent_change`).
Pooled three-year values overlap their predecessor, so they are not compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from indicators.trend import percent_change

CHANGE_COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "previous",
    "current",
    "direction_word",
    "better",
    "pct_change",
]


def significant_changes(
    values: pd.DataFrame,
    catalogue: Mapping[str, object],
    *,
    period: str,
    areas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows for indicator × area whose value in ``period`` differs from the year before.

    ``values`` are published rows (:func:`indicators.compute`): ``indicator_id, area_code,
    area_name, period, numerator, value, lower, upper, suppressed`` (``period_label``
    optional). A change counts when the intervals do not overlap; suppressed rows and
    pooled periods are left out.  Columns of the result: :data:`CHANGE_COLUMNS` —
    ``direction_word`` "higher"/"lower", ``better`` True/False (None for an indicator
    without a better side), ``pct_change`` (NaN when a count is below the disclosure
    threshold).  Largest percentage change first.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "indicator_id": "skadegorelse", "area_code": "d-ersboda", "area_name": "Ersboda",
    ...     "period": ["2024", "2025"], "numerator": [80, 120], "value": [8.0, 12.0],
    ...     "lower": [6.3, 10.1], "upper": [9.9, 14.3], "suppressed": False})
    >>> from catalogue import load_catalogue
    >>> out = significant_changes(rows, load_catalogue(), period="2025")
    >>> out[["direction_word", "better", "pct_change"]].values.tolist()
    [['higher', False, 50.0]]
    """
    empty = pd.DataFrame(columns=CHANGE_COLUMNS)
    if not str(period).isdigit() or values.empty:
        return empty
    prev = str(int(period) - 1)
    keep = values["period"].astype(str).isin([str(period), prev])
    if "suppressed" in values.columns:
        keep &= ~values["suppressed"].fillna(False).astype(bool)
    if "period_label" in values.columns:
        keep &= values["period_label"].fillna(values["period"]).astype(str) == values[
            "period"
        ].astype(str)
    if areas is not None:
        keep &= values["area_code"].isin(list(areas))
    v = values[keep]
    cur = v[v["period"].astype(str) == str(period)].set_index(["indicator_id", "area_code"])
    old = v[v["period"].astype(str) == prev].set_index(["indicator_id", "area_code"])
    both = cur.join(old, rsuffix="_prev", how="inner")
    if both.empty:
        return empty
    up = (both["lower"] > both["upper_prev"]).to_numpy()
    down = (both["upper"] < both["lower_prev"]).to_numpy()
    sig = both[up | down].copy()
    if sig.empty:
        return empty
    is_up = up[up | down]
    sig["direction_word"] = np.where(is_up, "higher", "lower")
    directions = [
        getattr(catalogue.get(i), "direction", "none")
        for i in sig.index.get_level_values("indicator_id")
    ]
    sig["better"] = [
        (not u) if d == "higher_is_worse" else (bool(u) if d == "higher_is_better" else None)
        for d, u in zip(directions, is_up, strict=True)
    ]
    sig["pct_change"] = np.asarray(
        percent_change(
            sig["numerator_prev"].to_numpy(float),
            sig["numerator"].to_numpy(float),
            sig["value_prev"].to_numpy(float),
            sig["value"].to_numpy(float),
        ),
        dtype=float,
    )
    sig = sig.reset_index().rename(columns={"value_prev": "previous", "value": "current"})
    order = sig["pct_change"].abs().fillna(0).sort_values(ascending=False, kind="stable").index
    return sig.loc[order, CHANGE_COLUMNS].reset_index(drop=True)
