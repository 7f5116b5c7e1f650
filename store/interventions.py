"""The intervention register (insatser): read, add, edit and end, each change audited.

Rows come from an import (``sources.events.import_interventions``, one batch, rolled back with
it) or from the Insatser page (no batch; ``updated_by``/``updated_at`` say who and when).
Districts and target indicators are stored comma-separated and read back as lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import pandas as pd
import sqlalchemy as sa

from common.errors import UserError
from store import schema
from store.db import Store, audit, bump_data_version

#: The columns an import writes (``store.events.write_events``); the page sets the rest.
DATA_COLUMNS = [
    "name",
    "district_codes",
    "start_date",
    "end_date",
    "description",
    "target_indicators",
    "responsible_unit",
]
COLUMNS = [
    "id",
    "name",
    "district_codes",
    "start_date",
    "end_date",
    "description",
    "target_indicators",
    "responsible_unit",
    "synthetic",
    "batch_id",
    "updated_at",
    "updated_by",
]
MAX_NAME = 200
MAX_TEXT = 4000


def _split(text: object) -> list[str]:
    return [p.strip() for p in str(text or "").split(",") if p.strip()]


def read_interventions(store: Store, *, ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Every intervention (or those with ``ids``), by start date, with list columns.

    ``districts`` and ``targets`` are lists of codes; ``active_on`` tells
    :func:`is_active` nothing, it is computed by the caller.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> read_interventions(s).columns.tolist()[-2:]
    ['districts', 'targets']
    """
    t = schema.intervention
    query = sa.select(*[t.c[c] for c in COLUMNS]).order_by(t.c.start_date, t.c.id)
    if ids is not None:
        query = query.where(t.c.id.in_([int(i) for i in ids]))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["districts"] = frame["district_codes"].map(_split)
    frame["targets"] = frame["target_indicators"].map(_split)
    return frame


def _known_districts(conn: sa.Connection) -> set[str]:
    a = schema.area
    return set(conn.execute(sa.select(a.c.code).where(a.c.level == "district")).scalars())


def _as_date(value: object, *, field: str) -> date | None:
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(
            f"{field}: {str(value)[:40]!r} är inget datum (ÅÅÅÅ-MM-DD).",
            column=field,
            message_en=f"{field}: not a date (YYYY-MM-DD).",
        ) from None


def _clean(conn: sa.Connection, fields: dict) -> dict:
    """Validate and normalise the fields of one intervention; Swedish errors naming the field."""
    out: dict = {}
    if "name" in fields:
        name = str(fields["name"] or "").strip()
        if not name or len(name) > MAX_NAME or "\x00" in name:
            raise UserError(
                f"Insatsen behöver ett namn (1–{MAX_NAME} tecken).",
                column="namn",
                message_en=f"The intervention needs a name (1–{MAX_NAME} characters).",
            )
        out["name"] = name
    if "districts" in fields:
        codes = [str(c).strip() for c in fields["districts"] or [] if str(c).strip()]
        if not codes:
            raise UserError(
                "Välj minst ett område.", column="omraden", message_en="Choose a district."
            )
        unknown = sorted(set(codes) - _known_districts(conn))
        if unknown:
            raise UserError(
                "Okänt område: " + ", ".join(unknown),
                column="omraden",
                message_en=f"Unknown district: {unknown}",
            )
        out["district_codes"] = ",".join(dict.fromkeys(codes))
    if "start" in fields:
        start = _as_date(fields["start"], field="startdatum")
        if start is None:
            raise UserError(
                "Startdatum saknas.", column="startdatum", message_en="Start date missing."
            )
        out["start_date"] = start
    if "end" in fields:
        out["end_date"] = _as_date(fields["end"], field="slutdatum")
    for key, column in (("description", "description"), ("unit", "responsible_unit")):
        if key in fields:
            text = str(fields[key] or "").strip()
            if len(text) > MAX_TEXT or "\x00" in text:
                raise UserError(
                    f"{column}: för lång text (högst {MAX_TEXT} tecken).",
                    column=column,
                    message_en=f"{column}: text too long.",
                )
            out[column] = text[:200] if column == "responsible_unit" else text
    if "targets" in fields:
        out["target_indicators"] = ",".join(
            dict.fromkeys(str(c).strip() for c in fields["targets"] or [] if str(c).strip())
        )
    return out


