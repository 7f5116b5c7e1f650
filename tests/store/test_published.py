"""The published table (issue 17): computed once per change, atomic, the same for every reader,
on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access import reads
from catalogue import load_catalogue
from indicators.composite_view import district_composites
from indicators.engine import compute_frame
from indicators.publish import (
    composites,
    ensure_current,
    published_composites,
    published_values,
    rebuild,
)
from store import schema
from store.areas import read_area_table, sync_areas
from store.observations import read_observations, reset_data, rollback_batch, write_observations
from store.published import (
    abandon_version,
    begin_version,
    current_version,
    publish_version,
    read_composites,
    read_values,
    status,
    values_version,
    write_composites,
    write_rows,
)

AREAS = pd.DataFrame(
    [
        ("2480", "Umeå kommun", "municipality", None),
        ("d-a", "Aby", "district", "2480"),
        ("d-b", "Bby", "district", "2480"),
        ("d-c", "Cby", "district", "2480"),
        ("s-a1", "Aby norra", "stadsdel", "d-a"),
        ("s-a2", "Aby södra", "stadsdel", "d-a"),
    ],
    columns=["code", "name", "level", "parent_code"],
).assign(name_en=None, official_name=None, focus=0, sort_order=range(6))


def load(store, counts, *, checksum="c1", period="2024"):
    """Write skadegorelse counts per area (the store's write, no rebuild)."""
    sync_areas(store, AREAS)
    frame = pd.DataFrame(
        {
            "measure_id": "skadegorelse",
            "area_code": list(counts),
            "period": period,
            "count": [float(c) for c in counts.values()],
            "denominator": 4000.0,
            "value": None,
        }
    )
    return write_observations(
        store, [frame], source="t", file_name="f.csv", checksum=checksum, user="t"
    )


def test_rebuild_stores_exactly_what_the_engine_computes(any_store):
    load(any_store, {"s-a1": 30, "s-a2": 3, "d-b": 40, "d-c": 50})
    load(any_store, {"s-a1": 35, "s-a2": 25, "d-b": 41, "d-c": 52}, checksum="c2", period="2023")
    result = rebuild(any_store)
    expected = compute_frame(read_observations(any_store), read_area_table(any_store))
    stored = read_values(any_store)
    assert result.rows == len(expected) == len(stored) > 0
    pd.testing.assert_frame_equal(
        stored, expected[stored.columns].reset_index(drop=True), check_dtype=False
    )
    assert stored["suppressed"].any()  # s-a2's 3 is hidden, and something protects it
    assert status(any_store)["source_version"] == values_version(any_store)


def test_readers_see_the_old_version_until_the_new_one_is_complete(any_store):
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    rebuild(any_store)
    old = read_values(any_store)
    load(any_store, {"d-a": 60, "d-b": 80, "d-c": 100}, checksum="c2")
    # A rebuild half way: rows written under a new version, pointer not moved yet.
    version = begin_version(any_store, source_version=values_version(any_store))
    new = compute_frame(read_observations(any_store), read_area_table(any_store))
    write_rows(any_store, version, new)
    pd.testing.assert_frame_equal(read_values(any_store), old)
    assert status(any_store)["building"]
    assert publish_version(any_store, version)
    assert read_values(any_store)["numerator"].max() == 240.0
    assert current_version(any_store) == version


def test_a_slow_rebuild_of_older_data_never_replaces_a_newer_version(any_store):
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    slow = begin_version(any_store, source_version=values_version(any_store))
    load(any_store, {"d-a": 60, "d-b": 80, "d-c": 100}, checksum="c2")
    fast = rebuild(any_store)
    assert fast.current
    assert not publish_version(any_store, slow)
    assert current_version(any_store) == fast.version
    assert read_values(any_store)["numerator"].max() == 240.0


def test_a_failed_rebuild_leaves_the_current_version_in_place(any_store, monkeypatch):
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    first = rebuild(any_store)
    load(any_store, {"d-a": 60, "d-b": 80, "d-c": 100}, checksum="c2")
    import indicators.engine
    import indicators.publish

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(indicators.publish, "compute_frame", broken)
    with pytest.raises(RuntimeError):
        rebuild(any_store)
    assert current_version(any_store) == first.version
    assert read_values(any_store)["numerator"].max() == 120.0
    assert not status(any_store)["building"]


def test_import_and_rollback_through_access_rebuild_the_published_values(any_store, tmp_path):
    from geo.areas import read_areas

    sync_areas(any_store, read_areas())
    path = tmp_path / "brott.csv"
    path.write_text(
        "omrade;period;matt;antal;namnare\nErsboda;2024;skadegorelse;30;4000\n"
        "Mariehem;2024;skadegorelse;40;4000\nTomtebo;2024;skadegorelse;50;4000\n",
        encoding="utf-8",
    )
    seen = []
    result = reads.import_file(
        any_store,
        "analytiker",
        path,
        user="anna",
        progress=lambda f, text: seen.append(f),
    )
    assert result.status == "loaded"
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    version = current_version(any_store)
    values = reads.indicator_values(any_store, "publik", indicator_ids=["skadegorelse"])
    assert values.loc[values["area_code"] == "2480", "numerator"].item() == 120.0
    reads.rollback(any_store, "admin", result.batch_id, user="anna")
    assert current_version(any_store) > version
    assert reads.indicator_values(any_store, "publik").empty


def test_reads_do_not_compute_once_published(any_store, monkeypatch):
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    rebuild(any_store)
    import indicators.engine
    import indicators.publish

    def forbidden(*args, **kwargs):
        raise AssertionError("a read computed statistics")

    monkeypatch.setattr(indicators.engine, "compute_frame", forbidden)
    monkeypatch.setattr(indicators.publish, "compute_frame", forbidden)
    for role in ("publik", "rad", "admin"):
        assert not reads.indicator_values(any_store, role).empty
    assert reads.values_version(any_store) == current_version(any_store)


def test_a_store_written_without_the_hook_is_published_once_on_first_read(any_store):
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    assert current_version(any_store) is None
    assert len(published_values(any_store)) == 4
    first = current_version(any_store)
    published_values(any_store)
    assert current_version(any_store) == first  # no second rebuild without a change


def test_reset_data_moves_the_versions_on_and_publishes_nothing(any_store):
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    rebuild(any_store)
    before = any_store.data_version()
    assert reset_data(any_store, user="demo") == 1
    assert any_store.data_version() > before
    assert ensure_current(any_store) is not None
    assert read_values(any_store).empty


def test_old_versions_are_deleted_but_the_previous_one_is_kept(any_store):
    import sqlalchemy as sa

    for i in range(4):
        load(any_store, {"d-a": 30 + i, "d-b": 40, "d-c": 50}, checksum=f"c{i}")
        rebuild(any_store)
    with any_store.engine.connect() as conn:
        versions = conn.exec_driver_sql(
            "SELECT DISTINCT version FROM published_value ORDER BY version"
        ).all()
    assert [v for (v,) in versions] == [current_version(any_store) - 1, current_version(any_store)]
    assert sa  # imported for the connection API


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=5, max_size=5),
    rolled_back=st.booleans(),
)
def test_published_rows_never_show_a_small_count(tmp_path_factory, counts, rolled_back):
    """Attack: any counts, with or without a rollback; nothing between 1 and 4 is published
    and every hidden cell has a partner in its line."""
    from store import Store

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.sqlite'}")
    store.migrate()
    codes = ["s-a1", "s-a2", "d-b", "d-c", "d-a"][: len(counts)]
    first = load(store, dict(zip(codes[:4], counts[:4], strict=True)))
    load(store, {"d-b": counts[4], "d-c": 7}, checksum="c2")
    if rolled_back:
        rollback_batch(store, first.batch_id, user="t")
    rebuild(store)
    shown = read_values(store)
    shown = shown[~shown["suppressed"]]
    assert not ((shown["numerator"] > 0) & (shown["numerator"] < 5)).any()
    store.dispose()


