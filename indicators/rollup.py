"""Rolling terms and months up into years, and pooling years for rare events.

Which periods may be summed is the indicator's business (``numerator_rollup``,
``denominator_rollup`` and ``pool_years`` in ``indicators/*.meta.yml``; docs/methods.md,
"Period roll-up"): events add up over terms, head counts do not — the same pupil sits in
the spring and the autumn term, so a year's pupils are the mean of its terms, not their
sum (summing them doubled Ersboda's denominator for problematisk frånvaro and made its
interval far too narrow).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Sub-periods that make a complete year when events are summed.
PARTS_PER_YEAR = {"term": 2, "month": 12}
KEYS = ["indicator_id", "area_code", "period"]


def _is_year(period: pd.Series) -> pd.Series:
    return period.astype(str).str.fullmatch(r"\d{4}")


def _sub_year(period: pd.Series) -> pd.Series:
    """Terms ('2025-VT') and months ('2025-03'); never weeks, which are not summed into years."""
    text = period.astype(str)
    return text.str.fullmatch(r"\d{4}-(VT|HT|\d{2})")


def roll_up_periods(frame: pd.DataFrame, rules: Mapping[str, object]) -> pd.DataFrame:
    """Add a year row per indicator × area from its terms or months, where none is stored.

    ``frame`` has ``indicator_id, area_code, period, numerator, denominator, synthetic``
    (and optionally ``sum_squares``); ``rules`` maps indicator id to its catalogue entry
    (``numerator_rollup``, ``denominator_rollup``, ``periodicity``).  Per rule:

    * ``sum``: added up; a year is made only from all its parts (2 terms, 12 months) —
      half a year of events is not a year;
    * ``mean``: the mean over the parts present (head counts: pupils, residents);
    * ``max``: the largest part;
    * numerator ``none``: no year row.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> rule = SimpleNamespace(numerator_rollup="mean", denominator_rollup="mean",
    ...                        periodicity="term")
    >>> terms = pd.DataFrame({"indicator_id": "f", "area_code": "A",
    ...                       "period": ["2025-VT", "2025-HT"], "numerator": [40.0, 50.0],
    ...                       "denominator": [420.0, 434.0], "synthetic": False})
    >>> year = roll_up_periods(terms, {"f": rule}).iloc[-1]
    >>> year["period"], float(year["numerator"]), float(year["denominator"])
    ('2025', 45.0, 427.0)
    """
    sub = frame[_sub_year(frame["period"])]
    if sub.empty:
        return frame
    have = pd.MultiIndex.from_frame(frame[KEYS])
    years = []
    for ind_id, part in sub.groupby("indicator_id", sort=False):
        rule = rules.get(ind_id)
        num_rule = getattr(rule, "numerator_rollup", "sum")
        den_rule = getattr(rule, "denominator_rollup", "sum")
        if num_rule == "none":
            continue
        part = part.assign(period=part["period"].astype(str).str[:4])
        grouped = part.groupby(["indicator_id", "area_code", "period"], as_index=False)
        aggregations = {
            "numerator": ("numerator", _aggregator(num_rule)),
            "denominator": ("denominator", _aggregator(den_rule)),
            "synthetic": ("synthetic", "max"),
            "n_parts": ("numerator", "size"),
        }
        if "sum_squares" in part.columns:
            aggregations["sum_squares"] = ("sum_squares", _aggregator(num_rule))
        year = grouped.agg(**aggregations)
        needed = PARTS_PER_YEAR.get(getattr(rule, "periodicity", "term"), 1)
        if "sum" in (num_rule, den_rule):
            year = year[year["n_parts"] >= needed]
        years.append(year.drop(columns="n_parts"))
    if not years:
        return frame
    years_frame = pd.concat(years, ignore_index=True)
    years_frame = years_frame[~pd.MultiIndex.from_frame(years_frame[KEYS]).isin(have)]
    return pd.concat([frame, years_frame], ignore_index=True)


def _aggregator(rule: str):
    if rule == "mean":
        return lambda s: s.mean() if s.notna().any() else np.nan
    if rule == "max":
        return lambda s: s.max() if s.notna().any() else np.nan
    return lambda s: s.sum(min_count=1)


def _rolling(part: pd.DataFrame, values: pd.Series, years: range, width: int, how: str):
    """Area × year table of ``values`` summed (or maxed) over each year and the ones before."""
    wide = pd.DataFrame(
        {"v": values.to_numpy(), "area_code": part["area_code"].to_numpy(), "y": part["_year"]}
    ).pivot(index="area_code", columns="y", values="v")
    window = wide.reindex(columns=list(years)).T.rolling(width, min_periods=1)
    return (window.sum() if how == "sum" else window.max()).T


def pool_years(frame: pd.DataFrame, rules: Mapping[str, object]) -> pd.DataFrame:
    """Replace yearly rows of rare-event indicators by rolling pools of ``pool_years`` years.

    For an indicator with ``pool_years = 3`` the row of year Y gets the sums of numerator
    and denominator (events and person-years) over Y−2..Y, and ``period_label``
    "Y−2–Y"; a year without all its pooled years stored is dropped.  Other rows get
    ``period_label`` = ``period``.  The period key stays Y, so a page choosing 2024 shows
    the pool 2022–2024 labelled as such.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> rows = pd.DataFrame({"indicator_id": "r", "area_code": "A",
    ...                      "period": ["2022", "2023", "2024"], "numerator": [1.0, 2.0, 4.0],
    ...                      "denominator": [1000.0, 1000.0, 1000.0], "synthetic": False})
    >>> pooled = pool_years(rows, {"r": SimpleNamespace(pool_years=3)})
    >>> pooled[["period", "period_label", "numerator", "denominator"]].values.tolist()
    [['2024', '2022–2024', 7.0, 3000.0]]
    """
    frame = frame.assign(period_label=frame["period"].astype(str))
    pooled_ids = [i for i, r in rules.items() if getattr(r, "pool_years", 1) > 1]
    is_pooled = frame["indicator_id"].isin(pooled_ids) & _is_year(frame["period"])
    if not is_pooled.any():
        return frame
    out = [frame[~is_pooled]]
    for ind_id, part in frame[is_pooled].groupby("indicator_id", sort=False):
        width = int(getattr(rules[ind_id], "pool_years", 1))
        part = part.assign(_year=part["period"].astype(int))
        years = range(int(part["_year"].min()), int(part["_year"].max()) + 1)

        def rolling(values: pd.Series, how: str = "sum", *, part=part, years=years, width=width):
            return _rolling(part, values, years, width, how)

        present = rolling(pd.Series(1.0, index=part.index))
        num = rolling(part["numerator"].astype(float).fillna(0.0))
        num_known = rolling(part["numerator"].notna().astype(float))
        den = rolling(part["denominator"].astype(float).fillna(0.0))
        den_known = rolling(part["denominator"].notna().astype(float))
        synthetic = rolling(part["synthetic"].astype(float), how="max")
        base = part.set_index(["area_code", "_year"])
        for area, year in base.index:
            if present.at[area, year] < width:
                continue
            row = base.loc[(area, year)].to_dict()
            row.update(
                indicator_id=ind_id,
                area_code=area,
                period=str(year),
                numerator=num.at[area, year] if num_known.at[area, year] == width else np.nan,
                denominator=den.at[area, year] if den_known.at[area, year] == width else np.nan,
                synthetic=bool(synthetic.at[area, year]),
                period_label=f"{year - width + 1}–{year}",
            )
            out.append(row)
    pooled = [o for o in out if isinstance(o, dict)]
    frames = [o for o in out if isinstance(o, pd.DataFrame)]
    if pooled:
        frames.append(pd.DataFrame(pooled))
    return pd.concat(frames, ignore_index=True)


def roll_up_areas(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Add rows for every ancestor area as the sum of its descendants' rows, marked if partial.

    A stored row for an ancestor (e.g. a municipality row imported from SCB or Skolverket)
    always wins over the sum of its parts.  A computed ancestor row gets ``partial = True``
    when one of its direct children has no row for that indicator and period, or has a
    partial row itself: two imported districts do not make "Umeå kommun".  Stored rows
    and leaves get ``partial = False``.  Numerator, denominator (and ``sum_squares`` if
    present) are summed.

    Examples
    --------
    >>> areas = pd.DataFrame({"code": ["K", "A", "B"], "parent_code": [None, "K", "K"]})
    >>> rows = pd.DataFrame({"indicator_id": "i", "area_code": ["A"], "period": "2024",
    ...                      "numerator": [5.0], "denominator": [50.0], "synthetic": False})
    >>> out = roll_up_areas(rows, areas)
    >>> out[["area_code", "numerator", "partial"]].values.tolist()
    [['A', 5.0, False], ['K', 5.0, True]]
    """
    frame = frame.assign(partial=False)
    parent = {
        c: p
        for c, p in zip(areas["code"], areas["parent_code"], strict=True)
        if isinstance(p, str) and p
    }
    chains = []
    for code in frame["area_code"].unique():
        p = parent.get(code)
        while p:
            chains.append((code, p))
            p = parent.get(p)
    if not chains:
        return frame
    links = pd.DataFrame(chains, columns=["area_code", "ancestor"])
    up = frame.merge(links, on="area_code")
    sums = {
        "numerator": ("numerator", lambda s: s.sum(min_count=1)),
        "denominator": ("denominator", lambda s: s.sum(min_count=1)),
        "synthetic": ("synthetic", "max"),
    }
    if "sum_squares" in frame.columns:
        sums["sum_squares"] = ("sum_squares", lambda s: s.sum(min_count=1))
    up = (
        up.groupby(["indicator_id", "ancestor", "period"], as_index=False)
        .agg(**sums)
        .rename(columns={"ancestor": "area_code"})
    )
    have = pd.MultiIndex.from_frame(frame[KEYS])
    up = up[~pd.MultiIndex.from_frame(up[KEYS]).isin(have)].assign(partial=False)
    out = pd.concat([frame, up], ignore_index=True)
    if up.empty:
        return out
    # Partial coverage, bottom-up: a computed row is partial if a direct child is missing
    # or partial. Area trees are shallow (municipality → district → stadsdel).
    children: dict[str, list[str]] = {}
    for child, p in parent.items():
        children.setdefault(p, []).append(child)
    computed = out.index[len(frame) :]
    present = dict(zip(map(tuple, out[KEYS].to_numpy()), out["partial"], strict=True))
    for _ in range(len(children) + 1):
        changed = False
        for i in computed:
            ind_id, area, period = (
                out.at[i, "indicator_id"],
                out.at[i, "area_code"],
                out.at[i, "period"],
            )
            flag = any(
                present.get((ind_id, child, period), True) for child in children.get(area, [])
            )
            if flag != present[(ind_id, area, period)]:
                present[(ind_id, area, period)] = flag
                out.at[i, "partial"] = flag
                changed = True
        if not changed:
            break
    return out


