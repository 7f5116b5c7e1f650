"""Issue 14 'honest maps' on screen (AppTest, demo database): the "osäkert" districts are
hatched with lines (not colour alone) and the Karta page builds its map once per published
version, role and choices (the cache key every map page passes)."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import shapely

import ui.maps
from geo.layers import town_bounds


def _deck(at) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def _layer(spec: dict, layer_id: str) -> dict | None:
    return next((layer for layer in spec["layers"] if layer.get("id") == layer_id), None)


def test_karta_hatches_exactly_the_uncertain_districts(demo_store, run_app):
    at = run_app(demo_store, page="pages/karta.py", query={"ind": "skadegorelse"})
    spec = _deck(at)
    districts = _layer(spec, "districts")["data"]["features"]
    unsure = {
        f["properties"]["code"]: shapely.geometry.shape(f["geometry"])
        for f in districts
        if f["properties"]["ci_text"].endswith("(osäkert)")
    }
    sure = [
        shapely.geometry.shape(f["geometry"])
        for f in districts
        if f["properties"]["code"] not in unsure
    ]
    assert unsure, "the demo data has uncertain districts (small numbers)"
    hatch = _layer(spec, "uncertain")
    assert hatch is not None and hatch["@@type"] == "PathLayer"
    lines = [shapely.LineString(row["path"]) for row in hatch["data"]]
    hit = set()
    for line in lines:
        middle = line.interpolate(0.5, normalized=True)
        owner = [code for code, shape in unsure.items() if shape.buffer(1e-6).contains(middle)]
        assert owner, "a hatch line outside the uncertain districts"
        assert not any(shape.buffer(-1e-6).contains(middle) for shape in sure)
        hit.update(owner)
    # every uncertain district the town view can show is hatched (lines are kept to the town)
    town = gpd.GeoSeries([shapely.box(*town_bounds())], crs=3006).to_crs(4326).iloc[0]
    assert hit == {code for code, shape in unsure.items() if shape.intersects(town)}
    legend = [m.value for m in at.get("html") if "uvts-legend" in m.value]
    assert legend and "uvts-hatch" in legend[0] and "repeating-linear-gradient" in legend[0]


def test_karta_builds_its_map_once_per_choices(demo_store, run_app, monkeypatch):
    built = []
    original = ui.maps._choropleth_parts

    def counting(*args, **kwargs):
        if kwargs["height"] == 640:  # Karta's map (the start page, Översikt, draws one too)
            built.append(kwargs["view"])
        return original(*args, **kwargs)

    monkeypatch.setattr(ui.maps, "_choropleth_parts", counting)
    at = run_app(demo_store, page="pages/karta.py", query={"ind": "narkotikabrott"})
    at.run()
    at.run()
    assert len(built) == 1  # reruns with the same choices reuse the built map
    at.sidebar.toggle(key="karta_whole").set_value(True).run()
    assert built == ["urban", "municipality"] and not at.exception


def _label_boxes(spec: dict) -> list[tuple[str, float, float, float, float]]:
    """Screen boxes of the map's labels (Web Mercator at the deck's zoom, monospace 14 px)."""
    zoom = spec["initialViewState"]["zoom"]
    out = []
    for row in _layer(spec, "labels")["data"]:
        lon, lat = row["position"]
        size = 512 * 2**zoom
        x = size * (lon + 180) / 360
        y = size * (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2
        half = 0.6 * 14 * len(row["text"]) / 2
        out.append((row["text"], x - half, y - 7, x + half, y + 7))
    return out


def test_map_labels_never_heap_in_either_view(demo_store, run_app):
    """#14 'Hela kommunen piles labels into a heap': in the town and the whole-municipality
    view no two labels overlap; the focus districts are always named in the town view."""
    at = run_app(demo_store, page="pages/karta.py", query={"ind": "skadegorelse"})
    for whole in (False, True):
        if whole:
            at.sidebar.toggle(key="karta_whole").set_value(True).run()
        boxes = _label_boxes(_deck(at))
        assert len(boxes) >= 4, boxes
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap = a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
                assert not overlap, (whole, a[0], b[0])
        if not whole:
            names = " ".join(b[0] for b in boxes)
            assert all(f in names for f in ("Ersboda", "Mariehem", "Ålidhem", "Tomtebo"))
