"""Interventions, EST incidents and activities: written per batch, read as DataFrames."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from common.fmt import fmt_int
from store import schema
from store.db import Store, audit, bump_data_version
from store.interventions import DATA_COLUMNS, read_interventions
from store.observations import BatchResult, open_batch

#: What a batch of each kind holds, in the import message and the audit log.
EVENT_WORDS = {
    "intervention": "insatser",
    "incident": "EST-händelser",
    "activity": "EST-aktiviteter",
}

_TABLES = {
    "intervention": (
        schema.intervention,
        DATA_COLUMNS,
    ),
    "incident": (
        schema.incident,
        ["occurred_at", "iso_week", "type", "partner", "cell_x", "cell_y", "district_code"],
    ),
    "activity": (
        schema.activity,
        [
            "starts_at",
            "ends_at",
            "iso_week",
            "kind",
            "status",
            "district_code",
            "cell_x",
            "cell_y",
            "organiser",
        ],
    ),
}


def write_events(
    store: Store,
    kind: str,
    chunks: Iterable[pd.DataFrame],
    *,
    source: str,
    file_name: str,
    checksum: str,
    user: str,
    synthetic: bool = False,
) -> BatchResult:
    """Write intervention/incident/activity rows as one batch in one transaction."""
    table, columns = _TABLES[kind]
    with store.engine.begin() as conn:
        batch_id = open_batch(
            conn,
            kind=kind,
            source=source,
            file_name=file_name,
            checksum=checksum,
            user=user,
            synthetic=synthetic,
        )
        if isinstance(batch_id, BatchResult):
            return batch_id
        loaded = 0
        for chunk in chunks:
            if chunk.empty:
                continue
            frame = chunk.reindex(columns=columns).astype(object)
            frame = frame.where(pd.notna(frame), None)
            records = frame.to_dict("records")
            for r in records:
                r["synthetic"] = synthetic
                r["batch_id"] = batch_id
            conn.execute(table.insert(), records)
            loaded += len(records)
        message = f"{fmt_int(loaded)} rader inlästa."
        conn.execute(
            schema.import_batch.update()
            .where(schema.import_batch.c.id == batch_id)
            .values(rows_total=loaded, rows_loaded=loaded, message=message)
        )
        audit(
            conn,
            user=user,
            action="import",
            detail=f"import {batch_id}: {file_name} ({EVENT_WORDS[kind]}, {message})",
        )
        bump_data_version(conn)
    return BatchResult(batch_id, "loaded", loaded, 0, message)


def read_events(store: Store, kind: str, *, where: sa.ColumnElement | None = None) -> pd.DataFrame:
    """All rows of one event table (only from loaded batches)."""
    table, columns = _TABLES[kind]
    q = sa.select(table.c.id, *[table.c[c] for c in columns], table.c.synthetic)
    if where is not None:
        q = q.where(where)
    with store.engine.connect() as conn:
        rows = conn.execute(q.order_by(table.c.id)).mappings().all()
    return pd.DataFrame(rows, columns=["id", *columns, "synthetic"])


__all__ = ["read_events", "read_interventions", "write_events"]