def with_sum_squares(
    inputs: pd.DataFrame, indicator: object, observations: pd.DataFrame
) -> pd.DataFrame:
    """Add ``sum_squares`` (the stored ``count`` of the indicator's sum-of-squares measure).

    Only for means with ``sum_squares_measure`` in the catalogue; other indicators are
    returned unchanged.  The column rolls up like the numerator (a sum).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ind = SimpleNamespace(sum_squares_measure="m_ss")
    >>> inputs = pd.DataFrame({"area_code": ["A"], "period": ["2024"], "numerator": [460.0],
    ...                        "denominator": [2.0]})
    >>> obs = pd.DataFrame({"measure_id": ["m_ss"], "area_code": ["A"], "period": ["2024"],
    ...                     "count": [106_000.0]})
    >>> with_sum_squares(inputs, ind, obs)["sum_squares"].tolist()
    [106000.0]
    """
    measure = getattr(indicator, "sum_squares_measure", None)
    if not measure:
        return inputs
    stored = observations.loc[
        observations["measure_id"] == measure, ["area_code", "period", "count"]
    ].rename(columns={"count": "sum_squares"})
    stored["sum_squares"] = pd.to_numeric(stored["sum_squares"], errors="coerce")
    return inputs.merge(stored, on=["area_code", "period"], how="left")


def benchmark_partial(frame: pd.DataFrame, municipality: str) -> pd.Series:
    """Per row: is the municipality value of its indicator and period a partial sum?

    Reads the ``partial`` flag that :func:`roll_up_areas` set on the municipality's rows.

    Examples
    --------
    >>> f = pd.DataFrame({"indicator_id": "i", "period": "2024", "area_code": ["K", "A"],
    ...                   "partial": [True, False]})
    >>> benchmark_partial(f, "K").tolist()
    [True, True]
    """
    muni = frame[frame["area_code"] == municipality]
    flags = dict(
        zip(zip(muni["indicator_id"], muni["period"], strict=True), muni["partial"], strict=True)
    )
    keys = zip(frame["indicator_id"], frame["period"], strict=True)
    return pd.Series([bool(flags.get(k, False)) for k in keys], index=frame.index, dtype=bool)
