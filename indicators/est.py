"""The EST weekly lägesbild: one ISO week of incidents on the 250 m grid, compared with before.

Pure functions (no streamlit, no store access) over an incidents DataFrame as
:func:`store.est.read_incidents` returns it (``occurred_at, type, partner, cell_x, cell_y,
district_code, synthetic``):

* :func:`week_data` — everything the page and the weekly brief draw for one week: cells with
  this week's and the previous weeks' counts, counts by type and partner, a weekday × hour
  matrix, weekly totals, and per district this week against the mean of the previous
  :data:`BASELINE_WEEKS` weeks with a calibrated conditional test (docs/methods.md, "EST weekly
  test"; "fler än vanligt" only
  when significant);
* what the public role may see is :mod:`indicators.est_public` (closed 4-week district
  totals through :func:`indicators.disclosure.protect`; docs/disclosure.md §6), not this module;
* :func:`est_view` — what the EST role sees: cells with at least one incident (still only grid
  cells: no raw coordinates exist);
* :func:`hotspots` — Getis–Ord Gi* over :func:`hotspot_cells` (PySAL ``esda.G_Local``, ``star=True``,
  conditional permutation inference, Benjamini–Hochberg FDR); read :data:`HOTSPOT_CAVEATS`;
* :func:`last_complete_week`, :func:`default_week`, :func:`weeks_needed` — week arithmetic.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from common.errors import UserError
from common.fmt import fmt_week, iso_week
from geo import PLACE
from geo.areas import read_areas
from geo.grid import cell_ids
from indicators.stats import weekly_excess

#: The comparison period: this week against the mean of this many previous weeks.
BASELINE_WEEKS = 8
#: Weekly test of the districts (docs/methods.md, "EST weekly test"): false-discovery
#: rate across the districts of one week (Benjamini–Hochberg), the municipality total's own
#: level, and the fewest incidents that can be "fler än vanligt".
EXCESS_ALPHA = 0.05
EXCESS_TOTAL_ALPHA = 0.01
EXCESS_MIN_COUNT = 3
#: Label of a district whose week is significantly above its recent mean.
MORE_THAN_USUAL = "fler än vanligt"
#: Grid cell side (metres) and the neighbour distance between cell centres: the 8 surrounding
#: cells (queen contiguity) are within 250·√2 m, the next ring is 500 m away.
CELL_SIZE = 250
NEIGHBOUR_DISTANCE = CELL_SIZE * math.sqrt(2) + 1
#: Gi* defaults: 999 permutations (smallest two-sided p = 0,002), FDR level 5 %, a fixed seed.
PERMUTATIONS = 999
HOTSPOT_ALPHA = 0.05
#: Permutations that let a real cluster survive the FDR step over a few hundred cells (the
#: smallest two-sided p is 0,0002 instead of 0,002); used by the weekly brief, ~0,3 s.
DETECTION_PERMUTATIONS = 9_999
HOTSPOT_SEED = 20251117
WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
#: The whole municipality's area code (the place's, data/place/<place>.yml).
MUNICIPALITY = PLACE.code

EXCESS_CAVEAT = (
    "”Fler än vanligt” betyder att veckans antal i distriktet är signifikant högre än de åtta "
    "föregående veckorna (villkorat binomialtest mot de åtta veckorna, med hänsyn till att "
    "antalen varierar mer än slumpen mellan veckor, och minst tre händelser). Alla distrikt "
    "prövas tillsammans med Benjamini–Hochberg så att falsklarm hålls nere: när inget har "
    "förändrats blir det högst ett falsklarm i något distrikt ungefär var tjugonde vecka. "
    "Säsongsvariation ingår inte: läs det som en ovanligt hög vecka, inte som belägg för en "
    "förändring."
)


def hotspot_caveats(permutations: int = PERMUTATIONS) -> str:
    """The Swedish caveats of the hotspot analysis, with the smallest p of ``permutations``.

    Examples
    --------
    >>> "0,002" in hotspot_caveats(999), "0,0002" in hotspot_caveats(9999)
    (True, True)
    """
    smallest = f"{2 / (permutations + 1):.6f}".rstrip("0").replace(".", ",")
    runs = f"{permutations:,}".replace(",", "\u00a0")
    return (
        "Hotspots beräknas med Getis–Ord Gi* på 250-metersrutor: varje ruta jämförs tillsammans "
        "med sina åtta grannrutor med genomsnittet. Bara rutor med minst en händelse den här "
        "veckan eller de åtta veckorna före ingår, så jämförelsen gäller mot platser där något "
        "har hänt; rutor utan händelser räknas inte som grannar. Signifikansen kommer från "
        f"{runs} slumpade omfördelningar av antalen (villkorad permutation, tvåsidigt test; "
        f"minsta möjliga p är {smallest}) och är justerad för att många rutor testas samtidigt "
        "(Benjamini–Hochberg, FDR 5\u00a0%); med många rutor blir därför bara tydliga kluster "
        "signifikanta. Underlaget är händelser som partner har rapporterat, så det speglar också "
        "var partner rör sig och rapporterar. En hotspot är ett statistiskt kluster en enskild "
        "vecka, inte en förklaring, och pekar ut platser – aldrig personer."
    )


#: :func:`hotspot_caveats` for the default 999 permutations.
HOTSPOT_CAVEATS = hotspot_caveats()


# --- weeks --------------------------------------------------------------------------------------


def week_monday(week: str) -> date:
    """The Monday of an ISO week written ``2025-W47``.

    Examples
    --------
    >>> week_monday("2025-W47"), week_monday("2026-W01")
    (datetime.date(2025, 11, 17), datetime.date(2025, 12, 29))
    """
    try:
        year, number = str(week).strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(number), 1)
    except ValueError as exc:
        raise UserError(
            f"Veckan '{week}' kan inte läsas (skriv t.ex. 2025-W47)",
            message_en=f"Cannot read the week '{week}' (write e.g. 2025-W47)",
        ) from exc


def shift_week(week: str, weeks: int) -> str:
    """The ISO week ``weeks`` weeks after ``week`` (negative: before).

    Examples
    --------
    >>> shift_week("2025-W01", -1), shift_week("2020-W53", 1)
    ('2024-W52', '2021-W01')
    """
    return iso_week(week_monday(week) + timedelta(weeks=weeks))


def last_complete_week(today: date | datetime) -> str:
    """The last ISO week that has ended by ``today`` (the week before today's).

    Examples
    --------
    >>> last_complete_week(date(2025, 11, 26)), last_complete_week(date(2025, 11, 23))
    ('2025-W47', '2025-W46')
    >>> last_complete_week(date(2025, 1, 1))
    '2024-W52'
    """
    day = today.date() if isinstance(today, datetime) else today
    return iso_week(day - timedelta(days=day.weekday() + 7))


def default_week(today: date | datetime, *, latest_with_data: str | None = None) -> str:
    """The page's default week: the last complete week, but not after the last week with data.

    Examples
    --------
    >>> default_week(date(2026, 3, 4), latest_with_data="2025-W48")
    '2025-W48'
    """
    week = last_complete_week(today)
    if latest_with_data and week_monday(latest_with_data) < week_monday(week):
        return latest_with_data
    return week


def weeks_needed(week: str, *, previous_weeks: int = BASELINE_WEEKS) -> list[str]:
    """ISO weeks :func:`week_data` reads: the previous ``max(previous_weeks, 8)`` and ``week``.

    Examples
    --------
    >>> weeks_needed("2025-W02", previous_weeks=4)[:2], len(weeks_needed("2025-W02"))
    (['2024-W46', '2024-W47'], 9)
    """
    window = max(int(previous_weeks), BASELINE_WEEKS)
    return [shift_week(week, -k) for k in range(window, -1, -1)]


# --- the week's data ------------------------------------------------------------------------------

#: The incident columns :func:`week_data` uses (the weekly page reads only these).
WEEK_COLUMNS = ("occurred_at", "type", "partner", "cell_x", "cell_y", "district_code", "synthetic")


def _district_names() -> dict[str, str]:

    districts = read_areas(level="district")
    return dict(zip(districts["code"], districts["name"], strict=True))


def _counts(frame: pd.DataFrame, key: str, this: np.ndarray, base: np.ndarray) -> pd.DataFrame:
    grouped = (
        pd.DataFrame({key: frame[key].to_numpy(), "count": this, "baseline": base})
        .groupby(key, sort=True)[["count", "baseline"]]
        .sum()
    )
    out = grouped.reset_index()
    out["previous_mean"] = out.pop("baseline") / BASELINE_WEEKS
    out["count"] = out["count"].astype(np.int64)
    return out.sort_values(["count", key], ascending=[False, True], ignore_index=True)


def _baseline_weeks(
    district: np.ndarray, index: np.ndarray, window: int, codes: Sequence[str]
) -> np.ndarray:
    """Incidents per district (rows, in ``codes`` order) in each of the baseline weeks."""
    position = {c: i for i, c in enumerate(codes)}
    keys, uniques = pd.factorize(np.asarray(district, dtype=object))
    rows = np.array([position.get(u, -1) for u in uniques] + [-1], dtype=np.int64)[keys]
    week = index - (window - BASELINE_WEEKS)
    keep = (rows >= 0) & (week >= 0) & (week < BASELINE_WEEKS)
    counts = np.zeros((len(codes), BASELINE_WEEKS), dtype=float)
    np.add.at(counts, (rows[keep], week[keep]), 1.0)
    return counts


def _weekday_hour(times: pd.Series) -> pd.DataFrame:
    slot = times.dt.weekday.to_numpy() * 24 + times.dt.hour.to_numpy()
    matrix = np.bincount(slot.astype(np.int64), minlength=7 * 24).reshape(7, 24)
    return pd.DataFrame(
        matrix,
        index=pd.Index(WEEKDAYS_SV, name="weekday"),
        columns=pd.Index(range(24), name="hour"),
    )


def week_data(
    incidents: pd.DataFrame,
    week: str,
    *,
    previous_weeks: int = BASELINE_WEEKS,
    activities: pd.DataFrame | None = None,
    districts: Sequence[str] | None = None,
) -> dict:
    """Page data of one ISO week, unsuppressed: the EST role gets :func:`est_view` of it;
    the public gets :mod:`indicators.est_public` instead.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``occurred_at`` (datetime), ``type``, ``partner``, ``cell_x``, ``cell_y``,
        ``district_code`` and optionally ``synthetic``; any span of time (only the week and
        the ``max(previous_weeks, 8)`` weeks before it are used).
    week : str
        ISO week, ``2025-W47``.
    previous_weeks : int
        Weeks before ``week`` summed in each cell's ``count_previous`` (4 or 8 on the page;
        0 for none).  The district comparison always uses :data:`BASELINE_WEEKS`.
    activities : pandas.DataFrame, optional
        Activities (``iso_week`` column); those of ``week`` are returned.
    districts : sequence of str, optional
        District codes always listed (with 0); default every district of ``areas.csv``.

    Returns
    -------
    dict
        ``week``, ``week_label``, ``previous_weeks``, ``weeks_previous``, ``baseline_weeks``,
        ``baseline_complete`` (the data reach back over the whole baseline), ``synthetic``,
        ``total`` / ``municipality`` (count, previous_mean, p_value, flag), and DataFrames:

        * ``cells``: ``cell_x, cell_y, district_code, count, count_previous, count_baseline``
          — every cell with an incident this week or in the previous ``max(previous_weeks, 8)``
          weeks, zeros included (:func:`hotspot_cells` picks Gi*'s set from it);
        * ``districts``: ``district_code, name, count, previous_mean, p_value, flag, label``;
        * ``by_type`` / ``by_partner``: ``type``/``partner``, ``count``, ``previous_mean``;
        * ``weekday_hour``: 7 × 24 counts of this week (Monday first); and
          ``weekday_hour_previous``: the same summed over the previous weeks;
        * ``weekly_totals``: ``iso_week, count`` over the window;
        * ``activities``: the week's activities (empty without ``activities``).

    Examples
    --------
    Four incidents in each of the eight previous weeks, ten this week: given 42 incidents in
    nine weeks, P(X ≥ 10) for X ~ Binomial(42, 1/9):

    >>> before = pd.date_range("2025-09-22 21:00", periods=8, freq="7D").repeat(4)
    >>> times = before.append(pd.DatetimeIndex(["2025-11-22 22:15"] * 10))
    >>> inc = pd.DataFrame({"occurred_at": times, "type": "klotter", "partner": "polis",
    ...                     "cell_x": 761250, "cell_y": 7092250, "district_code": "d-ersboda"})
    >>> data = week_data(inc, "2025-W47", districts=["d-ersboda"])
    >>> row = data["districts"].iloc[0]
    >>> int(row["count"]), float(row["previous_mean"]), round(float(row["p_value"]), 8)
    (10, 4.0, 0.01486183)
    >>> row["label"]
    'fler än vanligt'
    """
    if previous_weeks < 0:
        raise UserError("Antalet tidigare veckor kan inte vara negativt")
    week = iso_week(week_monday(week))  # "2025-w47" → "2025-W47"
    monday = pd.Timestamp(week_monday(week))
    window = max(int(previous_weeks), BASELINE_WEEKS)
    start = monday - pd.Timedelta(weeks=window)
    end = monday + pd.Timedelta(weeks=1)

    times_all = incidents["occurred_at"]
    if not pd.api.types.is_datetime64_any_dtype(times_all.dtype):
        times_all = pd.to_datetime(times_all)
    t_all = times_all.to_numpy()
    mask = (t_all >= start.to_datetime64()) & (t_all < end.to_datetime64())
    sub = incidents.loc[mask]
    times = times_all.loc[mask]
    # Week index within the window: 0 = the oldest previous week, `window` = this week.
    index = ((times - start) // pd.Timedelta(weeks=1)).to_numpy(dtype=np.int64)
    this = (index == window).astype(np.int64)
    previous = ((index >= window - previous_weeks) & (index < window)).astype(np.int64)
    baseline = ((index >= window - BASELINE_WEEKS) & (index < window)).astype(np.int64)
    earliest = t_all.min() if len(t_all) else None
    baseline_start = (monday - pd.Timedelta(weeks=BASELINE_WEEKS)).to_datetime64()
    baseline_complete = bool(
        earliest is not None and earliest < baseline_start + np.timedelta64(7, "D")
    )

    cells = (
        pd.DataFrame(
            {
                "cell_x": sub["cell_x"].to_numpy(dtype=np.int64),
                "cell_y": sub["cell_y"].to_numpy(dtype=np.int64),
                "district_code": sub["district_code"].to_numpy(dtype=object),
                "count": this,
                "count_previous": previous,
                "count_baseline": baseline,
            }
        )
        .groupby(["cell_x", "cell_y"], sort=True)
        .agg(
            district_code=("district_code", "first"),
            count=("count", "sum"),
            count_previous=("count_previous", "sum"),
            count_baseline=("count_baseline", "sum"),
        )
        .reset_index()
    )

    names = _district_names()
    codes = list(districts) if districts is not None else list(names)
    seen = pd.unique(sub["district_code"].to_numpy(dtype=object))
    codes += sorted(set(seen) - set(codes))
    per_district = _counts(sub, "district_code", this, baseline).set_index("district_code")
    table = pd.DataFrame({"district_code": codes})
    table["name"] = [names.get(c, c) for c in codes]
    table["count"] = per_district["count"].reindex(codes, fill_value=0).to_numpy(dtype=np.int64)
    table["previous_mean"] = per_district["previous_mean"].reindex(codes, fill_value=0.0).to_numpy()
    total, total_mean = int(this.sum()), float(baseline.sum()) / BASELINE_WEEKS
    weeks = _baseline_weeks(sub["district_code"].to_numpy(dtype=object), index, window, codes)
    p_values, flags = weekly_excess(
        table["count"].to_numpy(dtype=float), weeks, alpha=EXCESS_ALPHA, min_count=EXCESS_MIN_COUNT
    )
    p_total, flag_total = weekly_excess(
        [total], weeks.sum(axis=0, keepdims=True), alpha=EXCESS_TOTAL_ALPHA, adjust="none"
    )
    p_values, flags = np.append(p_values, p_total), np.append(flags, flag_total)
    if not baseline_complete:  # a mean over weeks without data would flatter this week
        p_values = np.full_like(p_values, np.nan)
        flags = np.zeros_like(flags)
    table["p_value"] = p_values[:-1]
    table["flag"] = flags[:-1].astype(bool)
    table["label"] = np.where(table["flag"], MORE_THAN_USUAL, "")

    weekly = np.bincount(index, minlength=window + 1)
    weekly_totals = pd.DataFrame(
        {
            "iso_week": [shift_week(week, k - window) for k in range(window + 1)],
            "count": weekly.astype(np.int64),
        }
    )
    week_activities = (
        activities.loc[activities["iso_week"] == week].reset_index(drop=True)
        if activities is not None
        else pd.DataFrame()
    )
    synthetic = bool(sub["synthetic"].any()) if "synthetic" in sub.columns else False
    return {
        "week": week,
        "week_label": fmt_week(week),
        "previous_weeks": int(previous_weeks),
        "weeks_previous": [shift_week(week, -k) for k in range(previous_weeks, 0, -1)],
        "baseline_weeks": [shift_week(week, -k) for k in range(BASELINE_WEEKS, 0, -1)],
        "baseline_complete": baseline_complete,
        "synthetic": synthetic,
        "total": total,
        "municipality": {
            "count": total,
            "previous_mean": total_mean,
            "p_value": float(p_values[-1]),
            "flag": bool(flags[-1]),
        },
        "cells": cells,
        "districts": table,
        "by_type": _counts(sub, "type", this, baseline),
        "by_partner": _counts(sub, "partner", this, baseline),
        "weekday_hour": _weekday_hour(times[this == 1]),
        "weekday_hour_previous": _weekday_hour(times[previous == 1]),
        "weekly_totals": weekly_totals,
        "activities": week_activities,
    }


# --- who sees what --------------------------------------------------------------------------------


def est_view(data: dict) -> dict:
    """What the EST role sees: everything in ``data``, cells limited to those with an incident.

    ``cells`` keeps ``cell_id`` (``CRS3006RES250mN…E…``), corners, district and counts of cells
    with at least one incident this week or in the previous weeks shown; nothing finer than a
    250 m cell exists to show.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_x": [761250, 761500], "cell_y": [7092250, 7092250],
    ...                       "district_code": "d-ersboda", "count": [2, 0],
    ...                       "count_previous": [0, 0], "count_baseline": [0, 3]})
    >>> est_view({"cells": cells})["cells"][["cell_x", "count"]].values.tolist()
    [[761250, 2]]
    """

    out = dict(data)
    cells = data["cells"]
    shown = cells.loc[(cells["count"] >= 1) | (cells["count_previous"] >= 1)].reset_index(drop=True)
    shown.insert(0, "cell_id", cell_ids(shown["cell_x"], shown["cell_y"]).to_numpy())
    out["cells"] = shown[
        ["cell_id", "cell_x", "cell_y", "district_code", "count", "count_previous"]
    ]
    return out


# --- hotspots -------------------------------------------------------------------------------------

#: Largest permutation batch handed to esda at once (memory: cells × batch floats).
PERMUTATION_BATCH = 999


def _batches(permutations: int) -> list[int]:
    if permutations < 1:
        raise UserError("Antalet permutationer måste vara minst 1")
    full, rest = divmod(int(permutations), PERMUTATION_BATCH)
    return [PERMUTATION_BATCH] * full + ([rest] if rest else [])


def hotspot_cells(data: dict) -> pd.DataFrame:
    """The cell set Gi* runs on: every cell with an incident this week or in the 8 before.

    Zero-count cells in a neighbourhood matter (they pull its sum down), but a cell where
    nothing has happened for nine weeks is left out: the comparison is among active places
    (:data:`HOTSPOT_CAVEATS`).  Independent of ``previous_weeks`` of :func:`week_data`.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_x": [0, 250, 500], "cell_y": 0, "count": [2, 0, 0],
    ...                       "count_previous": [0, 1, 3], "count_baseline": [0, 1, 0]})
    >>> hotspot_cells({"cells": cells})["cell_x"].tolist()
    [0, 250]
    """
    cells = data["cells"]
    return cells.loc[(cells["count"] > 0) | (cells["count_baseline"] > 0)].reset_index(drop=True)


def hotspots(
    cells: pd.DataFrame,
    *,
    value: str = "count",
    permutations: int = PERMUTATIONS,
    seed: int = HOTSPOT_SEED,
    alpha: float = HOTSPOT_ALPHA,
) -> pd.DataFrame:
    """Getis–Ord Gi* hot and cold spots over grid cells, FDR-corrected.

    Weights: binary, each cell's neighbours are the cells whose centres are within
    :data:`NEIGHBOUR_DISTANCE` (``libpysal.weights.DistanceBand``; the 8 surrounding cells
    on a 250 m grid), and Gi* includes the cell itself (``esda.G_Local(..., star=True)``;
    docs/methods.md §1.10).  ``p_sim`` is the two-sided conditional-permutation pseudo p-value,
    ``2·min(p_greater, p_lesser)`` with ties counted on both sides
    (``esda.significance.calculate_significance``; esda's folded ``p_sim`` counts ties as
    larger, which makes every all-zero neighbourhood "significant"), so the smallest p is
    2/(permutations + 1).  ``q`` is its Benjamini–Hochberg adjustment (statsmodels
    ``multipletests``, ``fdr_bh``) over all cells; a cell is ``hot`` (``cold``) when
    ``q ≤ alpha`` and ``z > 0`` (``< 0``).  A cell without neighbours in the set is not
    tested (``p_sim`` and ``q`` NaN, class ``"none"``).  With 999 permutations and a few
    hundred cells the FDR step can only pass very clear clusters; :data:`DETECTION_PERMUTATIONS`
    (run in batches of 999) gives the test the resolution it needs.

    Pass :func:`hotspot_cells` of the week (every cell with an incident this week or in the
    previous eight weeks, zeros included): cells never seen are not in it, so "hot" means
    high compared with the other active cells (:data:`HOTSPOT_CAVEATS`).

    Parameters
    ----------
    cells : pandas.DataFrame
        ``cell_x``, ``cell_y`` (south-west corners, metres) and the ``value`` column.
    value : str
        Column with the counts tested (this week's ``count`` by default).
    permutations, seed, alpha
        Permutations (999: smallest p 0,002), random seed (results repeat), FDR level.

    Returns
    -------
    pandas.DataFrame
        ``cells`` with ``gi_z`` (analytical z of Gi*), ``p_sim``, ``q`` and ``hotspot``
        (``"hot"``, ``"cold"`` or ``"none"``).  Fewer than three cells or no variation: NaN
        and ``"none"``.

    Examples
    --------
    A 12 × 12 grid with one incident in every seventh cell and a 3 × 3 block of six:

    >>> xs, ys = np.meshgrid(np.arange(12) * 250, np.arange(12) * 250)
    >>> grid = pd.DataFrame({"cell_x": xs.ravel(), "cell_y": ys.ravel()})
    >>> grid["count"] = (grid.index % 7 == 0).astype(int)
    >>> grid.loc[grid.eval("1000 <= cell_x <= 1500 and 1000 <= cell_y <= 1500"), "count"] = 6
    >>> out = hotspots(grid)
    >>> out["hotspot"].value_counts().to_dict()
    {'none': 138, 'hot': 6}
    >>> centre = out.query("cell_x == 1250 and cell_y == 1250").iloc[0]
    >>> round(float(centre["gi_z"]), 2), float(centre["p_sim"]), centre["hotspot"]
    (11.62, 0.002, 'hot')
    """
    from esda import G_Local
    from libpysal.weights import DistanceBand
    from statsmodels.stats.multitest import multipletests

    out = cells.copy()
    y = out[value].to_numpy(dtype=float)
    n = len(y)
    out["gi_z"], out["p_sim"], out["q"], out["hotspot"] = np.nan, np.nan, np.nan, "none"
    if n < 3 or np.ptp(y) == 0:
        return out
    centres = np.column_stack(
        [
            out["cell_x"].to_numpy(dtype=float) + CELL_SIZE / 2,
            out["cell_y"].to_numpy(dtype=float) + CELL_SIZE / 2,
        ]
    )
    with warnings.catch_warnings():
        # Islands (cells without active neighbours) are expected; see below.
        warnings.simplefilter("ignore")
        weights = DistanceBand(
            centres, threshold=NEIGHBOUR_DISTANCE, binary=True, silence_warnings=True
        )
        # A cell without neighbours in the set has nothing to compare (esda then drops its own
        # value from the permutations and would call any non-zero cell significant): not tested.
        tested = np.asarray(weights.sparse.getnnz(axis=1)) > 0
        # Permutations run in batches (fresh seeds) so memory stays at n × 999 simulations;
        # the batches' counts add up to one test with `permutations` permutations.
        greater = np.zeros(n, dtype=np.int64)
        lesser = np.zeros(n, dtype=np.int64)
        z = None
        if not tested.any():  # esda's permutations need at least one neighbour somewhere
            out["gi_z"] = G_Local(y, weights, transform="B", star=True, permutations=0).Zs
            return out
        for batch, size in enumerate(_batches(permutations)):
            gi = G_Local(
                y,
                weights,
                transform="B",
                star=True,
                permutations=size,
                seed=seed + batch,
                keep_simulations=True,
                n_jobs=1,
            )
            if z is None:
                z = np.asarray(gi.Zs, dtype=float)
            # esda's own p_sim counts ties as "larger" before folding, so with counts (many
            # zeros) a cell whose every permutation ties with it gets the smallest p and would
            # be a "cold spot".  Count ties on both sides and take the two-sided p (as esda's
            # calculate_significance and PR #514); on the count scale the ties are exact.
            stat = np.round(np.asarray(gi.Gs, dtype=float) * y.sum(), 9)[:, None]
            reference = np.round(np.asarray(gi.rGs, dtype=float) * y.sum(), 9)
            greater += (reference >= stat).sum(axis=1)
            lesser += (reference <= stat).sum(axis=1)
    p_sim = np.minimum(1.0, 2 * (np.minimum(greater, lesser) + 1) / (permutations + 1))
    p_sim[~tested] = np.nan
    q = np.full(n, np.nan)
    reject = np.zeros(n, dtype=bool)
    if tested.any():
        reject[tested], q[tested], _, _ = multipletests(p_sim[tested], alpha=alpha, method="fdr_bh")
    out["gi_z"], out["p_sim"], out["q"] = z, p_sim, q
    out["hotspot"] = np.where(reject & (z > 0), "hot", np.where(reject & (z < 0), "cold", "none"))
    return out


def ranked_hotspots(hot: pd.DataFrame, *, n: int = 6) -> pd.DataFrame:
    """The week's cells to act on, best first: significant hotspots (by Gi* z, then count),
    then, if fewer than ``n``, the busiest other cells; only cells with an incident this week.
    One ranking for the EST page and the weekly PDF.

    Examples
    --------
    >>> hot = pd.DataFrame({"cell_x": [0, 250, 500], "cell_y": 0, "count": [5, 9, 0],
    ...                     "gi_z": [3.1, 1.0, 4.0], "hotspot": ["hot", "none", "hot"]})
    >>> ranked_hotspots(hot)[["cell_x", "is_hot"]].values.tolist()
    [[0, True], [250, False]]
    """
    ranked = hot[hot["count"] > 0].copy()
    ranked["is_hot"] = ranked["hotspot"] == "hot"
    return ranked.sort_values(["is_hot", "gi_z", "count"], ascending=False).head(n)
