"""pydeck layers and decks for district and grid maps that stay readable without base-map tiles.

Nothing here needs the internet: :func:`deck` sets no map style and no tile provider and puts a
light, filled municipality polygon under the data, so the map reads the same offline (a page
may still pass ``map_style`` to get tiles when they are available).  Colours are ColorBrewer's
colour-blind-safe sequential schemes (and viridis); missing or suppressed values are grey.
Tooltips use flat field names (``{name}``), which both pydeck and Streamlit look up in a GeoJSON
feature's ``properties``.  Nothing here imports streamlit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
import shapely

from common.errors import UserError
from geo.boundaries import (
    MAP_CRS,
    METRIC_CRS,
    district_polygons,
    municipality_polygon,
    representative_points,
)
from geo.classify import ClassBreaks, class_breaks, legend_labels
from geo.grid import CELL_SIZE, cell_polygons

RGB = list[int]

#: ColorBrewer 5-class sequential schemes (colour-blind safe) and viridis, light → dark.
PALETTES: dict[str, list[RGB]] = {
    "YlOrRd": [[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]],
    "Blues": [[239, 243, 255], [189, 215, 231], [107, 174, 214], [49, 130, 189], [8, 81, 156]],
    "Greens": [[237, 248, 233], [186, 228, 179], [116, 196, 118], [49, 163, 84], [0, 109, 44]],
    "viridis": [[253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84]],
    "Greys": [[247, 247, 247], [204, 204, 204], [150, 150, 150], [99, 99, 99], [37, 37, 37]],
}
#: Risk indicators (higher is worse) and protective ones get different hues.
RISK_PALETTE = "YlOrRd"
PROTECTIVE_PALETTE = "Blues"
#: Context indicators (e.g. birth region, income) are neither: a neutral grey scale, never
#: the risk hue.
CONTEXT_PALETTE = "Greys"
_ROLE_PALETTES = {
    "risk": RISK_PALETTE,
    "protective": PROTECTIVE_PALETTE,
    "context": CONTEXT_PALETTE,
}
#: Missing or suppressed values (no hatching in deck.gl, so plain light grey).
MISSING_COLOR: RGB = [204, 204, 204]
#: Fill of the municipality under the data, so the map is readable without tiles.
BACKGROUND_COLOR: RGB = [241, 239, 233]
BOUNDARY_COLOR: RGB = [90, 90, 90]
LABEL_COLOR: RGB = [33, 33, 33]
#: Coordinates sent to the browser are rounded to this many decimals (≈ 0.1 m).
COORDINATE_DECIMALS = 6
#: Label of missing/suppressed values in legends.
MISSING_LABEL = "Uppgift saknas eller dold"


#: Verdict against the municipality (Fingertips-style map): colour-blind-safe pairs; the verdict
#: symbol is drawn in the label too, so colour never carries the meaning alone.
VERDICT_MAP_COLORS: dict[str, RGB] = {
    "higher_worse": [213, 94, 0],
    "lower_worse": [213, 94, 0],
    "higher_better": [0, 114, 178],
    "lower_better": [0, 114, 178],
    "similar": [255, 226, 140],
    "higher": [117, 107, 177],
    "lower": [188, 189, 220],
}
#: Legend order of the verdict classes (worse, similar, better, no direction).
VERDICT_MAP_ORDER = ("worse", "similar", "better", "higher", "lower")


def verdict_colors(verdicts: Sequence) -> list[RGB]:
    """Fill colour per verdict code; no verdict (suppressed, not compared) → grey.

    Examples
    --------
    >>> verdict_colors(["higher_worse", "similar", None])
    [[213, 94, 0], [255, 226, 140], [204, 204, 204]]
    """
    return [
        list(VERDICT_MAP_COLORS.get(v, MISSING_COLOR))
        if isinstance(v, str)
        else list(MISSING_COLOR)
        for v in verdicts
    ]


#: Fewer events than this behind a "no significant difference" make the area "osäkert": the
#: comparison had little chance to find a difference (docs/maps.md).
UNCERTAIN_MIN_EVENTS = 10


def uncertain(
    lower,
    upper,
    value,
    *,
    max_relative_width: float = 1.0,
    numerator=None,
    verdict=None,
    min_events: int = UNCERTAIN_MIN_EVENTS,
) -> np.ndarray:
    """True where an area's figure is too uncertain to read from its colour ("osäkert").

    The rule (docs/maps.md): the 95 % interval is wider than ``max_relative_width`` × the
    value, **or** the verdict is "similar" (no significant difference) and it rests on fewer
    than ``min_events`` events (``numerator``; pass it only for counted events, i.e.
    proportions and rates).  A hidden numerator (NaN) never marks an area, so the mark says
    nothing about a protected figure.

    Examples
    --------
    >>> uncertain([10, 5], [14, 40], [12, 20]).tolist()
    [False, True]
    >>> uncertain([10, 10, 10], [14, 14, 14], [12, 12, 12], numerator=[4, 40, float("nan")],
    ...           verdict=["similar", "similar", "similar"]).tolist()
    [True, False, False]
    """
    lo, hi, v = (np.asarray(x, dtype=float) for x in (lower, upper, value))
    with np.errstate(invalid="ignore", divide="ignore"):
        width = (hi - lo) / np.abs(v)
    wide = np.isfinite(width) & (width > max_relative_width)
    if numerator is not None and verdict is not None:
        n = np.asarray(numerator, dtype=float)
        no_difference = np.asarray([x == "similar" for x in verdict], dtype=bool)
        wide |= no_difference & np.isfinite(n) & (n < min_events)
    return wide


def palette_for_role(role: str) -> str:
    """The map palette of an indicator role; an unknown role is an error, never the risk hue.

    Examples
    --------
    >>> palette_for_role("risk"), palette_for_role("context")
    ('YlOrRd', 'Greys')
    """
    try:
        return _ROLE_PALETTES[role]
    except KeyError:
        raise ValueError(f"unknown indicator role {role!r}") from None


def palette_colors(palette: str = RISK_PALETTE, k: int = 5) -> list[RGB]:
    """``k`` colours from a named palette, light to dark (interpolated when ``k`` > 5).

    Examples
    --------
    >>> palette_colors("Blues", 3)
    [[239, 243, 255], [107, 174, 214], [8, 81, 156]]
    """
    if palette not in PALETTES:
        raise UserError(f"Okänd färgskala '{palette}' (tillåtna: {', '.join(PALETTES)})")
    base = np.asarray(PALETTES[palette], dtype=float)
    if k < 1:
        return []
    positions = np.linspace(0, len(base) - 1, k)
    lower = np.floor(positions).astype(int)
    upper = np.minimum(lower + 1, len(base) - 1)
    weight = (positions - lower)[:, None]
    mixed = base[lower] * (1 - weight) + base[upper] * weight
    return np.rint(mixed).astype(int).tolist()


def class_colors(
    classes: Sequence[int] | np.ndarray,
    *,
    k: int,
    palette: str = RISK_PALETTE,
    missing: RGB = MISSING_COLOR,
) -> list[RGB]:
    """Colour of each class index; −1 (missing or suppressed) → grey.

    Examples
    --------
    >>> class_colors([0, 2, -1], k=3, palette="Blues")
    [[239, 243, 255], [8, 81, 156], [204, 204, 204]]
    """
    colours = np.asarray([*palette_colors(palette, k), missing], dtype=int)  # index -1 → missing
    idx = np.asarray(classes, dtype=int)
    if idx.size and (idx.max() >= k or idx.min() < -1):
        raise UserError(f"Klassindex utanför 0…{k - 1}")
    return colours[idx].tolist()


def choropleth_colors(
    values,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = RISK_PALETTE,
    decimals: int | None = None,
) -> tuple[list[RGB], ClassBreaks]:
    """Classify values and colour them: ``(colours, breaks)``; NaN (suppressed) → grey.

    Examples
    --------
    >>> colours, breaks = choropleth_colors([1.0, 2.0, float("nan")], k=2, palette="Blues")
    >>> colours
    [[239, 243, 255], [8, 81, 156], [204, 204, 204]]
    """
    breaks = class_breaks(values, scheme=scheme, k=k, decimals=decimals)
    return class_colors(breaks.classes, k=max(breaks.k, 1), palette=palette), breaks


def legend_entries(
    breaks: ClassBreaks, *, palette: str = RISK_PALETTE, decimals: int = 1
) -> list[dict]:
    """Legend rows ``{"label", "color"}``: one per class, then the grey missing/suppressed row.

    Examples
    --------
    >>> rows = legend_entries(class_breaks([1, 2, 3, 4], scheme="equal_interval", k=2))
    >>> [r["label"] for r in rows]
    ['1,0–2,5', '2,5–4,0', 'Uppgift saknas eller dold']
    """
    labels = legend_labels(breaks, decimals=decimals)
    colours = palette_colors(palette, breaks.k)
    rows = [
        {"label": label, "color": colour} for label, colour in zip(labels, colours, strict=True)
    ]
    return [*rows, {"label": MISSING_LABEL, "color": list(MISSING_COLOR)}]


def _to_map_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise UserError("Geometrierna saknar koordinatsystem")
    return gdf if gdf.crs.to_epsg() == MAP_CRS else gdf.to_crs(MAP_CRS)


def _json_value(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _feature_collection(
    gdf: gpd.GeoDataFrame, columns: Sequence[str], extra: Mapping[str, Sequence] | None = None
) -> dict:
    """GeoJSON FeatureCollection with only ``columns`` (and ``extra``) as properties."""
    gdf = _to_map_crs(gdf)
    geometry = _geojson_geometries(_wkb(gdf))
    features = []
    records = gdf[list(columns)].to_dict(orient="records")
    for i, (geom, record) in enumerate(zip(geometry, records, strict=True)):
        properties = {key: _json_value(value) for key, value in record.items()}
        for key, values in (extra or {}).items():
            properties[key] = values[i]
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": geom,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _wkb(gdf: gpd.GeoDataFrame) -> tuple[bytes, ...]:
    return tuple(shapely.to_wkb(gdf.geometry.to_numpy()))


# Display geometry is static (geo.boundaries simplifies it once); what a rerun changes is the
# properties. So each distinct set of shapes is rounded and turned into GeoJSON once per
# process (issue 17), keyed on its exact bytes; the dicts are shared and read-only.
@lru_cache(maxsize=64)
def _geojson_geometries(wkb: tuple[bytes, ...]) -> tuple[dict, ...]:
    geometry = shapely.set_precision(shapely.from_wkb(list(wkb)), 10.0**-COORDINATE_DECIMALS)
    return tuple(json.loads(shapely.to_geojson(g)) for g in geometry)


@lru_cache(maxsize=64)
def _label_positions(wkb: tuple[bytes, ...], crs: str | None) -> tuple[tuple[float, float], ...]:
    shapes = gpd.GeoDataFrame(
        {"code": [""] * len(wkb), "name": [""] * len(wkb)},
        geometry=gpd.GeoSeries.from_wkb(list(wkb)),
        crs=crs,
    )
    points = representative_points(shapes, crs=MAP_CRS)
    return tuple(
        (round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS))
        for x, y in zip(points["x"].tolist(), points["y"].tolist(), strict=True)
    )


def choropleth_layer(
    gdf: gpd.GeoDataFrame,
    value_col: str,
    colors: Sequence[Sequence[int]],
    *,
    tooltip_cols: Sequence[str] = (),
    layer_id: str = "choropleth",
    opacity: float = 0.85,
    line_color: RGB = BOUNDARY_COLOR,
) -> pdk.Layer:
    """A pickable GeoJsonLayer filling each area with its colour.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Areas with ``code``, ``name`` and ``value_col`` (any CRS; sent as EPSG:4326).
    value_col : str
        The value shown (kept as a property for tooltips).
    colors : sequence of RGB(A)
        One colour per row, e.g. from :func:`choropleth_colors`.
    tooltip_cols : sequence of str
        Further columns to keep as properties for the tooltip.

    Examples
    --------
    >>> d = district_polygons(crs=4326).assign(rate=1.0)
    >>> layer = choropleth_layer(d, "rate", [[1, 2, 3]] * len(d))
    >>> layer.type, len(layer.data["features"])
    ('GeoJsonLayer', 21)
    """
    if len(colors) != len(gdf):
        raise UserError(f"En färg per område krävs ({len(colors)} färger, {len(gdf)} områden)")
    columns = list(dict.fromkeys(["code", "name", value_col, *tooltip_cols]))
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise UserError(f"Kolumner saknas: {', '.join(missing)}")
    data = _feature_collection(gdf, columns, {"fill_color": [list(map(int, c)) for c in colors]})
    return pdk.Layer(
        "GeoJsonLayer",
        data=data,
        id=layer_id,
        pickable=True,
        auto_highlight=True,
        stroked=True,
        filled=True,
        opacity=opacity,
        get_fill_color="properties.fill_color",
        get_line_color=list(line_color),
        line_width_min_pixels=1,
    )


def boundary_layer(
    gdf: gpd.GeoDataFrame,
    *,
    layer_id: str = "boundaries",
    line_color: RGB = BOUNDARY_COLOR,
    line_width_px: float = 1.5,
) -> pdk.Layer:
    """Outlines only (no fill, not pickable), e.g. district borders over a grid.

    Examples
    --------
    >>> boundary_layer(district_polygons()).type
    'GeoJsonLayer'
    """
    data = _feature_collection(gdf, [c for c in ("code", "name") if c in gdf.columns])
    return pdk.Layer(
        "GeoJsonLayer",
        data=data,
        id=layer_id,
        pickable=False,
        stroked=True,
        filled=False,
        get_line_color=list(line_color),
        line_width_min_pixels=line_width_px,
    )


#: Spacing (m) of the "osäkert" hatch lines per map view: about 7–10 px at the view's zoom.
HATCH_SPACING_M = {"urban": 110.0, "municipality": 1400.0}
HATCH_COLOR: RGB = [40, 40, 40, 200]


@lru_cache(maxsize=64)
def _hatch_paths(
    wkb: tuple[bytes, ...],
    crs: str | None,
    spacing: float,
    clip: tuple[float, float, float, float] | None = None,
) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Diagonal (45°) lines ``spacing`` metres apart, clipped to each shape (and to ``clip``,
    a metric bounding box), in EPSG:4326.

    Computed once per set of shapes, spacing and clip (the display geometry is static)."""
    shapes = gpd.GeoSeries.from_wkb(list(wkb), crs=crs).to_crs(METRIC_CRS)
    if clip is not None:
        shapes = shapes.intersection(shapely.box(*clip))
    lines = []
    for shape in shapes:
        if shape is None or shape.is_empty:
            continue
        minx, miny, maxx, maxy = shape.bounds
        # y = x + c, with c on multiples of the spacing so neighbours' lines meet
        step = spacing * math.sqrt(2)
        first = math.floor((miny - maxx) / step) * step
        offsets = np.arange(first, maxy - minx + step, step)
        grid = shapely.multilinestrings(
            [[(minx - 1, minx - 1 + c), (maxx + 1, maxx + 1 + c)] for c in offsets]
        )
        lines.extend(
            part
            for part in shapely.get_parts(shapely.intersection(grid, shape))
            if part.geom_type == "LineString" and not part.is_empty
        )
    if not lines:
        return ()
    projected = gpd.GeoSeries(lines, crs=METRIC_CRS).to_crs(MAP_CRS)
    return tuple(
        tuple(
            (round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS))
            for x, y in shapely.get_coordinates(line)
        )
        for line in projected
    )


def hatch_layer(
    gdf: gpd.GeoDataFrame,
    *,
    spacing_m: float = HATCH_SPACING_M["urban"],
    layer_id: str = "hatch",
    color: RGB = HATCH_COLOR,
    clip_m: tuple[float, float, float, float] | None = None,
) -> pdk.Layer:
    """Diagonal hatch lines over the areas of ``gdf`` (deck.gl has no fill patterns): the
    maps' "osäkert" mark, so uncertainty is seen without colour (docs/maps.md).

    The lines are cut once per set of shapes and spacing (cached), not on every rerun;
    ``clip_m`` (EPSG:3006 bounds) keeps them to what a view can show, e.g. the town.

    Examples
    --------
    >>> d = district_polygons(crs=4326)
    >>> layer = hatch_layer(d.head(2), spacing_m=200)
    >>> layer.type, len(layer.data) > 10, len(layer.data[0]["path"]) >= 2
    ('PathLayer', True, True)
    """
    crs = gdf.crs.to_wkt() if gdf.crs is not None else None
    clip = None if clip_m is None else tuple(float(v) for v in clip_m)
    paths = _hatch_paths(_wkb(gdf), crs, float(spacing_m), clip)
    return pdk.Layer(
        "PathLayer",
        data=[{"path": [list(p) for p in path]} for path in paths],
        id=layer_id,
        pickable=False,
        get_path="path",
        get_color=list(color),
        width_units="'pixels'",
        get_width=1.2,
        width_min_pixels=1,
    )


def background_layer(*, color: RGB = BACKGROUND_COLOR, layer_id: str = "background") -> pdk.Layer:
    """The municipality filled with a light colour, drawn under everything else.

    Examples
    --------
    >>> background_layer().id
    'background'
    """
    data = _feature_collection(municipality_polygon(), ["code", "name"])
    return pdk.Layer(
        "GeoJsonLayer",
        data=data,
        id=layer_id,
        pickable=False,
        stroked=True,
        filled=True,
        get_fill_color=list(color),
        get_line_color=[150, 150, 150],
        line_width_min_pixels=1,
    )


#: deck.gl's default label font is monospace (Monaco): a character is about 0.6 em wide.
LABEL_CHAR_EM = 0.6


def _mercator_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web-Mercator pixel position at ``zoom`` (deck.gl's 512-px world)."""
    size = 512 * 2**zoom
    y = math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat)))
    return size * (lon + 180) / 360, size * (1 - y / math.pi) / 2


def uncluttered(
    positions: Sequence[Sequence[float]],
    texts: Sequence[str],
    *,
    zoom: float,
    size_px: int = 14,
    gap_px: float = 3.0,
) -> list[bool]:
    """Which labels to keep so that none overlaps another at ``zoom``: greedily, in the order
    given (put the most important first); a label that would touch a kept one is dropped.

    Positions are (lon, lat); text boxes are estimated from the monospace label font.

    Examples
    --------
    >>> uncluttered([(20.0, 63.8), (20.001, 63.8), (20.5, 63.8)], ["Aaaa", "Bbbb", "C"], zoom=8)
    [True, False, True]
    """
    kept: list[tuple[float, float, float, float]] = []
    keep = []
    for (lon, lat), text in zip(positions, texts, strict=True):
        x, y = _mercator_px(lon, lat, zoom)
        half_w = LABEL_CHAR_EM * size_px * len(text) / 2 + gap_px
        half_h = size_px / 2 + gap_px
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        clear = all(
            box[2] <= k[0] or k[2] <= box[0] or box[3] <= k[1] or k[3] <= box[1] for k in kept
        )
        if clear:
            kept.append(box)
        keep.append(clear)
    return keep


def label_positions(gdf: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    """(lon, lat) of each area's label, as :func:`label_layer` places it (cached per shapes).

    Examples
    --------
    >>> len(label_positions(district_polygons()))
    21
    """
    crs = gdf.crs.to_wkt() if gdf.crs is not None else None
    return list(_label_positions(_wkb(gdf), crs))


def town_bounds(*, max_km2: float = 30.0, margin_m: float = 4000.0) -> tuple[float, ...]:
    """EPSG:3006 bounds of the town (districts under ``max_km2``) plus ``margin_m``: what the
    town view of a map can show.

    Examples
    --------
    >>> x0, y0, x1, y1 = town_bounds()
    >>> bool(10_000 < x1 - x0 < 40_000)
    True
    """
    districts = district_polygons(crs=METRIC_CRS)
    town = districts[districts.area / 1e6 < max_km2]
    x0, y0, x1, y1 = town.total_bounds
    return (x0 - margin_m, y0 - margin_m, x1 + margin_m, y1 + margin_m)


def label_layer(
    gdf: gpd.GeoDataFrame,
    *,
    text_col: str = "name",
    layer_id: str = "labels",
    size_px: int = 14,
    color: RGB = LABEL_COLOR,
) -> pdk.Layer:
    """Area names at representative points (always inside the area).

    Examples
    --------
    >>> layer = label_layer(district_polygons())
    >>> sorted(row["text"] for row in layer.data)[:2]
    ['Backen-Umedalen', 'Berghem']
    """
    # Label points of the same shapes are computed once per process (_label_positions).
    positions = _label_positions(_wkb(gdf), gdf.crs.to_wkt() if gdf.crs is not None else None)
    texts = gdf[text_col].astype(str).tolist()
    data = [{"position": [x, y], "text": t} for (x, y), t in zip(positions, texts, strict=True)]
    return pdk.Layer(
        "TextLayer",
        data=data,
        id=layer_id,
        pickable=False,
        get_position="position",
        get_text="text",
        get_color=list(color),
        get_size=size_px,
        size_units="'pixels'",
        get_text_anchor="'middle'",
        get_alignment_baseline="'center'",
        font_weight=600,
        # deck.gl's font atlas is ASCII by default; "auto" adds å, ä, ö, … found in the data
        character_set="'auto'",
        font_settings={"sdf": True},
        outline_width=2,
        outline_color=[255, 255, 255, 220],
    )


def grid_layer(
    cells: pd.DataFrame,
    *,
    value_col: str | None = None,
    colors: Sequence[Sequence[int]] | None = None,
    tooltip_cols: Sequence[str] = (),
    cell_size: int = CELL_SIZE,
    layer_id: str = "grid",
    opacity: float = 0.8,
) -> pdk.Layer:
    """Grid cells as exact squares (PolygonLayer), from ``cell_x, cell_y`` in EPSG:3006.

    Parameters
    ----------
    cells : pandas.DataFrame
        ``cell_x``, ``cell_y`` (south-west corners) and any value columns.
    value_col, tooltip_cols : str
        Columns kept for tooltips.
    colors : sequence of RGB(A), optional
        One per cell; default a single mid-orange.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_x": [761500], "cell_y": [7092000], "n": [7]})
    >>> layer = grid_layer(cells, value_col="n")
    >>> len(layer.data[0]["polygon"]), layer.data[0]["n"]
    (5, 7)
    """
    polygons = cell_polygons(cells["cell_x"], cells["cell_y"], crs=MAP_CRS, cell_size=cell_size)
    rings = (
        np.round(
            shapely.get_coordinates(polygons.geometry.exterior.to_numpy()), COORDINATE_DECIMALS
        )
        .reshape(len(polygons), 5, 2)
        .tolist()
    )
    if colors is None:
        colors = [PALETTES[RISK_PALETTE][2]] * len(cells)
    if len(colors) != len(cells):
        raise UserError(f"En färg per ruta krävs ({len(colors)} färger, {len(cells)} rutor)")
    columns = list(
        dict.fromkeys(
            [
                c
                for c in ("cell_id", value_col, *tooltip_cols)
                if c is not None and c in cells.columns
            ]
        )
    )
    records = cells[columns].to_dict(orient="records") if columns else [{}] * len(cells)
    if "cell_id" not in columns:
        for record, cell_id in zip(records, polygons["cell_id"].tolist(), strict=True):
            record["cell_id"] = cell_id
    data = [
        {
            **{k: _json_value(v) for k, v in record.items()},
            "polygon": ring,
            "fill_color": list(map(int, colour)),
        }
        for record, ring, colour in zip(records, rings, colors, strict=True)
    ]
    return pdk.Layer(
        "PolygonLayer",
        data=data,
        id=layer_id,
        pickable=True,
        auto_highlight=True,
        stroked=True,
        filled=True,
        opacity=opacity,
        get_polygon="polygon",
        get_fill_color="fill_color",
        get_line_color=[255, 255, 255],
        line_width_min_pixels=0.5,
    )


def view_state_for_bounds(
    bounds: Sequence[float], *, width: int = 800, height: int = 600, padding: float = 0.08
) -> pdk.ViewState:
    """A ViewState fitting ``(min_lon, min_lat, max_lon, max_lat)`` into a width×height map.

    Examples
    --------
    >>> v = view_state_for_bounds((20.0, 63.5, 21.0, 64.5))
    >>> round(v.latitude, 1), round(v.longitude, 1), 7 < v.zoom < 9
    (64.0, 20.5, True)
    """
    min_lon, min_lat, max_lon, max_lat = bounds

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    y1, y2 = mercator_y(min_lat), mercator_y(max_lat)
    usable_w, usable_h = width * (1 - 2 * padding), height * (1 - 2 * padding)
    lon_span = max(max_lon - min_lon, 1e-6)
    zoom_x = math.log2(usable_w * 360 / (lon_span * 512))
    zoom_y = math.log2(usable_h * 2 * math.pi / (max(y2 - y1, 1e-9) * 512))
    centre_lat = math.degrees(2 * math.atan(math.exp((y1 + y2) / 2)) - math.pi / 2)
    return pdk.ViewState(
        latitude=centre_lat,
        longitude=(min_lon + max_lon) / 2,
        zoom=round(min(zoom_x, zoom_y), 2),
        pitch=0,
        bearing=0,
    )


def urban_view_state(*, width: int = 800, height: int = 600) -> pdk.ViewState:
    """View of Umeå town fitted to the four focus districts (Ersboda, Mariehem, Ålidhem, Tomtebo).

    Examples
    --------
    >>> v = urban_view_state()
    >>> 63.8 < v.latitude < 63.85, 10 < v.zoom < 13
    (True, True)
    """
    districts = district_polygons(crs=MAP_CRS)
    focus = districts[districts["focus"]]
    return view_state_for_bounds(focus.total_bounds, width=width, height=height)


def municipality_view_state(*, width: int = 800, height: int = 600) -> pdk.ViewState:
    """View of the whole municipality.

    Examples
    --------
    >>> 7 < municipality_view_state().zoom < 10
    True
    """
    bounds = municipality_polygon(crs=MAP_CRS).total_bounds
    return view_state_for_bounds(bounds, width=width, height=height, padding=0.03)


def area_tooltip(fields: Mapping[str, str], *, title_col: str = "name") -> dict:
    """A deck tooltip: the area name in bold, then ``label: {column}`` lines.

    Examples
    --------
    >>> area_tooltip({"Andel": "rate"})["html"]
    '<b>{name}</b><br/>Andel: {rate}'
    """
    lines = [f"<b>{{{title_col}}}</b>", *(f"{label}: {{{col}}}" for label, col in fields.items())]
    return {
        "html": "<br/>".join(lines),
        "style": {"backgroundColor": "white", "color": "#222", "fontSize": "14px"},
    }


def deck(
    layers: Sequence[pdk.Layer],
    *,
    view_state: pdk.ViewState,
    map_style: str | None = None,
    tooltip: dict | bool = False,
    background: bool = True,
    height: int = 600,
) -> pdk.Deck:
    """A Deck readable without base-map tiles: no map style or tile provider unless asked.

    Parameters
    ----------
    layers : sequence of pydeck.Layer
    view_state : pydeck.ViewState
        E.g. :func:`urban_view_state` or :func:`municipality_view_state`.
    map_style : str, optional
        A base-map style; None (default) means no tiles at all.
    tooltip : dict or bool
        E.g. from :func:`area_tooltip`.
    background : bool
        Put the light municipality polygon (:func:`background_layer`) under the layers.

    Examples
    --------
    >>> d = deck([boundary_layer(district_polygons())], view_state=urban_view_state())
    >>> "http" in d.to_json()
    False
    """
    all_layers = [background_layer(), *layers] if background else list(layers)
    return pdk.Deck(
        layers=all_layers,
        initial_view_state=view_state,
        map_style=map_style,
        map_provider="carto" if map_style else None,
        tooltip=tooltip,
        height=height,
    )
