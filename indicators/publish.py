"""Compute the published values once per change of the observations and store them.

:func:`rebuild` runs in the process that imported or rolled back (the CLI prints a progress
line, the Data page shows a progress bar): it reads the observations once, computes every
indicator at every area level with :func:`indicators.engine.compute_frame` (roll-ups,
intervals, verdicts, trends, disclosure control), audits the disclosure control, and writes
the rows under a new version that becomes current in one transaction
(:mod:`store.published`, docs/published.md). Readers never compute: :func:`published_values`
reads the current version.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from catalogue import load_catalogue
from common.errors import UserError
from common.memory import return_freed_memory
from common.settings import MIN_DENOMINATOR, SUPPRESSION_THRESHOLD
from indicators.audit import audit, summary_text
from indicators.composite_view import district_composites
from indicators.engine import compute_frame, period_parent_map
from store.areas import read_area_table
from store.observations import ENGINE_COLUMNS, read_observations
from store.published import (
    COMPOSITE_COLUMNS,
    abandon_version,
    begin_version,
    publish_version,
    read_composites,
    read_values,
    status,
    values_version,
    write_composites,
    write_rows,
)

Progress = Callable[[float, str], None]

__all__ = [
    "RebuildResult",
    "composites",
    "ensure_current",
    "published_composites",
    "published_values",
    "rebuild",
]


@dataclass(frozen=True)
class RebuildResult:
    version: int
    rows: int
    current: bool  # False when a newer version was published meanwhile
    seconds: float
    audit: str


def _audit(frame: pd.DataFrame, area_table: pd.DataFrame) -> str:
    """The attacker audit of the table about to be published (:func:`indicators.audit.audit`,
    docs/disclosure.md §4), as the version's note; raises if a small count would be shown."""

    shown = ~frame["suppressed"].to_numpy(bool)
    counting = frame["kind"].isin(["proportion", "rate", "count"]).to_numpy()
    numerator = frame["numerator"].to_numpy(float)
    small = shown & counting & (numerator > 0) & (numerator < SUPPRESSION_THRESHOLD)
    if small.any():
        raise UserError(
            f"Röjandekontrollen misslyckades: {int(small.sum())} små tal skulle publiceras.",
            message_en="Disclosure audit failed: small counts would be published.",
        )
    area_parent = {
        c: p
        for c, p in zip(area_table["code"], area_table["parent_code"], strict=True)
        if isinstance(p, str) and p
    }
    columns = ["indicator_id", "kind", "area_code", "period", "numerator", "denominator"]
    table = frame[[*columns, "suppressed"]]
    for column in ("indicator_id", "kind", "area_code", "period"):
        # Categoricals with sorted categories are coded like their texts (the audit sorts
        # its codes): no 1,9 M strings built for the audit.
        values = table[column]
        if not (
            isinstance(values.dtype, pd.CategoricalDtype)
            and values.cat.categories.is_monotonic_increasing
        ):
            table = table.assign(**{column: values.astype("str")})
    result = audit(
        table,
        area_parent=area_parent,
        period_parent=period_parent_map(table["period"].unique()),
        threshold=SUPPRESSION_THRESHOLD,
        min_denominator=MIN_DENOMINATOR,
    )
    return summary_text(result, threshold=SUPPRESSION_THRESHOLD)


