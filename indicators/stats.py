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
from scipy.stats import betabinom, binom, gamma, norm
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
        # Small counts repeat (0..9 events): the quantiles once per distinct count.
        xe, at = np.unique(x[exact], return_inverse=True)
        # gamma.ppf(q, x) == qchisq(q, 2x) / 2; the lower limit is 0 at x == 0.
        lower[exact] = np.where(xe > 0, gamma.ppf(alpha / 2.0, np.maximum(xe, 1e-300)), 0.0)[at]
        upper[exact] = gamma.ppf(1.0 - alpha / 2.0, xe + 1.0)[at]
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


#: Verdict codes in the order of :func:`verdict_index`.
VERDICT_CODES = (
    "not_compared",
    "higher_worse",
    "higher_better",
    "higher",
    "lower_better",
    "lower_worse",
    "lower",
    "similar",
)


def verdict_index(
    low: np.ndarray,
    high: np.ndarray,
    bench: np.ndarray,
    *,
    worse_if_high: np.ndarray,
    better_if_high: np.ndarray,
) -> np.ndarray:
    """The rule of :func:`compare_to_benchmark` as positions in :data:`VERDICT_CODES` (float
    arrays and boolean direction masks of one shape): no text per row, so the national table
    maps 1,9 M verdicts through one small label array.

    >>> VERDICT_CODES[verdict_index(np.array([0.12]), np.array([0.2]), np.array([0.1]),
    ...     worse_if_high=np.array([True]), better_if_high=np.array([False]))[0]]
    'higher_worse'
    """
    comparable = np.isfinite(low) & np.isfinite(high) & np.isfinite(bench)
    higher = comparable & (bench < low)
    lower_than = comparable & (bench > high)
    return np.select(
        [
            ~comparable,
            higher & worse_if_high,
            higher & better_if_high,
            higher,
            lower_than & worse_if_high,
            lower_than & better_if_high,
            lower_than,
        ],
        [0, 1, 2, 3, 4, 5, 6],
        default=7,
    )


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
    index = verdict_index(
        low,
        high,
        bench,
        worse_if_high=directions == "higher_is_worse",
        better_if_high=directions == "higher_is_better",
    )
    codes = np.asarray(VERDICT_CODES)[index]
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


# --------------------------------------------------------------------------- smoothing


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


# --------------------------------------------------------------------------- overdispersion

#: Fewest units (districts) from which a dispersion factor is estimated; below it φ = 1.
MIN_UNITS_FOR_DISPERSION = 5


def dispersion_factor(
    numerator: Numeric,
    denominator: Numeric,
    *,
    kind: Literal["proportion", "rate"],
    winsor: float = 0.10,
    min_units: int = MIN_UNITS_FOR_DISPERSION,
) -> float:
    """Spiegelhalter's overdispersion factor φ of a set of units (districts) in one year.

    ``z = (y − y0)/s`` against the pooled ``y0 = Σx/Σn`` with the null standard error
    ``s`` (binomial ``sqrt(y0(1 − y0)/n)``, Poisson ``sqrt(y0/n)``); the z-scores are
    winsorised at the ``winsor`` and ``1 − winsor`` quantiles and ``φ = mean(z²)``
    (Spiegelhalter 2005, "Handling over-dispersion of performance indicators"; docs/methods.md,
    "Overdispersion").  φ ≈ 1 when the units differ no more than chance allows; φ > 1
    means real differences between them, so a plain binomial/Poisson interval is too
    narrow for saying a unit "differs".  NaN with fewer than ``min_units`` valid units.

    Examples
    --------
    >>> round(dispersion_factor([50, 52, 48, 51, 49, 50], [500] * 6, kind="proportion"), 2)
    0.02
    >>> dispersion_factor([20, 60, 35, 90, 10, 50], [500] * 6, kind="proportion") > 5
    True
    """
    x, n = np.broadcast_arrays(
        np.atleast_1d(as_float_array(numerator)), np.atleast_1d(as_float_array(denominator))
    )
    valid = np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0)
    if kind == "proportion":
        valid &= x <= n
    if valid.sum() < max(min_units, 2):
        return float("nan")
    x, n = x[valid], n[valid]
    y0 = x.sum() / n.sum()
    unit_var = y0 * (1.0 - y0) if kind == "proportion" else y0
    if unit_var <= 0:
        return float("nan")
    z = (x / n - y0) / np.sqrt(unit_var / n)
    low, high = np.quantile(z, [winsor, 1.0 - winsor])
    return float(np.mean(np.clip(z, low, high) ** 2))


