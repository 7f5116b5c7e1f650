"""The area hierarchy in the store, synced from data/geo/areas.csv."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from geo.areas import SWEDEN_AREA
from store import schema
from store.db import Store

AREA_COLUMNS = [
    "code",
    "name",
    "name_en",
    "official_name",
    "level",
    "parent_code",
    "focus",
    "sort_order",
]


def sync_areas(store: Store, areas: pd.DataFrame) -> int:
    """Replace the area table with ``areas`` plus Sweden (the national benchmark area,
    ``geo.areas.SWEDEN_AREA``) (idempotent). Returns the row count."""

    frame = areas[AREA_COLUMNS].copy()
    if SWEDEN_AREA["code"] not in set(frame["code"]):
        frame = pd.concat([frame, pd.DataFrame([SWEDEN_AREA])], ignore_index=True)
    frame["focus"] = frame["focus"].fillna(0).astype(int).astype(bool)
    frame["sort_order"] = frame["sort_order"].fillna(0).astype(int)
    frame = frame.astype(object).where(pd.notna(frame), None)
    with store.engine.begin() as conn:
        conn.execute(schema.area.delete())
        conn.execute(schema.area.insert(), frame.to_dict("records"))
    return len(frame)


def read_area_table(store: Store) -> pd.DataFrame:
    with store.engine.connect() as conn:
        rows = (
            conn.execute(sa.select(schema.area).order_by(schema.area.c.sort_order)).mappings().all()
        )
    return pd.DataFrame(rows, columns=AREA_COLUMNS)
