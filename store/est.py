"""Focused reads of EST incidents and activities for a few ISO weeks (the weekly lägesbild).

:func:`store.events.read_events` reads a whole table; the weekly page needs only this week and
the previous eight, which the ``ix_incident_week`` / ``ix_activity_week`` indexes find fast.
SQLAlchemy Core with bound parameters only.  No raw coordinates exist to read: incidents carry
their 250 m cell (south-west corner) and district.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from store import schema
from store.db import Store

INCIDENT_COLUMNS = [
    "id",
    "occurred_at",
    "iso_week",
    "type",
    "partner",
    "cell_x",
    "cell_y",
    "district_code",
    "synthetic",
]
ACTIVITY_COLUMNS = [
    "id",
    "starts_at",
    "ends_at",
    "iso_week",
    "kind",
    "status",
    "district_code",
    "cell_x",
    "cell_y",
    "organiser",
    "synthetic",
]
#: SQLite allows 32 766 bound parameters; weeks are asked for in chunks well below that.
_CHUNK = 500


def _fetch(conn: sa.Connection, query: sa.Select) -> list[tuple]:
    """Rows of a Core query as plain tuples from the driver's cursor (bound parameters as
    compiled by SQLAlchemy; no per-row result processing: the callers convert whole columns)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _read(
    store: Store,
    table: sa.Table,
    columns: list[str],
    weeks: Sequence[str] | None,
) -> pd.DataFrame:
    query = sa.select(*[table.c[c] for c in columns])
    rows: list[tuple] = []
    with store.engine.connect() as conn:
        if weeks is None:
            rows = _fetch(conn, query.order_by(table.c.id))
        else:
            unique = sorted(set(weeks))
            for start in range(0, len(unique), _CHUNK):
                part = query.where(table.c.iso_week.in_(unique[start : start + _CHUNK]))
                rows += _fetch(conn, part.order_by(table.c.id))
    if not rows:
        return pd.DataFrame({c: np.array([], dtype=object) for c in columns}, columns=columns)
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)


def _times(values: pd.Series) -> pd.Series:
    """Stored timestamps (SQLite: ISO text; PostgreSQL: datetime) as datetime64[us]."""
    if len(values) and isinstance(values.iloc[0], str):
        return pd.to_datetime(values, format="ISO8601").astype("datetime64[us]")
    return pd.to_datetime(values).astype("datetime64[us]")


def read_incidents(
    store: Store, *, weeks: Sequence[str] | None = None, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Incidents of the given ISO weeks (all when ``weeks`` is None), typed for computing.

    Parameters
    ----------
    store : Store
    weeks : sequence of str, optional
        ISO weeks (``2025-W47``); None reads every week.
    columns : sequence of str, optional
        A subset of :data:`INCIDENT_COLUMNS` (in that order); default all of them. The weekly
        page reads only what :func:`indicators.est.week_data` uses.

    Returns
    -------
    pandas.DataFrame
        ``id, occurred_at`` (datetime64), ``iso_week, type, partner, cell_x, cell_y`` (int64),
        ``district_code, synthetic`` (bool).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> read_incidents(s, weeks=["2025-W47"]).columns.tolist()[:4]
    ['id', 'occurred_at', 'iso_week', 'type']
    >>> read_incidents(s, weeks=["2025-W47"], columns=["occurred_at", "cell_x"]).dtypes.tolist()
    [dtype('<M8[us]'), dtype('int64')]
    """
    wanted = [c for c in INCIDENT_COLUMNS if columns is None or c in set(columns)]
    unknown = set(columns or ()) - set(INCIDENT_COLUMNS)
    if unknown:
        raise ValueError(f"unknown incident columns: {sorted(unknown)}")
    frame = _read(store, schema.incident, wanted, weeks)
    if "occurred_at" in frame.columns:
        frame["occurred_at"] = _times(frame["occurred_at"])
    for column in ("id", "cell_x", "cell_y"):
        if column in frame.columns:
            frame[column] = frame[column].astype(np.int64)
    if "synthetic" in frame.columns:
        frame["synthetic"] = frame["synthetic"].astype(bool)
    for column in ("iso_week", "type", "partner", "district_code"):
        if column in frame.columns:
            frame[column] = frame[column].astype("str")
    return frame


def read_activities(store: Store, *, weeks: Sequence[str] | None = None) -> pd.DataFrame:
    """Activities of the given ISO weeks (all when ``weeks`` is None); cells may be missing.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> read_activities(s, weeks=["2025-W47"]).empty
    True
    """
    frame = _read(store, schema.activity, ACTIVITY_COLUMNS, weeks)
    for column in ("starts_at", "ends_at"):
        frame[column] = _times(frame[column])
    for column in ("cell_x", "cell_y"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def incident_week_span(store: Store) -> tuple[str | None, str | None]:
    """The first and last ISO week with any incident, (None, None) when there are none.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> incident_week_span(s)
    (None, None)
    """
    i = schema.incident
    with store.engine.connect() as conn:
        first, last = conn.execute(
            sa.select(sa.func.min(i.c.iso_week), sa.func.max(i.c.iso_week))
        ).one()
    return first, last


def has_synthetic_incidents(store: Store, *, weeks: Sequence[str] | None = None) -> bool:
    """True if any incident (in ``weeks``, if given) is synthetic demo data.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> has_synthetic_incidents(s)
    False
    """
    i = schema.incident
    query = sa.select(i.c.id).where(i.c.synthetic.is_(True)).limit(1)
    if weeks is not None:
        query = query.where(i.c.iso_week.in_(sorted(set(weeks))))
    with store.engine.connect() as conn:
        return conn.execute(query).first() is not None