def test_rebuild_publishes_the_composites_of_its_values(any_store):
    """The composite indices are computed once, at the rebuild, from the values published
    with them, and read back as they were computed (issue 17)."""
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    load(any_store, {"d-a": 20, "d-b": 60, "d-c": 45}, checksum="c2", period="2023")
    rebuild(any_store)
    values = read_values(any_store)
    for period in ("2023", "2024"):
        expected = district_composites(values, load_catalogue(), period=period)
        stored = reads.composite_ranks(any_store, "publik", period)
        assert len(stored) == len(expected) == 3  # three districts, one risk index
        pd.testing.assert_frame_equal(
            stored[expected.columns].reset_index(drop=True),
            expected.reset_index(drop=True),
            check_dtype=False,
        )
    assert reads.composite_ranks(any_store, "publik", "1999").empty


def test_composites_follow_the_version_and_are_gone_with_a_failed_rebuild(any_store, monkeypatch):
    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    rebuild(any_store)
    before = published_composites(any_store, period="2024")
    load(any_store, {"d-a": 90, "d-b": 40, "d-c": 10}, checksum="c2")
    version = begin_version(any_store, source_version=values_version(any_store))
    write_composites(
        any_store, version, composites(compute_frame(read_observations(any_store), AREAS))
    )
    # Not yet published: readers still get the old version's composites.
    pd.testing.assert_frame_equal(read_composites(any_store, periods=["2024"]), before)
    abandon_version(any_store, version, note="test")
    with any_store.engine.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count()).where(schema.published_composite.c.version == version)
        ).scalar()
    assert left == 0
    after = rebuild(any_store)
    ranks = reads.composite_ranks(any_store, "publik", "2024")
    assert after.current and ranks.set_index("area_code")["rank"].to_dict() == {
        "d-a": 1.0,
        "d-b": 2.0,
        "d-c": 3.0,
    }


