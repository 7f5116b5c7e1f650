"""Display geometry converted once per distinct shape set (issue 17): the cached GeoJSON and
label points equal a fresh conversion, and other shapes never get stale ones."""

from __future__ import annotations

import json

import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.boundaries import MAP_CRS, district_polygons, representative_points
from geo.layers import COORDINATE_DECIMALS, _feature_collection, label_layer


def _fresh(gdf) -> list[dict]:
    gdf = gdf.to_crs(MAP_CRS)
    rounded = shapely.set_precision(gdf.geometry.to_numpy(), 10.0**-COORDINATE_DECIMALS)
    return [json.loads(shapely.to_geojson(g)) for g in rounded]


def test_cached_geojson_equals_a_fresh_conversion_on_every_call():
    d = district_polygons(crs=4326)
    for _ in range(2):  # second call comes from the cache
        fc = _feature_collection(d, ["code", "name"])
        assert [f["geometry"] for f in fc["features"]] == _fresh(d)
        assert [f["properties"]["code"] for f in fc["features"]] == d["code"].tolist()


@settings(max_examples=15, deadline=None)
@given(dx=st.floats(min_value=1.0, max_value=5_000.0), pick=st.integers(min_value=1, max_value=8))
def test_moved_or_other_shapes_never_get_the_cached_ones(dx, pick):
    metric = district_polygons().head(pick)  # EPSG:3006 metres
    moved = metric.copy()
    moved["geometry"] = metric.geometry.translate(xoff=dx)
    _feature_collection(metric, ["code"])  # fill the cache with the original shapes
    fc = _feature_collection(moved, ["code"])
    assert [f["geometry"] for f in fc["features"]] == _fresh(moved)
    layer = label_layer(moved)
    want = representative_points(moved, crs=MAP_CRS)
    got = [row["position"] for row in layer.data]
    assert got == [
        [round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS)]
        for x, y in zip(want["x"], want["y"], strict=True)
    ]
