"""Shared statistics for indicators: intervals, benchmark verdicts, funnels, smoothing.

Every function is vectorised: it takes scalars, numpy arrays or pandas Series (used
positionally) and returns the same kind: scalars in give Python floats (or ``str`` /
``bool``) out; a Series in gives a Series out with the index of the first Series
argument; anything else gives a numpy array.  Impossible inputs (a zero or missing
denominator, a numerator above its denominator, a negative count) give NaN, never an
exception, so one bad cell cannot stop a national table.

Methods follow PHE Fingertips / PHEindicatormethods; see docs/methods.md §1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import gamma, norm, poisson
from scipy.stats import t as student_t

from common.errors import UserError

Numeric = float | int | np.ndarray | pd.Series | Sequence[float]
Direction = Literal["higher_is_worse", "higher_is_better", "none"]

#: Below this many events a rate interval is exact Poisson, from it Byar's (PHE rule).
BYAR_MIN_EVENTS = 10
DEFAULT_FUNNEL_LEVELS = (0.95, 0.998)
DIRECTIONS = ("higher_is_worse", "higher_is_better", "none")

#: Verdict of :func:`compare_to_benchmark`, oriented by the indicator's direction.
VERDICT_LABELS: dict[str, dict[str, str]] = {
    "higher_worse": {"sv": "Signifikant högre (sämre)", "en": "Significantly higher (worse)"},
    "higher_better": {"sv": "Signifikant högre (bättre)", "en": "Significantly higher (better)"},
    "lower_worse": {"sv": "Signifikant lägre (sämre)", "en": "Significantly lower (worse)"},
    "lower_better": {"sv": "Signifikant lägre (bättre)", "en": "Significantly lower (better)"},
    "higher": {"sv": "Signifikant högre", "en": "Significantly higher"},
    "lower": {"sv": "Signifikant lägre", "en": "Significantly lower"},
    "similar": {"sv": "Ingen signifikant skillnad", "en": "No significant difference"},
    "not_compared": {"sv": "Kan inte jämföras", "en": "Cannot be compared"},
}

#: Flags of :func:`funnel_flags` for the default levels (95 % and 99,8 %), as in
#: PHEindicatormethods ``assign_funnel_significance``.
FUNNEL_FLAG_LABELS: dict[str, dict[str, str]] = {
    "high_0.001": {"sv": "Hög (0,001)", "en": "High (0.001)"},
    "high_0.025": {"sv": "Hög (0,025)", "en": "High (0.025)"},
    "within": {"sv": "Inom gränserna", "en": "Within limits"},
    "low_0.025": {"sv": "Låg (0,025)", "en": "Low (0.025)"},
    "low_0.001": {"sv": "Låg (0,001)", "en": "Low (0.001)"},
    "not_compared": {"sv": "Kan inte jämföras", "en": "Cannot be compared"},
}


# --------------------------------------------------------------------------- inputs


def as_float_array(value: Any) -> np.ndarray:
    """A float numpy array from a scalar, sequence, array or (nullable) pandas object.

    Examples
    --------
    >>> as_float_array(pd.Series([1, None], dtype="Int64")).tolist()
    [1.0, nan]
    """
    if value is None:
        return np.asarray(np.nan)
    if isinstance(value, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        return np.asarray(value.to_numpy(dtype=float, na_value=np.nan))
    return np.asarray(value, dtype=float)


def _shaped_like(result: np.ndarray, inputs: Sequence[Any], *, name: str | None = None) -> Any:
    """Give ``result`` the kind of its inputs (see the module docstring)."""
    for value in inputs:
        if isinstance(value, pd.Series) and result.ndim == 1 and len(value) == len(result):
            return pd.Series(result, index=value.index, name=name)
    if result.ndim == 0:
        return result.item()
    return result


def _z_for(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level strictly between 0 and 1."""
    if not (isinstance(confidence, int | float) and 0.0 < float(confidence) < 1.0):
        raise UserError(
            f"Konfidensnivån måste ligga mellan 0 och 1 (t.ex. 0,95), inte {confidence!r}",
            message_en=f"confidence must be between 0 and 1, not {confidence!r}",
        )
    return float(norm.ppf(1.0 - (1.0 - float(confidence)) / 2.0))


def _level_tag(level: float) -> str:
    """Column tag of a level: 0.95 -> '95', 0.998 -> '998'."""
    return format(round(level * 100, 6), "g").replace(".", "")


