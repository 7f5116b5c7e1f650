"""Trends over time: the Fingertips recent-trend marker, change and interventions.

- :func:`recent_trend`: the Fingertips "recent trend" marker (docs/methods.md, "Recent trend
  (Fingertips)") for many series at once (one row per series).
- :func:`percent_change`: change since the previous period, hidden for small counts
  (used by :mod:`indicators.changes`).
- :func:`interrupted_time_series` (§1.9) with the assumptions to show beside the estimate;
  the reference the intervention evaluation (:mod:`indicators.evaluation`) is benchmarked
  against (benchmarks/bench_evaluation.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

from common.errors import UserError
from common.settings import SUPPRESSION_THRESHOLD
from indicators.stats import (
    Numeric,
    _shaped_like,
    _z_for,
    as_float_array,
    proportion_ci,
    rate_ci,
)

TrendKind = Literal["proportion", "rate", "mean", "count", "other"]

#: χ²₁ at 99,8 %, as the constant ``ChiSquareConfidence`` of Fingertips' TrendMarkerCalculator.
TREND_CHI2_THRESHOLD = 9.54953570608324
#: Points used (Fingertips ``PointsToUse``) and slopes checked: all points, then each left out.
RECENT_TREND_POINTS = 5
#: Fingertips derives each point's standard error as (upper 95 % − lower 95 %) / 3.92.
CI95_WIDTH_IN_SE = 3.92

TREND_LABELS: dict[str, dict[str, str]] = {
    "increasing": {"sv": "Ökande", "en": "Increasing"},
    "decreasing": {"sv": "Minskande", "en": "Decreasing"},
    "no_change": {"sv": "Ingen signifikant förändring", "en": "No significant change"},
    "cannot_calculate": {"sv": "Kan inte beräknas", "en": "Cannot be calculated"},
}

#: Why :func:`recent_trend` gave its verdict (Fingertips' validation messages, shortened).
TREND_REASON_LABELS: dict[str, dict[str, str]] = {
    "significant": {
        "sv": "Signifikant trend, samma riktning när varje punkt tas bort",
        "en": "Significant trend, same direction with each point left out",
    },
    "not_significant": {"sv": "Ingen signifikant trend", "en": "No significant trend"},
    "outlier": {
        "sv": "Avvikande punkt: riktningen vänder när en punkt tas bort",
        "en": "Outlier found: direction flips when one point is left out",
    },
    "missing_values": {
        "sv": "Färre än fem tidpunkter med giltiga värden (saknade eller skyddade)",
        "en": "Fewer than five points with valid values (missing or suppressed)",
    },
    "too_few_points": {"sv": "För få tidpunkter", "en": "Not enough data points"},
    "all_events": {
        "sv": "Täljaren är lika med nämnaren för någon tidpunkt",
        "en": "The count equals the denominator for some point",
    },
    "value_type": {
        "sv": "Trend beräknas inte för antal (bara för andelar, kvoter och medelvärden)",
        "en": "No trend for counts (proportions, rates and means only)",
    },
}

ITS_ASSUMPTIONS_SV = (
    "Utan insatsen hade trenden före insatsen fortsatt likadant (linjär trend på logskala).",
    "Insatsens startpunkt och effektmodell (nivå- och lutningsförändring) är bestämda i förväg.",
    "Inget annat som påverkar måttet förändrades samtidigt (t.ex. registreringsrutiner, "
    "andra insatser, befolkningsförändringar).",
    "Ingen kvarstående autokorrelation eller säsongsvariation i serien; överspridning "
    "hanteras med kvasi-likelihood.",
    "Nämnaren (befolkningen) är rätt för varje period.",
)


def _check_kind(kind: str, allowed: Sequence[str]) -> None:
    if kind not in allowed:
        raise UserError(
            f"Okänd typ {kind!r}; tillåtna är {', '.join(allowed)}",
            message_en=f"unknown kind {kind!r}; allowed: {allowed}",
        )


def _as_rows(value: Any) -> np.ndarray:
    """A 2-D float array (series × points) from a DataFrame, 2-D array or one series."""
    if isinstance(value, pd.DataFrame):
        array = value.to_numpy(dtype=float, na_value=np.nan)
    else:
        array = as_float_array(value)
    return np.atleast_2d(array)


def _weighted_sums_slope(t: np.ndarray, y: np.ndarray, w: np.ndarray):
    """Fingertips' ``NoOutliersCheck`` sums for one set of points, row-wise.

    ``slope = (S1·S2 − S3·S4) / (S1·S5 − S3²)`` and ``χ² = (slope / sqrt(S1 / (S1·S5 − S3²)))²``
    with ``S1 = Σw, S2 = Σw·y·t, S3 = Σw·t, S4 = Σw·y, S5 = Σw·t²`` (points with ``w = 0``
    are left out).
    """
    s1, s2 = w.sum(axis=1), (w * y * t).sum(axis=1)
    s3, s4, s5 = (w * t).sum(axis=1), (w * y).sum(axis=1), (w * t * t).sum(axis=1)
    det = s1 * s5 - s3 * s3
    slope = (s1 * s2 - s3 * s4) / det
    return slope, slope * slope * det / s1


def _latest_points(valid: np.ndarray, n_points: int) -> np.ndarray:
    """Boolean mask of the ``n_points`` most recent valid columns of each row."""
    from_right = np.cumsum(valid[:, ::-1], axis=1)[:, ::-1]
    return valid & (from_right <= n_points)


def _compact(selected: np.ndarray, *arrays: np.ndarray, n_points: int) -> list[np.ndarray]:
    """The selected points of each row (exactly ``n_points`` per row), oldest first."""
    rows, cols = np.nonzero(selected)
    order = np.lexsort((cols, rows))
    return [a[rows[order], cols[order]].reshape(-1, n_points) for a in arrays]


def recent_trend(
    numerators: Numeric | pd.DataFrame | None,
    denominators: Numeric | pd.DataFrame | None,
    *,
    kind: TrendKind,
    multiplier: float = 1,
    values: Numeric | pd.DataFrame | None = None,
    lower: Numeric | pd.DataFrame | None = None,
    upper: Numeric | pd.DataFrame | None = None,
    n_points: int = RECENT_TREND_POINTS,
    threshold: float = TREND_CHI2_THRESHOLD,
) -> pd.DataFrame:
    """Fingertips recent-trend marker for many series at once (docs/methods.md).

    The rule of Fingertips' ``TrendMarkerCalculator`` (FingertipsNext, TrendAnalysisApp):
    take the ``n_points`` (5) most recent points with a valid value and 95 % limits
    (suppressed or missing points are skipped, as Fingertips does), number them 1..5,
    give each the weight ``1/SE²`` with ``SE = (upper − lower)/3.92`` and fit the weighted
    regression of value on that number: ``χ² = (slope/SE_slope)²``.  The same slope is
    refitted with each point left out; the marker is "increasing"/"decreasing" (the sign
    of the full slope) only if ``χ² > 9.5495`` (χ²₁ at 99,8 %) **and** all six slopes have
    the same sign (a slope counts as negative only when below zero), else "no_change".

    Inputs are 2-D, shaped (n_series, n_points), oldest to newest, NaN for missing or
    suppressed values (a DataFrame's index is kept).

    - ``kind="proportion"``: value ``x/n·multiplier`` with the Wilson 95 % interval.
    - ``kind="rate"``: value ``x/n·multiplier`` with the exact/Byar 95 % interval.
    - ``kind="mean"`` or ``"other"``: ``values`` with their 95 % ``lower``/``upper``.
    - ``kind="count"``: "cannot_calculate" (Fingertips computes no trend for counts).

    "cannot_calculate" also when there are fewer than ``n_points`` columns
    ("too_few_points"), fewer than ``n_points`` valid points ("missing_values") or, as in
    Fingertips, a valid point whose count equals its denominator ("all_events").

    Returns a DataFrame with one row per series: ``trend`` (a key of
    :data:`TREND_LABELS`), ``reason`` (a key of :data:`TREND_REASON_LABELS`), ``chi2`` and
    ``slope`` (change per point, in the value's units).

    Examples
    --------
    >>> numerators = [[10, 20, 30, 40, 50], [30, 31, 29, 30, 30]]
    >>> out = recent_trend(numerators, [[1000] * 5] * 2, kind="proportion", multiplier=100)
    >>> out["trend"].tolist()
    ['increasing', 'no_change']
    """
    _check_kind(kind, ("proportion", "rate", "mean", "count", "other"))
    source = values if kind in ("mean", "other") else numerators
    index = source.index if isinstance(source, pd.DataFrame) else None
    if kind in ("mean", "other"):
        if values is None or lower is None or upper is None:
            raise UserError(
                "Trend för medelvärden kräver värden och konfidensgränser",
                message_en=f"kind={kind!r} needs values, lower and upper",
            )
        y, low, high = np.broadcast_arrays(_as_rows(values), _as_rows(lower), _as_rows(upper))
        x = n = None
    else:
        if numerators is None or denominators is None:
            raise UserError(
                "Trend kräver täljare och nämnare",
                message_en="numerators and denominators are required",
            )
        x, n = np.broadcast_arrays(_as_rows(numerators), _as_rows(denominators))
        with np.errstate(divide="ignore", invalid="ignore"):
            y = x / n * multiplier
        interval = proportion_ci if kind == "proportion" else rate_ci
        low, high = interval(x, n, 0.95)
        low, high = np.asarray(low) * multiplier, np.asarray(high) * multiplier
    n_series, n_columns = y.shape

    trend = np.full(n_series, "cannot_calculate", dtype=object)
    reason = np.full(n_series, "too_few_points", dtype=object)
    chi2 = np.full(n_series, np.nan)
    slope = np.full(n_series, np.nan)
    if kind == "count":
        reason[:] = "value_type"
        return _trend_frame(trend, reason, chi2, slope, index)
    if n_columns < n_points:
        return _trend_frame(trend, reason, chi2, slope, index)

    with np.errstate(divide="ignore", invalid="ignore"):
        se = (high - low) / CI95_WIDTH_IN_SE
        valid = np.isfinite(y) & np.isfinite(se) & (se > 0)
        all_events = np.zeros(n_series, dtype=bool)
        if x is not None:
            valid &= np.isfinite(x) & (n > 0) & (x >= 0)
            all_events = np.any(valid & (x == n), axis=1)
    enough = valid.sum(axis=1) >= n_points
    reason[:] = np.where(enough & all_events, "all_events", "missing_values")
    usable = enough & ~all_events
    if usable.any():
        selected = _latest_points(valid[usable], n_points)
        yy, ss = _compact(selected, y[usable], se[usable], n_points=n_points)
        w = 1.0 / (ss * ss)
        t = np.broadcast_to(np.arange(1.0, n_points + 1.0), yy.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            full, row_chi2 = _weighted_sums_slope(t, yy, w)
            # Fingertips: slopeSum += slope < 0 ? -1 : 1, over all points and each left out.
            sign_sum = np.where(full < 0, -1, 1)
            for j in range(n_points):
                left_out = w.copy()
                left_out[:, j] = 0.0
                partial, _ = _weighted_sums_slope(t, yy, left_out)
                sign_sum += np.where(partial < 0, -1, 1)
        same_sign = np.abs(sign_sum) == n_points + 1
        over = np.nan_to_num(row_chi2, nan=0.0) > threshold
        significant = over & same_sign
        trend[usable] = np.select(
            [significant & (full > 0), significant & (full < 0)],
            ["increasing", "decreasing"],
            default="no_change",
        )
        reason[usable] = np.select(
            [significant, over], ["significant", "outlier"], default="not_significant"
        )
        chi2[usable] = row_chi2
        slope[usable] = full
    return _trend_frame(trend, reason, chi2, slope, index)


def _trend_frame(trend, reason, chi2, slope, index) -> pd.DataFrame:
    return pd.DataFrame(
        {"trend": trend.astype(str), "reason": reason.astype(str), "chi2": chi2, "slope": slope},
        index=index,
    )


# --------------------------------------------------------------------------- GLM trends


def _fit_glm(counts: np.ndarray, denominators: np.ndarray, exog: np.ndarray, kind: str):
    """Poisson (log offset) or binomial GLM; refit with Pearson χ²/df scale if overdispersed."""
    if kind == "rate":
        model = GLM(counts, exog, family=families.Poisson(), offset=np.log(denominators))
    else:
        endog = np.column_stack([counts, denominators - counts])
        model = GLM(endog, exog, family=families.Binomial())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit()
        dispersion = fit.pearson_chi2 / fit.df_resid if fit.df_resid > 0 else np.nan
        quasi = bool(np.isfinite(dispersion) and dispersion > 1.0)
        if quasi:
            fit = model.fit(scale="X2")
    return fit, float(dispersion), quasi


def _clean_series(counts: Numeric, denominators: Numeric, kind: str, *extra: Numeric):
    y, n = as_float_array(counts).ravel(), as_float_array(denominators).ravel()
    columns = [as_float_array(e).ravel() for e in extra]
    keep = np.isfinite(y) & (n > 0) & (y >= 0)
    if kind == "proportion":
        keep &= y <= n
    for column in columns:
        keep &= np.isfinite(column)
    return keep, y, n, columns


def _ratio_name(kind: str) -> str:
    return "rate_ratio" if kind == "rate" else "odds_ratio"


# --------------------------------------------------------------------------- change


def percent_change(
    prev_count: Numeric,
    curr_count: Numeric,
    prev_value: Numeric,
    curr_value: Numeric,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
):
    """Percent change from the previous value, NaN when either count is below ``threshold``.

    A change computed from tiny counts (1 → 5 is "+400 %") is noise and may disclose, so
    counts below the disclosure threshold (default from settings, 5) give NaN, as do a
    missing value or a previous value of 0.

    Examples
    --------
    >>> percent_change(40, 50, 4.0, 5.0)
    25.0
    >>> percent_change([1, 40], [5, 30], [1.0, 4.0], [5.0, 3.0]).tolist()
    [nan, -25.0]
    """
    c0, c1, v0, v1 = np.broadcast_arrays(
        as_float_array(prev_count),
        as_float_array(curr_count),
        as_float_array(prev_value),
        as_float_array(curr_value),
    )
    valid = (c0 >= threshold) & (c1 >= threshold) & np.isfinite(v0) & np.isfinite(v1) & (v0 != 0)
    # A huge ratio from a near-zero previous value is inf, never a warning (the caller decides
    # whether to show it: indicators.changes shows none beyond tenfold).
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = np.where(valid, (v1 - v0) / v0 * 100.0, np.nan)
    return _shaped_like(
        change, (prev_count, curr_count, prev_value, curr_value), name="percent_change"
    )


# --------------------------------------------------------------------------- interventions


def interrupted_time_series(
    counts: Numeric,
    denominators: Numeric,
    time: Numeric,
    intervention_index: int,
    *,
    kind: Literal["proportion", "rate"],
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Segmented Poisson/binomial regression around an intervention (docs/methods.md §1.9).

    ``g(E[y]) = b0 + b1·T + b2·X + b3·(T − T0)·X (+ log n for rates)`` with ``X = 1`` from
    position ``intervention_index`` on and ``T0`` the time there.  ``exp(b2)`` is the
    level change at ``T0`` and ``exp(b3)`` the change in the per-period ratio (rate ratios
    for rates, odds ratios for proportions).  Overdispersion is handled with the Pearson
    quasi-likelihood scale; autocorrelation and seasonality are not modelled, which is why
    the Swedish ``assumptions`` come with the result and must be shown with it.

    Examples
    --------
    >>> t = np.arange(12)
    >>> expected = 10_000 * 0.01 * np.where(t >= 6, 0.5, 1.0)
    >>> out = interrupted_time_series(expected.round(), [10_000] * 12, t, 6, kind="rate")
    >>> round(out["level_change"], 2)
    0.5
    """
    _check_kind(kind, ("proportion", "rate"))
    _z_for(confidence)
    y_all, n_all, t_all = (as_float_array(v).ravel() for v in (counts, denominators, time))
    if not 2 <= intervention_index <= len(t_all) - 2:
        raise UserError(
            "Insatsen måste ha minst två tidpunkter före och två efter",
            message_en="the intervention needs at least two points before and two after",
        )
    t0 = t_all[intervention_index]
    after = (np.arange(len(t_all)) >= intervention_index).astype(float)
    keep, y, n, _ = _clean_series(y_all, n_all, kind, t_all)
    if keep[:intervention_index].sum() < 2 or keep[intervention_index:].sum() < 2:
        raise UserError(
            "För få giltiga tidpunkter före eller efter insatsen",
            message_en="too few valid points before or after the intervention",
        )
    t, x = t_all[keep], after[keep]
    exog = np.column_stack([np.ones_like(t), t - t0, x, (t - t0) * x])
    fit, dispersion, quasi = _fit_glm(y[keep], n[keep], exog, kind)
    ci = np.exp(np.asarray(fit.conf_int(alpha=1.0 - confidence)))
    return {
        "kind": kind,
        "ratio_kind": _ratio_name(kind),
        "pre_trend_per_period": float(np.exp(fit.params[1])),
        "pre_trend_ci": (float(ci[1, 0]), float(ci[1, 1])),
        "level_change": float(np.exp(fit.params[2])),
        "level_change_ci": (float(ci[2, 0]), float(ci[2, 1])),
        "level_change_p": float(fit.pvalues[2]),
        "slope_change": float(np.exp(fit.params[3])),
        "slope_change_ci": (float(ci[3, 0]), float(ci[3, 1])),
        "slope_change_p": float(fit.pvalues[3]),
        "dispersion": dispersion,
        "quasi_likelihood": quasi,
        "n_points": int(keep.sum()),
        "assumptions": list(ITS_ASSUMPTIONS_SV),
    }