def test_a_store_published_before_the_composites_is_rebuilt_once_with_them(any_store):
    """Migration 0006 marks an already published store as behind, so its first reader
    rebuilds it once, composites included, instead of serving ranks that do not exist."""
    from alembic import command

    from store.db import _alembic_config

    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    rebuild(any_store)
    cfg = _alembic_config()
    with any_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    with any_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    state = status(any_store)
    assert state["values_version"] == state["source_version"] + 1
    with any_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")  # 0007 marks it behind once more; one rebuild serves both
    assert read_composites(any_store).empty  # the old version has none
    ranks = reads.composite_ranks(any_store, "publik", "2024")  # the reader rebuilds once
    assert sorted(ranks["area_code"]) == ["d-a", "d-b", "d-c"]
    state = status(any_store)
    assert state["values_version"] == state["source_version"]


def test_the_rebuilds_chunked_read_returns_the_plain_read(any_store, monkeypatch):
    """read_observations(categorical=True) — the driver cursor read in chunks the rebuild
    uses — gives the same rows and values as the plain read, across chunk boundaries."""
    import store.observations as observations

    load(any_store, {"s-a1": 30, "s-a2": 3, "d-b": 40, "d-c": 50})
    load(any_store, {"s-a1": 31, "d-b": 41}, checksum="c2")  # supersedes two rows
    load(any_store, {"s-a2": 7, "d-c": 9}, checksum="c3", period="2023")
    monkeypatch.setattr(observations, "_READ_CHUNK", 2)
    fast = read_observations(any_store, categorical=True)
    plain = read_observations(any_store)
    assert len(fast) == len(plain) == 6
    text = ["measure_id", "area_code", "period", "source"]
    assert all(isinstance(fast[c].dtype, pd.CategoricalDtype) for c in text)
    key = ["measure_id", "area_code", "period"]
    pd.testing.assert_frame_equal(
        fast.astype({c: str for c in text}).sort_values(key).reset_index(drop=True),
        plain.astype({c: str for c in text}).sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )


def test_the_998_interval_and_verdict_round_trip_and_differ_from_95(any_store):
    """Issue 16: Fingertips' 99,8 % level published beside the 95 % one (migration 0007)."""
    load(any_store, {"s-a1": 30, "s-a2": 3, "d-b": 40, "d-c": 48})
    rebuild(any_store)
    stored = read_values(any_store).set_index("area_code")
    shown = stored[~stored["suppressed"]]
    assert (shown["lower_998"] < shown["lower"]).all()
    assert (shown["upper"] < shown["upper_998"]).all()
    # Cby: 48 per 4 000 lies above Umeå's value at 95 % but not at 99,8 %.
    assert stored.loc["d-c", "verdict"] == "higher_worse"
    assert stored.loc["d-c", "verdict_998"] == "similar"
    assert stored.loc["2480", "verdict_998"] == "benchmark"
    hidden = stored[stored["suppressed"]]
    assert len(hidden) and hidden[["lower_998", "upper_998"]].isna().all().all()
    assert hidden["verdict_998"].isna().all()


def test_a_store_published_before_the_998_level_is_rebuilt_once_with_it(any_store):
    """Migration 0007 adds the 99,8 % columns and marks a published store as behind; the
    first reader rebuilds it once and the columns are filled."""
    from alembic import command

    from store.db import _alembic_config

    load(any_store, {"d-a": 30, "d-b": 40, "d-c": 50})
    rebuild(any_store)
    cfg = _alembic_config()
    with any_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    with any_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    state = status(any_store)
    assert state["values_version"] == state["source_version"] + 1
    assert read_values(any_store)["verdict_998"].isna().all()  # the old version's rows
    rows = reads.indicator_values(any_store, "publik")  # the reader rebuilds once
    assert rows.loc[rows["area_level"] == "district", "verdict_998"].notna().all()
    state = status(any_store)
    assert state["values_version"] == state["source_version"]


def test_missing_numbers_are_stored_as_null_and_text_survives_copy(any_store, monkeypatch):
    """The bulk write (PostgreSQL COPY through the row writer, SQLite executemany) stores a
    missing number as NULL, never NaN, and a name with a tab, a backslash or a newline
    byte for byte; the SQLite index is dropped and built again around a large write."""
    import store.published as published

    load(any_store, {"s-a1": 30, "s-a2": 3, "d-b": 40, "d-c": 50})
    frame = compute_frame(read_observations(any_store), read_area_table(any_store))
    frame["area_name"] = frame["area_name"] + "\t\\x\nå"
    monkeypatch.setattr(published, "_REBUILD_INDEX_MIN_ROWS", 1)  # take the rebuild path
    version = begin_version(any_store, source_version=0)
    write_rows(any_store, version, frame, chunk_rows=3)
    pv = schema.published_value
    with any_store.engine.connect() as conn:
        stored = conn.execute(
            sa.select(pv.c.area_name, pv.c.value, pv.c.lower_998)
            .where(pv.c.version == version)
            .order_by(pv.c.seq)
        ).all()
        nulls = conn.execute(
            sa.select(sa.func.count()).where(pv.c.version == version, pv.c.value.is_(None))
        ).scalar()
        indexes = sa.inspect(conn).get_indexes("published_value")
    assert [row.area_name for row in stored] == frame["area_name"].tolist()
    assert nulls == int(frame["value"].isna().sum()) > 0  # the hidden small count
    assert all(row.value is None or row.value == row.value for row in stored)  # no NaN
    assert [i["name"] for i in indexes] == ["ix_published_value_key"]


def test_the_rebuild_reads_only_the_engines_columns(any_store):
    """read_observations(columns=...) returns those columns with the values of the full
    read; an unknown column is refused."""
    from store.observations import ENGINE_COLUMNS

    load(any_store, {"s-a1": 30, "s-a2": 3, "d-b": 40})
    full = read_observations(any_store, categorical=True)
    some = read_observations(any_store, categorical=True, columns=ENGINE_COLUMNS)
    assert some.columns.tolist() == list(ENGINE_COLUMNS)
    pd.testing.assert_frame_equal(some, full[list(ENGINE_COLUMNS)])
    with pytest.raises(ValueError, match="not an observation column"):
        read_observations(any_store, columns=["password"])
