"""The published table: indicator values stored once per change of the observations.

``indicators.publish.rebuild`` computes every value (roll-ups, intervals, verdicts, trends,
disclosure control) after an import or a rollback and writes it here; pages, exports, briefs
and the CLI read it through ``access`` (docs/published.md).

Atomic by construction: rows are written under a new ``version`` number while readers keep
reading the current one; one small transaction then moves the pointer (setting
``published_version``). Every read selects the rows of the pointer's version in the same SQL
statement, so a reader sees the old version or the new one, never a mixture, on SQLite and
PostgreSQL alike, and several app processes on one database serve the same version.

``values_version`` (setting) counts changes of the observations (imports, rollbacks, resets);
a published version records the one it was computed from, so a store knows when its published
values are behind.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from store import schema
from store.db import Store

#: Columns of a published row, in the order readers get them.
VALUE_COLUMNS = [
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
    "kind",
    "lower_998",
    "upper_998",
    "verdict_998",
]
#: Columns of a published composite row (:func:`indicators.composite.composite_uncertainty`
#: per district, period and role), in the order readers get them.
COMPOSITE_COLUMNS = [
    "period",
    "role",
    "area_code",
    "score",
    "rank",
    "rank_median",
    "rank_lower",
    "rank_upper",
    "status",
    "label_sv",
    "label_en",
    "n_indicators",
    "n_suppressed",
]
_POINTER = "published_version"
_VALUES_VERSION = "values_version"
#: A version still "building" after this long is taken as abandoned (its process died).
STALE_BUILD = timedelta(minutes=15)
#: Complete versions kept beside the current one (a reader of the previous one finishes).
KEEP_PREVIOUS = 1


def _setting(conn: sa.Connection, key: str) -> int | None:
    t = schema.setting
    value = conn.execute(sa.select(t.c.value).where(t.c.key == key)).scalar()
    return int(value) if value is not None else None


def _set(conn: sa.Connection, key: str, value: int) -> None:
    t = schema.setting
    done = conn.execute(t.update().where(t.c.key == key).values(value=str(value))).rowcount
    if not done:
        conn.execute(t.insert().values(key=key, value=str(value)))


def bump_values_version(conn: sa.Connection) -> None:
    """Mark the observations as changed, inside the writer's transaction.

    >>> s = Store("sqlite://"); s.migrate()
    >>> with s.engine.begin() as conn:
    ...     bump_values_version(conn)
    >>> values_version(s)
    1
    """
    _set(conn, _VALUES_VERSION, (_setting(conn, _VALUES_VERSION) or 0) + 1)


def values_version(store: Store) -> int:
    """How many times the observations changed (0 for a new store).

    >>> s = Store("sqlite://"); s.migrate(); values_version(s)
    0
    """
    with store.engine.connect() as conn:
        return _setting(conn, _VALUES_VERSION) or 0


def current_version(store: Store) -> int | None:
    """The published version readers get, or None before the first rebuild.

    >>> s = Store("sqlite://"); s.migrate(); current_version(s) is None
    True
    """
    with store.engine.connect() as conn:
        return _setting(conn, _POINTER)


def status(store: Store) -> dict:
    """Current version, the ``values_version`` it was computed from, the store's own
    ``values_version``, and whether a rebuild for that is under way.

    >>> s = Store("sqlite://"); s.migrate(); status(s)["current"] is None
    True
    """
    v = schema.published_version
    with store.engine.connect() as conn:
        pointer = _setting(conn, _POINTER)
        wanted = _setting(conn, _VALUES_VERSION) or 0
        row = (
            conn.execute(sa.select(v).where(v.c.version == pointer)).mappings().first()
            if pointer is not None
            else None
        )
        recent = datetime.now(UTC) - STALE_BUILD
        building = conn.execute(
            sa.select(sa.func.count()).where(
                v.c.status == "building",
                v.c.source_version >= wanted,
                v.c.started_at >= recent,
            )
        ).scalar()
    return {
        "current": pointer,
        "source_version": row["source_version"] if row else None,
        "values_version": wanted,
        "rows": row["rows"] if row else 0,
        "finished_at": row["finished_at"] if row else None,
        "building": bool(building),
    }


def begin_version(store: Store, *, source_version: int) -> int:
    """Reserve a new version number (status "building") for rows computed from
    ``source_version``; concurrent rebuilds get different numbers.

    >>> s = Store("sqlite://"); s.migrate(); begin_version(s, source_version=0)
    1
    """
    v = schema.published_version
    for _attempt in range(20):
        try:
            with store.engine.begin() as conn:
                top = conn.execute(sa.select(sa.func.max(v.c.version))).scalar() or 0
                number = int(top) + 1
                conn.execute(
                    v.insert().values(
                        version=number,
                        source_version=source_version,
                        status="building",
                        rows=0,
                        started_at=datetime.now(UTC),
                    )
                )
            return number
        except sa.exc.IntegrityError:
            continue
    raise RuntimeError("could not reserve a published version number")


def _records(frame: pd.DataFrame, version: int, start: int) -> pd.DataFrame:
    # A frame computed without the 99,8 % level (an older caller) stores empty columns.
    out = frame.reindex(columns=VALUE_COLUMNS)
    out.insert(0, "seq", np.arange(start, start + len(frame)))
    out.insert(0, "version", version)
    out["suppressed"] = out["suppressed"].astype(bool)
    out["benchmark_partial"] = out["benchmark_partial"].fillna(False).astype(bool)
    out["synthetic"] = out["synthetic"].astype(bool)
    return out


_INSERT_COLUMNS = ["version", "seq", *VALUE_COLUMNS]
_WIDE = ("lower_998", "upper_998")


def write_rows(
    store: Store, version: int, frame: pd.DataFrame, *, chunk_rows: int = 100_000, progress=None
) -> int:
    """Write ``frame`` (:data:`VALUE_COLUMNS`) as the rows of ``version`` (still building,
    so invisible to readers). PostgreSQL: COPY; SQLite: executemany. ``progress(done, total)``
    is called after every chunk.

    >>> s = Store("sqlite://"); s.migrate()
    >>> v = begin_version(s, source_version=0)
    >>> write_rows(s, v, pd.DataFrame(columns=VALUE_COLUMNS))
    0
    """
    total = len(frame)
    done = 0
    with store.engine.begin() as conn, _bulk_index(conn, incoming=total):
        for start in range(0, total, chunk_rows):
            part = _records(frame.iloc[start : start + chunk_rows], version, start)
            if conn.dialect.name == "postgresql":
                _copy(conn, part)
            else:
                conn.exec_driver_sql(_INSERT_SQL, _tuples(part))
            done += len(part)
            if progress is not None:
                progress(done, total)
        conn.execute(
            schema.published_version.update()
            .where(schema.published_version.c.version == version)
            .values(rows=total)
        )
    return total


#: Batches from this many rows rebuild the SQLite index once instead of inserting into it,
#: when the table holds fewer rows than the batch (a first or a national rebuild).
_REBUILD_INDEX_MIN_ROWS = 50_000


class _bulk_index:
    """SQLite, inside the writer's transaction: drop the published table's indexes before a
    large write into a small table and build them again after it from their stored
    definitions (one sort instead of 1,9 M B-tree inserts). One transaction: a failure
    rolls the indexes back too, and readers (WAL) keep the old table and its indexes until
    the commit, so the flip stays atomic."""

    def __init__(self, conn: sa.Connection, *, incoming: int) -> None:
        self.raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        self.incoming = incoming
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self) -> _bulk_index:
        if self.raw is None or self.incoming < _REBUILD_INDEX_MIN_ROWS:
            return self
        held = self.raw.execute("SELECT count(*) FROM published_value").fetchone()[0]
        if self.incoming < held:
            return self
        self.indexes = self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'published_value' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _ in self.indexes:
            self.raw.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, kind, *exc) -> None:
        if self.raw is not None and kind is None:
            for _, sql in self.indexes:
                self.raw.execute(sql)


def _column_values(column: pd.Series, *, nan_as_none: bool = False) -> list:
    """A column as plain Python values, None for missing: categoricals through their few
    categories, numbers through ``tolist`` (SQLite stores a NaN as NULL; for COPY to
    PostgreSQL, ``nan_as_none`` makes it a NULL too, never a NaN)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        labels = np.append(np.asarray(column.cat.categories, dtype=object), None)
        return labels[column.cat.codes.to_numpy()].tolist()  # code -1 → the None at the end
    if nan_as_none and column.dtype.kind == "f":
        floats = column.to_numpy(dtype=float)
        values = floats.astype(object)
        values[np.isnan(floats)] = None
        return values.tolist()
    if column.dtype.kind in "fbiu":
        return column.to_numpy().tolist()
    values = column.to_numpy(dtype=object)
    return np.where(pd.isna(values), None, values).tolist()


