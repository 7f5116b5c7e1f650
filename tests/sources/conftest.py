"""Fixtures for the importer tests: a migrated store and a full dump of it.

``store`` is a migrated store on SQLite and on a real PostgreSQL server (every importer
test runs on both); the tests only use the :class:`store.Store` API and ``store.url``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

DATA = Path(__file__).resolve().parent.parent / "data"
BAD, GOOD, FIXTURES = DATA / "bad", DATA / "good", DATA / "fixtures"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, migrated_store):
    """A migrated, empty store on SQLite and on PostgreSQL (a fresh database on the session's
    throwaway server; both copies of a migrated template, see tests/conftest.py)."""
    s = migrated_store(request.param, tmp_path)
    yield s
    s.dispose()


def _plain(value: object) -> object:
    """A timestamp as ISO text, as the product shows it. The repr
    ``datetime.datetime(2026, 12, 3, 16, 6, 18, 69616)`` is a chain of digit groups joined by
    ", " that the (deliberately loose) personal-number scanner may read as a number."""
    return value.isoformat() if isinstance(value, dt.date) else value


_SCHEMAS: dict[tuple[str, tuple[str, ...]], sa.MetaData] = {}


def _reflected(store) -> sa.MetaData:
    """The store's tables, reflected once per dialect, set of table names and schema revision
    (every store migrated to the same revision has the same schema)."""
    names = tuple(sorted(sa.inspect(store.engine).get_table_names()))
    revision = ()
    if "alembic_version" in names:
        with store.engine.connect() as conn:
            revision = tuple(
                conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
            )
    key = (store.engine.dialect.name, names + revision)
    if key not in _SCHEMAS:
        metadata = sa.MetaData()
        metadata.reflect(store.engine)
        _SCHEMAS[key] = metadata
    return _SCHEMAS[key]


def dump(store) -> dict[str, list[str]]:
    """Every row of every table (reflected, so nothing is missed), sorted."""
    metadata = _reflected(store)
    with store.engine.connect() as conn:
        return {
            table.name: sorted(
                repr(tuple(map(_plain, row))) for row in conn.execute(sa.select(table))
            )
            for table in metadata.sorted_tables
        }


def sqlite_bytes(store) -> bytes | None:
    """The SQLite file's bytes after closing every connection (WAL checkpointed); None for
    other databases."""
    if store.dialect != "sqlite":
        return None
    store.engine.dispose()
    return Path(sa.engine.make_url(store.url).database).read_bytes()
