"""From stored observations to published indicator values.

``compute`` is the one road out of ``indicators/``: it rolls values up the area and
period hierarchy, adds intervals, the verdict against the municipality and the
recent trend, and passes every row through :func:`indicators.disclosure.suppress`.

The pipeline is vectorised (docs/published.md "Speed"): the indicator, area and period of
every row are categorical codes (never 1,8 M strings), roll-ups are ``np.bincount`` sums on
one integer key, rare-event pools are shifted adds on area × year matrices, the benchmark is
an array lookup and the trend matrices are filled by fancy indexing; no Python runs per row
and no pandas group-by takes a lambda. The national store (6 000 small areas, 11 years,
25 indicators) takes a few CPU seconds (benchmarks/RESULTS.md, ``bench_engine``).
The stages are separate functions so that rules can change one at a time:

1. :func:`gather_inputs` – numerator and denominator per indicator (the catalogue's input
   functions, each given only the measures it reads);
2. :func:`_roll_up_periods`, :func:`_roll_up_areas` – sums up the hierarchies;
3. :func:`_values` – value and interval per kind;
4. :func:`_disclose` – disclosure control (the one suppression step);
5. :func:`_verdicts`, :func:`_trends` – comparison with the municipality, recent trend.

The published table (``store.published``, issue 17) holds the result of :func:`compute_frame`
for every level, computed once per data version by :func:`indicators.publish.rebuild`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from catalogue import INPUTS, Indicator, load_catalogue
from common.periods import year_mask
from common.settings import MIN_DENOMINATOR, SUPPRESSION_THRESHOLD
from indicators.disclosure import HIDDEN_COLUMNS, suppress
from indicators.inputs import indicator_inputs, joint_codes
from indicators.rollup import (
    pool_years,
    roll_up_periods,
    with_sum_squares,
)
from indicators.stats import (
    DIRECTIONS,
    VERDICT_CODES,
    _z_for,
    compare_to_benchmark,
    dispersion_by_group,
    mean_ci,
    poisson_count_ci,
    proportion_ci,
    quasi_interval,
    rate_ci,
    sd_from_sums,
    verdict_index,
)
from indicators.trend import recent_trend
from store.areas import read_area_table
from store.observations import read_observations
from store.published import VALUE_COLUMNS

#: Columns of a computed row: the published row (store.published) less its "kind".
OUTPUT_COLUMNS = [c for c in VALUE_COLUMNS if c != "kind"]
#: "country" is Sweden, the second benchmark (issue 15); it is published only when asked for.
LEVELS = ("country", "municipality", "district", "stadsdel")
#: Fingertips' second level (99,8 %): its interval and verdict are published beside the 95 %
#: ones (``lower_998``, ``upper_998``, ``verdict_998``; docs/methods.md §1.3).
WIDE_CONFIDENCE = 0.998
WIDE_COLUMNS = ("lower_998", "upper_998")
_KEY = ["indicator_id", "area_code", "period"]
KINDS = ("proportion", "rate", "mean", "count")
_TEXT_COLUMNS = ("indicator_id", "area_code", "area_name", "area_level", "period", "kind")


def _is_year(period: pd.Series) -> pd.Series:
    return year_mask(period)


def period_parent_map(periods: Iterable[str]) -> dict[str, str]:
    """Sub-period → year for terms ('2025-VT'), months ('2025-03'); weeks are not summed into years.

    >>> period_parent_map(["2025-VT", "2025", "2025-W03"])
    {'2025-VT': '2025'}
    """
    out = {}
    for p in periods:
        if len(p) > 4 and p[4] == "-" and not p[5:].startswith("W"):
            out[p] = p[:4]
    return out


def _index_of(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 if absent); a categorical is looked up once
    per category, not once per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        at = index.get_indexer(values.cat.categories)
        return np.where(codes >= 0, at[np.maximum(codes, 0)], -1)
    return index.get_indexer(values)


def _absent(values: pd.Series, index: pd.Index) -> np.ndarray:
    """The distinct values of ``values`` (non-missing) that ``index`` lacks; a categorical is
    looked up once per category in use, never converted row by row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        used = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories)) > 0
        categories = np.asarray(values.cat.categories, dtype=object)
        return categories[used & (index.get_indexer(categories) < 0)]
    at = index.get_indexer(values)
    return pd.unique(values.to_numpy(dtype=object)[at < 0])