def dispersion_by_group(
    frame: pd.DataFrame,
    *,
    units: pd.Series | np.ndarray,
    groups: Sequence[str] = ("indicator_id", "period"),
) -> pd.Series:
    """φ of :func:`dispersion_factor` per group (indicator × year), mapped back to every row.

    ``frame`` has ``kind``, ``numerator`` and ``denominator``; ``units`` marks the rows
    that estimate φ (the districts).  Rows of kinds other than proportion and rate, and
    groups with too few units, get NaN.

    Examples
    --------
    >>> f = pd.DataFrame({"indicator_id": "i", "period": "2024", "kind": "proportion",
    ...                   "numerator": [20, 60, 35, 90, 10, 50, 265],
    ...                   "denominator": [500] * 6 + [3000]})
    >>> phi = dispersion_by_group(f, units=[True] * 6 + [False])
    >>> bool(phi.nunique() == 1 and phi.iloc[0] > 5)
    True
    """
    unit_mask = np.asarray(units, dtype=bool)
    # One integer group code per row (NaN keys: no group), rows of a group gathered by one
    # stable sort: no per-row Python (docs/published.md "Speed").
    group = np.zeros(len(frame), dtype=np.int64)
    for column in groups:
        codes, uniques = pd.factorize(frame[column])
        group = np.where((group < 0) | (codes < 0), -1, group * max(len(uniques), 1) + codes)
    compact = np.full(len(group), -1, dtype=np.int64)
    compact[group >= 0] = pd.factorize(group[group >= 0])[0]
    group = compact
    kind = frame["kind"]
    fit = np.flatnonzero(unit_mask & kind.isin(["proportion", "rate"]).to_numpy() & (group >= 0))
    # One slot per group and a last, never-filled one that rows without a group (-1) read.
    phi_of_group = np.full(int(group.max()) + 2 if len(group) else 1, np.nan)
    if len(fit):
        fit = fit[np.argsort(group[fit], kind="stable")]
        starts = np.flatnonzero(np.r_[True, group[fit][1:] != group[fit][:-1]])
        numerator = frame["numerator"].to_numpy(float)
        denominator = frame["denominator"].to_numpy(float)
        for rows in np.split(fit, starts[1:]):
            phi_of_group[group[rows[0]]] = dispersion_factor(
                numerator[rows], denominator[rows], kind=kind.iloc[rows[0]]
            )
    return pd.Series(phi_of_group[group], index=frame.index, name="phi")


def quasi_interval(
    numerator: Numeric,
    denominator: Numeric,
    phi: Numeric,
    *,
    kind: Literal["proportion", "rate"],
    confidence: float = 0.95,
):
    """Quasi-binomial / quasi-Poisson interval: the usual interval with variance × φ.

    Computed as the Wilson (proportions) or exact/Byar (rates) interval of the effective
    counts ``x/φ`` out of ``n/φ`` — the same estimate ``x/n`` with φ times the variance
    (docs/methods.md, "Overdispersion").  φ ≤ 1 or NaN leaves the interval unchanged
    (never narrower than the plain one).  Returns ``(lower, upper)`` on the 0..1 (or
    per-person) scale.

    Examples
    --------
    >>> plain = proportion_ci(30, 300)
    >>> wide = quasi_interval(30, 300, 4.0, kind="proportion")
    >>> wide[0] < plain[0] < plain[1] < wide[1]
    True
    >>> quasi_interval(30, 300, 0.5, kind="proportion") == plain
    True
    """
    x, n, f = np.broadcast_arrays(
        as_float_array(numerator), as_float_array(denominator), as_float_array(phi)
    )
    scale = np.where(np.isfinite(f) & (f > 1.0), f, 1.0)
    interval = proportion_ci if kind == "proportion" else rate_ci
    lower, upper = interval(x / scale, n / scale, confidence)
    inputs = (numerator, denominator, phi)
    return (
        _shaped_like(np.asarray(lower, dtype=float), inputs, name="lower"),
        _shaped_like(np.asarray(upper, dtype=float), inputs, name="upper"),
    )


