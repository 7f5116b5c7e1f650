"""Large observation batches (the bulk path of store.observations.write_observations): the same
result as small ones, duplicate keys refused, and a failure leaves the store exactly as it was —
on SQLite (indexes dropped and rebuilt inside the transaction) and on PostgreSQL (COPY)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import UserError
from common.personal_numbers import text_has_personal_number
from store import Store, observations
from store.observations import read_observations, rollback_batch, write_observations
from tests.sources.conftest import dump, sqlite_bytes

N = 3_000


@pytest.fixture(autouse=True)
def bulk_threshold(monkeypatch):
    """Batches from 1 000 rows take the bulk path here (50 000 in production), so the tests
    stay quick; the path is the same."""
    monkeypatch.setattr(observations, "_REBUILD_MIN_ROWS", 1_000)


def rows(n: int = N, *, offset: float = 0.0) -> pd.DataFrame:
    i = np.arange(n)
    return pd.DataFrame(
        {
            "measure_id": pd.Categorical(np.where(i % 2 == 0, "m1", "m2")),
            "area_code": pd.Categorical([f"a{k:03d}" for k in (i // 2) % 300]),
            "period": pd.Categorical([f"{1900 + k // 600}" for k in i]),
            "count": (i % 97).astype(float) + offset,
            "denominator": np.where(i % 5 == 0, np.nan, 1000.0),
            "value": np.nan,
        }
    )


def write(store, frame, *, checksum: str, chunk: int = 1_250):
    pieces = [frame.iloc[k : k + chunk] for k in range(0, len(frame), chunk)]
    return write_observations(
        store, pieces, source="s", file_name="f.csv", checksum=checksum, user="u"
    )


def indexes(store) -> list[tuple]:
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            return conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'observation' "
                "AND type = 'index' ORDER BY name"
            ).all()
        return conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'observation' "
            "ORDER BY indexname"
        ).all()


def test_a_large_batch_is_stored_exactly_and_a_second_one_replaces_it(any_store):
    before = indexes(any_store)
    first = write(any_store, rows(), checksum="1")
    assert (first.rows_loaded, first.rows_replaced) == (N, 0)
    assert indexes(any_store) == before  # rebuilt from their own definitions
    stored = read_observations(any_store).sort_values(["measure_id", "area_code", "period"])
    expected = rows().astype({c: object for c in ("measure_id", "area_code", "period")})
    expected = expected.sort_values(["measure_id", "area_code", "period"])
    assert stored["count"].tolist() == expected["count"].tolist()
    assert stored["denominator"].isna().tolist() == expected["denominator"].isna().tolist()
    second = write(any_store, rows(offset=0.5), checksum="2")
    assert (second.rows_loaded, second.rows_replaced) == (N, N)
    assert indexes(any_store) == before
    assert (read_observations(any_store)["count"] % 1 == 0.5).all()
    rollback_batch(any_store, second.batch_id, user="u")
    assert (read_observations(any_store)["count"] % 1 == 0).all()
    assert len(read_observations(any_store)) == N


def test_duplicate_keys_in_a_large_batch_leave_the_store_as_it_was(any_store):
    write(any_store, rows(500), checksum="small")
    before_rows, before_bytes, before_indexes = (
        dump(any_store),
        sqlite_bytes(any_store),
        indexes(any_store),
    )
    doubled = pd.concat([rows(), rows().iloc[[123]]], ignore_index=True)
    with pytest.raises(UserError, match="1 nycklar"):
        write(any_store, doubled, checksum="dup")
    assert dump(any_store) == before_rows
    assert sqlite_bytes(any_store) == before_bytes
    assert indexes(any_store) == before_indexes


def test_a_failure_midway_through_a_large_batch_leaves_the_store_as_it_was(any_store):
    before_rows, before_bytes = dump(any_store), sqlite_bytes(any_store)
    broken = rows().assign(measure_id=lambda f: f["measure_id"].astype(object))
    broken.loc[N - 1, "measure_id"] = None  # NOT NULL: the database refuses the last row
    with pytest.raises(sa.exc.IntegrityError):
        write(any_store, broken, checksum="broken")
    assert dump(any_store) == before_rows
    assert sqlite_bytes(any_store) == before_bytes


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=2 * observations._ROWS_PER_INSERT + 3),
    chunk=st.integers(min_value=1, max_value=700),
    gaps=st.lists(st.booleans(), min_size=3, max_size=3),
    source=st.text(min_size=1, max_size=12).filter(
        lambda t: "\x00" not in t and not text_has_personal_number(t)
    ),
)
def test_every_row_lands_exactly_whatever_the_statement_boundaries(n, chunk, gaps, source):
    """SQLite writes many rows per INSERT statement (the batch's constants bound once); any
    count of rows, chunking and missing numbers comes back exactly, with its source and batch."""
    store = Store("sqlite://")
    store.migrate()
    try:
        frame = rows(n)
        for column, gap in zip(("count", "denominator", "value"), gaps, strict=True):
            frame[column] = (
                np.where(np.arange(n) % 3 == 1, np.nan, frame[column]) if gap else (frame[column])
            )
        pieces = [frame.iloc[k : k + chunk] for k in range(0, n, chunk)]
        result = write_observations(
            store, pieces, source=source, file_name="f.csv", checksum="p", user="u"
        )
        assert result.rows_loaded == n
        with store.engine.connect() as conn:
            stored = pd.read_sql(
                "SELECT measure_id, area_code, period, count, denominator, value, source, "
                "synthetic, batch_id FROM observation ORDER BY id",
                conn,
            )
        assert stored["measure_id"].tolist() == frame["measure_id"].astype(str).tolist()
        assert stored["area_code"].tolist() == frame["area_code"].astype(str).tolist()
        assert stored["period"].tolist() == frame["period"].astype(str).tolist()
        for column in ("count", "denominator", "value"):
            got = stored[column].astype(float).to_numpy()
            want = frame[column].astype(float).to_numpy()
            assert np.array_equal(np.isnan(got), np.isnan(want)), column
            assert np.array_equal(got[~np.isnan(got)], want[~np.isnan(want)]), column
        assert set(stored["source"]) == {source}
        assert set(stored["batch_id"]) == {result.batch_id}
        assert set(stored["synthetic"]) == {0}
    finally:
        store.dispose()
