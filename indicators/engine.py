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
from indicators.stats import compare_to_benchmark, mean_ci, poisson_count_ci, proportion_ci, rate_ci
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


def _roll_up_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Add year rows as the sum of sub-period rows where no year row exists."""
    sub = frame[~_is_year(frame["period"]) & ~frame["period"].str.contains("W")]
    if sub.empty:
        return frame
    years = (
        sub.assign(period=sub["period"].str[:4])
        .groupby(["indicator_id", "area_code", "period"], as_index=False)
        .agg(
            numerator=("numerator", "sum"),
            denominator=("denominator", "sum"),
            synthetic=("synthetic", "max"),
            n_parts=("numerator", "size"),
        )
    )
    have = frame.set_index(["indicator_id", "area_code", "period"]).index
    years = years[~years.set_index(["indicator_id", "area_code", "period"]).index.isin(have)]
    return pd.concat([frame, years.drop(columns="n_parts")], ignore_index=True)


def _roll_up_areas(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Add rows for every ancestor area as the sum of its descendants' stored rows."""
    parent = dict(zip(areas["code"], areas["parent_code"], strict=True))
    chains = []
    for code in frame["area_code"].unique():
        p = parent.get(code)
        while isinstance(p, str) and p:
            chains.append((code, p))
            p = parent.get(p)
    if not chains:
        return frame
    links = pd.DataFrame(chains, columns=["area_code", "ancestor"])
    up = frame.merge(links, on="area_code")
    up = (
        up.groupby(["indicator_id", "ancestor", "period"], as_index=False)
        .agg(
            numerator=("numerator", lambda s: s.sum(min_count=1)),
            denominator=("denominator", lambda s: s.sum(min_count=1)),
            synthetic=("synthetic", "max"),
        )
        .rename(columns={"ancestor": "area_code"})
    )
    have = frame.set_index(["indicator_id", "area_code", "period"]).index
    up = up[~up.set_index(["indicator_id", "area_code", "period"]).index.isin(have)]
    return pd.concat([frame, up], ignore_index=True)


def _values(frame: pd.DataFrame, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    meta = pd.DataFrame(
        [
            {
                "indicator_id": i.id,
                "kind": i.kind,
                "multiplier": float(i.multiplier),
                "direction": i.direction,
                "sd": float(getattr(i, "assumed_sd", None) or np.nan),
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
        lo, hi = proportion_ci(num[m], den[m])
        value[m], lower[m], upper[m] = num[m] / den[m] * mult[m], lo * mult[m], hi * mult[m]
        m = kind == "rate"
        lo, hi = rate_ci(num[m], den[m])
        value[m], lower[m], upper[m] = num[m] / den[m] * mult[m], lo * mult[m], hi * mult[m]
        m = kind == "mean"
        lo, hi = mean_ci(num[m], den[m], f["sd"].to_numpy()[m])
        value[m], lower[m], upper[m] = num[m] / den[m], lo, hi
        m = kind == "count"
        lo, hi = poisson_count_ci(num[m])
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


def _trends(f: pd.DataFrame) -> pd.Series:
    """Recent-trend code per row (yearly series only; other periods get 'cannot_calculate')."""
    out = pd.Series("cannot_calculate", index=f.index, dtype=object)
    years = f[_is_year(f["period"])]
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
        trend_kind = kind if kind in ("proportion", "rate") else "other"
        codes = recent_trend(
            num.to_numpy(float),
            den.to_numpy(float),
            kind=trend_kind,
            values=val.to_numpy(float),
            lower=low.to_numpy(float),
            upper=upp.to_numpy(float),
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
) -> pd.DataFrame:
    """Published indicator values: one row per indicator × area × period, suppressed where needed.

    Columns: :data:`OUTPUT_COLUMNS` plus ``kind``. Suppressed rows have no numerator,
    denominator, value or interval, and a reason.
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
        parts.append(inputs.assign(indicator_id=ind_id))
    if not parts:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "kind"])
    frame = pd.concat(parts, ignore_index=True)
    frame = _roll_up_periods(frame)
    frame = _roll_up_areas(frame, area_table)
    frame = _values(frame, catalogue)
    level_of = dict(zip(area_table["code"], area_table["level"], strict=True))
    name_of = dict(zip(area_table["code"], area_table["name"], strict=True))
    frame["area_level"] = frame["area_code"].map(level_of)
    frame["area_name"] = frame["area_code"].map(name_of).fillna(frame["area_code"])
    municipality = area_table.loc[area_table["level"] == "municipality", "code"].iloc[0]
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
    frame["verdict"] = _verdicts(frame, municipality)
    frame["trend"] = _trends(frame)
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
