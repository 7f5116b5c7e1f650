"""Areas, boundaries, grids and map layers for Umeå (kommunkod 2480).

- :mod:`geo.areas` — the area hierarchy (municipality → district → stadsdel) read from
  ``data/geo/areas.csv``, the DeSO/RegSO → district key and name/code resolution.
- :mod:`geo.boundaries` — stadsdel, district and municipality polygons (EPSG:3006 or 4326).
- :mod:`geo.grid` — the 250 m SWEREF 99 TM grid: snapping points to cells, cell → district.
- :mod:`geo.classify` — class breaks for choropleth maps (mapclassify).
- :mod:`geo.layers` — pydeck layers and decks that stay readable without base-map tiles.

Nothing here imports streamlit.  Provenance of the data: ``data/geo/PROVENANCE.md``.
"""

from __future__ import annotations

from common.place import current_place
from common.settings import DATA_DIR

#: Folder with the shipped geodata (boundaries, hierarchy, keys).
GEO_DATA_DIR = DATA_DIR / "geo"
#: The place this process runs for (``$PLACE``, default Umeå; data/place/<place>.yml).
PLACE = current_place()
#: SCB kommunkod of the place's municipality (2480 for Umeå).
MUNICIPALITY_CODE = PLACE.code
