"""The 250 m SWEREF 99 TM grid (geo/grid.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from common.errors import UserError
from geo.boundaries import municipality_polygon
from geo.grid import (
    assign_district,
    cell_ids,
    cell_polygons,
    cells_in_municipality,
    parse_cell_id,
    snap_points,
    snap_to_grid,
)

ERSBODA_LON_LAT = (20.328, 63.860)
TO_SWEREF = Transformer.from_crs(4326, 3006, always_xy=True)


def test_a_point_on_a_cell_edge_belongs_to_exactly_one_cell_the_north_east_one():
    cells = snap_to_grid(
        [761500.0, 761500.0, 761499.999, 761500.0], [7092000.0, 7092249.999, 7092000.0, 7091999.999]
    )
    assert cells[["cell_x", "cell_y"]].values.tolist() == [
        [761500, 7092000],
        [761500, 7092000],
        [761250, 7092000],
        [761500, 7091750],
    ]
    assert cells.loc[0, "cell_id"] == "CRS3006RES250mN7092000E761500"


def test_wgs84_and_sweref_inputs_give_the_same_cell_for_the_same_place():
    lon, lat = ERSBODA_LON_LAT
    x, y = TO_SWEREF.transform(lon, lat)
    from_wgs84 = snap_to_grid([lon], [lat], crs=4326)
    from_sweref = snap_to_grid([x], [y], crs=3006)
    assert from_wgs84.equals(from_sweref)
    assert assign_district(from_wgs84["cell_x"], from_wgs84["cell_y"]).tolist() == ["d-ersboda"]


@settings(max_examples=300, deadline=None)
@given(
    x=st.one_of(
        st.floats(700_000, 800_000),
        st.integers(2800, 3200).map(lambda k: k * 250.0),
        st.integers(2800, 3200).map(lambda k: np.nextafter(k * 250.0, 0)),
    ),
    y=st.one_of(
        st.floats(7_000_000, 7_200_000), st.integers(28_000, 28_800).map(lambda k: k * 250.0)
    ),
    cell_size=st.sampled_from([100, 250, 1000]),
)
def test_every_snapped_point_lies_inside_its_half_open_cell(x, y, cell_size):
    cell = snap_to_grid([x], [y], cell_size=cell_size).iloc[0]
    assert cell["cell_x"] <= x < cell["cell_x"] + cell_size
    assert cell["cell_y"] <= y < cell["cell_y"] + cell_size
    assert cell["cell_x"] % cell_size == 0 and cell["cell_y"] % cell_size == 0
    assert parse_cell_id([cell["cell_id"]]).iloc[0].tolist() == [
        cell["cell_x"],
        cell["cell_y"],
        cell_size,
    ]


def test_snap_points_keeps_only_cells_and_districts_never_the_raw_point():
    points = pd.DataFrame(
        {
            "typ": ["skadegörelse", "stöld", "hot"],
            "lon": [20.328, 20.316, 20.326],
            "lat": [63.860, 63.802, 63.834],
        }
    )
    snapped = snap_points(points, "lon", "lat", crs=4326)
    assert snapped.columns.tolist() == ["typ", "cell_id", "cell_x", "cell_y", "district_code"]
    assert snapped["district_code"].tolist() == ["d-ersboda", "d-alidhem", "d-mariehem"]
    assert "lon" in points.columns  # the caller's frame is not changed


def test_a_point_outside_the_municipality_is_refused_naming_its_row():
    points = pd.DataFrame(
        {"x": [761600.0, 674000.0, 761700.0], "y": [7092100.0, 6580000.0, 7092200.0]}
    )
    with pytest.raises(UserError) as caught:
        snap_points(points, "x", "y", first_row=2, file="händelser.csv")
    message = str(caught.value)
    assert "1 punkt ligger utanför Umeå kommun" in message
    assert "rad 3" in message and "händelser.csv" in message
    assert [p.row for p in caught.value.problems] == [3]


def test_a_point_without_coordinates_is_refused():
    points = pd.DataFrame({"x": [761600.0, None], "y": [7092100.0, 7092100.0]})
    with pytest.raises(UserError, match="saknar giltiga koordinater"):
        snap_points(points, "x", "y")


def test_points_just_inside_and_just_outside_the_coast_are_told_apart_exactly():
    boundary = municipality_polygon().geometry.iloc[0].exterior
    # Walk a little way in and out from a coastline vertex, perpendicular to the coast.
    coords = np.asarray(boundary.coords)
    (x0, y0), (x1, y1) = coords[len(coords) // 3 : len(coords) // 3 + 2]
    nx, ny = -(y1 - y0), x1 - x0
    norm = np.hypot(nx, ny)
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    candidates = [(mid_x + s * nx / norm, mid_y + s * ny / norm) for s in (-0.5, 0.5)]
    polygon = municipality_polygon().geometry.iloc[0]
    inside = [polygon.contains(shapely.Point(c)) for c in candidates]
    assert sorted(inside) == [False, True]
    inner = candidates[inside.index(True)]
    outer = candidates[inside.index(False)]
    assert len(snap_points(pd.DataFrame({"x": [inner[0]], "y": [inner[1]]}), "x", "y")) == 1
    with pytest.raises(UserError):
        snap_points(pd.DataFrame({"x": [outer[0]], "y": [outer[1]]}), "x", "y")


def test_cells_outside_the_municipality_have_no_district():
    assert assign_district([0, 761500], [0, 7092000]).tolist() == [None, "d-ersboda"]


def test_cells_in_the_municipality_cover_it_and_all_have_a_district():
    cells = cells_in_municipality()
    assert cells["cell_id"].is_unique
    assert cells["district_code"].notna().all()
    covered_km2 = len(cells) * 0.0625
    assert 3237 < covered_km2 < 3237 * 1.05
    focus = cells["district_code"].value_counts()
    assert focus["d-ersboda"] == pytest.approx(6.15 / 0.0625, rel=0.1)


def test_cell_polygons_are_the_250_m_squares():
    squares = cell_polygons([761500], [7092000], crs=3006)
    assert squares.geometry.iloc[0].bounds == (761500.0, 7092000.0, 761750.0, 7092250.0)
    assert squares.geometry.iloc[0].area == 62_500
    wgs84 = cell_polygons([761500], [7092000])
    assert wgs84.crs.to_epsg() == 4326
    assert wgs84.geometry.iloc[0].contains(shapely.Point(20.3265, 63.8580))


def test_cell_ids_are_formatted_once_per_distinct_cell_and_round_trip():
    ids = cell_ids([761500, 761500, 761750], [7092000, 7092000, 7092000])
    assert ids.tolist() == ["CRS3006RES250mN7092000E761500"] * 2 + ["CRS3006RES250mN7092000E761750"]
    with pytest.raises(UserError, match="ogiltiga"):
        parse_cell_id(["E761500N7092000"])


def test_many_points_snap_with_districts():
    # Speed is measured by `make bench` (bench_est), not asserted here.
    rng = np.random.default_rng(7)
    n = 100_000
    points = pd.DataFrame(
        {"x": rng.uniform(752_000, 768_000, n), "y": rng.uniform(7_080_000, 7_098_000, n)}
    )
    snap_points(points.head(10), "x", "y")  # builds the cached cell lookup
    snapped = snap_points(points, "x", "y")
    assert len(snapped) == n and snapped["district_code"].notna().all()
