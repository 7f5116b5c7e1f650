"""Polisen events → counts per type × municipality × ISO week (municipality level only)."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from common.errors import UserError
from sources.polisen import event_time, events_url, parse_events, published_at


def load():
    return json.loads((FIXTURES / "polisen_events_sample.json").read_text(encoding="utf-8"))


def test_the_umea_event_is_counted_in_its_week_and_the_rest_noted():
    parsed = parse_events(load())
    frame = parsed.observations
    assert frame[["measure_id", "area_code", "period", "count"]].values.tolist() == [
        ["polisen_handelser", "2480", "2025-W23", 1.0],
        ["polisen_olovlig_korning", "2480", "2025-W23", 1.0],
    ]
    notes = " ".join(parsed.notes)
    assert "1 sammanfattningar" in notes
    assert "Kungsör (1)" in notes and "Skellefteå (1)" in notes


def test_event_time_comes_from_the_name_with_the_year_of_publication():
    published = published_at("2025-06-07 7:32:06 +02:00")
    assert published.hour == 7 and published.utcoffset().total_seconds() == 7200
    assert event_time("06 juni 18.50, Trafikbrott, Kungsör", published).isoformat() == (
        "2025-06-06T18:50:00+02:00"
    )
    assert event_time("Utan tid", published) == published


def test_events_in_the_last_days_of_december_get_the_right_iso_week():
    events = [
        {
            "datetime": "2026-01-01 0:30:00 +01:00",
            "type": "Rån",
            "name": "31 december 23.10, Rån, Umeå",
            "location": {"name": "Umeå", "gps": "0,0"},
        },
        {
            "datetime": "2025-12-29 10:00:00 +01:00",
            "type": "Rån",
            "name": "29 december 09.10, Rån, Umeå",
            "location": {"name": "Umeå", "gps": "0,0"},
        },
    ]
    frame = parse_events(events).observations
    # 2025-12-29 and 2025-12-31 fall in ISO week 1 of 2026.
    assert frame.loc[frame["measure_id"] == "polisen_ran", ["period", "count"]].values.tolist() == [
        ["2026-W01", 2.0]
    ]


def test_url_and_broken_answer():
    assert events_url(None) == "https://polisen.se/api/events"
    with pytest.raises(UserError, match="Polisen"):
        parse_events([{"type": "Rån"}])
