"""Composite Risk index and Protective index per district (area), with rank intervals.

An index of AREAS, never of persons: it summarises district-level aggregates so the
council can see where risk factors cluster and where protective factors are strong.
The two indices are kept separate and are never netted against each other
(docs/methods.md §1.7, docs/methods.md §1.7).

Steps (OECD/JRC Handbook on Constructing Composite Indicators, as summarised in
docs/methods.md §1.7):

1. keep the indicators of one role ("risk" or "protective");
2. orient each indicator with its ``direction`` so that higher = more risk (Risk index)
   or higher = more protection (Protective index);
3. normalise each indicator across the ranked areas: z-score (default, population
   standard deviation) or min-max to [0, 1]; an indicator that is constant across areas
   gets the neutral value (0 for z-score, 0.5 for min-max);
4. aggregate with a weighted arithmetic mean over the indicators available in the area
   (equal weights by default; an indicator with weight 0 is left out).

An area whose available share of indicators is below ``min_share_available`` (suppressed
or missing values) gets status ``"insufficient"``: it has no score and no rank, and it
takes no part in the normalisation or the ranking of the others.

:func:`composite_uncertainty` adds a Monte Carlo sensitivity analysis over (1) sampling
error, (2) weights and (3) the normalisation method, and reports for each area the median
rank and a rank interval. Areas whose intervals overlap (:func:`ranks_overlap`) must not
be presented as ranked against each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from common.errors import Problem, UserError, ValidationError
from store.published import COMPOSITE_COLUMNS

__all__ = [
    "DIRECTIONS",
    "NORMALISATIONS",
    "ROLES",
    "composite_index",
    "composite_uncertainty",
    "rank_overlap_matrix",
    "ranks_overlap",
]

ROLES = ("risk", "protective")
DIRECTIONS = ("higher_is_worse", "higher_is_better")
NORMALISATIONS = ("zscore", "minmax")
REQUIRED_COLUMNS = (
    "indicator_id",
    "area_code",
    "value",
    "lower",
    "upper",
    "suppressed",
    "direction",
    "role",
)
#: Columns of :func:`composite_uncertainty`: the published composite row (store.published, one
#: list) less the period and index it is stored under.
RESULT_COLUMNS = [c for c in COMPOSITE_COLUMNS if c not in ("period", "role")]
STATUS_RANKED = "ranked"
STATUS_INSUFFICIENT = "insufficient"
LABEL_INSUFFICIENT_SV = "otillräckligt underlag"
LABEL_INSUFFICIENT_EN = "insufficient data"

#: z of the two-sided 95 % interval: SE = (upper - lower) / (2 * 1.959964).
_Z_95 = 1.959964
#: Monte Carlo work is done in blocks of draws of about this many (draw, area, indicator)
#: cells, so memory stays bounded (~10 arrays of 8 MB) whatever the number of draws.
_CHUNK_ELEMENTS = 1 << 20
#: A normalised spread below this (indicators are pre-scaled to sd 1) counts as constant.
_FLAT_TOLERANCE = 1e-12


@dataclass(frozen=True)
class _IndexInputs:
    """One role's indicators as dense (area, indicator) arrays.

    ``oriented`` and ``oriented_se`` hold the oriented values and their standard errors,
    centred and scaled per indicator over the ranked areas (z-score and min-max are both
    invariant to that, and it keeps the Monte Carlo arithmetic well conditioned). They are
    0 where a value is not available, and hold rows for the ranked areas only.
    """

    area_codes: np.ndarray  # (A_all,) every area in the table
    indicator_ids: np.ndarray  # (K,)
    weights: np.ndarray  # (K,) positive, sum 1
    n_available: np.ndarray  # (A_all,)
    n_suppressed: np.ndarray  # (A_all,)
    ranked: np.ndarray  # (A_all,) bool
    available: np.ndarray  # (A_ranked, K) bool
    oriented: np.ndarray  # (A_ranked, K)
    oriented_se: np.ndarray  # (A_ranked, K)


def composite_index(
    table: pd.DataFrame,
    *,
    role: str,
    weights: Mapping[str, float] | None = None,
    normalisation: str = "zscore",
    min_share_available: float = 0.5,
) -> pd.DataFrame:
    """Risk index or Protective index per area for one period.

    Parameters
    ----------
    table : DataFrame
        One row per indicator x area: ``indicator_id, area_code, value, lower, upper,
        suppressed, direction, role``.
    role : {"risk", "protective"}
        Which index: only indicators with this role are used.
    weights : mapping of indicator_id to weight, optional
        Relative weights (any positive scale); equal weights by default. Every indicator
        of the role needs a weight; weight 0 leaves an indicator out.
    normalisation : {"zscore", "minmax"}
        How each indicator is put on a common scale across areas.
    min_share_available : float
        Areas with a smaller share of available (not suppressed, not missing) indicators
        get status ``"insufficient"`` and are not ranked.

    Returns
    -------
    DataFrame
        ``area_code, score, rank, n_indicators, n_suppressed, status``, ordered by rank;
        rank 1 = highest index (most risk, or most protection); tied scores share the best
        rank. ``n_indicators`` counts the area's available indicators (for an insufficient
        area too, so the page can say why), ``n_suppressed`` its suppressed ones.

    Examples
    --------
    >>> rows = [("ej_behoriga", a, v, v - 1, v + 1, False, "higher_is_worse", "risk")
    ...         for a, v in [("Ersboda", 20.0), ("Mariehem", 10.0), ("Tomtebo", 5.0)]]
    >>> table = pd.DataFrame(rows, columns=list(REQUIRED_COLUMNS))
    >>> composite_index(table, role="risk")[["area_code", "rank"]].to_numpy().tolist()
    [['Ersboda', 1.0], ['Mariehem', 2.0], ['Tomtebo', 3.0]]
    """
    _check_choice(normalisation, NORMALISATIONS, "normalisation")
    inputs = _index_inputs(
        table, role=role, weights=weights, min_share_available=min_share_available
    )
    result = _point_result(inputs, normalisation=normalisation)
    return _ordered(result)


def composite_uncertainty(
    table: pd.DataFrame,
    *,
    role: str,
    weights: Mapping[str, float] | None = None,
    draws: int = 1000,
    seed: int = 20241,
    interval: float = 0.90,
    weight_concentration: float = 20.0,
    min_share_available: float = 0.5,
    normalisation: str = "zscore",
) -> pd.DataFrame:
    """Index with Monte Carlo rank intervals per area.

    Each draw (docs/methods.md §1.7 step 5) perturbs three things at once:

    1. sampling error: each available value is drawn from a normal with mean ``value`` and
       SE = (upper - lower) / (2 * 1.959964), i.e. its 95 % interval read as symmetric
       (an approximation for the skewed Wilson/Poisson intervals of small counts); a value
       without an interval is held fixed;
    2. weights: drawn from a Dirichlet with mean equal to the given (normalised) weights
       ``w`` and parameters ``weight_concentration * w``; each weight then has variance
       ``w (1 - w) / (weight_concentration + 1)``, so a larger concentration means less
       doubt about the weights (``inf`` keeps them fixed); the default 20 lets an equal
       weight of 1/12 vary by about +-0.06 (one sd);
    3. normalisation: z-score or min-max, each with probability 1/2.

    Areas are ranked in every draw (1 = highest index); the rank interval is the central
    ``interval`` range of the draws' ranks, widened if needed so that it contains the
    point rank shown beside it.

    Parameters
    ----------
    table : DataFrame
        As for :func:`composite_index`.
    role : {"risk", "protective"}
        Which index.
    weights : mapping of indicator_id to weight, optional
        Central weights; equal by default.
    draws : int
        Number of Monte Carlo draws.
    seed : int
        Seed of the random generator; the same seed and input give the same output.
    interval : float
        Coverage of the rank interval, e.g. 0.90 for the 5th-95th percentile.
    weight_concentration : float
        Dirichlet concentration (see 2. above), > 0.
    min_share_available : float
        As for :func:`composite_index`.
    normalisation : {"zscore", "minmax"}
        Normalisation of the point ``score`` and ``rank`` (the draws use both).

    Returns
    -------
    DataFrame
        ``area_code, score, rank, rank_median, rank_lower, rank_upper, status, label_sv,
        label_en, n_indicators, n_suppressed``, ordered by rank. Insufficient areas have
        NaN score and ranks and the label "otillräckligt underlag" / "insufficient data".

    Examples
    --------
    >>> rows = [("ej_behoriga", a, v, v - 1, v + 1, False, "higher_is_worse", "risk")
    ...         for a, v in [("Ersboda", 20.0), ("Mariehem", 10.0), ("Tomtebo", 5.0)]]
    >>> table = pd.DataFrame(rows, columns=list(REQUIRED_COLUMNS))
    >>> composite_uncertainty(table, role="risk", draws=200)["label_sv"].tolist()
    ['rang 1, 90 % intervall 1–1', 'rang 2, 90 % intervall 2–2', 'rang 3, 90 % intervall 3–3']
    """
    _check_choice(normalisation, NORMALISATIONS, "normalisation")
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise UserError(
            f"Antalet dragningar måste vara ett positivt heltal, inte {draws!r}",
            message_en=f"draws must be a positive integer, not {draws!r}",
        )
    if not 0.0 < interval < 1.0:
        raise UserError(
            f"Intervallets täckning måste ligga mellan 0 och 1, inte {interval!r}",
            message_en=f"interval must lie between 0 and 1, not {interval!r}",
        )
    if not weight_concentration > 0:
        raise UserError(
            f"Viktkoncentrationen måste vara större än 0, inte {weight_concentration!r}",
            message_en=f"weight_concentration must be above 0, not {weight_concentration!r}",
        )
    inputs = _index_inputs(
        table, role=role, weights=weights, min_share_available=min_share_available
    )
    result = _point_result(inputs, normalisation=normalisation)

    ranks = _monte_carlo_ranks(
        inputs, draws=int(draws), seed=seed, weight_concentration=weight_concentration
    )
    ranked = inputs.ranked
    n_all = len(inputs.area_codes)
    rank_median = np.full(n_all, np.nan)
    rank_lower = np.full(n_all, np.nan)
    rank_upper = np.full(n_all, np.nan)
    if ranks.shape[1]:
        tail = (1.0 - interval) / 2.0
        lower, upper = np.quantile(ranks, [tail, 1.0 - tail], axis=0, method="inverted_cdf")
        point = result["rank"].to_numpy()[ranked]
        rank_median[ranked] = np.median(ranks, axis=0)
        rank_lower[ranked] = np.minimum(lower, point)
        rank_upper[ranked] = np.maximum(upper, point)
    result["rank_median"] = rank_median
    result["rank_lower"] = rank_lower
    result["rank_upper"] = rank_upper

    label_sv, label_en = _rank_labels(result, interval=interval)
    result["label_sv"] = label_sv
    result["label_en"] = label_en
    return _ordered(result[RESULT_COLUMNS])


def ranks_overlap(
    a_lower: float | np.ndarray,
    a_upper: float | np.ndarray,
    b_lower: float | np.ndarray,
    b_upper: float | np.ndarray,
) -> bool | np.ndarray:
    """Whether two rank intervals overlap, i.e. the two areas cannot be told apart.

    Intervals are closed: 1–2 and 2–3 overlap. Works element-wise on arrays. A missing
    bound (an insufficient area) gives False: such an area is not ranked at all.

    Examples
    --------
    >>> ranks_overlap(1, 2, 2, 4), ranks_overlap(1, 1, 2, 4)
    (True, False)
    """
    with np.errstate(invalid="ignore"):
        overlap = (np.asarray(a_lower) <= np.asarray(b_upper)) & (
            np.asarray(b_lower) <= np.asarray(a_upper)
        )
    return bool(overlap) if np.ndim(overlap) == 0 else overlap


def rank_overlap_matrix(result: pd.DataFrame) -> pd.DataFrame:
    """Area x area table: True where the two areas' rank intervals overlap.

    ``result`` is the output of :func:`composite_uncertainty`. The diagonal is True for
    ranked areas; rows and columns of insufficient areas are all False.

    Examples
    --------
    >>> result = pd.DataFrame({"area_code": ["A", "B", "C"], "rank_lower": [1, 1, 3],
    ...                        "rank_upper": [2, 2, 3]})
    >>> rank_overlap_matrix(result).loc["A"].tolist()
    [True, True, False]
    """
    lower = result["rank_lower"].to_numpy(dtype=float)
    upper = result["rank_upper"].to_numpy(dtype=float)
    overlap = ranks_overlap(lower[:, None], upper[:, None], lower[None, :], upper[None, :])
    codes = result["area_code"].to_numpy()
    return pd.DataFrame(overlap, index=pd.Index(codes, name="area_code"), columns=codes)


# --------------------------------------------------------------------------- internals


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise UserError(
            f"Okänt värde {value!r} för {name}; tillåtna är {allowed}",
            message_en=f"unknown {name} {value!r}; allowed are {allowed}",
        )


def _index_inputs(
    table: pd.DataFrame,
    *,
    role: str,
    weights: Mapping[str, float] | None,
    min_share_available: float,
) -> _IndexInputs:
    """Validate ``table`` and lay out one role's indicators as dense arrays."""
    _check_choice(role, ROLES, "role")
    if not 0.0 <= min_share_available <= 1.0:
        raise UserError(
            f"Minsta andel tillgängliga indikatorer måste ligga mellan 0 och 1, "
            f"inte {min_share_available!r}",
            message_en=f"min_share_available must lie between 0 and 1, not {min_share_available!r}",
        )
    _validate_table(table)

    area_codes = pd.unique(table["area_code"].to_numpy())
    rows = table.loc[table["role"] == role]
    if rows.empty:
        raise UserError(
            f"Tabellen har inga indikatorer med rollen {role!r}",
            column="role",
            message_en=f"the table has no indicators with role {role!r}",
        )
    indicator_ids = pd.unique(rows["indicator_id"].to_numpy())
    weight_vector = _weight_vector(table, indicator_ids, role=role, weights=weights)
    keep = weight_vector > 0
    indicator_ids = indicator_ids[keep]
    weight_vector = weight_vector[keep] / weight_vector[keep].sum()
    rows = rows.loc[rows["indicator_id"].isin(indicator_ids)]

    area_index = pd.Index(area_codes).get_indexer(rows["area_code"])
    indicator_index = pd.Index(indicator_ids).get_indexer(rows["indicator_id"])
    shape = (len(area_codes), len(indicator_ids))

    value = rows["value"].to_numpy(dtype=float, na_value=np.nan)
    lower = rows["lower"].to_numpy(dtype=float, na_value=np.nan)
    upper = rows["upper"].to_numpy(dtype=float, na_value=np.nan)
    suppressed = rows["suppressed"].fillna(False).to_numpy(dtype=bool)
    row_available = ~suppressed & np.isfinite(value)
    se = (upper - lower) / (2.0 * _Z_95)
    se = np.where(row_available & np.isfinite(se), se, 0.0)

    available = np.zeros(shape, dtype=bool)
    available[area_index, indicator_index] = row_available
    is_suppressed = np.zeros(shape, dtype=bool)
    is_suppressed[area_index, indicator_index] = suppressed
    values = np.zeros(shape)
    values[area_index, indicator_index] = np.where(row_available, value, 0.0)
    ses = np.zeros(shape)
    ses[area_index, indicator_index] = se

    directions = rows.groupby("indicator_id", sort=False)["direction"].first()
    worse = directions.reindex(indicator_ids).to_numpy() == "higher_is_worse"
    # Risk index: higher = more risk; Protective index: higher = more protection.
    sign = np.where(worse == (role == "risk"), 1.0, -1.0)

    n_available = available.sum(axis=1)
    n_suppressed = is_suppressed.sum(axis=1)
    ranked = n_available / len(indicator_ids) >= min_share_available
    ranked &= n_available > 0

    available_r = available[ranked]
    oriented = values[ranked] * sign
    n_per_indicator = np.maximum(available_r.sum(axis=0), 1)
    centre = oriented.sum(axis=0) / n_per_indicator
    oriented = np.where(available_r, oriented - centre, 0.0)
    spread = np.sqrt((oriented**2).sum(axis=0) / n_per_indicator)
    scale = np.where(spread > 0, spread, 1.0)
    return _IndexInputs(
        area_codes=area_codes,
        indicator_ids=indicator_ids,
        weights=weight_vector,
        n_available=n_available,
        n_suppressed=n_suppressed,
        ranked=ranked,
        available=available_r,
        oriented=oriented / scale,
        oriented_se=ses[ranked] / scale,
    )


