"""The intervention register on SQLite and a real PostgreSQL (fixture any_store)."""

from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from common.errors import UserError
from store import schema
from store.areas import sync_areas
from store.interventions import (
    add_intervention,
    end_intervention,
    is_active,
    read_interventions,
    update_intervention,
)

AREAS = pd.DataFrame(
    {
        "code": ["umea", "d-ersboda", "d-alidhem"],
        "name": ["Umeå", "Ersboda", "Ålidhem"],
        "name_en": ["Umeå", "Ersboda", "Ålidhem"],
        "official_name": [None] * 3,
        "level": ["municipality", "district", "district"],
        "parent_code": [None, "umea", "umea"],
        "focus": [False, True, True],
        "sort_order": [0, 1, 2],
    }
)


@pytest.fixture
def store(any_store):
    sync_areas(any_store, AREAS)
    return any_store


def _audit(store) -> list[tuple[str, str]]:
    log = schema.audit_log
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(log.c.action, log.c.detail).order_by(log.c.id)).all()
    return [tuple(r) for r in rows]


def test_added_intervention_reads_back_with_lists_and_an_audit_line(store):
    new = add_intervention(
        store,
        name="Ungdomens hus",
        districts=["d-ersboda"],
        start="2021-09-01",
        targets=["skadegorelse", "fritidsgard_besok"],
        unit="Fritid Umeå",
        description="Mötesplats för unga",
        user="anna",
    )
    back = read_interventions(store).set_index("id").loc[new]
    assert back["districts"] == ["d-ersboda"]
    assert back["targets"] == ["skadegorelse", "fritidsgard_besok"]
    assert back["start_date"] == date(2021, 9, 1) and back["end_date"] is None
    assert (back["responsible_unit"], back["updated_by"]) == ("Fritid Umeå", "anna")
    assert _audit(store) == [("intervention_add", f"{new}: Ungdomens hus")]
    assert store.data_version() == 1


def test_edit_changes_only_what_changed_and_audits_the_columns(store):
    new = add_intervention(store, name="A", districts=["d-ersboda"], start="2020-01-01", user="a")
    changed = update_intervention(
        store, new, user="bo", name="A2", districts=["d-ersboda", "d-alidhem"], description=""
    )
    assert changed == ["name", "district_codes"]
    row = read_interventions(store).iloc[0]
    assert row["districts"] == ["d-ersboda", "d-alidhem"] and row["updated_by"] == "bo"
    assert _audit(store)[-1] == ("intervention_edit", f"{new}: name, district_codes")
    assert update_intervention(store, new, user="bo", name="A2") == []


def test_ending_sets_the_end_date_and_is_audited_once(store):
    new = add_intervention(store, name="A", districts=["d-alidhem"], start="2020-01-01", user="a")
    end_intervention(store, new, end="2023-06-30", user="bo")
    row = read_interventions(store).iloc[0]
    assert row["end_date"] == date(2023, 6, 30)
    assert [a for a, _ in _audit(store)] == ["intervention_add", "intervention_end"]
    assert not is_active(row, on=date(2024, 1, 1)) and is_active(row, on=date(2022, 1, 1))


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"name": " ", "districts": ["d-ersboda"], "start": "2020-01-01"}, "behöver ett namn"),
        (
            {"name": "x" * 201, "districts": ["d-ersboda"], "start": "2020-01-01"},
            "behöver ett namn",
        ),
        ({"name": "A", "districts": [], "start": "2020-01-01"}, "minst ett område"),
        ({"name": "A", "districts": ["d-x'; DROP TABLE area;--"], "start": "2020"}, "Okänt område"),
        ({"name": "A", "districts": ["d-ersboda"], "start": "1 maj"}, "inget datum"),
        (
            {"name": "A", "districts": ["d-ersboda"], "start": "2022-01-01", "end": "2021-01-01"},
            "före startdatum",
        ),
        ({"name": "A\x00", "districts": ["d-ersboda"], "start": "2020-01-01"}, "namn"),
    ],
)
def test_bad_fields_are_refused_in_swedish_and_the_store_is_unchanged(store, fields, message):
    with pytest.raises(UserError, match=message):
        add_intervention(store, user="a", **fields)
    assert read_interventions(store).empty and _audit(store) == []
    assert store.data_version() == 0


def test_a_failed_edit_leaves_the_row_as_it_was(store):
    new = add_intervention(store, name="A", districts=["d-ersboda"], start="2021-01-01", user="a")
    with pytest.raises(UserError, match="före startdatum"):
        update_intervention(store, new, user="b", name="B", end="2020-01-01")
    row = read_interventions(store).iloc[0]
    assert row["name"] == "A" and row["end_date"] is None
    with pytest.raises(UserError, match="finns inte"):
        update_intervention(store, 999, user="b", name="B")
    with pytest.raises(UserError, match="Okända fält"):
        update_intervention(store, new, user="b", synthetic=True)


def test_rolling_back_an_import_batch_removes_its_interventions_but_not_page_entries(store):
    from store.events import write_events
    from store.observations import rollback_batch

    page = add_intervention(store, name="P", districts=["d-ersboda"], start="2021-01-01", user="a")
    rows = pd.DataFrame(
        {
            "name": ["Importerad"],
            "district_codes": ["d-alidhem"],
            "start_date": [date(2019, 3, 1)],
            "end_date": [None],
            "description": [""],
            "target_indicators": ["lok_stod"],
            "responsible_unit": ["Fritid"],
        }
    )
    batch = write_events(
        store, "intervention", [rows], source="t", file_name="i.csv", checksum="c", user="a"
    )
    assert len(read_interventions(store)) == 2
    rollback_batch(store, batch.batch_id, user="a")
    assert read_interventions(store)["id"].tolist() == [page]