def _tail_code(level: float) -> str:
    """One-sided tail probability of a level as used in flags: 0.95 -> '0.025'."""
    return format(round((1.0 - level) / 2.0, 6), "g")


# --------------------------------------------------------------------------- intervals


def proportion_ci(numerator: Numeric, denominator: Numeric, confidence: float = 0.95):
    """Wilson score interval for a proportion, on the 0..1 scale (docs/methods.md §1.1).

    Returns ``(lower, upper)``.  ``numerator == 0`` gives a lower limit of exactly 0 and
    ``numerator == denominator`` an upper limit of exactly 1.  Missing or non-positive
    denominators, negative numerators and numerators above the denominator give NaN.

    Examples
    --------
    >>> lower, upper = proportion_ci(3, 300)
    >>> round(lower, 8), round(upper, 7)
    (0.00340662, 0.0289835)
    """
    z = _z_for(confidence)
    x, n = np.broadcast_arrays(as_float_array(numerator), as_float_array(denominator))
    valid = (n > 0) & (x >= 0) & (x <= n)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(z * z + 4.0 * x * (1.0 - x / n))
        centre = 2.0 * x + z * z
        scale = 2.0 * (n + z * z)
        lower = np.where(valid, (centre - root) / scale, np.nan)
        upper = np.where(valid, (centre + root) / scale, np.nan)
    # The formula gives 0 and 1 at the edges only up to rounding; make them exact.
    lower = np.where(valid & (x == 0), 0.0, lower)
    upper = np.where(valid & (x == n), 1.0, upper)
    inputs = (numerator, denominator)
    return (
        _shaped_like(lower, inputs, name="lower"),
        _shaped_like(upper, inputs, name="upper"),
    )


