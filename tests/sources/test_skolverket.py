"""Skolverket school units → a table of schools (no observations)."""

from __future__ import annotations

import json

from conftest import FIXTURES

from sources.skolverket import (
    SCHOOL_UNIT_COLUMNS,
    next_page_url,
    parse_school_units,
    school_units_url,
)


def load():
    return json.loads(
        (FIXTURES / "skolverket_planned_educations_v4_school_units.json").read_text(
            encoding="utf-8"
        )
    )


def test_units_with_years_given_as_strings_or_integers():
    units = parse_school_units(load())
    assert list(units.columns) == SCHOOL_UNIT_COLUMNS
    assert units[
        [
            "school_unit_code",
            "name",
            "municipality_code",
            "school_types",
            "school_years",
            "organiser_type",
        ]
    ].values.tolist() == [
        ["44673074", "Abrahamsbergsskolan", "0180", "gr", "7,8,9", "Kommunal"],
        ["84411355", "Kunskapsskolan Tumba", "0127", "gr", "4,5,6,7,8,9", "Fristående"],
    ]
    assert units[["latitude", "longitude"]].isna().all().all()  # the list has no coordinates


def test_coordinates_are_read_when_present():
    page = {
        "body": {
            "_embedded": {
                "listedSchoolUnits": [
                    {"code": "1", "name": "X", "wgs84Latitude": "63.83", "wgs84Longitude": 20.26}
                ]
            }
        }
    }
    assert parse_school_units(page)[["latitude", "longitude"]].values.tolist() == [[63.83, 20.26]]


def test_paging_follows_the_hal_next_link():
    assert next_page_url(load()).endswith("page=1&size=2")
    assert next_page_url({"body": {"_links": {}}}) is None
    assert "geographicalAreaCode=2480" in school_units_url("2480")
