"""What changed since the previous period: significant changes only (Fingertips rule:
the two 95 % intervals do not overlap). Never a percentage change from small counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from common.settings import SUPPRESSION_THRESHOLD


def significant_changes(
    values: pd.DataFrame, catalogue: dict, *, period: str, areas: list[str] | None = None
) -> pd.DataFrame:
    """Rows for indicator × area where ``period`` differs significantly from the year before.

    Columns: indicator_id, area_code, area_name, previous, current, direction_word
    ("higher"/"lower"), better (True/False/None), pct_change (NaN when a count is below the
    threshold).

    >>> significant_changes(pd.DataFrame(columns=["indicator_id", "area_code", "period"]), {}, period="2025").empty
    True
    """
    if not period.isdigit():
        return pd.DataFrame()
    prev = str(int(period) - 1)
    v = values[values["period"].isin([period, prev]) & ~values["suppressed"].astype(bool)]
    if areas is not None:
        v = v[v["area_code"].isin(areas)]
    cur = v[v["period"] == period].set_index(["indicator_id", "area_code"])
    old = v[v["period"] == prev].set_index(["indicator_id", "area_code"])
    both = cur.join(old, rsuffix="_prev", how="inner")
    if both.empty:
        return pd.DataFrame()
    up = both["lower"] > both["upper_prev"]
    down = both["upper"] < both["lower_prev"]
    sig = both[up | down].copy()
    sig["direction_word"] = np.where(up[up | down], "higher", "lower")
    direction = sig.index.get_level_values("indicator_id").map(
        lambda i: catalogue[i].direction if i in catalogue else "none"
    )
    worse_up = direction == "higher_is_worse"
    better_up = direction == "higher_is_better"
    is_up = sig["direction_word"] == "higher"
    sig["better"] = np.where(worse_up, ~is_up, np.where(better_up, is_up, None))
    small = (sig["numerator"] < SUPPRESSION_THRESHOLD) | (
        sig["numerator_prev"] < SUPPRESSION_THRESHOLD
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (sig["value"] - sig["value_prev"]) / sig["value_prev"] * 100
    sig["pct_change"] = pct.where(~small)
    sig = sig.reset_index()
    sig["size"] = (sig["pct_change"].abs()).fillna(0)
    return (
        sig.rename(columns={"value_prev": "previous", "value": "current"})[
            [
                "indicator_id",
                "area_code",
                "area_name",
                "previous",
                "current",
                "direction_word",
                "better",
                "pct_change",
            ]
        ]
        .assign(_s=sig["size"])
        .sort_values("_s", ascending=False)
        .drop(columns="_s")
        .reset_index(drop=True)
    )