def _validate_table(table: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise UserError(
            f"Kolumn saknas i indikatortabellen: {', '.join(missing)}",
            column=missing[0],
            message_en=f"column missing from the indicator table: {', '.join(missing)}",
        )
    problems: list[Problem] = []
    positions = np.arange(1, len(table) + 1)

    def add(mask: np.ndarray, column: str, message: str) -> None:
        for row in positions[mask]:
            problems.append(Problem(message, row=int(row), column=column))

    role = table["role"]
    add(~role.isin(ROLES).to_numpy(), "role", "rollen måste vara 'risk' eller 'protective'")
    direction = table["direction"]
    add(
        ~direction.isin(DIRECTIONS).to_numpy(),
        "direction",
        "riktningen måste vara 'higher_is_worse' eller 'higher_is_better'",
    )
    add(table["area_code"].isna().to_numpy(), "area_code", "områdeskod saknas")
    add(table["indicator_id"].isna().to_numpy(), "indicator_id", "indikator-id saknas")
    add(
        table.duplicated(["indicator_id", "area_code"], keep="first").to_numpy(),
        "area_code",
        "indikatorn förekommer mer än en gång för samma område",
    )
    for column in ("value", "lower", "upper"):
        numeric = pd.to_numeric(table[column], errors="coerce")
        add(
            (numeric.isna() & table[column].notna()).to_numpy()
            | np.isinf(numeric.to_numpy(dtype=float, na_value=np.nan)),
            column,
            "värdet är inte ett ändligt tal",
        )
    lower = pd.to_numeric(table["lower"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    upper = pd.to_numeric(table["upper"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        add(upper < lower, "upper", "övre gränsen är lägre än den undre")
    for column in ("direction", "role"):
        per_indicator = table.groupby("indicator_id", sort=False)[column].transform("nunique")
        add(
            (per_indicator > 1).to_numpy(),
            column,
            f"indikatorn har olika värden i kolumnen {column}",
        )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationError(problems, file="indikatortabellen")


def _weight_vector(
    table: pd.DataFrame,
    indicator_ids: np.ndarray,
    *,
    role: str,
    weights: Mapping[str, float] | None,
) -> np.ndarray:
    if weights is None:
        return np.ones(len(indicator_ids))
    known = set(table["indicator_id"])
    unknown = sorted(str(k) for k in weights if k not in known)
    if unknown:
        raise UserError(
            f"Vikt för okänd indikator: {', '.join(unknown)}",
            message_en=f"weight for unknown indicator: {', '.join(unknown)}",
        )
    without = [str(i) for i in indicator_ids if i not in weights]
    if without:
        raise UserError(
            f"Vikt saknas för indikatorn: {', '.join(without)}",
            message_en=f"weight missing for indicator: {', '.join(without)}",
        )
    vector = np.array([weights[i] for i in indicator_ids], dtype=float)
    if not np.all(np.isfinite(vector)) or np.any(vector < 0) or vector.sum() <= 0:
        raise UserError(
            f"Vikterna för {role}-indexet måste vara icke-negativa tal med positiv summa",
            message_en=f"the {role} index weights must be non-negative with a positive sum",
        )
    return vector


def _weighted_scores(
    oriented: np.ndarray,
    available: np.ndarray,
    weights: np.ndarray,
    methods: np.ndarray,
) -> np.ndarray:
    """Index scores for a block of draws without materialising the normalised array.

    ``oriented`` (D, A, K) is 0 where a value is not available, ``weights`` (D, K) and
    ``methods`` (D,) bool, True = min-max. Normalised values are ``oriented * scale +
    offset`` per (draw, indicator), so the weighted mean over available indicators is
    ``(sum_k oriented * scale * w + sum_k available * offset * w) / sum_k available * w``.
    """
    n = np.maximum(available.sum(axis=0), 1)  # (K,)
    scale = np.empty(weights.shape)
    offset = np.empty(weights.shape)

    z = ~methods
    if z.any():
        block = oriented[z]
        mean = block.sum(axis=1) / n
        var = np.einsum("dak,dak->dk", block, block) / n - mean**2
        sd = np.sqrt(np.maximum(var, 0.0))
        flat = sd <= _FLAT_TOLERANCE
        scale[z] = np.where(flat, 0.0, 1.0 / np.where(flat, 1.0, sd))
        offset[z] = -mean * scale[z]
    if methods.any():
        block = oriented[methods]
        blocked = np.where(available, 0.0, np.inf)
        low = (block + blocked).min(axis=1)
        high = (block - blocked).max(axis=1)
        span = high - low
        # Also flat: an indicator available in no ranked area (low = inf, high = -inf).
        flat = ~(span > _FLAT_TOLERANCE)
        scale[methods] = np.where(flat, 0.0, 1.0 / np.where(flat, 1.0, span))
        offset[methods] = np.where(flat, 0.5, -np.where(flat, 0.0, low) * scale[methods])

    numerator = np.matmul(oriented, (scale * weights)[:, :, None])[:, :, 0]
    mask = available.astype(float)
    numerator += (offset * weights) @ mask.T
    denominator = weights @ mask.T
    return numerator / denominator


def _point_result(inputs: _IndexInputs, *, normalisation: str) -> pd.DataFrame:
    ranked = inputs.ranked
    score = np.full(len(inputs.area_codes), np.nan)
    rank = np.full(len(inputs.area_codes), np.nan)
    if ranked.any():
        ranked_scores = _weighted_scores(
            inputs.oriented[None],
            inputs.available,
            inputs.weights[None],
            np.array([normalisation == "minmax"]),
        )[0]
        score[ranked] = ranked_scores
        rank[ranked] = rankdata(-ranked_scores, method="min")
    return pd.DataFrame(
        {
            "area_code": inputs.area_codes,
            "score": score,
            "rank": rank,
            "n_indicators": inputs.n_available,
            "n_suppressed": inputs.n_suppressed,
            "status": np.where(ranked, STATUS_RANKED, STATUS_INSUFFICIENT),
        }
    )


def _monte_carlo_ranks(
    inputs: _IndexInputs, *, draws: int, seed: int, weight_concentration: float
) -> np.ndarray:
    """Ranks (draws, ranked areas) of the areas in each Monte Carlo draw."""
    n_areas, n_indicators = inputs.oriented.shape
    ranks = np.empty((draws, n_areas), dtype=np.int32)
    if n_areas == 0:
        return ranks
    # Independent streams per source of uncertainty: results do not depend on block size.
    value_rng, weight_rng, method_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)
    )
    if np.isinf(weight_concentration) or n_indicators == 1:
        weights = np.broadcast_to(inputs.weights, (draws, n_indicators))
    else:
        weights = weight_rng.dirichlet(weight_concentration * inputs.weights, size=draws)
    methods = method_rng.random(draws) < 0.5

    has_noise = bool(np.any(inputs.oriented_se > 0))
    block = max(1, _CHUNK_ELEMENTS // (n_areas * n_indicators))
    for start in range(0, draws, block):
        stop = min(start + block, draws)
        if has_noise:
            values = value_rng.standard_normal((stop - start, n_areas, n_indicators))
            values *= inputs.oriented_se
            values += inputs.oriented
        else:
            values = np.broadcast_to(inputs.oriented, (stop - start, n_areas, n_indicators))
        scores = _weighted_scores(
            values, inputs.available, weights[start:stop], methods[start:stop]
        )
        ranks[start:stop] = rankdata(-scores, axis=1, method="min")
    return ranks


def _format_share(interval: float) -> tuple[str, str]:
    percent = f"{round(interval * 100, 6):g}"
    return percent.replace(".", ","), percent


def _rank_labels(result: pd.DataFrame, *, interval: float) -> tuple[list[str], list[str]]:
    percent_sv, percent_en = _format_share(interval)
    labels_sv: list[str] = []
    labels_en: list[str] = []
    # One label per area: a short list, not a hot path.
    for rank, low, high in zip(
        result["rank"], result["rank_lower"], result["rank_upper"], strict=True
    ):
        if np.isnan(rank):
            labels_sv.append(LABEL_INSUFFICIENT_SV)
            labels_en.append(LABEL_INSUFFICIENT_EN)
            continue
        rank_i, low_i, high_i = int(rank), int(low), int(high)
        labels_sv.append(f"rang {rank_i}, {percent_sv} % intervall {low_i}–{high_i}")
        labels_en.append(f"rank {rank_i}, {percent_en}% interval {low_i}–{high_i}")
    return labels_sv, labels_en


def _ordered(result: pd.DataFrame) -> pd.DataFrame:
    """Ranked areas by rank (then code), insufficient areas last."""
    order = np.lexsort(
        (
            result["area_code"].astype(str).to_numpy(),
            result["rank"].fillna(np.inf).to_numpy(),
        )
    )
    return result.iloc[order].reset_index(drop=True)
