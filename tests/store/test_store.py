"""The same store tests run on SQLite and on a real PostgreSQL server (fixture any_store)."""

import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from store import Store, schema
from store.observations import (
    freshness,
    has_real_data,
    list_batches,
    read_observations,
    rollback_batch,
    write_observations,
)

ROWS = pd.DataFrame(
    {
        "measure_id": ["m", "m", "m"],
        "area_code": ["a", "b", "c"],
        "period": ["2024"] * 3,
        "count": [1.0, 20.0, 30.0],
        "denominator": [100.0, 200.0, 300.0],
        "value": [None] * 3,
    }
)


def write(store, frame, checksum, **kw):
    return write_observations(
        store,
        [frame],
        source="s",
        file_name=f"{checksum}.csv",
        checksum=checksum,
        user="test",
        **kw,
    )


def test_migrations_create_every_table_and_are_idempotent(any_store):
    any_store.migrate()
    names = set(sa.inspect(any_store.engine).get_table_names())
    assert {t.name for t in schema.metadata.sorted_tables} <= names
    assert any_store.is_current()


def test_written_batch_is_read_back_with_its_values(any_store):
    result = write(any_store, ROWS, "c1")
    assert (result.status, result.rows_loaded, result.rows_replaced) == ("loaded", 3, 0)
    back = read_observations(any_store).sort_values("area_code")
    assert back["count"].tolist() == [1.0, 20.0, 30.0]
    assert back["batch_id"].unique().tolist() == [result.batch_id]
    assert any_store.data_version() == 1


def test_same_file_twice_is_unchanged(any_store):
    first = write(any_store, ROWS, "c1")
    again = write(any_store, ROWS, "c1")
    assert again.status == "unchanged" and again.batch_id == first.batch_id
    assert len(read_observations(any_store)) == 3


def test_newer_file_replaces_values_and_rollback_restores_them(any_store):
    write(any_store, ROWS, "c1")
    newer = write(any_store, ROWS.assign(count=[5.0, 6.0, 7.0]).iloc[:2], "c2")
    assert newer.rows_replaced == 2
    assert read_observations(any_store).sort_values("area_code")["count"].tolist() == [
        5.0,
        6.0,
        30.0,
    ]
    rollback_batch(any_store, newer.batch_id, user="test")
    assert read_observations(any_store).sort_values("area_code")["count"].tolist() == [
        1.0,
        20.0,
        30.0,
    ]
    statuses = list_batches(any_store).set_index("id")["status"].to_dict()
    assert statuses[newer.batch_id] == "rolled_back"


def test_rolling_back_a_middle_batch_keeps_the_newest_values(any_store):
    write(any_store, ROWS, "c1")
    middle = write(any_store, ROWS.assign(count=[2.0, 2.0, 2.0]), "c2")
    write(any_store, ROWS.assign(count=[3.0, 3.0, 3.0]), "c3")
    rollback_batch(any_store, middle.batch_id, user="test")
    assert read_observations(any_store)["count"].tolist() == [3.0, 3.0, 3.0]


def test_failure_mid_batch_writes_nothing(any_store):
    def chunks():
        yield ROWS
        raise ValueError("bad chunk")

    before = any_store.data_version()
    with pytest.raises(ValueError):
        write_observations(any_store, chunks(), source="s", file_name="f", checksum="x", user="t")
    assert read_observations(any_store).empty
    assert list_batches(any_store).empty
    assert any_store.data_version() == before


def test_duplicate_keys_in_one_batch_are_refused(any_store):
    from common.errors import UserError

    with pytest.raises(UserError, match="mer än en gång"):
        write(any_store, pd.concat([ROWS, ROWS]), "dup")
    assert read_observations(any_store).empty


def test_rollback_of_unknown_or_rolled_back_batch_is_a_user_error(any_store):
    from common.errors import UserError

    with pytest.raises(UserError, match="finns inte"):
        rollback_batch(any_store, 999, user="t")
    b = write(any_store, ROWS, "c1")
    rollback_batch(any_store, b.batch_id, user="t")
    with pytest.raises(UserError, match="redan återställd"):
        rollback_batch(any_store, b.batch_id, user="t")


def test_freshness_and_real_data_flag(any_store):
    write(any_store, ROWS, "c1", synthetic=True)
    assert not has_real_data(any_store)
    write(any_store, ROWS.assign(period="2025"), "c2")
    assert has_real_data(any_store)
    fresh = freshness(any_store)
    assert fresh.loc[0, "last_period"] == "2025" and fresh.loc[0, "rows"] == 6


def test_audit_log_records_imports_and_rollbacks(any_store):
    b = write(any_store, ROWS, "c1")
    rollback_batch(any_store, b.batch_id, user="anna")
    with any_store.engine.connect() as conn:
        actions = conn.execute(
            sa.select(schema.audit_log.c.action, schema.audit_log.c.user_name).order_by(
                schema.audit_log.c.id
            )
        ).all()
    assert [tuple(a) for a in actions] == [("import", "test"), ("rollback", "anna")]


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "Kan inte ansluta"),
        ("nosuchdb://x", "Ogiltig databas-URL"),
    ],
)
def test_cli_with_a_bad_url_says_one_clear_thing_and_exits_2(url, fragment):
    proc = subprocess.run(
        [sys.executable, "-m", "store", "check", "--db", url], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert fragment in proc.stderr and "Traceback" not in proc.stderr


def test_corrupt_sqlite_file_is_detected_and_left_untouched(tmp_path):
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "store", "migrate", "--db", f"sqlite:///{path}"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "skadad" in proc.stderr
    assert path.read_bytes() == before


def test_store_doctest_example_runs():
    s = Store("sqlite://")
    s.migrate()
    assert s.data_version() == 0