def poisson_count_ci(count: Numeric, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval for an event count: exact Poisson below 10 events, Byar's from 10.

    This is PHEindicatormethods' ``phe_rate`` rule (docs/methods.md §1.2).  Always returns
    numpy arrays (the building block of :func:`rate_ci`).

    Examples
    --------
    >>> [round(float(v), 4) for v in poisson_count_ci(7)]
    [2.8144, 14.4227]
    """
    z = _z_for(confidence)
    alpha = 1.0 - confidence
    x = as_float_array(count)
    valid = x >= 0
    exact = valid & (x < BYAR_MIN_EVENTS)
    byar = valid & (x >= BYAR_MIN_EVENTS)
    lower = np.full(x.shape, np.nan)
    upper = np.full(x.shape, np.nan)
    if exact.any():
        xe = x[exact]
        # gamma.ppf(q, x) == qchisq(q, 2x) / 2; the lower limit is 0 at x == 0.
        lower[exact] = np.where(xe > 0, gamma.ppf(alpha / 2.0, np.maximum(xe, 1e-300)), 0.0)
        upper[exact] = gamma.ppf(1.0 - alpha / 2.0, xe + 1.0)
    if byar.any():
        xb = x[byar]
        lower[byar] = xb * (1.0 - 1.0 / (9.0 * xb) - z / (3.0 * np.sqrt(xb))) ** 3
        xb1 = xb + 1.0
        upper[byar] = xb1 * (1.0 - 1.0 / (9.0 * xb1) + z / (3.0 * np.sqrt(xb1))) ** 3
        # Byar's lower limit turns negative only at absurd confidence levels.
        lower[byar] = np.maximum(lower[byar], 0.0)
    return lower, upper


def rate_ci(
    count: Numeric,
    denominator: Numeric,
    confidence: float = 0.95,
    multiplier: float = 1,
):
    """Interval for a crude rate, in units of ``multiplier`` (e.g. per 1 000).

    Exact Poisson (gamma/chi-square form) below 10 events, Byar's approximation from 10
    events, as PHE Fingertips does (docs/methods.md §1.2).  Returns ``(lower, upper)``.
    Missing or non-positive denominators and negative counts give NaN.

    Examples
    --------
    >>> lower, upper = rate_ci(7, 800, multiplier=1000)
    >>> round(lower, 5), round(upper, 4)
    (3.51795, 18.0283)
    """
    lower_count, upper_count = poisson_count_ci(count, confidence)
    n = as_float_array(denominator)
    lower_count, upper_count, n = np.broadcast_arrays(lower_count, upper_count, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n > 0, np.asarray(multiplier, dtype=float) / n, np.nan)
    inputs = (count, denominator)
    return (
        _shaped_like(lower_count * factor, inputs, name="lower"),
        _shaped_like(upper_count * factor, inputs, name="upper"),
    )


def mean_ci(
    total: Numeric,
    n: Numeric,
    sd: Numeric | None = None,
    confidence: float = 0.95,
):
    """Interval for a mean (e.g. merit value) from its total, count and standard deviation.

    Uses Student's t with ``n - 1`` degrees of freedom: ``mean ± t · sd / sqrt(n)``
    (as PHEindicatormethods ``phe_mean``; for large ``n`` this is the normal
    approximation).  There is no default variance: where ``sd`` is missing (or not
    given at all), or ``n < 2``, the limits are NaN.  Returns ``(lower, upper)``.

    Examples
    --------
    >>> lower, upper = mean_ci(22_500, 100, sd=40)
    >>> round(lower, 3), round(upper, 3)
    (217.063, 232.937)
    """
    _z_for(confidence)  # validates the level with a user-readable error
    s_total, count, sd_values = np.broadcast_arrays(
        as_float_array(total), as_float_array(n), as_float_array(sd)
    )
    valid = (count >= 2) & (sd_values >= 0) & np.isfinite(s_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s_total / count
        t_value = student_t.ppf(1.0 - (1.0 - confidence) / 2.0, np.where(valid, count - 1, 1))
        half = t_value * sd_values / np.sqrt(count)
    lower = np.where(valid, mean - half, np.nan)
    upper = np.where(valid, mean + half, np.nan)
    inputs = (total, n, sd)
    return (
        _shaped_like(lower, inputs, name="lower"),
        _shaped_like(upper, inputs, name="upper"),
    )


# --------------------------------------------------------------------------- benchmark


def _direction_array(direction: Any) -> np.ndarray:
    values = np.asarray(
        direction.to_numpy(dtype=object) if isinstance(direction, pd.Series) else direction,
        dtype=object,
    )
    known = np.zeros(values.shape, dtype=bool)
    for name in DIRECTIONS:
        known |= values == name
    if not known.all():
        unknown = sorted({str(v) for v in pd.unique(values[~known].ravel())})[:5]
        raise UserError(
            f"Okänd riktning {', '.join(unknown)}; tillåtna är {', '.join(DIRECTIONS)}",
            message_en=f"unknown direction {unknown}; allowed: {DIRECTIONS}",
        )
    return values


def compare_to_benchmark(
    lower: Numeric,
    upper: Numeric,
    benchmark: Numeric,
    *,
    direction: Direction | Sequence[str] | np.ndarray | pd.Series,
):
    """Fingertips verdict of an area against a benchmark value (docs/methods.md §1.3).

    The benchmark is treated as fixed: below the area's interval means the area is
    significantly higher, above it significantly lower, inside it (limits included) no
    significant difference; any NaN means it cannot be compared.  ``direction``
    (scalar or one per row) orients the verdict into better/worse; "none" gives plain
    "higher"/"lower".  Codes are keys of :data:`VERDICT_LABELS`.

    Examples
    --------
    >>> compare_to_benchmark(0.12, 0.20, 0.10, direction="higher_is_worse")
    'higher_worse'
    >>> compare_to_benchmark([0.12, 0.05, None], [0.20, 0.11, None], 0.10,
    ...                      direction="higher_is_better").tolist()
    ['higher_better', 'similar', 'not_compared']
    """
    low, high, bench = np.broadcast_arrays(
        as_float_array(lower), as_float_array(upper), as_float_array(benchmark)
    )
    directions = np.broadcast_to(_direction_array(direction), low.shape)
    comparable = np.isfinite(low) & np.isfinite(high) & np.isfinite(bench)
    higher = comparable & (bench < low)
    lower_than = comparable & (bench > high)
    worse_if_high = directions == "higher_is_worse"
    better_if_high = directions == "higher_is_better"
    codes = np.select(
        [
            ~comparable,
            higher & worse_if_high,
            higher & better_if_high,
            higher,
            lower_than & worse_if_high,
            lower_than & better_if_high,
            lower_than,
        ],
        [
            "not_compared",
            "higher_worse",
            "higher_better",
            "higher",
            "lower_better",
            "lower_worse",
            "lower",
        ],
        default="similar",
    )
    return _shaped_like(codes, (lower, upper, benchmark, direction), name="verdict")


# --------------------------------------------------------------------------- funnels


def _funnel_frame(n: Any, n_values: np.ndarray, baseline: Any, columns: dict) -> pd.DataFrame:
    index = n.index if isinstance(n, pd.Series) else None
    frame = {"n": n_values, "baseline": np.broadcast_to(baseline, n_values.shape)}
    frame.update(columns)
    return pd.DataFrame(frame, index=index)


def funnel_limits_proportion(
    p0: float, n: Numeric, *, levels: Sequence[float] = DEFAULT_FUNNEL_LEVELS
) -> pd.DataFrame:
    """Funnel-plot control limits for a proportion ``p0`` at denominators ``n``.

    PHE's Wilson-based limits (``sigma_adjustment``), which equal the normal
    approximation with the null variance: ``p0 ± z·sqrt(p0(1 − p0)/n)``, clipped to
    0..1 (docs/methods.md §1.5).  Columns: ``n``, ``baseline``, then ``lower_95``,
    ``upper_95``, ``lower_998``, ``upper_998`` (one pair per level).

    Examples
    --------
    >>> limits = funnel_limits_proportion(0.05, [300])
    >>> limits.iloc[0, 2:].astype(float).round(7).tolist()
    [0.0253377, 0.0746623, 0.0111154, 0.0888846]
    """
    n_values = np.atleast_1d(as_float_array(n))
    baseline = float(p0)
    columns = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(n_values > 0, np.sqrt(baseline * (1.0 - baseline) / n_values), np.nan)
    for level in levels:
        z = _z_for(level)
        tag = _level_tag(level)
        columns[f"lower_{tag}"] = np.clip(baseline - z * spread, 0.0, 1.0)
        columns[f"upper_{tag}"] = np.clip(baseline + z * spread, 0.0, 1.0)
    return _funnel_frame(n, n_values, baseline, columns)


def funnel_limits_rate(
    r0: float,
    n: Numeric,
    *,
    multiplier: float = 1,
    levels: Sequence[float] = DEFAULT_FUNNEL_LEVELS,
) -> pd.DataFrame:
    """Exact Poisson funnel-plot control limits for a rate ``r0`` (per ``multiplier``).

    As PHEindicatormethods ``phe_funnels(statistic = "rate")``: with expected count
    ``E = r0 · n / multiplier`` the upper limit is the (continuous) count whose exact
    lower confidence limit equals ``E`` and the lower limit the count whose exact upper
    limit equals ``E``, so a point lies outside the funnel exactly when its exact
    interval excludes the baseline.  Solved in closed form with the inverse regularised
    gamma function in its shape parameter (``scipy.special.gdtrib``) instead of PHE's
    bisection.  Columns as :func:`funnel_limits_proportion`, in units of ``multiplier``.

    Examples
    --------
    >>> limits = funnel_limits_rate(10.0, [1000], multiplier=1000)
    >>> limits.iloc[0, 2:].astype(float).round(3).tolist()
    [3.834, 17.127, 1.371, 21.571]
    """
    n_values = np.atleast_1d(as_float_array(n))
    baseline = float(r0)
    expected = np.where(n_values > 0, baseline / multiplier * n_values, np.nan)
    positive = expected > 0
    safe_expected = np.where(positive, expected, 1.0)
    columns = {}
    for level in levels:
        _z_for(level)
        tail = (1.0 - level) / 2.0
        tag = _level_tag(level)
        # gdtr(1, b, E) = P(Gamma(shape b) <= E); exact upper limit of count c is the E
        # with gdtr(1, c + 1, E) = 1 - tail, exact lower limit the E with gdtr(1, c, E) = tail.
        lower_count = np.maximum(special.gdtrib(1.0, 1.0 - tail, safe_expected) - 1.0, 0.0)
        upper_count = special.gdtrib(1.0, tail, safe_expected)
        with np.errstate(divide="ignore", invalid="ignore"):
            columns[f"lower_{tag}"] = np.where(
                positive, lower_count / n_values * multiplier, np.nan
            )
            columns[f"upper_{tag}"] = np.where(
                positive, upper_count / n_values * multiplier, np.nan
            )
    return _funnel_frame(n, n_values, baseline, columns)


@dataclass(frozen=True)
class OverdispersionResult:
    """Outcome of :func:`overdispersion_adjusted_limits`.

    ``phi`` is the (winsorised) dispersion factor, ``tau2`` the between-area variance
    added to every unit (0 when the data are not overdispersed), ``z_scores`` the
    unadjusted z-score of each unit and ``limits`` the widened control limits.
    """

    baseline: float
    phi: float
    tau2: float
    z_scores: np.ndarray
    limits: pd.DataFrame


def overdispersion_adjusted_limits(
    numerators: Numeric,
    denominators: Numeric,
    *,
    kind: Literal["proportion", "rate"],
    multiplier: float = 1,
    levels: Sequence[float] = DEFAULT_FUNNEL_LEVELS,
    limits_n: Numeric | None = None,
    winsor: float = 0.10,
) -> OverdispersionResult:
    """Funnel limits widened for overdispersion (Spiegelhalter 2005, additive random effects).

    For each unit ``z = (y − y0)/s`` with the null standard error ``s`` (binomial
    ``sqrt(p0(1 − p0)/n)`` or Poisson ``sqrt(r0/n)``, per-person scale).  The z-scores
    are winsorised at the ``winsor`` and ``1 − winsor`` quantiles, ``phi`` = mean of the
    winsorised z².  If ``k·phi > k − 1`` (k units),
    ``tau² = (k·phi − (k − 1)) / (Σw − Σw²/Σw)`` with ``w = 1/s²``, otherwise 0; limits
    are ``y0 ± z·sqrt(s² + tau²)`` (normal approximation, also for rates; clipped at 0,
    and at 1 for proportions).  With ``tau² = 0`` they equal the normal-approximation
    limits (for proportions: exactly :func:`funnel_limits_proportion`).  Limits are
    given at ``limits_n`` (default: each unit's own denominator).

    Examples
    --------
    >>> result = overdispersion_adjusted_limits([5, 10, 20, 40], [100, 100, 100, 100],
    ...                                         kind="proportion")
    >>> result.tau2 > 0
    True
    """
    if kind not in ("proportion", "rate"):
        raise UserError(
            f"Okänd typ {kind!r} för trattdiagram; tillåtna är proportion och rate",
            message_en=f"unknown kind {kind!r}; use 'proportion' or 'rate'",
        )
    x, n = np.broadcast_arrays(
        np.atleast_1d(as_float_array(numerators)), np.atleast_1d(as_float_array(denominators))
    )
    valid = np.isfinite(x) & (n > 0) & (x >= 0)
    if kind == "proportion":
        valid &= x <= n
    if valid.sum() < 2:
        raise UserError(
            "Minst två områden med giltiga värden behövs för att skatta överspridning",
            message_en="at least two valid units are needed to estimate overdispersion",
        )
    baseline = x[valid].sum() / n[valid].sum()

    def variance(at_n: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = baseline * (1.0 - baseline) if kind == "proportion" else baseline
            return np.where(at_n > 0, unit / at_n, np.nan)

    s2 = variance(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_scores = np.where(valid, (x / n - baseline) / np.sqrt(s2), np.nan)
    z_valid = z_scores[valid]
    low_q, high_q = np.quantile(z_valid, [winsor, 1.0 - winsor])
    phi = float(np.mean(np.clip(z_valid, low_q, high_q) ** 2))
    k = int(valid.sum())
    tau2 = 0.0
    if k * phi > k - 1:
        w = 1.0 / s2[valid]
        tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w * w).sum() / w.sum()))

    at_n = n if limits_n is None else np.atleast_1d(as_float_array(limits_n))
    spread = np.sqrt(variance(at_n) + tau2)
    scale = 1.0 if kind == "proportion" else float(multiplier)
    upper_cap = 1.0 if kind == "proportion" else np.inf
    columns = {}
    for level in levels:
        z = _z_for(level)
        tag = _level_tag(level)
        columns[f"lower_{tag}"] = np.clip(baseline - z * spread, 0.0, upper_cap) * scale
        columns[f"upper_{tag}"] = np.clip(baseline + z * spread, 0.0, upper_cap) * scale
    limits_source = denominators if limits_n is None else limits_n
    limits = _funnel_frame(limits_source, at_n, baseline * scale, columns)
    return OverdispersionResult(
        baseline=float(baseline * scale),
        phi=phi,
        tau2=float(tau2),
        z_scores=z_scores,
        limits=limits,
    )


def funnel_flags(
    value: Numeric,
    limits: pd.DataFrame | Mapping[str, Numeric],
    *,
    levels: Sequence[float] = DEFAULT_FUNNEL_LEVELS,
):
    """Where each value lies against its funnel limits (PHE ``assign_funnel_significance``).

    ``limits`` holds ``lower_<tag>``/``upper_<tag>`` for each level, evaluated at each
    unit's own denominator, in the same units as ``value`` (e.g. the frame returned by
    :func:`funnel_limits_proportion` for the units' denominators).  Codes: "high_0.001",
    "high_0.025", "within", "low_0.025", "low_0.001" (the widest limit crossed, strictly),
    "not_compared" for NaN; see :data:`FUNNEL_FLAG_LABELS`.

    Examples
    --------
    >>> limits = funnel_limits_proportion(0.05, [300, 300, 300])
    >>> funnel_flags([0.10, 0.08, 0.05], limits).tolist()
    ['high_0.001', 'high_0.025', 'within']
    """
    values = np.atleast_1d(as_float_array(value))
    codes = np.full(values.shape, "within", dtype=object)
    comparable = np.isfinite(values)
    for level in sorted(levels):  # widest level last, so it wins
        tag, tail = _level_tag(level), _tail_code(level)
        lower = np.broadcast_to(as_float_array(limits[f"lower_{tag}"]), values.shape)
        upper = np.broadcast_to(as_float_array(limits[f"upper_{tag}"]), values.shape)
        comparable &= np.isfinite(lower) & np.isfinite(upper)
        codes = np.where(values > upper, f"high_{tail}", codes)
        codes = np.where(values < lower, f"low_{tail}", codes)
    codes = np.where(comparable, codes, "not_compared").astype(str)
    if np.ndim(as_float_array(value)) == 0:
        return str(codes[0])
    return _shaped_like(codes, (value,), name="funnel_flag")


# --------------------------------------------------------------------------- smoothing, alerts


def eb_smoothed_rate(count: Numeric, denominator: Numeric, *, multiplier: float = 1):
    """Marshall (1991) global empirical Bayes rates, in units of ``multiplier`` (docs/methods.md §1.6).

    Method of moments: ``m = Σy/Σn``, ``s² = Σn(r − m)²/Σn``, ``A = max(0, s² − m/n̄)``,
    ``w = A/(A + m/n)``, ``EB = w·r + (1 − w)·m``.  Units with a missing count or a
    non-positive denominator are left out of the estimate and get NaN.  Show only beside
    the crude rate, labelled as smoothed.

    Examples
    --------
    >>> eb_smoothed_rate([2, 25, 30], [400, 1000, 5000], multiplier=1000).round(3).tolist()
    [6.316, 22.283, 6.113]
    """
    y, n = np.broadcast_arrays(
        np.atleast_1d(as_float_array(count)), np.atleast_1d(as_float_array(denominator))
    )
    valid = np.isfinite(y) & (y >= 0) & (n > 0)
    result = np.full(y.shape, np.nan)
    if valid.any():
        yv, nv = y[valid], n[valid]
        rates = yv / nv
        m = yv.sum() / nv.sum()
        n_bar = nv.sum() / len(nv)
        s2 = (nv * (rates - m) ** 2).sum() / nv.sum()
        a = max(0.0, s2 - m / n_bar)
        weight = a / (a + m / nv) if a > 0 else np.zeros_like(nv)
        result[valid] = (weight * rates + (1.0 - weight) * m) * multiplier
    if np.ndim(as_float_array(count)) == 0 and np.ndim(as_float_array(denominator)) == 0:
        return float(result[0])
    return _shaped_like(result, (count, denominator), name="eb_rate")


def weekly_excess(
    this_week: Numeric,
    previous_weeks_mean: Numeric,
    *,
    alpha: float = 0.01,
    min_count: int = 3,
):
    """Poisson upper-tail check of this week's count against the mean of previous weeks.

    ``p = P(X ≥ x | λ)`` with ``λ`` the previous weeks' mean (docs/methods.md §1.10); flagged
    when ``p < alpha`` and ``x ≥ min_count``.  It ignores the uncertainty in ``λ`` and
    seasonality: present it as "ovanligt hög vecka", not as evidence.  Missing inputs give
    ``p`` NaN and no flag.  Returns ``(p, flag)``.

    Examples
    --------
    >>> p, flag = weekly_excess(10, 4.0)
    >>> round(p, 8), flag
    (0.00813224, True)
    """
    x, lam = np.broadcast_arrays(as_float_array(this_week), as_float_array(previous_weeks_mean))
    valid = np.isfinite(x) & np.isfinite(lam) & (x >= 0) & (lam >= 0)
    with np.errstate(invalid="ignore"):
        # sf(x - 1) = P(X >= x); ceil so that a fractional count is not flattered.
        p = np.where(valid, poisson.sf(np.ceil(x) - 1.0, np.where(valid, lam, 0.0)), np.nan)
    flag = valid & (p < alpha) & (x >= min_count)
    inputs = (this_week, previous_weeks_mean)
    return _shaped_like(p, inputs, name="p_value"), _shaped_like(flag, inputs, name="flag")
