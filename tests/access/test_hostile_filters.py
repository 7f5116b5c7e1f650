"""Hostile strings through every filter, on SQLite and on a real PostgreSQL server: they are
values bound as parameters, never SQL — nothing matches by accident, nothing is dropped or
changed, and a name stored with them comes back byte for byte."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access import reads
from common.errors import UserError
from indicators.publish import rebuild
from store import schema
from store.areas import sync_areas
from store.est import has_synthetic_incidents, read_activities, read_incidents
from store.events import write_events
from store.observations import read_observations, write_observations

HOSTILE = [
    "' OR '1'='1",
    "'; DROP TABLE observation; --",
    '" OR 1=1 --',
    "Robert'); DROP TABLE user_role;--",
    "1; DELETE FROM audit_log",
    "%",
    "_",
    "\\",
    "*",
    "ej_behoriga_gymnasiet' --",
    "d-ersboda') OR ('a'='a",
    "2024' UNION SELECT subject, role FROM user_role --",
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "😀\u202e\u200b",
    "x" * 5000,
]
#: NUL: PostgreSQL text cannot hold it, so the access layer treats it as matching nothing.
HOSTILE_WITH_NUL = [*HOSTILE, "admin\x00", "\x00' OR 1=1 --"]


@pytest.fixture
def loaded(any_store):
    from geo.areas import read_areas

    sync_areas(any_store, read_areas())
    rows = pd.DataFrame(
        {
            "measure_id": "ej_behoriga_gymnasiet",
            "area_code": ["sd-ersboda"] * 2,
            "period": ["2023", "2024"],
            "count": [30.0, 40.0],
            "denominator": [200.0, 200.0],
            "value": None,
        }
    )
    write_observations(any_store, [rows], source="s", file_name="f.csv", checksum="c", user="t")
    rebuild(any_store)  # as the import path does (issue 17): reads only read
    incidents = pd.DataFrame(
        {
            "occurred_at": pd.to_datetime(["2025-11-18 21:00"]),
            "iso_week": "2025-W47",
            "type": "t",
            "partner": "polis",
            "cell_x": 761250,
            "cell_y": 7092250,
            "district_code": "d-ersboda",
        }
    )
    write_events(
        any_store,
        "incident",
        [incidents],
        source="s",
        file_name="i.csv",
        checksum="i",
        user="t",
        synthetic=True,
    )
    reads.set_role(any_store, "admin", "anna@umea.se", "est", by="t")
    return any_store


def _counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in schema.metadata.sorted_tables
        }


def test_hostile_strings_through_every_filter_match_nothing_and_change_nothing(loaded):
    before = _counts(loaded)
    assert reads.indicator_values(
        loaded,
        "admin",
        indicator_ids=HOSTILE_WITH_NUL,
        areas=HOSTILE_WITH_NUL,
        periods=HOSTILE_WITH_NUL,
        levels=HOSTILE_WITH_NUL,
    ).empty
    assert reads.indicator_values(loaded, "admin", areas=HOSTILE_WITH_NUL).empty
    assert reads.indicator_values(loaded, "rad", periods=HOSTILE_WITH_NUL).empty
    assert not reads.indicator_values(loaded, "rad", periods=["2024", *HOSTILE]).empty
    for text in HOSTILE_WITH_NUL:
        assert reads.audit_entries(loaded, "admin", action=text).empty
        assert reads.role_of_subject(loaded, text) is None
        with pytest.raises(UserError):
            reads.est_week(loaded, "est", text)
        with pytest.raises(UserError):
            reads.rollback(loaded, "admin", text, user="t")
    for text in HOSTILE:  # the store's own reads (bound parameters, chunked IN lists)
        assert read_observations(loaded, measure_ids=[text]).empty
        assert read_observations(loaded, area_codes=[text], periods=[text]).empty
        assert read_incidents(loaded, weeks=[text]).empty
        assert read_activities(loaded, weeks=[text]).empty
        assert not has_synthetic_incidents(loaded, weeks=[text])
    assert _counts(loaded) == before
    assert reads.role_of_subject(loaded, "anna@umea.se") == "est"


def test_hostile_subjects_are_stored_and_read_back_exactly(loaded):
    for i, text in enumerate(HOSTILE[:12]):
        subject = f"{text}{i}"
        reads.set_role(loaded, "admin", subject, "rad", by=text)
        assert reads.role_of_subject(loaded, subject) == "rad"
    table = reads.user_roles(loaded, "admin")
    assert len(table) == 13  # twelve hostile subjects + anna, none lost, none merged
    assert reads.role_of_subject(loaded, "anna@umea.se") == "est"
    for text in ("admin\x00", "x" * 201):
        with pytest.raises(UserError):
            reads.set_role(loaded, "admin", text, "admin", by="t")
    log = reads.audit_entries(loaded, "admin", action="role_change")
    assert set(HOSTILE[:12]) <= set(log["user_name"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30))
def test_any_text_as_a_filter_is_a_value_never_sql(demo_store, text):
    rows = read_observations(demo_store, area_codes=[text], periods=["2024", text])
    assert rows.empty or set(rows["area_code"]) == {text}
    assert reads.role_of_subject(demo_store, text) is None
    log = reads.audit_entries(demo_store, "admin", action=text)
    assert log.empty or set(log["action"]) == {text}
