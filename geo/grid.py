"""The 250 m square grid in SWEREF 99 TM (EPSG:3006) used for incidents (never addresses).

A cell is named by its south-west corner: ``cell_x = floor(x / 250) * 250`` and likewise for
``y``, so a cell is the half-open square ``[cell_x, cell_x + 250) × [cell_y, cell_y + 250)``
and a point exactly on an edge belongs to exactly one cell, the one to its north/east.

Cell identifiers follow the INSPIRE/EEA grid naming convention written for EPSG:3006:
``CRS3006RES250mN{cell_y}E{cell_x}``, e.g. ``CRS3006RES250mN7092000E761500`` (northing first,
as in the EEA reference grid).  :func:`parse_cell_id` turns them back into corners.

A cell belongs to the district whose stadsdel contains the cell's centre; a cell on the
municipality border whose centre falls outside takes the district it overlaps most.  Points
are tested against the municipality polygon exactly (only points in border cells need the
exact test, the rest are decided by a per-cell lookup table), so snapping a million points
takes about a second.  The raw coordinates are never returned: only cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from common.errors import Problem, UserError
from geo import PLACE
from geo.boundaries import MAP_CRS, METRIC_CRS, district_polygons, municipality_polygon

#: Default cell size in metres.
CELL_SIZE = 250
#: How many offending rows an error message lists.
MAX_ROWS_LISTED = 20

_OUTSIDE, _INSIDE, _BORDER = 0, 1, 2


@lru_cache(maxsize=4)
def _transformer(from_crs: int, to_crs: int) -> Transformer:
    return Transformer.from_crs(from_crs, to_crs, always_xy=True)


def _check_cell_size(cell_size: int) -> int:
    if int(cell_size) != cell_size or cell_size <= 0:
        raise UserError(f"Rutstorleken ska vara ett positivt heltal (meter), inte {cell_size}")
    return int(cell_size)


def _to_metric(x, y, crs: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise UserError(f"Lika många x- och y-värden krävs ({x.size} x, {y.size} y)")
    if crs == METRIC_CRS:
        return x, y
    if crs == MAP_CRS:
        return _transformer(MAP_CRS, METRIC_CRS).transform(x, y)
    raise UserError(
        f"Koordinatsystemet EPSG:{crs} stöds inte (använd 3006 eller 4326)",
        message_en=f"EPSG:{crs} is not supported (use 3006 or 4326)",
    )


def _floor_to_cell(v: np.ndarray, cell_size: int) -> np.ndarray:
    """South-west corner coordinate with ``corner <= v < corner + cell_size`` exactly."""
    k = np.floor(v / cell_size)
    # v / cell_size is rounded, so floor() can be one off next to an edge; correct it exactly.
    k -= k * cell_size > v
    k += (k + 1) * cell_size <= v
    return (k * cell_size).astype(np.int64)


def cell_ids(cell_x, cell_y, *, cell_size: int = CELL_SIZE) -> pd.Series:
    """Identifiers ``CRS3006RES{size}mN{cell_y}E{cell_x}`` for cell corners (vectorised).

    Examples
    --------
    >>> cell_ids([761500], [7092000]).tolist()
    ['CRS3006RES250mN7092000E761500']
    """
    cell_size = _check_cell_size(cell_size)
    cx = np.asarray(cell_x, dtype=np.int64).ravel()
    cy = np.asarray(cell_y, dtype=np.int64).ravel()
    # Format each distinct cell once: a million points fall in a few thousand cells.
    codes, uniques = pd.factorize(cy * 100_000_000 + cx)
    ux, uy = uniques % 100_000_000, uniques // 100_000_000
    names = pd.array(
        [f"CRS3006RES{cell_size}mN{b}E{a}" for a, b in zip(ux.tolist(), uy.tolist(), strict=True)],
        dtype="str",
    )
    return pd.Series(names.take(codes), dtype="str")


def parse_cell_id(cell_id) -> pd.DataFrame:
    """Corners and size from cell identifiers: ``cell_x, cell_y, cell_size`` (int).

    Examples
    --------
    >>> parse_cell_id(["CRS3006RES250mN7092000E761500"]).iloc[0].tolist()
    [761500, 7092000, 250]
    """
    ids = pd.Series(cell_id, dtype="str")
    parts = ids.str.extract(r"^CRS3006RES(\d+)mN(\d+)E(\d+)$")
    bad = parts.isna().any(axis=1)
    if bad.any():
        first = ids[bad].iloc[0]
        raise UserError(
            f"{int(bad.sum())} ogiltiga rutidentiteter, t.ex. '{first}'",
            message_en=f"{int(bad.sum())} invalid cell ids, e.g. '{first}'",
        )
    return pd.DataFrame(
        {
            "cell_x": parts[2].astype(np.int64).to_numpy(),
            "cell_y": parts[1].astype(np.int64).to_numpy(),
            "cell_size": parts[0].astype(np.int64).to_numpy(),
        }
    )


def snap_to_grid(x, y, *, crs: int = METRIC_CRS, cell_size: int = CELL_SIZE) -> pd.DataFrame:
    """The grid cell of each point: ``cell_id, cell_x, cell_y`` (SW corner, EPSG:3006 metres).

    Parameters
    ----------
    x, y : array-like
        Coordinates.  With ``crs=3006``: easting, northing (metres).  With ``crs=4326``:
        **longitude, latitude** in that order (x = longitude).
    crs : {3006, 4326}
    cell_size : int
        Cell side in metres (250 by default).

    Examples
    --------
    >>> snap_to_grid([761500.0, 761499.9], [7092000.0, 7092249.9]).values.tolist()
    [['CRS3006RES250mN7092000E761500', 761500, 7092000], ['CRS3006RES250mN7092000E761250', 761250, 7092000]]
    """
    cell_size = _check_cell_size(cell_size)
    mx, my = _to_metric(x, y, crs)
    bad = ~(np.isfinite(mx) & np.isfinite(my))
    if bad.any():
        total = int(bad.sum())
        positions = ", ".join(map(str, np.flatnonzero(bad)[:MAX_ROWS_LISTED] + 1))
        raise UserError(
            f"{total} {'punkt' if total == 1 else 'punkter'} saknar giltiga koordinater "
            f"(position {positions})",
            message_en=f"{total} points lack valid coordinates (positions {positions})",
        )
    cx, cy = _floor_to_cell(mx, cell_size), _floor_to_cell(my, cell_size)
    return pd.DataFrame(
        {"cell_id": cell_ids(cx, cy, cell_size=cell_size), "cell_x": cx, "cell_y": cy}
    )


@dataclass(frozen=True)
class _CellLookup:
    """Per-cell status (outside/inside/border) and district index over the municipality bbox."""

    x0: int
    y0: int
    cell_size: int
    status: np.ndarray  # (ny, nx) int8
    district: np.ndarray  # (ny, nx) int16, -1 = none
    district_codes: np.ndarray  # object array of district codes
    municipality: shapely.Geometry  # prepared, EPSG:3006

    def indices(self, cell_x: np.ndarray, cell_y: np.ndarray):
        ix = (np.asarray(cell_x, dtype=np.int64) - self.x0) // self.cell_size
        iy = (np.asarray(cell_y, dtype=np.int64) - self.y0) // self.cell_size
        ny, nx = self.status.shape
        on_grid = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
        return np.where(on_grid, iy, 0), np.where(on_grid, ix, 0), on_grid

    def status_of(self, cell_x, cell_y) -> np.ndarray:
        iy, ix, on_grid = self.indices(cell_x, cell_y)
        return np.where(on_grid, self.status[iy, ix], _OUTSIDE)

    def district_index(self, cell_x, cell_y) -> np.ndarray:
        iy, ix, on_grid = self.indices(cell_x, cell_y)
        return np.where(on_grid, self.district[iy, ix], -1)


@lru_cache(maxsize=4)
def _cell_lookup(cell_size: int) -> _CellLookup:
    municipality = municipality_polygon().geometry.iloc[0]
    districts = district_polygons()
    minx, miny, maxx, maxy = municipality.bounds
    x0 = math.floor(minx / cell_size) * cell_size
    y0 = math.floor(miny / cell_size) * cell_size
    nx = math.ceil((maxx - x0) / cell_size)
    ny = math.ceil((maxy - y0) / cell_size)
    gx, gy = np.meshgrid(x0 + cell_size * np.arange(nx), y0 + cell_size * np.arange(ny))
    gx, gy = gx.ravel(), gy.ravel()
    half = cell_size / 2

    # District of each cell centre (the first district wins on a shared edge).
    district = np.full(gx.size, -1, dtype=np.int16)
    district_geoms = districts.geometry.to_numpy()
    tree = shapely.STRtree(district_geoms)
    cell_idx, district_idx = tree.query(
        shapely.points(gx + half, gy + half), predicate="intersects"
    )
    order = np.lexsort((district_idx, cell_idx))
    first_cells, first = np.unique(cell_idx[order], return_index=True)
    district[first_cells] = district_idx[order][first]

    # Border cells: the box meets the municipality boundary (queried segment by segment).
    boxes = shapely.box(gx, gy, gx + cell_size, gy + cell_size)
    coords = [
        shapely.get_coordinates(ring)
        for ring in shapely.get_parts(shapely.get_parts(municipality.boundary))
    ]
    segments = shapely.linestrings(
        np.concatenate([np.stack([c[:-1], c[1:]], axis=1) for c in coords if len(c) > 1])
    )
    _, border_idx = shapely.STRtree(boxes).query(segments, predicate="intersects")
    border = np.zeros(gx.size, dtype=bool)
    border[border_idx] = True

    shapely.prepare(municipality)
    centre_inside = shapely.intersects_xy(municipality, gx + half, gy + half)
    status = np.where(border, _BORDER, np.where(centre_inside, _INSIDE, _OUTSIDE)).astype(np.int8)

    # A cell whose centre is in no district (outside, or in a gap between stadsdelar) takes the
    # district it overlaps most.
    orphan = np.flatnonzero((status != _OUTSIDE) & (district < 0))
    if orphan.size:
        o_idx, d_idx = tree.query(boxes[orphan], predicate="intersects")
        overlap = shapely.area(shapely.intersection(boxes[orphan][o_idx], district_geoms[d_idx]))
        best = pd.DataFrame({"cell": orphan[o_idx], "district": d_idx, "overlap": overlap})
        best = best.sort_values(["cell", "overlap"]).drop_duplicates("cell", keep="last")
        district[best["cell"].to_numpy()] = best["district"].to_numpy()

    return _CellLookup(
        x0=x0,
        y0=y0,
        cell_size=cell_size,
        status=status.reshape(ny, nx),
        district=district.reshape(ny, nx),
        district_codes=districts["code"].to_numpy(dtype=object),
        municipality=municipality,
    )


def assign_district(cell_x, cell_y, *, cell_size: int = CELL_SIZE) -> np.ndarray:
    """District code of each cell (by the cell centre's stadsdel); None outside the municipality.

    Parameters
    ----------
    cell_x, cell_y : array-like of int
        South-west corners in EPSG:3006, as returned by :func:`snap_to_grid`.

    Examples
    --------
    >>> cells = snap_to_grid([20.328], [63.860], crs=4326)  # Ersboda (lon, lat)
    >>> assign_district(cells["cell_x"], cells["cell_y"]).tolist()
    ['d-ersboda']
    >>> assign_district([0], [0]).tolist()
    [None]
    """
    lookup = _cell_lookup(_check_cell_size(cell_size))
    idx = lookup.district_index(cell_x, cell_y)
    codes = np.append(lookup.district_codes, None)  # index -1 → None
    return codes[idx]


def cells_in_municipality(*, cell_size: int = CELL_SIZE) -> pd.DataFrame:
    """Every cell that meets the municipality: ``cell_id, cell_x, cell_y, district_code``.

    Examples
    --------
    >>> cells = cells_in_municipality()
    >>> 50_000 < len(cells) < 60_000, bool(cells["district_code"].notna().all())
    (True, True)
    """
    lookup = _cell_lookup(_check_cell_size(cell_size))
    iy, ix = np.nonzero(lookup.status != _OUTSIDE)
    cx = lookup.x0 + ix.astype(np.int64) * lookup.cell_size
    cy = lookup.y0 + iy.astype(np.int64) * lookup.cell_size
    return pd.DataFrame(
        {
            "cell_id": cell_ids(cx, cy, cell_size=cell_size),
            "cell_x": cx,
            "cell_y": cy,
            "district_code": pd.Series(lookup.district_codes[lookup.district[iy, ix]], dtype="str"),
        }
    )


def snap_points(
    df: pd.DataFrame,
    x_col: str,
    y_col: str,
    *,
    crs: int = METRIC_CRS,
    cell_size: int = CELL_SIZE,
    first_row: int = 1,
    file: str | None = None,
) -> pd.DataFrame:
    """Replace point coordinates by their grid cell and district; refuse points outside Umeå.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per point.
    x_col, y_col : str
        Coordinate columns: easting/northing (``crs=3006``) or longitude/latitude (``crs=4326``).
    crs : {3006, 4326}
    cell_size : int
    first_row : int
        Row number of ``df``'s first row in messages (2 for a CSV file with a header row).
    file : str, optional
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        ``df`` without ``x_col`` and ``y_col`` (the raw point is never kept), plus
        ``cell_id, cell_x, cell_y, district_code``.

    Raises
    ------
    UserError
        When a point lacks coordinates or lies outside the municipality; the message lists the
        first offending rows.

    Examples
    --------
    >>> points = pd.DataFrame({"typ": ["skadegörelse"], "lon": [20.328], "lat": [63.860]})
    >>> snap_points(points, "lon", "lat", crs=4326).columns.tolist()
    ['typ', 'cell_id', 'cell_x', 'cell_y', 'district_code']
    """
    for column in (x_col, y_col):
        if column not in df.columns:
            raise UserError(
                f"Kolumnen '{column}' saknas",
                file=file,
                column=column,
                message_en=f"Column '{column}' is missing",
            )
    cell_size = _check_cell_size(cell_size)
    x = pd.to_numeric(df[x_col], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(df[y_col], errors="coerce").to_numpy(dtype=float)
    missing = ~(np.isfinite(x) & np.isfinite(y))
    if missing.any():
        _refuse(
            missing,
            "saknar giltiga koordinater",
            "lack valid coordinates",
            x_col=x_col,
            first_row=first_row,
            file=file,
        )
    mx, my = _to_metric(x, y, crs)
    cx, cy = _floor_to_cell(mx, cell_size), _floor_to_cell(my, cell_size)

    lookup = _cell_lookup(cell_size)
    status = lookup.status_of(cx, cy)
    inside = status == _INSIDE
    border = np.flatnonzero(status == _BORDER)
    inside[border] = shapely.intersects_xy(lookup.municipality, mx[border], my[border])
    if not inside.all():
        _refuse(
            ~inside,
            f"ligger utanför {PLACE.name_municipality}",
            "lie outside the municipality",
            x_col=x_col,
            first_row=first_row,
            file=file,
        )

    out = df.drop(columns=[x_col, y_col])
    out["cell_id"] = cell_ids(cx, cy, cell_size=cell_size).to_numpy()
    out["cell_x"] = cx
    out["cell_y"] = cy
    codes = np.append(lookup.district_codes, None)[lookup.district_index(cx, cy)]
    out["district_code"] = pd.array(codes, dtype="str")
    return out


def _refuse(
    bad: np.ndarray, what_sv: str, what_en: str, *, x_col: str, first_row: int, file: str | None
) -> None:
    rows = (np.flatnonzero(bad)[:MAX_ROWS_LISTED] + first_row).tolist()
    total = int(bad.sum())
    listed = ", ".join(map(str, rows)) + (" …" if total > len(rows) else "")
    noun = "punkt" if total == 1 else "punkter"
    raise UserError(
        f"{total} {noun} {what_sv} (rad {listed})",
        file=file,
        row=rows[0],
        column=x_col,
        message_en=f"{total} points {what_en} (rows {listed})",
        problems=[Problem(f"Punkten {what_sv}", file=file, row=r, column=x_col) for r in rows],
    )


def cell_polygons(
    cell_x, cell_y, *, crs: int = MAP_CRS, cell_size: int = CELL_SIZE
) -> gpd.GeoDataFrame:
    """Square polygons of cells: ``cell_id, cell_x, cell_y, geometry`` in ``crs``.

    Examples
    --------
    >>> cells = cell_polygons([761500], [7092000], crs=3006)
    >>> cells.geometry.iloc[0].bounds
    (761500.0, 7092000.0, 761750.0, 7092250.0)
    """
    cell_size = _check_cell_size(cell_size)
    cx = np.asarray(cell_x, dtype=np.int64).ravel()
    cy = np.asarray(cell_y, dtype=np.int64).ravel()
    gdf = gpd.GeoDataFrame(
        {"cell_id": cell_ids(cx, cy, cell_size=cell_size), "cell_x": cx, "cell_y": cy},
        geometry=shapely.box(cx, cy, cx + cell_size, cy + cell_size),
        crs=METRIC_CRS,
    )
    if crs == METRIC_CRS:
        return gdf
    if crs != MAP_CRS:
        raise UserError(f"Koordinatsystemet EPSG:{crs} stöds inte (använd 3006 eller 4326)")
    return gdf.to_crs(MAP_CRS)
