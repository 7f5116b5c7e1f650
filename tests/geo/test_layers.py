"""pydeck layers and decks (geo/layers.py)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.geometry

from common.errors import UserError
from geo.boundaries import district_polygons
from geo.grid import cell_polygons
from geo.layers import (
    MISSING_COLOR,
    area_tooltip,
    boundary_layer,
    choropleth_colors,
    choropleth_layer,
    class_colors,
    deck,
    grid_layer,
    label_layer,
    legend_entries,
    municipality_view_state,
    palette_colors,
    urban_view_state,
)

TILE_HINTS = ("http", "mapbox", "carto", "tile", "mapStyle", "mapProvider")


def district_map_json() -> dict:
    districts = district_polygons(crs=4326)
    values = np.linspace(1.0, 20.0, len(districts))
    values[districts["code"] == "d-nydala"] = math.nan  # suppressed
    colours, _ = choropleth_colors(values, k=5)
    layers = [
        choropleth_layer(districts.assign(rate=values), "rate", colours),
        boundary_layer(districts),
        label_layer(districts),
    ]
    d = deck(layers, view_state=urban_view_state(), tooltip=area_tooltip({"Andel": "rate"}))
    return json.loads(d.to_json())


def test_the_deck_json_holds_the_district_polygons_and_no_tile_source():
    spec = district_map_json()
    text = json.dumps(spec)
    assert not any(hint in text for hint in TILE_HINTS)
    background, choropleth, *_ = spec["layers"]
    assert background["id"] == "background" and background["filled"] is True
    features = choropleth["data"]["features"]
    assert len(features) == 21
    alidhem = next(f for f in features if f["properties"]["code"] == "d-alidhem")
    assert alidhem["properties"]["name"] == "Ålidhem"
    shape = shapely.geometry.shape(alidhem["geometry"])
    assert shape.contains(shapely.Point(20.316, 63.802))  # Ålidhem's representative point
    nydala = next(f for f in features if f["properties"]["code"] == "d-nydala")
    assert nydala["properties"]["rate"] is None
    assert nydala["properties"]["fill_color"] == MISSING_COLOR


def test_labels_name_the_districts_and_can_draw_swedish_letters():
    labels = district_map_json()["layers"][3]
    assert labels["@@type"] == "TextLayer" and labels["characterSet"] == "auto"
    assert {"Ålidhem", "Mariehem", "Ersboda", "Tomtebo"} <= {row["text"] for row in labels["data"]}


def test_grid_layer_draws_each_cell_as_its_exact_square():
    cells = pd.DataFrame({"cell_x": [761500, 761750], "cell_y": [7092000, 7092000], "n": [5, 9]})
    spec = json.loads(
        deck(
            [grid_layer(cells, value_col="n")], view_state=urban_view_state(), background=False
        ).to_json()
    )
    layer = spec["layers"][0]
    assert layer["@@type"] == "PolygonLayer" and [r["n"] for r in layer["data"]] == [5, 9]
    expected = cell_polygons([761500], [7092000]).geometry.iloc[0]
    corners = np.asarray(layer["data"][0]["polygon"])
    assert np.allclose(corners, np.asarray(expected.exterior.coords), atol=1e-6)


def test_missing_classes_are_grey_and_palettes_are_light_to_dark():
    assert class_colors([0, -1, 4], k=5)[1] == MISSING_COLOR
    blues = palette_colors("Blues", 5)
    assert sum(blues[0]) > sum(blues[-1])
    assert len(palette_colors("YlOrRd", 7)) == 7
    with pytest.raises(UserError):
        palette_colors("Rainbow", 5)


def test_legend_has_one_row_per_class_and_a_grey_row_for_hidden_values():
    _, breaks = choropleth_colors([1.0, 2.0, 3.0, math.nan], k=3, palette="Blues")
    rows = legend_entries(breaks, palette="Blues")
    assert len(rows) == breaks.k + 1
    assert rows[-1]["color"] == MISSING_COLOR


def test_view_states_frame_the_town_and_the_municipality():
    town, whole = urban_view_state(), municipality_view_state()
    assert 63.79 < town.latitude < 63.87 and 20.29 < town.longitude < 20.39
    assert town.zoom > whole.zoom + 2


def test_choropleth_needs_one_colour_per_area():
    with pytest.raises(UserError, match="En färg per område"):
        choropleth_layer(district_polygons().assign(v=1.0), "v", [[0, 0, 0]])


def test_geo_never_imports_streamlit():
    code = (
        "import sys, geo.areas, geo.boundaries, geo.grid, geo.classify, geo.layers; "
        "sys.exit(1 if 'streamlit' in sys.modules else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
