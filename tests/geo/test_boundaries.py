"""Stadsdel, district and municipality polygons (geo/boundaries.py)."""

from __future__ import annotations

import pytest

from common.errors import UserError
from geo.areas import read_areas
from geo.boundaries import (
    district_polygons,
    municipality_polygon,
    representative_points,
    stadsdel_polygons,
)


def test_municipality_dissolved_from_the_stadsdelar_covers_about_3237_km2():
    municipality = municipality_polygon()
    assert municipality.crs.to_epsg() == 3006
    assert municipality.loc[0, "code"] == "2480"
    assert municipality.area.iloc[0] / 1e6 == pytest.approx(3237, abs=1)
    assert municipality.geometry.iloc[0].is_valid


def test_districts_nest_exactly_in_the_municipality():
    districts = district_polygons()
    assert list(districts["code"]) == list(read_areas(level="district")["code"])
    assert districts.geometry.is_valid.all()
    total = municipality_polygon().area.iloc[0]
    assert districts.area.sum() == pytest.approx(total, rel=1e-6)


def test_focus_district_areas_match_their_official_stadsdelar():
    areas_km2 = district_polygons().set_index("code").area / 1e6
    assert areas_km2["d-ersboda"] == pytest.approx(6.15, abs=0.01)
    assert areas_km2["d-mariehem"] == pytest.approx(2.91, abs=0.01)
    assert areas_km2["d-alidhem"] == pytest.approx(4.55, abs=0.01)
    assert areas_km2["d-tomtebo"] == pytest.approx(3.65, abs=0.01)


def test_stadsdelar_carry_codes_names_and_their_district():
    stadsdelar = stadsdel_polygons()
    assert len(stadsdelar) == 121
    row = stadsdelar.set_index("official_name").loc["Ålidhemsområdet"]
    assert (row["code"], row["district_code"]) == ("sd-alidhemsomradet", "d-alidhem")


def test_wgs84_output_is_in_umea_and_keeps_the_same_areas():
    districts = district_polygons(crs=4326)
    assert districts.crs.to_epsg() == 4326
    min_lon, min_lat, max_lon, max_lat = districts.total_bounds
    assert 19.5 < min_lon < max_lon < 21.2 and 63.3 < min_lat < max_lat < 64.4
    back = districts.to_crs(3006).area.sum() / 1e6
    assert back == pytest.approx(3237, abs=1)


def test_representative_points_are_inside_their_district():
    points = representative_points(district_polygons(), crs=4326).set_index("code")
    assert points.loc["d-ersboda", "y"] == pytest.approx(63.860, abs=0.01)
    assert points.loc["d-ersboda", "x"] == pytest.approx(20.328, abs=0.01)


def test_callers_get_copies_that_do_not_change_the_cache():
    first = district_polygons()
    first.loc[0, "name"] = "Ändrad"
    first["geometry"] = first.geometry.buffer(1000)
    again = district_polygons()
    assert again.loc[0, "name"] != "Ändrad"
    assert again.area.sum() / 1e6 == pytest.approx(3237, abs=1)


def test_an_unsupported_crs_is_a_user_error():
    with pytest.raises(UserError, match="EPSG:3857"):
        district_polygons(crs=3857)