def composites(frame: pd.DataFrame) -> pd.DataFrame:
    """Risk and Protective indices of the districts for every period of ``frame`` (published
    rows), with their Monte Carlo rank intervals (:func:`indicators.composite_view.
    district_composites`, 1 000 draws, fixed seed): computed once per version, never on a
    page's rerun. District values are public, so every role reads the same rows.

    >>> composites(pd.DataFrame(columns=["area_level", "period", "kind"])).empty
    True
    """
    districts = frame[(frame["area_level"] == "district").to_numpy()]
    if districts.empty:
        return pd.DataFrame(columns=COMPOSITE_COLUMNS)
    districts = districts.astype({c: str for c in ("indicator_id", "area_code", "period")})
    catalogue = load_catalogue()
    parts = [
        district_composites(part, catalogue, period=period).assign(period=period)
        for period, part in districts.groupby("period", sort=True)
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=COMPOSITE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[COMPOSITE_COLUMNS]


def rebuild(store, *, progress: Progress | None = None) -> RebuildResult:
    """Compute every published value from the store's observations and publish them.

    ``progress(fraction, text)`` is called as the work goes on (0 → 1, Swedish text).
    Readers see the previous version until this one is complete.

    Examples
    --------
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> rebuild(s).rows
    0
    """

    def report(fraction: float, text: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), text)

    start = time.perf_counter()
    source = values_version(store)
    version = begin_version(store, source_version=source)
    try:
        report(0.0, "Läser observationer …")
        return_freed_memory()  # large intermediate arrays go back to the system when freed
        area_table = read_area_table(store)
        observations = [read_observations(store, categorical=True, columns=ENGINE_COLUMNS)]
        n_observations = len(observations[0])
        report(0.2, f"Beräknar {n_observations:,} observationer …".replace(",", " "))
        # The engine holds the only reference: the store rows are freed once gathered.
        frame = (
            compute_frame(observations.pop(), area_table, categorical=True)
            if n_observations and len(area_table)
            else pd.DataFrame(columns=["suppressed"])
        )
        return_freed_memory()
        report(0.5, "Granskar röjandekontrollen …")
        note = _audit(frame, area_table) if len(frame) else "inga värden"
        report(0.55, "Beräknar sammanvägda index …")
        indices = composites(frame) if len(frame) else pd.DataFrame(columns=COMPOSITE_COLUMNS)
        return_freed_memory()
        report(0.6, "Skriver publicerade värden …")
        rows = write_rows(
            store,
            version,
            frame,
            progress=lambda done, total: report(
                0.6 + 0.38 * done / max(total, 1),
                f"Skriver {done:,}/{total:,} rader …".replace(",", " "),
            ),
        )
        write_composites(store, version, indices)
        current = publish_version(store, version, note=note)
    except BaseException as exc:
        abandon_version(store, version, note=f"{type(exc).__name__}: {exc}")
        raise
    report(1.0, "Klart.")
    return RebuildResult(version, rows, current, time.perf_counter() - start, note)


def ensure_current(store, *, progress: Progress | None = None) -> int | None:
    """The current published version, rebuilt first if the observations changed since and no
    other process is rebuilding (a store imported by an older release, or written by a path
    without the rebuild hook). None for a store that has nothing published and no data.

    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate(); ensure_current(s) is None
    True
    """

    state = status(store)
    behind = state["current"] is None or state["source_version"] != state["values_version"]
    if (
        behind
        and not state["building"]
        and (state["current"] is not None or state["values_version"])
    ):
        rebuild(store, progress=progress)
        state = status(store)
    return state["current"]


def published_composites(store, *, period: str | None = None) -> pd.DataFrame:
    """Composite rows of the current published version (ensured current first), for one
    period or all: what :func:`composites` computed at the rebuild, read instead of computed.

    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate(); published_composites(s, period="2024").empty
    True
    """
    ensure_current(store)
    return read_composites(store, periods=None if period is None else [period])


def published_values(
    store,
    *,
    indicator_ids=None,
    areas=None,
    periods=None,
    levels=("municipality", "district"),
) -> pd.DataFrame:
    """Rows of the current published version (ensured current first); what
    :func:`indicators.engine.compute` returns, read instead of computed.

    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate(); published_values(s).empty
    True
    """

    ensure_current(store)
    return read_values(
        store,
        indicator_ids=indicator_ids,
        areas=areas,
        periods=periods,
        levels=list(levels) if levels is not None else None,
    )