def sd_from_sums(total: Numeric, n: Numeric, sum_squares: Numeric):
    """Sample standard deviation from the sum, count and sum of squares of the scores.

    ``sd = sqrt((Σy² − (Σy)²/n) / (n − 1))``; sums of squares add up over areas and
    periods, so a district's spread follows from its schools' (or stadsdelar's) sums.
    NaN where the sum of squares is missing, ``n < 2`` or the inputs are inconsistent.

    Examples
    --------
    >>> round(sd_from_sums(6.0, 3, 14.0), 6)
    1.0
    """
    s, count, ss = np.broadcast_arrays(
        as_float_array(total), as_float_array(n), as_float_array(sum_squares)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (ss - s * s / count) / (count - 1.0)
    ok = np.isfinite(variance) & (count >= 2) & (variance >= -1e-9 * np.abs(ss))
    sd = np.where(ok, np.sqrt(np.clip(variance, 0.0, None)), np.nan)
    return _shaped_like(sd, (total, n, sum_squares), name="sd")


# --------------------------------------------------------------------------- many comparisons


def benjamini_hochberg(p_values: Numeric, *, q: float = 0.05):
    """Benjamini–Hochberg: which of many tests stay significant at false-discovery rate q.

    Sort the m p-values, find the largest k with ``p_(k) ≤ k·q/m`` and reject the k
    smallest.  NaN p-values are not tests (never rejected, not counted in m).

    Examples
    --------
    >>> benjamini_hochberg([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205], q=0.05).tolist()
    [True, True, False, False, False, False, False, False]
    """
    p = np.atleast_1d(as_float_array(p_values))
    tested = np.isfinite(p)
    reject = np.zeros(p.shape, dtype=bool)
    m = int(tested.sum())
    if m:
        order = np.argsort(np.where(tested, p, np.inf), kind="stable")[:m]
        ranked = p[order]
        passing = np.nonzero(ranked <= q * np.arange(1, m + 1) / m)[0]
        if passing.size:
            reject[order[: passing[-1] + 1]] = True
    return _shaped_like(reject, (p_values,), name="bh_significant")


def benchmark_p_value(value: Numeric, lower: Numeric, upper: Numeric, benchmark: Numeric):
    """Two-sided p-value of "value differs from the benchmark", from the published interval.

    The interval is read as ``value ± 1,96·SE`` on the side facing the benchmark
    (``SE = (upper − value)/1,96`` when the benchmark is above, ``(value − lower)/1,96``
    when below), so ``p < 0,05`` exactly when the 95 % interval excludes the benchmark,
    as :func:`compare_to_benchmark` decides.  Used to control false discoveries over many
    comparisons (:func:`benjamini_hochberg`).  NaN where anything is missing.

    Examples
    --------
    >>> round(benchmark_p_value(12.0, 10.04, 13.96, 10.0), 4)
    0.0455
    """
    v, lo, hi, b = np.broadcast_arrays(
        as_float_array(value),
        as_float_array(lower),
        as_float_array(upper),
        as_float_array(benchmark),
    )
    z95 = _z_for(0.95)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(b >= v, hi - v, v - lo) / z95
        z = np.abs(v - b) / se
        p = np.where(se > 0, 2.0 * norm.sf(z), np.where(v == b, 1.0, 0.0))
    valid = np.isfinite(v) & np.isfinite(lo) & np.isfinite(hi) & np.isfinite(b)
    p = np.where(valid, p, np.nan)
    return _shaped_like(p, (value, lower, upper, benchmark), name="p_value")


def overdispersed_intervals(
    frame: pd.DataFrame, *, units: pd.Series | np.ndarray, confidence: float = 0.95
) -> pd.DataFrame:
    """φ per indicator × period from ``units`` and quasi intervals where φ > 1.

    ``frame`` has ``indicator_id, period, kind, multiplier, numerator, denominator,
    lower, upper, area_level``.  Adds ``phi`` (NaN where not estimable or not a
    proportion/rate) and, for proportions and rates outside the municipality row, replaces
    ``lower``/``upper`` by :func:`quasi_interval` (in display units) where φ > 1.

    Examples
    --------
    >>> f = pd.DataFrame({"indicator_id": "i", "period": "2024", "kind": "proportion",
    ...                   "multiplier": 100.0, "numerator": [20, 60, 35, 90, 10, 50],
    ...                   "denominator": [500] * 6, "lower": 0.0, "upper": 0.0,
    ...                   "area_level": "district"})
    >>> out = overdispersed_intervals(f, units=[True] * 6)
    >>> bool(out["phi"].iloc[0] > 1), bool(out["lower"].iloc[0] < 4 < out["upper"].iloc[0])
    (True, True)
    """
    out = frame.copy(deep=False)  # copy-on-write: assignments never touch the caller's
    out["phi"] = dispersion_by_group(out, units=units)
    widen = (
        (out["phi"] > 1.0)
        & out["kind"].isin(["proportion", "rate"])
        & (out["area_level"] != "municipality")
    ).to_numpy()
    for kind in ("proportion", "rate"):
        rows = widen & (out["kind"] == kind).to_numpy()
        if not rows.any():
            continue
        lower, upper = quasi_interval(
            out.loc[rows, "numerator"].to_numpy(float),
            out.loc[rows, "denominator"].to_numpy(float),
            out.loc[rows, "phi"].to_numpy(float),
            kind=kind,
            confidence=confidence,
        )
        multiplier = out.loc[rows, "multiplier"].to_numpy(float)
        out.loc[rows, "lower"] = np.asarray(lower) * multiplier
        out.loc[rows, "upper"] = np.asarray(upper) * multiplier
    return out


# --------------------------------------------------------------------------- weekly alerts


def weekly_overdispersion(baseline_weeks: np.ndarray) -> float:
    """Pooled negative-binomial overdispersion ``c`` of weekly counts (Var = μ + c·μ²).

    Moment estimate over units (rows) with a positive mean:
    ``c = Σ(s² − m) / Σ(m² − s²/k)`` with each row's mean ``m``, sample variance ``s²`` and
    ``k`` weeks (``m² − s²/k`` is unbiased for ``μ²``), floored at 0 (no overdispersion).  NaN-free rows of at least two weeks only.

    Examples
    --------
    >>> weekly_overdispersion(np.array([[4, 4, 4, 4], [2, 2, 2, 2]]))
    0.0
    >>> round(weekly_overdispersion(np.array([[0, 10, 0, 10], [1, 9, 1, 9]])), 3)
    1.229
    """
    weeks = np.atleast_2d(np.asarray(baseline_weeks, dtype=float))
    if weeks.shape[1] < 2:
        return 0.0
    ok = np.all(np.isfinite(weeks), axis=1)
    weeks = weeks[ok]
    mean = weeks.mean(axis=1)
    used = mean > 0
    if not used.any():
        return 0.0
    variance = weeks[used].var(axis=1, ddof=1)
    # m² − s²/k estimates μ² without bias (E m² = μ² + Var/k); plain Σm² biases c down.
    square = (mean[used] ** 2 - variance / weeks.shape[1]).sum()
    if square <= 0:
        return 0.0
    return float(max(0.0, (variance - mean[used]).sum() / square))


def weekly_excess(
    this_week: Numeric,
    baseline_weeks: np.ndarray | Sequence[Sequence[float]],
    *,
    alpha: float = 0.05,
    min_count: int = 3,
    overdispersion: float | None = None,
    adjust: Literal["bh", "none"] = "bh",
):
    """Is this week's count higher than usual? Conditional test against the baseline weeks.

    For each unit (district) with this week's count ``x`` and ``k`` baseline weeks summing
    to ``B``: if the weekly rate is unchanged, ``x`` given ``N = x + B`` is binomial
    ``(N, 1/(k + 1))`` — no estimated mean is plugged in, so the uncertainty of the
    baseline is accounted for.  Overdispersion (weeks varying more than Poisson) makes it
    beta-binomial ``(N, 1/c, k/c)`` (the exact conditional law for gamma-Poisson weeks) with the pooled negative-binomial ``c`` of
    :func:`weekly_overdispersion` (``overdispersion`` overrides it).  ``p = P(X ≥ x)``.
    With ``adjust="bh"`` the units are one family: a unit is flagged when it survives
    Benjamini–Hochberg at level ``alpha`` (false alarms controlled across districts),
    and ``x ≥ min_count``.  Missing inputs give ``p`` NaN and no flag (docs/methods.md,
    "EST weekly test").  Returns ``(p, flag)`` as arrays (one per row).

    Examples
    --------
    Four incidents in each of eight weeks, ten this week (one district, no overdispersion):

    >>> p, flag = weekly_excess([10], [[4] * 8])
    >>> round(float(p[0]), 6), bool(flag[0])
    (0.014862, True)
    """
    x = np.atleast_1d(as_float_array(this_week))
    weeks = np.atleast_2d(np.asarray(baseline_weeks, dtype=float))
    k = weeks.shape[1]
    valid = np.isfinite(x) & (x >= 0) & np.all(np.isfinite(weeks), axis=1) & (k >= 1)
    c = weekly_overdispersion(weeks[valid]) if overdispersion is None else float(overdispersion)
    total = np.where(valid, x + np.nan_to_num(weeks).sum(axis=1), 0.0)
    count = np.ceil(np.where(valid, x, 0.0))
    p = np.full(x.shape, np.nan)
    share = 1.0 / (k + 1)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if c > 0:
            tail = betabinom.sf(count - 1, total, 1.0 / c, k / c)
        else:
            tail = binom.sf(count - 1, total, share)
    p[valid] = np.clip(tail[valid], 0.0, 1.0)
    if adjust == "bh":
        significant = np.asarray(benjamini_hochberg(p, q=alpha))
    else:
        significant = p < alpha
    flag = valid & significant & (x >= min_count)
    return p, flag


def fdr_significant(
    rows: pd.DataFrame, *, family: pd.Series | np.ndarray | None = None, q: float = 0.05
) -> pd.Series:
    """Which published verdicts stay significant when the whole family is controlled by BH.

    ``rows`` are published rows (``indicator_id, period, area_code, area_level, value,
    lower, upper, verdict``) including the municipality rows that serve as benchmarks.
    The family is ``family`` (default: every compared row — higher, lower or similar: the
    comparisons shown, not only the significant ones); each gets :func:`benchmark_p_value`
    against the municipality value of its indicator and period and
    :func:`benjamini_hochberg` at ``q``.  True for a higher/lower verdict that survives;
    False otherwise.  Without
    the columns needed (no interval or benchmark) every verdict is kept as it is.

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": "i", "period": "2025",
    ...     "area_code": ["K", "A", "B", "C"],
    ...     "area_level": ["municipality", "district", "district", "district"],
    ...     "value": [10.0, 14.0, 10.9, 10.2], "lower": [9.5, 12.0, 10.05, 9.0],
    ...     "upper": [10.5, 16.0, 11.8, 11.4],
    ...     "verdict": ["benchmark", "higher_worse", "higher_worse", "similar"]})
    >>> fdr_significant(rows).tolist()
    [False, True, False, False]
    """
    verdict = rows["verdict"].astype(object)
    differs = verdict.isin(
        ["higher_worse", "higher_better", "lower_worse", "lower_better", "higher", "lower"]
    ).to_numpy()
    compared = differs | (verdict == "similar").to_numpy()
    in_family = compared if family is None else (np.asarray(family, dtype=bool) & compared)
    needed = {"value", "lower", "upper", "area_level", "indicator_id", "period"}
    if not needed <= set(rows.columns):
        return pd.Series(in_family & differs, index=rows.index)
    muni = rows[rows["area_level"] == "municipality"]
    bench = dict(
        zip(zip(muni["indicator_id"], muni["period"], strict=True), muni["value"], strict=True)
    )
    benchmark = np.array(
        [bench.get(k, np.nan) for k in zip(rows["indicator_id"], rows["period"], strict=True)],
        dtype=float,
    )
    # 95 % limits (benchmark_p_value reads them so); rows read at 99,8 % keep them in
    # lower_95/upper_95 (indicators.levels.at_level).
    low95 = "lower_95" if "lower_95" in rows.columns else "lower"
    high95 = "upper_95" if "upper_95" in rows.columns else "upper"
    p = np.asarray(
        benchmark_p_value(
            rows["value"].to_numpy(float),
            rows[low95].to_numpy(float),
            rows[high95].to_numpy(float),
            benchmark,
        ),
        dtype=float,
    )
    p = np.where(in_family, p, np.nan)
    keep = np.asarray(benjamini_hochberg(p, q=q), dtype=bool) & in_family & differs
    return pd.Series(keep, index=rows.index)
