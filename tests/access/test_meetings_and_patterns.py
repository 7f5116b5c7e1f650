"""Council meeting dates, what arrived since a meeting, and the EST cell patterns (issue #14),
on SQLite and a real PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from access import PermissionDenied, reads
from common.errors import UserError
from geo.areas import read_areas
from store.areas import sync_areas
from store.events import write_events
from store.observations import write_observations


def _obs(period: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": "ej_behoriga_gymnasiet",
            "area_code": ["sd-ersboda"],
            "period": period,
            "count": [12.0],
            "denominator": [200.0],
            "value": [None],
        }
    )


def test_meeting_dates_round_trip_and_a_bad_date_changes_nothing(any_store):
    assert reads.council_meetings(any_store) == []
    saved = reads.set_council_meetings(
        any_store, "rad", ["2025-11-12", " 2025-09-10 ", "2025-11-12"], user="anna"
    )
    assert saved == ["2025-09-10", "2025-11-12"] == reads.council_meetings(any_store)
    with pytest.raises(UserError, match="'12/11/2025' är inte ett datum"):
        reads.set_council_meetings(any_store, "rad", ["2025-12-01", "12/11/2025"], user="anna")
    assert reads.council_meetings(any_store) == saved
    with pytest.raises(PermissionDenied):
        reads.set_council_meetings(any_store, "publik", ["2025-12-01"], user="x")


def test_loaded_since_lists_batches_after_the_meeting_day_only(any_store):
    sync_areas(any_store, read_areas())
    kept = write_observations(
        any_store, [_obs("2024")], source="t", file_name="a.csv", checksum="a", user="t"
    )
    gone = write_observations(
        any_store, [_obs("2023")], source="t", file_name="b.csv", checksum="b", user="t"
    )
    reads.rollback(any_store, "analytiker", gone.batch_id, user="t")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    since = reads.loaded_since(any_store, "rad", yesterday)
    assert since["batch_id"].tolist() == [kept.batch_id]
    assert since["periods"].iloc[0] == ["2024"]
    assert reads.loaded_since(any_store, "rad", date.today().isoformat()).empty


def test_cell_patterns_name_the_busiest_weekday_and_three_hours(any_store):
    sync_areas(any_store, read_areas())
    # Friday 21:00 and 22:30 twice, one Tuesday 03:00, in week 2025-W47 and the week before
    times = pd.to_datetime(
        ["2025-11-21 21:00", "2025-11-21 22:30", "2025-11-14 21:10", "2025-11-18 03:00"]
    )
    incidents = pd.DataFrame(
        {
            "occurred_at": times,
            "iso_week": [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in times],
            "type": "klotter",
            "partner": "polis",
            "cell_x": 761250,
            "cell_y": 7092250,
            "district_code": "d-ersboda",
        }
    )
    write_events(
        any_store, "incident", [incidents], source="t", file_name="i.csv", checksum="i", user="t"
    )
    out = reads.est_cell_patterns(any_store, "est", "2025-W47", [(761250, 7092250), (0, 0)])
    row = out.iloc[0]
    assert len(out) == 1 and row["count"] == 4
    assert row["weekday"] == 4 and row["weekday_count"] == 3  # Friday
    assert row["hour"] in (20, 21) and row["hour_count"] == 3
    with pytest.raises(PermissionDenied):
        reads.est_cell_patterns(any_store, "rad", "2025-W47", [(761250, 7092250)])