def _check_dates(conn: sa.Connection, row: dict) -> None:
    start, end = row.get("start_date"), row.get("end_date")
    if start is not None and end is not None and end < start:
        raise UserError(
            f"Slutdatum {end.isoformat()} ligger före startdatum {start.isoformat()}.",
            column="slutdatum",
            message_en="The end date is before the start date.",
        )


def add_intervention(
    store: Store,
    *,
    name: str,
    districts: Iterable[str],
    start: date | str,
    user: str,
    end: date | str | None = None,
    description: str = "",
    targets: Iterable[str] = (),
    unit: str = "",
) -> int:
    """Add an intervention; returns its id.  Audited as ``intervention_add``.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> with s.engine.begin() as c:
    ...     _ = c.execute(schema.area.insert().values(code="d-x", name="X", level="district"))
    >>> add_intervention(s, name="Fältare", districts=["d-x"], start="2024-08-15", user="anna")
    1
    """
    with store.engine.begin() as conn:
        row = _clean(
            conn,
            {
                "name": name,
                "districts": list(districts),
                "start": start,
                "end": end,
                "description": description,
                "unit": unit,
                "targets": list(targets),
            },
        )
        _check_dates(conn, row)
        row.update(synthetic=False, updated_at=datetime.now(UTC), updated_by=user)
        new_id = conn.execute(schema.intervention.insert().values(**row)).inserted_primary_key[0]
        audit(conn, user=user, action="intervention_add", detail=f"{new_id}: {row['name']}")
        bump_data_version(conn)
    return int(new_id)


def update_intervention(store: Store, intervention_id: int, *, user: str, **fields) -> list[str]:
    """Change fields (``name, districts, start, end, description, targets, unit``) of one
    intervention; returns the names of the columns that changed.  Audited as
    ``intervention_edit`` with the changed columns; nothing changes if validation fails.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> update_intervention(s, 7, user="anna", name="x")
    Traceback (most recent call last):
    common.errors.UserError: Insatsen 7 finns inte.
    """
    return _update(store, intervention_id, user=user, action="intervention_edit", fields=fields)


def _update(
    store: Store, intervention_id: int, *, user: str, action: str, fields: dict
) -> list[str]:
    allowed = {"name", "districts", "start", "end", "description", "targets", "unit"}
    unknown = set(fields) - allowed
    if unknown:
        raise UserError(
            "Okända fält: " + ", ".join(sorted(unknown)), message_en=f"Unknown fields {unknown}"
        )
    t = schema.intervention
    with store.engine.begin() as conn:
        old = conn.execute(sa.select(t).where(t.c.id == int(intervention_id))).mappings().first()
        if old is None:
            raise UserError(
                f"Insatsen {intervention_id} finns inte.",
                message_en=f"No intervention {intervention_id}.",
            )
        new = _clean(conn, fields)
        merged = {**dict(old), **new}
        _check_dates(conn, merged)
        changed = [c for c in new if new[c] != old[c]]
        if not changed:
            return []
        conn.execute(
            t.update()
            .where(t.c.id == int(intervention_id))
            .values(**{c: new[c] for c in changed}, updated_at=datetime.now(UTC), updated_by=user)
        )
        audit(
            conn,
            user=user,
            action=action,
            detail=f"{intervention_id}: {', '.join(changed)}",
        )
        bump_data_version(conn)
    return changed


def end_intervention(store: Store, intervention_id: int, *, end: date | str, user: str) -> None:
    """Set the end date of an intervention.  Audited as ``intervention_end``.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> end_intervention(s, 1, end="2025-06-30", user="anna")
    Traceback (most recent call last):
    common.errors.UserError: Insatsen 1 finns inte.
    """
    _update(store, intervention_id, user=user, action="intervention_end", fields={"end": end})


def is_active(row: pd.Series | dict, *, on: date) -> bool:
    """True if the intervention has started by ``on`` and not ended before it.

    >>> is_active({"start_date": date(2024, 1, 1), "end_date": None}, on=date(2025, 1, 1))
    True
    """
    start, end = row["start_date"], row["end_date"]
    ended = end is not None and not pd.isna(end) and end < on
    return start <= on and not ended
