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

from catalogue import Indicator
from common.fmt import fmt_number, fmt_value
from common.periods import is_year, previous_year
from common.settings import SUPPRESSION_THRESHOLD
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


#: At most this many changes are listed in the council brief.
MAX_CHANGES = 8
#: Relative changes above ±1 000 % are not printed as a percentage.
MAX_RELATIVE_CHANGE = 10.0


def _signed_percent(x: float) -> str:
    sign = "+" if x > 0 else "−" if x < 0 else "±"
    return f"{sign}{fmt_number(abs(x) * 100, decimals=0)}\xa0%"


def ranked_changes(
    values: pd.DataFrame,
    catalogue: dict[str, Indicator],
    *,
    period: str,
    previous: str | None = None,
    areas: Sequence[str] | None = None,
    limit: int | None = MAX_CHANGES,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> pd.DataFrame:
    """Changes since ``previous`` whose 95 % intervals do not overlap, largest first.

    Fingertips flags a change from the previous point as significant when the two
    intervals do not overlap (docs/methods.md, "Change since the previous year"; conservative).
    Only published (not suppressed) rows of ``areas`` (default: all) take part; ``previous``
    defaults to the year before ``period`` (no changes for a period that is not a year). The
    same rule and ranking feed the Översikt page and the council brief. The relative change is given only when both
    numerators are at least ``threshold`` (never a percentage from counts below 5) and
    the indicator is not a mean. Ranked by the gap between the intervals divided by their
    mean width.

    Returns columns ``indicator_id, area_code, area_name, value_previous, value, change``
    ("higher"/"lower"), ``worse`` (bool), ``relative_change`` (NaN when not shown), ``text``.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({
    ...     "indicator_id": ["skadegorelse"] * 2, "area_code": ["d-x"] * 2,
    ...     "area_name": ["X"] * 2, "period": ["2024", "2025"], "numerator": [20.0, 60.0],
    ...     "denominator": [4000.0] * 2, "value": [5.0, 15.0], "lower": [3.1, 11.5],
    ...     "upper": [7.7, 19.3], "suppressed": [False, False]})
    >>> print(ranked_changes(v, load_catalogue(), period="2025", previous="2024",
    ...                      areas=["d-x"])["text"].iloc[0])
    X – Skadegörelse: högre än förra året (sämre). 5,0 → 15,0 per 1 000 invånare (+200\\xa0%).
    """
    columns = [
        "indicator_id",
        "area_code",
        "area_name",
        "value_previous",
        "value",
        "change",
        "worse",
        "relative_change",
        "text",
    ]
    if previous is None:
        if not is_year(period):
            return pd.DataFrame(columns=columns)
        previous = previous_year(period)
    if values.empty:
        return pd.DataFrame(columns=columns)
    keep = (
        (values["area_code"].isin(list(areas)) if areas is not None else True)
        & ~values["suppressed"].astype(bool)
        & np.isfinite(values["lower"].to_numpy(float))
        & np.isfinite(values["upper"].to_numpy(float))
    )
    cols = ["indicator_id", "area_code", "area_name", "numerator", "value", "lower", "upper"]
    now = values.loc[keep & (values["period"] == period), cols]
    before = values.loc[keep & (values["period"] == previous), cols]
    pairs = now.merge(
        before.drop(columns="area_name"),
        on=["indicator_id", "area_code"],
        suffixes=("", "_previous"),
    )
    pairs = pairs[pairs["indicator_id"].isin(list(catalogue))]
    higher = pairs["lower"] > pairs["upper_previous"]
    lower = pairs["upper"] < pairs["lower_previous"]
    pairs = pairs.assign(change=np.where(higher, "higher", "lower"))[higher | lower]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    gap = np.where(
        pairs["change"] == "higher",
        pairs["lower"] - pairs["upper_previous"],
        pairs["lower_previous"] - pairs["upper"],
    )
    width = (
        (pairs["upper"] - pairs["lower"]) + (pairs["upper_previous"] - pairs["lower_previous"])
    ) / 2
    pairs["score"] = gap / width.where(width > 0, np.nan).fillna(1e-9)
    meta = pd.DataFrame(
        [
            {
                "indicator_id": i.id,
                "direction": i.direction,
                "kind": i.kind,
                "name_sv": i.name_sv,
                "unit_sv": i.unit_sv,
                "multiplier": i.multiplier,
            }
            for i in catalogue.values()
        ]
    )
    pairs = pairs.merge(meta, on="indicator_id", how="left")
    # Context measures (e.g. birth region) are background, not a change to judge: left out.
    pairs = pairs[pairs["direction"].isin(["higher_is_worse", "higher_is_better"])]
    pairs["worse"] = (pairs["change"] == "higher") == (pairs["direction"] == "higher_is_worse")
    # no direction (context indicators): higher or lower, neither worse nor better
    pairs["worse"] = (
        pairs["worse"]
        .astype(object)
        .where(pairs["direction"].isin(["higher_is_worse", "higher_is_better"]), None)
    )
    counts_ok = (
        (pairs["numerator"] >= threshold)
        & (pairs["numerator_previous"] >= threshold)
        & (pairs["kind"] != "mean")
        & (pairs["value_previous"] > 0)
    )
    ratio = pairs["value"] / pairs["value_previous"].where(pairs["value_previous"] > 0) - 1
    # Beyond tenfold a percentage says little; the two values are printed anyway.
    pairs["relative_change"] = ratio.where(counts_ok & (ratio.abs() <= MAX_RELATIVE_CHANGE))
    pairs = pairs.sort_values(["score", "worse"], ascending=[False, False])
    if limit is not None:
        pairs = pairs.head(limit)
    texts = []
    for row in pairs.itertuples(index=False):  # at most `limit` rows
        before_text = fmt_value(row.value_previous, kind=row.kind, multiplier=row.multiplier)
        now_text = fmt_value(row.value, kind=row.kind, multiplier=row.multiplier)
        unit = "" if row.kind == "proportion" else f" {row.unit_sv}"
        word = "högre" if row.change == "higher" else "lägre"
        judgement = {True: " (sämre)", False: " (bättre)"}.get(row.worse, "")
        relative = (
            "" if pd.isna(row.relative_change) else f" ({_signed_percent(row.relative_change)})"
        )
        texts.append(
            f"{row.area_name} – {row.name_sv}: {word} än förra året{judgement}. "
            f"{before_text} → {now_text}{unit}{relative}."
        )
    pairs["text"] = texts
    return pairs[columns].reset_index(drop=True)