def _as_categories(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Key columns as categoricals (integer codes underneath), so that filtering, grouping
    and joining the 1,65 M rows of a national store move integers, not strings."""
    out = frame.copy(deep=False)
    for column in columns:
        if not isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("category")
    return out


# --- 1. inputs -----------------------------------------------------------------------------------


def _measures_read(ind: Indicator) -> set[str]:
    """The stored measures an indicator's value is made from (its id, its input's reads)."""
    spec = INPUTS.get(ind.input)
    reads = set(spec.reads) if spec is not None else set()
    return {ind.id, *reads} | ({ind.population_measure} if ind.population_measure else set())


def gather_inputs(
    observations: pd.DataFrame,
    *,
    catalogue: Mapping[str, Indicator],
    indicator_ids: Iterable[str],
) -> pd.DataFrame:
    """Numerator, denominator and ``synthetic`` per indicator × area × period, stacked long.

    Each indicator's input function gets only the observation rows of the measures it reads
    (one grouping of the store rows by measure, not one scan per indicator). ``synthetic``
    is True if any stored measure the value is made from is synthetic at that area and
    period, and for a value with no such row.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["skadegorelse"], "area_code": ["A"],
    ...                     "period": ["2024"], "count": [9.0], "denominator": [2000.0],
    ...                     "value": [None], "synthetic": [False]})
    >>> row = gather_inputs(obs, catalogue=load_catalogue(), indicator_ids=["skadegorelse"]).iloc[0]
    >>> [str(v) for v in row.tolist()]
    ['skadegorelse', 'A', '2024', '9.0', '2000.0', 'False']
    """
    columns = [*_KEY, "numerator", "denominator", "synthetic"]
    measure = observations["measure_id"]
    if isinstance(measure.dtype, pd.CategoricalDtype):
        # The categorical's own small codes: a stable argsort of int8/int16 is a radix sort.
        codes, names = measure.cat.codes.to_numpy(), measure.cat.categories
    else:
        codes, names = pd.factorize(measure)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    rows_of = {
        name: order[bounds[i] : bounds[i + 1]]
        for i, name in enumerate(names)
        if bounds[i + 1] > bounds[i]
    }
    parts = []
    for ind_id in indicator_ids:
        ind = catalogue[ind_id]
        picked = [rows_of[m] for m in sorted(_measures_read(ind)) if m in rows_of]
        if not picked:
            continue
        subset = observations.iloc[np.sort(np.concatenate(picked))]
        inputs = indicator_inputs(ind, subset)
        if inputs.empty:
            continue
        # Synthetic if any measure the value is made from is (e.g. ej_behoriga_gymnasiet is
        # read from behoriga_yrkesprogram); a value from real measures only is real.
        inputs = inputs.assign(synthetic=_synthetic_flags(inputs, subset))
        if getattr(ind, "sum_squares_measure", None):
            inputs = with_sum_squares(inputs, ind, observations)
        extra = ["sum_squares"] if "sum_squares" in inputs.columns else []
        parts.append((ind_id, inputs[[*columns[1:], *extra]]))
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat([part for _, part in parts], ignore_index=True)
    # The indicator id as a categorical (sorted ids) made from the parts' lengths: never
    # 1,65 M repeated strings.
    ids = sorted({ind_id for ind_id, _ in parts})
    codes = np.repeat([ids.index(i) for i, _ in parts], [len(p) for _, p in parts])
    out.insert(
        0,
        "indicator_id",
        pd.Categorical.from_codes(codes, categories=pd.Index(ids, dtype=object)),
    )
    return out


def _synthetic_flags(inputs: pd.DataFrame, subset: pd.DataFrame) -> np.ndarray:
    """Per input row: is any stored row of its area and period (among ``subset``) synthetic?
    True where there is none. Integer keys, one ``np.bincount``."""
    area_in, area_obs = joint_codes(inputs["area_code"], subset["area_code"])
    period_in, period_obs = joint_codes(inputs["period"], subset["period"])
    n_periods = int(max(period_in.max(initial=-1), period_obs.max(initial=-1))) + 1
    key_obs = area_obs * n_periods + period_obs
    key_in = area_in * n_periods + period_in
    n_keys = int(max(key_obs.max(initial=-1), key_in.max(initial=-1))) + 1
    ok_obs, ok_in = (area_obs >= 0) & (period_obs >= 0), (area_in >= 0) & (period_in >= 0)
    stored = np.bincount(key_obs[ok_obs], minlength=n_keys) > 0
    synthetic = (
        np.bincount(key_obs[ok_obs & subset["synthetic"].to_numpy(bool)], minlength=n_keys) > 0
    )
    out = np.ones(len(inputs), dtype=bool)
    found = ok_in.copy()
    found[ok_in] = stored[key_in[ok_in]]
    out[found] = synthetic[key_in[found]]
    return out


# --- 2. roll-ups ---------------------------------------------------------------------------------


class _Codes:
    """Integer codes of the key columns: indicator, area (position in the area table, or a
    code after it for areas the table lacks) and period (sorted)."""

    def __init__(self, frame: pd.DataFrame, area_table: pd.DataFrame) -> None:
        self.indicator, indicators = pd.factorize(frame["indicator_id"], sort=True)
        self.indicators = np.asarray(indicators, dtype=object)
        table_codes = pd.Index(area_table["code"].to_numpy(dtype=object))
        extra = _absent(frame["area_code"], table_codes)
        # Sorted categories: codes order like the strings (suppression breaks ties by code).
        self.areas = np.asarray(sorted({*table_codes, *extra}), dtype=object)
        index = pd.Index(self.areas)
        self.area = _index_of(frame["area_code"], index)
        parent = np.full(len(self.areas), -1, dtype=np.int64)
        parent[index.get_indexer(table_codes)] = index.get_indexer(
            area_table["parent_code"].to_numpy(dtype=object)
        )
        self.parent = parent
        self.period, periods = pd.factorize(frame["period"], sort=True)
        self.periods = np.asarray(periods, dtype=object)

    def column(self, name: str, codes: np.ndarray) -> pd.Categorical:
        categories = {"indicator_id": self.indicators, "area_code": self.areas}.get(
            name, self.periods
        )
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))

    def key(self, indicator: np.ndarray, area: np.ndarray, period: np.ndarray) -> np.ndarray:
        n_a, n_p = len(self.areas), len(self.periods)
        return (indicator.astype(np.int64) * n_a + area) * n_p + period


class _Groups:
    """Group numbers of integer keys: the keys themselves when the key space is small enough
    for dense arrays (one ``np.bincount`` per reduction), else their sorted distinct values."""

    def __init__(self, key: np.ndarray, n_keys: int) -> None:
        self.dense = n_keys <= 4 * len(key) + 1024
        if self.dense:
            self.keys, self.group, self.n = None, key, n_keys
        else:
            self.keys, self.group = np.unique(key, return_inverse=True)
            self.n = len(self.keys)

    def key_of(self, groups: np.ndarray) -> np.ndarray:
        return groups if self.dense else self.keys[groups]

    def count(self, where: np.ndarray | None = None) -> np.ndarray:
        group = self.group if where is None else self.group[where]
        return np.bincount(group, minlength=self.n)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of the known values per group, NaN where none is known (``min_count=1``).
        Unknown values weigh 0 (adding 0.0 changes no sum), so no row is picked out."""
        known = ~np.isnan(values)
        total = np.bincount(self.group, weights=np.where(known, values, 0.0), minlength=self.n)
        n_known = np.bincount(self.group, weights=known, minlength=self.n)
        return np.where(n_known > 0, total, np.nan)


