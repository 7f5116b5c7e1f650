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


def _per_category(period: pd.Series, pattern: str) -> np.ndarray:
    """``pattern`` fully matches the period (as text); a categorical is matched once per
    category, not once per row."""
    if isinstance(period.dtype, pd.CategoricalDtype):
        categories = pd.Series(period.cat.categories.astype(str))
        hits = categories.str.fullmatch(pattern).to_numpy(dtype=bool)
        codes = period.cat.codes.to_numpy()
        return np.where(codes >= 0, hits[np.maximum(codes, 0)], False)
    return period.astype(str).str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)


def _is_year(period: pd.Series) -> np.ndarray:
    return _per_category(period, r"\d{4}")


def _sub_year(period: pd.Series) -> np.ndarray:
    """Terms ('2025-VT') and months ('2025-03'); never weeks, which are not summed into years."""
    return _per_category(period, r"\d{4}-(VT|HT|\d{2})")


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
        grouped = part.groupby(KEYS, observed=True, sort=True)
        columns = ["numerator", "denominator"]
        columns += ["sum_squares"] if "sum_squares" in part.columns else []
        rule_of = {"numerator": num_rule, "denominator": den_rule, "sum_squares": num_rule}
        year = pd.DataFrame(
            {c: _aggregate(grouped[c], rule_of[c]) for c in columns}
            | {"synthetic": grouped["synthetic"].max(), "n_parts": grouped.size()}
        ).reset_index()
        needed = PARTS_PER_YEAR.get(getattr(rule, "periodicity", "term"), 1)
        if "sum" in (num_rule, den_rule):
            year = year[year["n_parts"] >= needed]
        years.append(year.drop(columns="n_parts"))
    if not years:
        return frame
    years_frame = pd.concat(years, ignore_index=True)
    years_frame = years_frame[~pd.MultiIndex.from_frame(years_frame[KEYS]).isin(have)]
    return pd.concat([frame, years_frame], ignore_index=True)


def _year_numbers(period: pd.Series) -> np.ndarray:
    """The year of each (year) period as an integer, looked up once per category."""
    if isinstance(period.dtype, pd.CategoricalDtype):
        years = pd.to_numeric(pd.Series(period.cat.categories.astype(str)).str[:4]).to_numpy()
        return years[period.cat.codes.to_numpy()]
    return pd.to_numeric(period.astype(str).str[:4]).to_numpy()


def _aggregate(grouped, rule: str) -> pd.Series:
    """Per group: mean or max of the known parts, or their sum (NaN if none is known)."""
    if rule == "mean":
        return grouped.mean()
    if rule == "max":
        return grouped.max()
    return grouped.sum(min_count=1)


def _window_sum(matrix: np.ndarray, width: int) -> np.ndarray:
    """Sum over each column and the ``width - 1`` before it (fewer at the left edge)."""
    out = matrix.copy()
    for shift in range(1, width):
        out[:, shift:] += matrix[:, :-shift]
    return out


def _with_labels(frame: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """``period_label`` as a categorical that also knows ``labels`` (pool labels)."""
    label = frame["period_label"]
    if not isinstance(label.dtype, pd.CategoricalDtype):
        label = label.astype("category")
    new = [x for x in dict.fromkeys(labels) if x not in set(label.cat.categories)]
    return frame.assign(period_label=label.cat.add_categories(new) if new else label)


def pool_years(frame: pd.DataFrame, rules: Mapping[str, object]) -> pd.DataFrame:
    """Replace yearly rows of rare-event indicators by rolling pools of ``pool_years`` years.

    For an indicator with ``pool_years = 3`` the row of year Y gets the sums of numerator
    and denominator (events and person-years) over Y−2..Y, and ``period_label``
    "Y−2–Y"; a year without all its pooled years stored is dropped, and a pooled sum
    with a missing part is NaN.  Other rows get ``period_label`` = ``period``.  The period
    key stays Y, so a page choosing 2024 shows the pool 2022–2024 labelled as such.
    Vectorised: per pooled indicator one area × year matrix per column, summed over the
    window by shifted adds (docs/published.md "Speed").

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
    frame = frame.assign(period_label=frame["period"])
    width_of = {
        i: int(getattr(r, "pool_years", 1))
        for i, r in rules.items()
        if getattr(r, "pool_years", 1) > 1
    }
    is_pooled = (frame["indicator_id"].isin(list(width_of)) & _is_year(frame["period"])).to_numpy()
    if not is_pooled.any():
        return frame
    part = frame.iloc[np.flatnonzero(is_pooled)]
    indicator, names = pd.factorize(part["indicator_id"])
    year = _year_numbers(part["period"])
    pools = []
    for k, ind_id in enumerate(names):
        rows = np.flatnonzero(indicator == k)
        width = width_of[ind_id]
        area, areas = pd.factorize(part["area_code"].iloc[rows])
        col = year[rows] - year[rows].min()
        shape = (len(areas), int(col.max()) + 1)

        def window(values: np.ndarray, *, area=area, col=col, shape=shape, width=width):
            matrix = np.zeros(shape)
            matrix[area, col] = values
            return _window_sum(matrix, width)[area, col]

        numerator = part["numerator"].to_numpy(float)[rows]
        denominator = part["denominator"].to_numpy(float)[rows]
        present = window(np.ones(len(rows)))
        num = window(np.nan_to_num(numerator))
        num_known = window((~np.isnan(numerator)).astype(float))
        den = window(np.nan_to_num(denominator))
        den_known = window((~np.isnan(denominator)).astype(float))
        synthetic = window(part["synthetic"].to_numpy(bool)[rows].astype(float))
        full = present >= width
        ends, end_of_row = np.unique(year[rows][full], return_inverse=True)
        pooled = part.iloc[rows[full]].assign(
            numerator=np.where(num_known == width, num, np.nan)[full],
            denominator=np.where(den_known == width, den, np.nan)[full],
            synthetic=(synthetic > 0)[full],
        )
        pools.append((pooled, [f"{y - width + 1}–{y}" for y in ends], end_of_row))
    all_labels = [label for _, labels, _ in pools for label in labels]
    out = [_with_labels(frame.iloc[np.flatnonzero(~is_pooled)], all_labels)]
    for pooled, labels, end_of_row in pools:
        categories = out[0]["period_label"].cat.categories
        code_of_end = categories.get_indexer(labels)
        out.append(
            pooled.assign(
                period_label=pd.Categorical.from_codes(
                    code_of_end[end_of_row], categories=categories
                )
            )
        )
    return pd.concat(out, ignore_index=True)


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