def _tuples(part: pd.DataFrame, *, nan_as_none: bool = False) -> list[tuple]:
    """Rows of ``part`` as tuples for ``executemany`` or COPY, built column by column."""
    columns = (_column_values(part[c], nan_as_none=nan_as_none) for c in part.columns)
    return list(zip(*columns, strict=True))


def _quoted(columns: list[str]) -> list[str]:
    return [f'"{c}"' for c in columns]


# Fixed column names only (no user text): the statements of the bulk writes.
_COLUMN_LIST = (
    '"version", "seq", "indicator_id", "area_code", "area_name", "area_level", "period", '
    '"numerator", "denominator", "value", "lower", "upper", "verdict", "trend", '
    '"suppressed", "reason", "synthetic", "period_label", "benchmark_partial", "phi", "kind", '
    '"lower_998", "upper_998", "verdict_998"'
)
_INSERT_SQL = (
    "INSERT INTO published_value (" + _COLUMN_LIST + ") VALUES "  # noqa: S608 - constants
    "(" + ", ".join("?" * len(_INSERT_COLUMNS)) + ")"
)
_COPY_SQL = "COPY published_value (" + _COLUMN_LIST + ") FROM STDIN WITH (FORMAT text)"
assert _COLUMN_LIST == ", ".join(_quoted(_INSERT_COLUMNS))


