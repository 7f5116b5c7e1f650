"""Comparing districts: funnel-plot data and the spine-chart profile of one district.

Works on published (already suppressed) rows from :func:`indicators.compute`; suppressed
districts are left out of the plots and listed instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.stats import (
    FUNNEL_FLAG_LABELS,
    eb_smoothed_rate,
    funnel_flags,
    funnel_limits_proportion,
    funnel_limits_rate,
    overdispersion_adjusted_limits,
)


def funnel_data(
    rows: pd.DataFrame, *, kind: str, multiplier: float, municipality_code: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points (published districts with their funnel flag) and limit curves (95 %, 99,8 %).

    The baseline is the municipality's value (Σ numerators / Σ denominators). Values are
    in display units (× multiplier). Only proportions and rates have funnels.  When the
    districts are overdispersed (Spiegelhalter's φ > 1, docs/methods.md "Overdispersion")
    the limits are the additive random-effects limits of
    :func:`indicators.stats.overdispersion_adjusted_limits` around the districts' pooled
    value; ``curve.attrs`` then holds ``phi`` and ``adjusted = True``.
    """
    if kind not in ("proportion", "rate"):
        return pd.DataFrame(), pd.DataFrame()
    base = rows[rows["area_code"] == municipality_code]
    points = rows[
        (rows["area_code"] != municipality_code) & ~rows["suppressed"].astype(bool)
    ].copy()
    if base.empty or points.empty or base["suppressed"].any():
        return pd.DataFrame(), pd.DataFrame()
    baseline = float(base["numerator"].iloc[0] / base["denominator"].iloc[0])
    n_max = float(points["denominator"].max()) * 1.1
    n_curve = np.unique(np.geomspace(max(points["denominator"].min() * 0.5, 5), n_max, 200).round())
    if kind == "proportion":
        curve = funnel_limits_proportion(baseline, n_curve)
        at_points = funnel_limits_proportion(baseline, points["denominator"].to_numpy(float))
        scale = multiplier
    else:
        curve = funnel_limits_rate(baseline * multiplier, n_curve, multiplier=multiplier)
        at_points = funnel_limits_rate(
            baseline * multiplier, points["denominator"].to_numpy(float), multiplier=multiplier
        )
        scale = 1.0
    phi, adjusted = np.nan, False
    if len(points) >= 5:
        spread = overdispersion_adjusted_limits(
            points["numerator"].to_numpy(float),
            points["denominator"].to_numpy(float),
            kind=kind,
            multiplier=multiplier,
            limits_n=n_curve,
        )
        phi = spread.phi
        if phi > 1 and spread.tau2 > 0:
            adjusted = True
            own = overdispersion_adjusted_limits(
                points["numerator"].to_numpy(float),
                points["denominator"].to_numpy(float),
                kind=kind,
                multiplier=multiplier,
            )
            curve, at_points = spread.limits, own.limits.reset_index(drop=True)
            baseline = spread.baseline / (1.0 if kind == "proportion" else multiplier)
    limit_cols = [c for c in curve.columns if c.startswith(("lower_", "upper_"))]
    curve[limit_cols] = curve[limit_cols] * scale
    at_points[limit_cols] = at_points[limit_cols] * scale
    points["flag"] = np.asarray(
        funnel_flags(points["value"].to_numpy(float), at_points.reset_index(drop=True))
    )
    points["flag_sv"] = points["flag"].map(lambda f: FUNNEL_FLAG_LABELS.get(f, {}).get("sv", f))
    points["flag_en"] = points["flag"].map(lambda f: FUNNEL_FLAG_LABELS.get(f, {}).get("en", f))
    curve["baseline"] = baseline * multiplier
    curve.attrs.update(phi=float(phi), adjusted=adjusted)
    return points, curve


def spine_data(
    values: pd.DataFrame, catalogue: dict, *, area_code: str, period: str, municipality_code: str
) -> pd.DataFrame:
    """One row per indicator for a Fingertips-style spine chart of one district.

    Positions are scaled so the municipality sits at 0, the worst district at −1 and the best
    at +1 (so right is always better, whatever the indicator's direction).
    """
    rows = []
    year = values[values["period"] == period]
    for ind_id, part in year.groupby("indicator_id"):
        ind = catalogue.get(ind_id)
        if ind is None or ind.kind == "count" or ind.role == "context":
            continue  # context (e.g. birth region) has no better/worse side
        muni = part.loc[part["area_code"] == municipality_code, "value"]
        dist = part[(part["area_level"] == "district") & ~part["suppressed"].astype(bool)]["value"]
        me = part[part["area_code"] == area_code]
        if muni.empty or muni.isna().all() or dist.empty or me.empty:
            continue
        m = float(muni.iloc[0])
        sign = 1.0 if ind.direction == "higher_is_better" else -1.0
        oriented = (dist - m) * sign
        span = float(np.nanmax(np.abs(oriented))) or 1.0
        q25, q75 = np.nanpercentile(oriented / span, [25, 75])
        own = me.iloc[0]
        pos = (own["value"] - m) * sign / span if not own["suppressed"] else np.nan
        rows.append(
            {
                "indicator_id": ind_id,
                "name_sv": ind.name_sv,
                "name_en": ind.name_en,
                "role": ind.role,
                "family": ind.family,
                "kind": ind.kind,
                "multiplier": ind.multiplier,
                "value": own["value"],
                "lower": own["lower"],
                "upper": own["upper"],
                "municipality_value": m,
                "worst": float(np.nanmin(oriented / span)),
                "best": float(np.nanmax(oriented / span)),
                "q25": q25,
                "q75": q75,
                "position": pos,
                "verdict": own["verdict"],
                "suppressed": bool(own["suppressed"]),
                "reason": own["reason"],
                "trend": own["trend"],
            }
        )
    return pd.DataFrame(rows)


def smoothed_rows(rows: pd.DataFrame, *, multiplier: float) -> pd.DataFrame:
    """Published district rows with Marshall's empirical Bayes rate as ``value`` (map option).

    Only published (unsuppressed) districts are smoothed, from their own published
    numerators and denominators; suppressed rows stay hidden and other rows unchanged. The
    smoothed rows lose their interval (it belongs to the crude rate). docs/methods.md,
    "Empirical Bayes (maps)".

    Examples
    --------
    >>> rows = pd.DataFrame({"area_code": ["K", "A", "B", "C"],
    ...     "area_level": ["municipality", "district", "district", "district"],
    ...     "numerator": [57.0, 2.0, 25.0, 30.0], "denominator": [6400.0, 400.0, 1000.0, 5000.0],
    ...     "value": [8.9, 5.0, 25.0, 6.0], "lower": 0.0, "upper": 1.0, "suppressed": False})
    >>> smoothed_rows(rows, multiplier=1000)["value"].round(3).tolist()
    [8.9, 6.316, 22.283, 6.113]
    """
    out = rows.copy()
    published = ~out["suppressed"].astype(bool) & (out["area_level"] == "district")
    if published.sum() < 2:
        return out
    out.loc[published, "value"] = np.asarray(
        eb_smoothed_rate(
            out.loc[published, "numerator"].to_numpy(float),
            out.loc[published, "denominator"].to_numpy(float),
            multiplier=multiplier,
        )
    )
    out.loc[published, ["lower", "upper"]] = np.nan
    return out
