"""From stored observations to published indicator values.

``compute`` is the one road out of ``indicators/``: it rolls values up the area and
period hierarchy, adds intervals, the verdict against the municipality and the
recent trend, and passes every row through :func:`indicators.disclosure.suppress`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from catalogue import INPUTS, Indicator, load_catalogue
from common.periods import year_mask
from common.settings import MIN_DENOMINATOR, SUPPRESSION_THRESHOLD
from indicators.disclosure import suppress
from indicators.inputs import indicator_inputs
from indicators.rollup import (
    benchmark_partial,
    pool_years,
    roll_up_areas,
    roll_up_periods,
    with_sum_squares,
)
from indicators.stats import (
    _z_for,
    compare_to_benchmark,
    mean_ci,
    overdispersed_intervals,
    poisson_count_ci,
    proportion_ci,
    rate_ci,
    sd_from_sums,
)
from indicators.trend import recent_trend
from store.areas import read_area_table
from store.observations import read_observations

OUTPUT_COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "area_level",
    "period",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "verdict",
    "trend",
    "suppressed",
    "reason",
    "synthetic",
    "period_label",
    "benchmark_partial",
    "phi",
]
#: "country" is Sweden, the second benchmark (issue 15); it is published only when asked for.
LEVELS = ("country", "municipality", "district", "stadsdel")


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


def _values(
    frame: pd.DataFrame, catalogue: dict[str, Indicator], confidence: float = 0.95
) -> pd.DataFrame:
    meta = pd.DataFrame(
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
    )
    f = frame.merge(meta, on="indicator_id", how="left")
    num, den, mult = (
        f["numerator"].to_numpy(float),
        f["denominator"].to_numpy(float),
        f["multiplier"].to_numpy(),
    )
    value = np.full(len(f), np.nan)
    lower = np.full(len(f), np.nan)
    upper = np.full(len(f), np.nan)
    kind = f["kind"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        m = kind == "proportion"
        lo, hi = proportion_ci(num[m], den[m], confidence)
        value[m], lower[m], upper[m] = num[m] / den[m] * mult[m], lo * mult[m], hi * mult[m]
        m = kind == "rate"
        lo, hi = rate_ci(num[m], den[m], confidence)
        value[m], lower[m], upper[m] = num[m] / den[m] * mult[m], lo * mult[m], hi * mult[m]
        m = kind == "mean"
        # A mean's spread only from stored sums of squares: no assumed standard deviation.
        squares = f["sum_squares"] if "sum_squares" in f.columns else pd.Series(np.nan, f.index)
        sd = sd_from_sums(num[m], den[m], squares.to_numpy(float)[m])
        lo, hi = mean_ci(num[m], den[m], sd, confidence)
        value[m], lower[m], upper[m] = num[m] / den[m], lo, hi
        m = kind == "count"
        lo, hi = poisson_count_ci(num[m], confidence)
        value[m], lower[m], upper[m] = num[m], lo, hi
    f["value"], f["lower"], f["upper"] = value, lower, upper
    return f


def _verdicts(f: pd.DataFrame, municipality: str) -> pd.Series:
    bench = f[f["area_code"] == municipality].set_index(["indicator_id", "period"])["value"]
    b = pd.MultiIndex.from_frame(f[["indicator_id", "period"]]).map(bench.to_dict().get)
    b = pd.to_numeric(pd.Series(b, index=f.index), errors="coerce")
    verdict = pd.Series(
        compare_to_benchmark(
            f["lower"].to_numpy(float),
            f["upper"].to_numpy(float),
            b.to_numpy(float),
            direction=f["direction"].to_numpy(object),
        ),
        index=f.index,
        dtype=object,
    )
    verdict[(f["area_code"] == municipality) | (f["area_level"] == "country")] = "benchmark"
    verdict[f["kind"] == "count"] = "not_compared"  # a count has no per-capita benchmark
    return verdict


def _trends(f: pd.DataFrame, confidence: float = 0.95) -> pd.Series:
    """Recent-trend code per row (yearly series only; other periods get 'cannot_calculate')."""
    out = pd.Series("cannot_calculate", index=f.index, dtype=object)
    years = f[_is_year(f["period"]) & (f["period_label"] == f["period"])]  # pools: no trend
    if years.empty:
        return out
    for kind, part in years.groupby("kind"):
        num = part.pivot_table(
            index=["indicator_id", "area_code"],
            columns="period",
            values="numerator",
            aggfunc="first",
            dropna=False,
        ).sort_index(axis=1)
        den = part.pivot_table(
            index=["indicator_id", "area_code"],
            columns="period",
            values="denominator",
            aggfunc="first",
            dropna=False,
        ).reindex_like(num)
        low = part.pivot_table(
            index=["indicator_id", "area_code"],
            columns="period",
            values="lower",
            aggfunc="first",
            dropna=False,
        ).reindex_like(num)
        upp = part.pivot_table(
            index=["indicator_id", "area_code"],
            columns="period",
            values="upper",
            aggfunc="first",
            dropna=False,
        ).reindex_like(num)
        val = part.pivot_table(
            index=["indicator_id", "area_code"],
            columns="period",
            values="value",
            aggfunc="first",
            dropna=False,
        ).reindex_like(num)
        # Fingertips reads 95 % limits; rescale limits shown at another level (means only).
        to95 = _z_for(0.95) / _z_for(confidence)
        value = val.to_numpy(float)
        codes = recent_trend(
            num.to_numpy(float),
            den.to_numpy(float),
            kind=kind,
            values=value,
            lower=value - (value - low.to_numpy(float)) * to95,
            upper=value + (upp.to_numpy(float) - value) * to95,
        )["trend"].to_numpy(object)
        by_series = pd.Series(codes, index=num.index)
        # The trend marker belongs to the latest point of each series.
        latest = part.groupby(["indicator_id", "area_code"])["period"].transform("max")
        is_latest = part["period"] == latest
        keys = pd.MultiIndex.from_frame(part.loc[is_latest, ["indicator_id", "area_code"]])
        out.loc[part.index[is_latest]] = by_series.reindex(keys).to_numpy()
    return out


def _measures_read(ind: Indicator) -> set[str]:
    """The stored measures an indicator's value is made from (its id, its input's reads)."""
    spec = INPUTS.get(ind.input)
    reads = set(spec.reads) if spec is not None else set()
    return {ind.id, *reads} | ({ind.population_measure} if ind.population_measure else set())


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
    is a sum of only some of its districts (no stored municipality row).
    """

    catalogue = load_catalogue()
    ids = list(indicator_ids) if indicator_ids is not None else list(catalogue)
    area_table = read_area_table(store)
    obs = read_observations(store)
    parts = []
    for ind_id in ids:
        ind = catalogue[ind_id]
        inputs = indicator_inputs(ind, obs)
        if inputs.empty:
            continue
        # Synthetic if any measure the value is made from is (e.g. ej_behoriga_gymnasiet is
        # read from behoriga_yrkesprogram); a value from real measures only is real.
        read = obs["measure_id"].isin(_measures_read(ind))
        synth = obs[read].groupby(["area_code", "period"])["synthetic"].max()
        inputs = inputs.merge(
            synth.rename("synthetic").reset_index(), on=["area_code", "period"], how="left"
        )
        inputs["synthetic"] = inputs["synthetic"].fillna(True).astype(bool)
        inputs = with_sum_squares(inputs, ind, obs)
        parts.append(inputs.assign(indicator_id=ind_id))
    if not parts:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "kind"])
    frame = pd.concat(parts, ignore_index=True)
    frame = roll_up_periods(frame, catalogue)
    frame = pool_years(roll_up_areas(frame, area_table), catalogue)
    frame = _values(frame, catalogue, confidence)
    level_of = dict(zip(area_table["code"], area_table["level"], strict=True))
    name_of = dict(zip(area_table["code"], area_table["name"], strict=True))
    frame["area_level"] = frame["area_code"].map(level_of)
    frame["area_name"] = frame["area_code"].map(name_of).fillna(frame["area_code"])
    municipality = area_table.loc[area_table["level"] == "municipality", "code"].iloc[0]
    # Between-district spread (φ) widens district intervals where φ > 1 (docs/methods.md).
    units = (frame["area_level"] == "district").to_numpy()
    frame = overdispersed_intervals(frame, units=units & overdispersion, confidence=confidence)
    area_parent = {
        c: p
        for c, p in zip(area_table["code"], area_table["parent_code"], strict=True)
        if isinstance(p, str) and p
    }
    # Per-indicator denominator rule (e.g. Skolverket's 10 pupils) is the stricter of the two.
    published = []
    for min_den, part in frame.groupby(frame["min_denominator"].fillna(min_denominator)):
        published.append(
            suppress(
                part,
                area_parent=area_parent,
                period_parent=period_parent_map(part["period"].unique()),
                threshold=threshold,
                min_denominator=max(int(min_den), min_denominator),
            )
        )
    frame = pd.concat(published).sort_index()
    frame["benchmark_partial"] = benchmark_partial(frame, municipality)
    frame["verdict"] = _verdicts(frame, municipality)
    frame["trend"] = _trends(frame, confidence)
    frame.loc[frame["suppressed"], "verdict"] = None
    keep = frame["area_level"].isin(list(levels))
    if areas is not None:
        keep &= frame["area_code"].isin(list(areas))
    if periods is not None:
        keep &= frame["period"].isin(list(periods))
    out = frame.loc[keep, [*OUTPUT_COLUMNS, "kind"]]
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    return (
        out.assign(_l=out["area_level"].map(order))
        .sort_values(["indicator_id", "period", "_l", "area_name"])
        .drop(columns="_l")
        .reset_index(drop=True)
    )