def _copy(conn: sa.Connection, part: pd.DataFrame) -> None:
    """COPY the rows through psycopg's row writer (its C formatter; missing values NULL):
    half the CPU of formatting the chunk as CSV text first."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(_COPY_SQL) as copy:
        for row in _tuples(part, nan_as_none=True):
            copy.write_row(row)


def write_composites(store: Store, version: int, frame: pd.DataFrame) -> int:
    """Write the composite rows (:data:`COMPOSITE_COLUMNS`) of ``version`` (still building).

    >>> s = Store("sqlite://"); s.migrate()
    >>> v = begin_version(s, source_version=0)
    >>> write_composites(s, v, pd.DataFrame(columns=COMPOSITE_COLUMNS))
    0
    """
    if frame.empty:
        return 0
    rows = frame[COMPOSITE_COLUMNS].astype(object).where(frame[COMPOSITE_COLUMNS].notna(), None)
    records = [
        {"version": version, "seq": i, **dict(zip(COMPOSITE_COLUMNS, row, strict=True))}
        for i, row in enumerate(rows.itertuples(index=False, name=None))
    ]
    with store.engine.begin() as conn:
        conn.execute(schema.published_composite.insert(), records)
    return len(records)


def read_composites(store: Store, *, periods=None) -> pd.DataFrame:
    """Composite rows of the current published version (:data:`COMPOSITE_COLUMNS`), in the
    order they were written (period, role, rank); chosen in one SELECT like
    :func:`read_values`.

    >>> s = Store("sqlite://"); s.migrate(); read_composites(s).empty
    True
    """
    pc, t = schema.published_composite, schema.setting
    pointer = sa.select(sa.cast(t.c.value, sa.Integer)).where(t.c.key == _POINTER).scalar_subquery()
    q = sa.select(*[pc.c[c] for c in COMPOSITE_COLUMNS]).where(pc.c.version == pointer)
    if periods is not None:
        q = q.where(pc.c.period.in_([p for p in periods if isinstance(p, str) and "\x00" not in p]))
    with store.engine.connect() as conn:
        rows = conn.execute(q.order_by(pc.c.seq)).all()
    frame = pd.DataFrame(rows, columns=COMPOSITE_COLUMNS)
    for column in ("score", "rank", "rank_median", "rank_lower", "rank_upper"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("n_indicators", "n_suppressed"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def publish_version(store: Store, version: int, *, note: str = "") -> bool:
    """Make ``version`` current in one transaction, unless a version computed from newer
    observations is current already (a slow rebuild never replaces a newer one). Returns
    True if it became current. Older versions are deleted afterwards (one previous kept).

    >>> s = Store("sqlite://"); s.migrate()
    >>> v = begin_version(s, source_version=0); publish_version(s, v), current_version(s)
    (True, 1)
    """
    v = schema.published_version
    with store.engine.begin() as conn:
        mine = conn.execute(sa.select(v.c.source_version).where(v.c.version == version)).scalar()
        pointer = _setting(conn, _POINTER)
        current_source = (
            conn.execute(sa.select(v.c.source_version).where(v.c.version == pointer)).scalar()
            if pointer is not None
            else None
        )
        newer = current_source is not None and mine is not None and current_source > mine
        conn.execute(
            v.update()
            .where(v.c.version == version)
            .values(status="complete", finished_at=datetime.now(UTC), note=note or None)
        )
        if not newer:
            _set(conn, _POINTER, version)
    _collect_garbage(store)
    return not newer


def abandon_version(store: Store, version: int, *, note: str) -> None:
    """Mark a rebuild that failed; its rows are deleted, readers keep the current version."""
    v = schema.published_version
    with store.engine.begin() as conn:
        for table in (schema.published_value, schema.published_composite):
            conn.execute(table.delete().where(table.c.version == version))
        conn.execute(
            v.update()
            .where(v.c.version == version)
            .values(status="failed", finished_at=datetime.now(UTC), note=note[:2000])
        )


def _collect_garbage(store: Store) -> None:
    """Delete rows of complete versions older than the current and its predecessor."""
    v, pv = schema.published_version, schema.published_value
    with store.engine.begin() as conn:
        pointer = _setting(conn, _POINTER)
        if pointer is None:
            return
        complete = (
            conn.execute(
                sa.select(v.c.version)
                .where(v.c.status == "complete", v.c.version != pointer)
                .order_by(v.c.version.desc())
            )
            .scalars()
            .all()
        )
        old = [n for n in complete[KEEP_PREVIOUS:] if n < pointer]
        stale = datetime.now(UTC) - STALE_BUILD
        dead = (
            conn.execute(
                sa.select(v.c.version).where(v.c.status == "building", v.c.started_at < stale)
            )
            .scalars()
            .all()
        )
        gone = [*old, *dead]
        if gone:
            conn.execute(pv.delete().where(pv.c.version.in_(gone)))
            pc = schema.published_composite
            conn.execute(pc.delete().where(pc.c.version.in_(gone)))
            conn.execute(v.update().where(v.c.version.in_(gone)).values(status="deleted", rows=0))


def read_values(
    store: Store,
    *,
    indicator_ids=None,
    areas=None,
    periods=None,
    levels=None,
) -> pd.DataFrame:
    """Rows of the current published version (:data:`VALUE_COLUMNS`), in publishing order.

    The version is chosen inside the same SELECT (a sub-query on the pointer), so the rows
    are all of one version even while a rebuild flips it.

    >>> s = Store("sqlite://"); s.migrate(); read_values(s).empty
    True
    """
    pv, t = schema.published_value, schema.setting
    pointer = sa.select(sa.cast(t.c.value, sa.Integer)).where(t.c.key == _POINTER).scalar_subquery()
    q = sa.select(*[pv.c[c] for c in VALUE_COLUMNS]).where(pv.c.version == pointer)
    for column, wanted in (
        ("indicator_id", indicator_ids),
        ("area_code", areas),
        ("period", periods),
        ("area_level", levels),
    ):
        if wanted is not None:
            # A NUL cannot be stored (PostgreSQL text), so it matches nothing.
            kept = [w for w in wanted if isinstance(w, str) and "\x00" not in w]
            q = q.where(pv.c[column].in_(kept))
    q = q.order_by(pv.c.seq)
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    for column in ("numerator", "denominator", "value", "lower", "upper", "phi", *_WIDE):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("suppressed", "synthetic", "benchmark_partial"):
        frame[column] = frame[column].astype(bool)
    for column in ("verdict", "trend", "reason", "verdict_998"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame
