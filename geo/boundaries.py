"""Stadsdel, district and municipality polygons for Umeå.

Source: Umeå kommun's own 121 stadsdel polygons in SWEREF 99 TM (EPSG:3006), see
``data/geo/PROVENANCE.md``.  Districts and the municipality are dissolved from them, so the
three layers nest (tiny digitising gaps between stadsdelar are filled in the dissolved
polygons).  Everything is computed in EPSG:3006 (metres); ``crs=4326`` gives
WGS84 longitude/latitude for maps, simplified by 5 m before reprojection (invisible on a map,
roughly halves the payload).
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd
import shapely

from common.errors import UserError
from geo import PLACE
from geo.areas import read_areas

#: The place's boundary file (Umeå: its 121 stadsdel polygons); None for a place without one,
#: which then runs in table-and-chart mode (docs/place.md).
STADSDEL_FILE = PLACE.boundaries_file


class MissingBoundaries(UserError):
    """The place has no boundary file: maps are replaced by a note saying which file to add."""


def has_boundaries() -> bool:
    """True when the place's boundary file is configured and present.

    >>> has_boundaries()  # Umeå ships its stadsdel polygons
    True
    """
    return STADSDEL_FILE is not None and STADSDEL_FILE.exists()


def missing_boundaries_message() -> str:
    """What to add for maps to appear (from the place file's ``boundary_hint``)."""
    return PLACE.boundary_hint or (
        f"Ingen gränsfil för {PLACE.name_municipality}: ange en GeoJSON (EPSG:3006) som "
        f"boundaries i data/place/{PLACE.key}.yml."
    )


#: Metric CRS used for every computation (SWEREF 99 TM).
METRIC_CRS = 3006
#: CRS of web maps (WGS84 longitude/latitude).
MAP_CRS = 4326
#: Simplification tolerance (metres) applied before reprojecting to WGS84.
MAP_SIMPLIFY_TOLERANCE_M = 5.0  # metres; issue 17: display geometry, a few metres
#: Holes smaller than this (m²) in dissolved polygons are digitising gaps between stadsdelar
#: (115 gaps of at most 57 m² in the source), not real enclaves, and are filled.
MAX_GAP_AREA_M2 = 10_000.0


def _fill_small_holes(geometry: shapely.Geometry, max_area: float = MAX_GAP_AREA_M2):
    """The geometry with interior rings smaller than ``max_area`` removed."""
    polygons = []
    for part in shapely.get_parts(geometry):
        kept = [ring for ring in part.interiors if shapely.Polygon(ring).area >= max_area]
        polygons.append(shapely.Polygon(part.exterior, kept))
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _check_crs(crs: int) -> int:
    if crs not in (METRIC_CRS, MAP_CRS):
        raise UserError(
            f"Koordinatsystemet EPSG:{crs} stöds inte (använd 3006 eller 4326)",
            message_en=f"EPSG:{crs} is not supported (use 3006 or 4326)",
        )
    return crs


@lru_cache(maxsize=1)
def _stadsdelar_3006() -> gpd.GeoDataFrame:
    if not has_boundaries():
        message = missing_boundaries_message()
        raise MissingBoundaries(message, message_en="No boundary file for this place.")
    raw = gpd.read_file(STADSDEL_FILE)
    if raw.crs is None or raw.crs.to_epsg() != METRIC_CRS:
        raise UserError(f"{STADSDEL_FILE.name} ska vara i EPSG:3006", file=STADSDEL_FILE.name)
    areas = read_areas(level="stadsdel")
    by_name = areas.set_index("official_name")
    unknown = sorted(set(raw["stadsdel"]) - set(by_name.index))
    absent = sorted(set(by_name.index) - set(raw["stadsdel"]))
    if unknown or absent:
        raise UserError(
            "Stadsdelarna i areas.csv och polygonfilen stämmer inte överens "
            f"(saknas i areas.csv: {unknown}; saknas i polygonfilen: {absent})",
            file="areas.csv",
            column="official_name",
        )
    joined = by_name.loc[raw["stadsdel"]].reset_index()
    gdf = gpd.GeoDataFrame(
        {
            "code": joined["code"].to_numpy(),
            "name": joined["name"].to_numpy(),
            "official_name": joined["official_name"].to_numpy(),
            "district_code": joined["parent_code"].to_numpy(),
            "sort_order": joined["sort_order"].to_numpy(),
        },
        geometry=raw.geometry.make_valid().to_numpy(),
        crs=METRIC_CRS,
    )
    return gdf.sort_values("sort_order").drop(columns="sort_order").reset_index(drop=True)


@lru_cache(maxsize=1)
def _districts_3006() -> gpd.GeoDataFrame:
    districts = read_areas(level="district")
    dissolved = _stadsdelar_3006()[["district_code", "geometry"]].dissolve("district_code")
    dissolved = dissolved.reindex(districts["code"])
    gdf = gpd.GeoDataFrame(
        {
            "code": districts["code"].to_numpy(),
            "name": districts["name"].to_numpy(),
            "official_name": districts["official_name"].to_numpy(),
            "focus": districts["focus"].to_numpy(),
        },
        geometry=[_fill_small_holes(g) for g in dissolved.geometry],
        crs=METRIC_CRS,
    )
    return gdf


@lru_cache(maxsize=1)
def _municipality_3006() -> gpd.GeoDataFrame:
    row = read_areas(level="municipality").iloc[0]
    geometry = _fill_small_holes(_stadsdelar_3006().geometry.union_all())
    return gpd.GeoDataFrame(
        {"code": [row["code"]], "name": [row["name"]], "official_name": [row["official_name"]]},
        geometry=[geometry],
        crs=METRIC_CRS,
    )


@lru_cache(maxsize=8)
def _in_crs(which: str, crs: int) -> gpd.GeoDataFrame:
    gdf = {
        "stadsdel": _stadsdelar_3006,
        "district": _districts_3006,
        "municipality": _municipality_3006,
    }[which]()
    if crs == METRIC_CRS:
        return gdf
    simplified = gdf.copy()
    simplified["geometry"] = gdf.geometry.simplify(MAP_SIMPLIFY_TOLERANCE_M, preserve_topology=True)
    return simplified.to_crs(crs)


def stadsdel_polygons(*, crs: int = METRIC_CRS) -> gpd.GeoDataFrame:
    """The 121 stadsdelar: ``code, name, official_name, district_code, geometry``.

    Parameters
    ----------
    crs : {3006, 4326}
        3006 = SWEREF 99 TM metres (exact); 4326 = WGS84 lon/lat for maps (5 m simplified).

    Examples
    --------
    >>> sd = stadsdel_polygons()
    >>> len(sd), sd.crs.to_epsg()
    (121, 3006)
    >>> sd.set_index("official_name").loc["Marieområdet", "district_code"]
    'd-mariehem'
    """
    return _in_crs("stadsdel", _check_crs(crs)).copy()


def district_polygons(*, crs: int = METRIC_CRS) -> gpd.GeoDataFrame:
    """Districts dissolved from their stadsdelar: ``code, name, official_name, focus, geometry``.

    Examples
    --------
    >>> d = district_polygons()
    >>> d.set_index("code").loc["d-alidhem", "name"]
    'Ålidhem'
    >>> float(round(d.set_index("code").area["d-tomtebo"] / 1e6, 2))  # km²
    3.65
    """
    return _in_crs("district", _check_crs(crs)).copy()


def municipality_polygon(*, crs: int = METRIC_CRS) -> gpd.GeoDataFrame:
    """Umeå kommun as one (multi)polygon: the union of the stadsdelar, gaps filled.

    Examples
    --------
    >>> m = municipality_polygon()
    >>> m.loc[0, "code"], round(float(m.area.iloc[0]) / 1e6)  # km², land and lakes
    ('2480', 3237)
    """
    return _in_crs("municipality", _check_crs(crs)).copy()


def representative_points(gdf: gpd.GeoDataFrame, *, crs: int = MAP_CRS) -> pd.DataFrame:
    """A point surely inside each polygon (for labels): ``code, name, x, y`` in ``crs``.

    Computed in EPSG:3006 whatever the input CRS, then reprojected.

    Examples
    --------
    >>> pts = representative_points(district_polygons()).set_index("code")
    >>> [round(float(pts.loc["d-ersboda", c]), 2) for c in ("y", "x")]  # lat, lon
    [63.86, 20.33]
    """
    metric = gdf.to_crs(METRIC_CRS) if gdf.crs is not None else gdf.set_crs(METRIC_CRS)
    points = metric.geometry.representative_point().to_crs(_check_crs(crs))
    out = pd.DataFrame({"code": gdf["code"].to_numpy(), "name": gdf["name"].to_numpy()})
    out["x"] = points.x.to_numpy()
    out["y"] = points.y.to_numpy()
    return out