def _position(keys: np.ndarray, wanted: np.ndarray, n_keys: int) -> np.ndarray:
    """Position of each ``wanted`` key in ``keys`` (unique), -1 if absent."""
    if n_keys <= 4 * len(keys) + 1024:
        at = np.full(n_keys, -1, dtype=np.int64)
        at[keys] = np.arange(len(keys))
        return at[wanted]
    return pd.Index(keys).get_indexer(wanted)


def _roll_up_areas(frame: pd.DataFrame, area_table: pd.DataFrame) -> pd.DataFrame:
    """Add rows for every ancestor area as the sum of its descendants' rows, marked if partial
    (the rules of :func:`indicators.rollup.roll_up_areas`, on integer codes).

    Ancestors are followed level by level on a parent array; all (row, ancestor) pairs are
    then summed at once with ``np.bincount`` on the integer key (no pandas group-by); stored
    rows win over sums. A computed row is ``partial`` when a direct child of its area has no
    row for that indicator and period, or a partial one.
    """
    frame = frame.assign(partial=False)
    if frame.empty:
        return frame
    codes = _Codes(frame, area_table)
    n_a, n_p = len(codes.areas), len(codes.periods)
    n_keys = len(codes.indicators) * n_a * n_p
    own_key = codes.key(codes.indicator, codes.area, codes.period)
    numbers = [c for c in ("numerator", "denominator", "sum_squares") if c in frame.columns]
    keys, rows = [], []
    ancestor = codes.parent[codes.area]
    while True:
        up = np.flatnonzero(ancestor >= 0)
        if not len(up):
            break
        keys.append(codes.key(codes.indicator[up], ancestor[up], codes.period[up]))
        rows.append(up)
        ancestor = np.where(ancestor >= 0, codes.parent[np.maximum(ancestor, 0)], -1)
    if not keys:
        return frame
    rows_all = np.concatenate(rows)
    groups = _Groups(np.concatenate(keys), n_keys)
    del keys, rows, ancestor  # 1,8 M-row intermediates freed as soon as they are summed
    reached = groups.count() > 0
    stored = np.zeros(groups.n, dtype=bool)
    at = (
        _position(groups.key_of(np.arange(groups.n)), own_key, n_keys)
        if not groups.dense
        else own_key
    )
    stored[at[at >= 0]] = True
    new = np.flatnonzero(reached & ~stored)  # groups (sorted keys) that become rows
    key = groups.key_of(new)
    synthetic = groups.count(frame["synthetic"].to_numpy(bool)[rows_all]) > 0
    frame = frame.assign(
        indicator_id=codes.column("indicator_id", codes.indicator),
        area_code=codes.column("area_code", codes.area),
        period=codes.column("period", codes.period),
    )
    added = pd.DataFrame(
        {
            "indicator_id": codes.column("indicator_id", key // (n_a * n_p)),
            "area_code": codes.column("area_code", (key // n_p) % n_a),
            "period": codes.column("period", key % n_p),
            **{c: groups.sum(frame[c].to_numpy(float)[rows_all])[new] for c in numbers},
            "synthetic": synthetic[new],
        }
    )
    del groups, rows_all
    n_stored = len(frame)
    out = pd.concat([frame, added], ignore_index=True)
    del frame, added
    out["partial"] = _partial(np.concatenate([own_key, key]), codes, n_stored=n_stored)
    return out


def _partial(key: np.ndarray, codes: _Codes, *, n_stored: int) -> np.ndarray:
    """Partial flags of the computed rows (keys after the first ``n_stored``), bottom-up over
    the (shallow) area tree: a computed row is partial when fewer of its area's direct
    children have a row than the area has children, or when one of those rows is partial."""
    n_a, n_p = len(codes.areas), len(codes.periods)
    n_keys = len(codes.indicators) * n_a * n_p
    area = (key // n_p) % n_a
    parent = codes.parent[area]
    has_parent = np.flatnonzero(parent >= 0)
    parent_key = key[has_parent] - (area[has_parent] - parent[has_parent]) * n_p
    parent_row = _position(key, parent_key, n_keys)  # -1: the parent has no row
    child, parent_row = has_parent[parent_row >= 0], parent_row[parent_row >= 0]
    n_children = np.bincount(codes.parent[codes.parent >= 0], minlength=n_a)
    computed = np.arange(len(key)) >= n_stored
    present = np.bincount(parent_row, minlength=len(key))
    partial = computed & (present < n_children[area])
    # Only computed rows can be partial: follow just their links up the tree.
    from_computed = computed[child]
    child, parent_row = child[from_computed], parent_row[from_computed]
    for _ in range(8):  # the tree is 2-3 levels deep: a partial child makes its parent partial
        inherited = np.bincount(parent_row[partial[child]], minlength=len(key)) > 0
        updated = partial | (inherited & computed)
        if (updated == partial).all():
            break
        partial = updated
    return partial


# --- 3. values and intervals ---------------------------------------------------------------------


def _meta(catalogue: Mapping[str, Indicator]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": i.id,
                "kind": i.kind,
                "multiplier": float(i.multiplier),
                "direction": i.direction,
                "min_denominator": getattr(i, "min_denominator", None),
            }
            for i in catalogue.values()
        ]
    ).set_index("indicator_id")


def _kind_codes(frame: pd.DataFrame) -> tuple[np.ndarray, list]:
    """Codes of the ``kind`` categorical and its categories as plain strings (no per-row
    text is touched)."""
    kind = frame["kind"]
    return kind.cat.codes.to_numpy(), [str(c) for c in kind.cat.categories]


def _intervals(
    f: pd.DataFrame, kind_code: np.ndarray, kinds: list, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits per kind (docs/methods.md §1), in display units."""
    num, den, mult = (
        f["numerator"].to_numpy(float),
        f["denominator"].to_numpy(float),
        f["multiplier"].to_numpy(float),
    )
    lower = np.full(len(f), np.nan)
    upper = np.full(len(f), np.nan)
    rows = {k: kind_code == kinds.index(k) if k in kinds else None for k in KINDS}
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, interval in (("proportion", proportion_ci), ("rate", rate_ci)):
            m = rows[k]
            if m is None or not m.any():
                continue
            lo, hi = interval(num[m], den[m], confidence)
            lower[m], upper[m] = lo * mult[m], hi * mult[m]
        m = rows["mean"]
        if m is not None and m.any():
            # A mean's spread only from stored sums of squares: no assumed standard deviation.
            squares = (
                f["sum_squares"].to_numpy(float)[m]
                if "sum_squares" in f.columns
                else np.full(int(m.sum()), np.nan)
            )
            sd = sd_from_sums(num[m], den[m], squares)
            lower[m], upper[m] = mean_ci(num[m], den[m], sd, confidence)
        m = rows["count"]
        if m is not None and m.any():
            lower[m], upper[m] = poisson_count_ci(num[m], confidence)
    return lower, upper


def _values(
    frame: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    confidence: float = 0.95,
    *,
    wide: float | None = None,
) -> pd.DataFrame:
    """Catalogue attributes, value and interval per row; with ``wide`` also the interval at
    that level (``lower_998``, ``upper_998``): the value is computed once."""
    meta = _meta(catalogue)
    at = _index_of(frame["indicator_id"], meta.index)
    f = frame.copy(deep=False)  # copy-on-write: new columns never touch the caller's
    for column in ("multiplier", "min_denominator"):
        f[column] = pd.to_numeric(meta[column]).to_numpy(float)[at]
    for column in ("kind", "direction"):
        categories = meta[column].astype("category").cat
        f[column] = pd.Categorical.from_codes(
            categories.codes.to_numpy()[at], categories=categories.categories
        )
    kind_code, kinds = _kind_codes(f)
    num, den, mult = (
        f["numerator"].to_numpy(float),
        f["denominator"].to_numpy(float),
        f["multiplier"].to_numpy(float),
    )
    value = np.full(len(f), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in kinds:
            m = kind_code == kinds.index(k)
            if k in ("proportion", "rate"):
                value[m] = num[m] / den[m] * mult[m]
            elif k == "mean":
                value[m] = num[m] / den[m]
            elif k == "count":
                value[m] = num[m]
    f["value"] = value
    f["lower"], f["upper"] = _intervals(f, kind_code, kinds, confidence)
    if wide is not None:
        f[WIDE_COLUMNS[0]], f[WIDE_COLUMNS[1]] = _intervals(f, kind_code, kinds, wide)
    return f


def _overdispersed(
    f: pd.DataFrame, *, units: np.ndarray, levels: Mapping[tuple[str, str], float]
) -> pd.DataFrame:
    """φ per indicator × period from ``units`` (:func:`indicators.stats.dispersion_by_group`,
    computed once) and quasi intervals where φ > 1 (:func:`indicators.stats.quasi_interval`)
    for every ``(lower, upper)`` column pair at its level: the rule of
    :func:`indicators.stats.overdispersed_intervals`, shared by the 95 % and 99,8 % limits."""
    out = f.copy(deep=False)
    phi = dispersion_by_group(out, units=units)
    out["phi"] = phi
    phi = phi.to_numpy(float)
    kind_code, kinds = _kind_codes(out)
    level = out["area_level"]
    not_municipality = level.cat.codes.to_numpy() != (
        list(level.cat.categories).index("municipality")
        if "municipality" in set(level.cat.categories)
        else -2
    )
    widen = (phi > 1.0) & not_municipality
    num, den = out["numerator"].to_numpy(float), out["denominator"].to_numpy(float)
    mult = out["multiplier"].to_numpy(float)
    for kind in ("proportion", "rate"):
        if kind not in kinds:
            continue
        rows = widen & (kind_code == kinds.index(kind))
        if not rows.any():
            continue
        for (lo_col, hi_col), confidence in levels.items():
            lower, upper = quasi_interval(
                num[rows], den[rows], phi[rows], kind=kind, confidence=confidence
            )
            for column, limit in ((lo_col, lower), (hi_col, upper)):
                values = out[column].to_numpy(float).copy()
                values[rows] = np.asarray(limit) * mult[rows]
                out[column] = values
    return out


# --- 4. disclosure control -----------------------------------------------------------------------


def _disclose(
    frame: pd.DataFrame,
    area_table: pd.DataFrame,
    *,
    threshold: int,
    min_denominator: int,
) -> pd.DataFrame:
    """The one suppression step (docs/disclosure.md), per indicator denominator rule."""
    extra = [c for c in WIDE_COLUMNS if c in frame.columns]
    area_parent = {
        c: p
        for c, p in zip(area_table["code"], area_table["parent_code"], strict=True)
        if isinstance(p, str) and p
    }
    period_parent = period_parent_map(frame["period"].unique())
    # Per-indicator denominator rule (e.g. Skolverket's 10 pupils) is the stricter of the two.
    rule = frame["min_denominator"].fillna(min_denominator).to_numpy(float)
    groups = np.unique(rule)
    if len(groups) == 1:
        return suppress(
            frame,
            area_parent=area_parent,
            period_parent=period_parent,
            threshold=threshold,
            min_denominator=max(int(groups[0]), min_denominator),
            hide_columns=extra,
        )
    # Several denominator rules: suppress each group, then write the hidden columns back.
    needed = [c for c in frame.columns if c in {*_KEY, "kind", *HIDDEN_COLUMNS, *extra}]
    out = frame.copy(deep=False)
    hidden_columns = [*HIDDEN_COLUMNS, *extra]
    changed = {c: out[c].to_numpy(float).copy() for c in hidden_columns if c in out.columns}
    hidden = np.zeros(len(out), dtype=bool)
    reason = np.full(len(out), None, dtype=object)
    for min_den in groups:
        rows = np.flatnonzero(rule == min_den)
        part = suppress(
            frame[needed].iloc[rows],
            area_parent=area_parent,
            period_parent=period_parent,
            threshold=threshold,
            min_denominator=max(int(min_den), min_denominator),
            hide_columns=extra,
        )
        for column, values in changed.items():
            values[rows] = part[column].to_numpy(float)
        hidden[rows] = part["suppressed"].to_numpy(bool)
        reason[rows] = part["reason"].to_numpy(dtype=object)
    for column, values in changed.items():
        out[column] = values
    out["suppressed"] = hidden
    out["reason"] = pd.Series(reason, index=out.index, dtype=object)
    return out


# --- 5. verdicts and trends ----------------------------------------------------------------------


class _Benchmark:
    """Per row, the position of its municipality row (same indicator and period; -1 if
    none), from the categorical codes: no text per row."""

    def __init__(self, f: pd.DataFrame, municipality: str) -> None:
        ind, indicators = _codes_of(f["indicator_id"])
        per, periods = _codes_of(f["period"])
        area, areas = _codes_of(f["area_code"])
        n_p = max(len(periods), 1)
        key = ind.astype(np.int64) * n_p + per
        muni_code = areas.get_indexer([municipality])[0]
        self.is_muni = (area == muni_code) & (muni_code >= 0)
        rows = np.full(max(len(indicators), 1) * n_p, -1, dtype=np.int64)
        muni_rows = np.flatnonzero(self.is_muni & (ind >= 0) & (per >= 0))
        rows[key[muni_rows]] = muni_rows  # the last one wins, as a plain assignment
        self.row = np.where((ind >= 0) & (per >= 0), rows[np.maximum(key, 0)], -1)

    def of(self, values: np.ndarray, missing) -> np.ndarray:
        found = self.row >= 0
        out = np.full(len(self.row), missing, dtype=values.dtype)
        out[found] = values[self.row[found]]
        return out


def _verdicts(
    f: pd.DataFrame,
    municipality: str,
    limits: tuple[str, str] = ("lower", "upper"),
    *,
    bench: _Benchmark | None = None,
) -> pd.Series:
    """Verdict against the municipality's value of the same indicator and period, read from
    the interval in the ``limits`` columns (95 % or 99,8 %); the rule of
    :func:`indicators.stats.compare_to_benchmark` on integer codes."""
    bench = _Benchmark(f, municipality) if bench is None else bench
    direction, directions = _codes_of(f["direction"])
    known = [str(d) for d in directions]
    unknown = sorted({d for d in known if d not in DIRECTIONS})
    if unknown and np.isin(direction, [known.index(d) for d in unknown]).any():
        compare_to_benchmark(0.0, 0.0, 0.0, direction=unknown[0])  # raises its UserError

    def is_(name: str) -> np.ndarray:
        return direction == (known.index(name) if name in known else -2)

    index = verdict_index(
        f[limits[0]].to_numpy(float),
        f[limits[1]].to_numpy(float),
        bench.of(f["value"].to_numpy(float), np.nan),
        worse_if_high=is_("higher_is_worse"),
        better_if_high=is_("higher_is_better"),
    )
    verdict = np.asarray(VERDICT_CODES, dtype=object)[index]
    level = f["area_level"]
    country = (
        (level == "country").to_numpy()
        if not isinstance(level.dtype, pd.CategoricalDtype)
        else _codes_of(level)[0] == _code_for(level, "country")
    )
    verdict[bench.is_muni | country] = "benchmark"
    kind = f["kind"]
    verdict[_codes_of(kind)[0] == _code_for(kind, "count")] = "not_compared"  # no per-capita
    return pd.Series(verdict, index=f.index, dtype=object)


def _code_for(column: pd.Series, label: str) -> int:
    """The categorical code of ``label`` in ``column`` (-2, never a code, if absent)."""
    categories = _codes_of(column)[1]
    at = categories.get_indexer([label])[0]
    return int(at) if at >= 0 else -2


def _benchmark_partial(
    f: pd.DataFrame, municipality: str, *, bench: _Benchmark | None = None
) -> np.ndarray:
    """Per row: is the municipality value of its indicator and period a partial sum? (the
    ``partial`` flag of the municipality row; :func:`indicators.rollup.benchmark_partial`)."""
    bench = _Benchmark(f, municipality) if bench is None else bench
    return bench.of(f["partial"].to_numpy(bool), False)


def _codes_of(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and their labels: a categorical's own codes in their own small dtype
    (no string is touched, no 1,9 M int64 copy; arithmetic on them casts first),
    otherwise a sorted factorisation."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    codes, labels = pd.factorize(column, sort=True)
    return codes.astype(np.int64), pd.Index(labels)


def _trends(f: pd.DataFrame, confidence: float = 0.95) -> pd.Series:
    """Recent-trend code per row (yearly series only; other periods get 'cannot_calculate').

    Per kind one matrix (series × years) per input, filled by index from integer codes;
    the marker belongs to the latest point of each series.
    """
    out = np.full(len(f), "cannot_calculate", dtype=object)
    period, periods = _codes_of(f["period"])
    label, labels = _codes_of(f["period_label"])
    # A year, and not a pool ("2022–2024" labels a pooled year): label equals period.
    year_category = _is_year(pd.Series(np.asarray(periods, dtype=object))).to_numpy(bool)
    label_as_period = periods.get_indexer(labels)
    is_year = (
        (period >= 0)
        & year_category[np.maximum(period, 0)]
        & (label >= 0)
        & (label_as_period[np.maximum(label, 0)] == period)
    )
    indicator, indicators = _codes_of(f["indicator_id"])
    area, areas = _codes_of(f["area_code"])
    kind_codes, kinds = _codes_of(f["kind"])
    # Fingertips reads 95 % limits; rescale limits shown at another level (means only).
    to95 = _z_for(0.95) / _z_for(confidence)
    n_series = (len(indicators) + 1) * (len(areas) + 1)
    for k in np.unique(kind_codes[is_year]):
        kind = kinds[k]
        if kind == "count":
            continue  # Fingertips computes no trend for counts: "cannot_calculate" stays
        rows = np.flatnonzero(is_year & (kind_codes == k))
        # One matrix row per indicator × area: dense positions when the key space is small,
        # else a compact numbering (the order of the series never matters, only their rows).
        key = indicator[rows].astype(np.int64) * (len(areas) + 1) + area[rows]
        if n_series <= 4 * len(rows) + 1024:
            used = np.zeros(n_series, dtype=bool)
            used[key] = True
            series = (np.cumsum(used) - 1)[key]
        else:
            series = pd.factorize(key)[0]
        # Columns are this kind's years in the order of their sorted codes (codes sort like
        # the strings).
        present = np.zeros(len(periods) + 1, dtype=bool)
        present[period[rows]] = True
        col = (np.cumsum(present) - 1)[period[rows]]
        shape = (int(series.max()) + 1, int(present.sum()))

        def matrix(name: str, shape=shape, series=series, col=col, rows=rows) -> np.ndarray:
            m = np.full(shape, np.nan)
            m[series, col] = f[name].to_numpy(float)[rows]
            return m

        if kind in ("mean", "other"):
            value = matrix("value")
            inputs = {
                "values": value,
                "lower": value - (value - matrix("lower")) * to95,
                "upper": value + (matrix("upper") - value) * to95,
            }
            numerators = denominators = None
        else:  # proportions and rates: the trend recomputes its 95 % limits from the counts
            inputs = {}
            numerators, denominators = matrix("numerator"), matrix("denominator")
        codes = recent_trend(numerators, denominators, kind=kind, **inputs)["trend"]
        codes = codes.to_numpy(object)
        latest = np.full(shape[0], -1)
        np.maximum.at(latest, series, col)
        is_latest = col == latest[series]
        out[rows[is_latest]] = codes[series[is_latest]]
    return pd.Series(out, index=f.index, dtype=object)


def _category_of_area(at: np.ndarray, attribute: pd.Series, *, fallback) -> pd.Categorical:
    """An area-table attribute per row (``at``: row's position in the table, -1 if absent) as
    a categorical; rows of unknown areas get ``fallback`` (their own code) or NaN."""
    values = attribute.to_numpy(dtype=object)
    missing = at < 0
    extra = (
        pd.unique(np.asarray(fallback, dtype=object)[missing])
        if fallback is not None and missing.any()
        else np.zeros(0, dtype=object)
    )
    present = [v for v in pd.unique(np.concatenate([values, extra])) if isinstance(v, str)]
    categories = pd.Index(sorted(present), dtype=object)
    codes = np.where(missing, -1, categories.get_indexer(values)[np.maximum(at, 0)])
    if len(extra):
        codes[missing] = categories.get_indexer(np.asarray(fallback, dtype=object)[missing])
    return pd.Categorical.from_codes(codes, categories=categories)


# --- the pipeline --------------------------------------------------------------------------------


def compute_frame(
    observations: pd.DataFrame,
    area_table: pd.DataFrame,
    indicator_ids: Iterable[str] | None = None,
    *,
    levels: Iterable[str] = LEVELS,
    threshold: int = SUPPRESSION_THRESHOLD,
    min_denominator: int = MIN_DENOMINATOR,
    catalogue: Mapping[str, Indicator] | None = None,
    categorical: bool = False,
    confidence: float = 0.95,
    overdispersion: bool = True,
) -> pd.DataFrame:
    """:func:`compute` on observations and an area table already in memory.

    ``observations`` as :func:`store.observations.read_observations` returns them,
    ``area_table`` as :func:`store.areas.read_area_table`. ``categorical=True`` leaves the
    text columns as categoricals (the rebuild writes them straight to the store).

    Examples
    --------
    >>> areas = pd.DataFrame({"code": ["K", "A", "B"], "name": ["Kommun", "A", "B"],
    ...     "level": ["municipality", "district", "district"], "parent_code": [None, "K", "K"]})
    >>> obs = pd.DataFrame({"measure_id": "skadegorelse", "area_code": ["A", "B"],
    ...     "period": "2024", "count": [40.0, 60.0], "denominator": [2000.0, 3000.0],
    ...     "value": None, "synthetic": True})
    >>> compute_frame(obs, areas)[["area_code", "numerator", "verdict"]].values.tolist()
    [['K', 100.0, 'benchmark'], ['A', 40.0, 'similar'], ['B', 60.0, 'similar']]
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    ids = list(indicator_ids) if indicator_ids is not None else list(catalogue)
    observations = _as_categories(observations, ["measure_id", "area_code", "period"])
    frame = gather_inputs(observations, catalogue=catalogue, indicator_ids=ids)
    del observations  # the caller's reference is all that keeps the store rows now
    if frame.empty:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "kind"])
    frame = roll_up_periods(frame, catalogue)
    frame = _roll_up_areas(frame, area_table)
    frame = pool_years(frame, catalogue)
    frame = _values(frame, catalogue, confidence, wide=WIDE_CONFIDENCE)
    at = _index_of(frame["area_code"], pd.Index(area_table["code"].to_numpy(dtype=object)))
    frame["area_level"] = _category_of_area(at, area_table["level"], fallback=None)
    frame["area_name"] = _category_of_area(at, area_table["name"], fallback=frame["area_code"])
    municipality = area_table.loc[area_table["level"] == "municipality", "code"].iloc[0]
    # Between-district spread (φ) widens district intervals where φ > 1 (docs/methods.md),
    # at the chosen level and at Fingertips' 99,8 % level published beside it.
    units = (frame["area_level"] == "district").to_numpy()
    frame = _overdispersed(
        frame,
        units=units & overdispersion,
        levels={("lower", "upper"): confidence, WIDE_COLUMNS: WIDE_CONFIDENCE},
    )
    frame = _disclose(frame, area_table, threshold=threshold, min_denominator=min_denominator)
    bench = _Benchmark(frame, municipality)
    frame["benchmark_partial"] = _benchmark_partial(frame, municipality, bench=bench)
    frame["verdict"] = _verdicts(frame, municipality, bench=bench)
    frame["verdict_998"] = _verdicts(frame, municipality, limits=WIDE_COLUMNS, bench=bench)
    frame["trend"] = _trends(frame, confidence)
    frame.loc[frame["suppressed"].to_numpy(bool), ["verdict", "verdict_998"]] = None
    keep = np.flatnonzero(frame["area_level"].isin(list(levels)).to_numpy())
    # One take of the published columns in publishing order (no filtered copy before it).
    order = keep[_publishing_order(frame.iloc[keep][list(_ORDER_COLUMNS)])]
    out = frame[[*OUTPUT_COLUMNS, "kind"]].iloc[order].reset_index(drop=True)
    del frame
    if not categorical:
        for column in (*_TEXT_COLUMNS, "period_label"):
            out[column] = out[column].astype("str")
    return out


def _rank(values: pd.Series) -> np.ndarray:
    """Sort rank of each value (strings in Python's order); categoricals by category."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories.to_numpy(dtype=object)
        rank = np.argsort(np.argsort(categories, kind="stable"), kind="stable")
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, rank[np.maximum(codes, 0)], len(categories))
    return pd.factorize(values, sort=True)[0]


def _stable_order(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Stable order by ``high``, then ``low`` (non-negative integers): two 16-bit radix sorts
    when both fit in 16 bits (a national table has ~6 000 names), else one sort of a
    combined key."""
    limit = np.iinfo(np.uint16).max
    if len(low) and low.max() <= limit and high.max() <= limit:
        first = np.argsort(low.astype(np.uint16), kind="stable")
        return first[np.argsort(high[first].astype(np.uint16), kind="stable")]
    return np.argsort(high * (int(low.max(initial=0)) + 1) + low, kind="stable")


def sort_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in publishing order: indicator, period, level (municipality first), area name.

    >>> f = pd.DataFrame({"indicator_id": ["x", "x"], "period": ["2024", "2024"],
    ...                   "area_level": ["district", "municipality"], "area_name": ["A", "K"]})
    >>> sort_values(f)["area_name"].tolist()
    ['K', 'A']
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.iloc[_publishing_order(frame)].reset_index(drop=True)


_ORDER_COLUMNS = ("indicator_id", "period", "area_level", "area_name")


def _publishing_order(frame: pd.DataFrame) -> np.ndarray:
    """Row positions in publishing order (:func:`sort_values`)."""
    if frame.empty:
        return np.zeros(0, dtype=np.int64)
    level_rank = {lvl: i for i, lvl in enumerate(LEVELS)}
    level = frame["area_level"].map(level_rank).to_numpy(float)
    level = np.where(np.isnan(level), len(LEVELS), level).astype(np.int64)  # unknown: last
    # One integer key (ranks shifted so that a missing one, -1, sorts first) sorted once:
    # the order of a lexsort on the four keys.
    key = np.zeros(len(frame), dtype=np.int64)
    for rank in (*(_rank(frame[c]) for c in ("indicator_id", "period")), level):
        key = key * (int(rank.max()) + 2) + (rank + 1)
    name = _rank(frame["area_name"]) + 1
    return _stable_order(name, key)


def compute(
    store,
    indicator_ids: Iterable[str] | None = None,
    areas: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    *,
    levels: Iterable[str] = ("municipality", "district"),
    threshold: int = SUPPRESSION_THRESHOLD,
    min_denominator: int = MIN_DENOMINATOR,
    confidence: float = 0.95,
    overdispersion: bool = True,
) -> pd.DataFrame:
    """Published indicator values: one row per indicator × area × period, suppressed where needed.

    Columns: :data:`OUTPUT_COLUMNS` plus ``kind``. Suppressed rows have no numerator,
    denominator, value or interval, and a reason. ``confidence`` is the interval level
    (0.95, or Fingertips' 0.998); with ``overdispersion`` district intervals are
    quasi-likelihood intervals where the districts' φ > 1 (``phi``). ``period_label`` is
    "2022–2024" for pooled rare events; ``benchmark_partial`` says the municipality value
    is a sum of only some of its districts (no stored municipality row). Pages and exports
    do not call this: they
    read the published table (:mod:`store.published`) that :mod:`indicators.publish` fills
    once per data version.

    Examples
    --------
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> compute(s).empty
    True
    """

    area_table = read_area_table(store)
    obs = read_observations(store, categorical=True)
    out = compute_frame(
        obs,
        area_table,
        indicator_ids,
        levels=levels,
        threshold=threshold,
        min_denominator=min_denominator,
        confidence=confidence,
        overdispersion=overdispersion,
    )
    keep = np.ones(len(out), dtype=bool)
    if areas is not None:
        keep &= out["area_code"].isin(list(areas)).to_numpy()
    if periods is not None:
        keep &= out["period"].isin(list(periods)).to_numpy()
    return out[keep].reset_index(drop=True)
