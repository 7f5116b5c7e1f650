"""What the app and the reports need besides role-limited reads: opening the store, the data
version and freshness, the demo flag, interventions, the EST week span, EST entry (est and
admin only) and the export audit line.

Pages, ``ui`` and ``reports`` import :mod:`access` only, never ``store`` or ``sources``
(import-linter contract ``pages-through-access`` in pyproject.toml); the role-limited reads
are in :mod:`access.reads`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from access import require
from common.errors import UserError
from common.settings import database_url
from indicators.est import weeks_needed
from sources.demo import demo_allowed
from sources.est import ACTIVITY_KINDS, INCIDENT_TYPES, ORGANISERS, PARTNERS
from sources.est import add_activity as _add_activity
from sources.est import add_incident as _add_incident
from sources.personal_data import refuse_personal_text
from store import Store
from store.est import incident_week_span, read_activities, read_incidents
from store.events import read_interventions
from store.observations import BatchResult, freshness, has_real_data

__all__ = [
    "ACTIVITY_KINDS",
    "INCIDENT_TYPES",
    "ORGANISERS",
    "PARTNERS",
    "Store",
    "add_activity",
    "add_incident",
    "demo_allowed",
    "refuse_form_text",
    "est_records",
    "freshness",
    "has_real_data",
    "incident_week_span",
    "interventions",
    "open_existing_store",
    "open_store",
]


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default: the configured database), checked to be reachable.

    Examples
    --------
    >>> s = open_store("sqlite://"); s.migrate()
    >>> s.data_version() >= 0
    True
    """
    store = Store(url)
    store.check()
    return store


def open_existing_store(url: str | None = None) -> Store:
    """Open an existing, migrated store read-only in spirit (a missing SQLite file is not made).

    Examples
    --------
    >>> open_existing_store("sqlite:////nonexistent/uvts.sqlite")
    Traceback (most recent call last):
    ...
    common.errors.UserError: Databasfilen /nonexistent/uvts.sqlite finns inte.
    """
    url = url or database_url()
    if url.startswith("sqlite:///"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:" and not Path(path).exists():
            raise UserError(
                f"Databasfilen {path} finns inte.",
                message_en=f"The database file {path} does not exist.",
            )
    store = open_store(url)
    if not store.is_current():
        raise UserError(
            "Databasen behöver migreras: kör först python -m store migrate.",
            message_en="The database needs migrating: run python -m store migrate.",
        )
    return store


def interventions(store: Store) -> pd.DataFrame:
    """Every intervention (public: name, start date, districts).

    Examples
    --------
    >>> s = open_store("sqlite://"); s.migrate()
    >>> interventions(s).empty
    True
    """
    return read_interventions(store)


def est_records(
    store: Store, role: str, week: str, *, previous_weeks: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Incidents of ``week`` and the weeks before it, and the week's activities (est, admin).

    Examples
    --------
    >>> s = open_store("sqlite://"); s.migrate()
    >>> incidents, activities = est_records(s, "est", "2025-W47", previous_weeks=8)
    >>> len(incidents), len(activities)
    (0, 0)
    """
    require(role, "est_cells")
    incidents = read_incidents(store, weeks=weeks_needed(week, previous_weeks=previous_weeks))
    return incidents, read_activities(store, weeks=[week])


def add_incident(store: Store, role: str, **fields) -> BatchResult:
    """Store one incident entered in the app (:func:`sources.est.add_incident`); est, admin.

    Examples
    --------
    >>> s = open_store("sqlite://"); s.migrate()
    >>> add_incident(s, "publik", occurred_at="2025-11-15 22:10", type="brand",
    ...              partner="fältare", x=20.3, y=63.8, crs=4326, user="x")
    Traceback (most recent call last):
    ...
    access.PermissionDenied: Rollen Allmänhet får inte registrera EST-händelser och aktiviteter.
    """
    require(role, "est_entry")
    refuse_form_text(fields)
    return _add_incident(store, **fields)


def add_activity(store: Store, role: str, **fields) -> BatchResult:
    """Store one activity entered in the app (:func:`sources.est.add_activity`); est, admin."""
    require(role, "est_entry")
    refuse_form_text(fields)
    return _add_activity(store, **fields)


def refuse_form_text(fields: dict) -> None:
    """Every text typed into a form (EST entry, interventions) is scanned for identity
    numbers: refused, never echoed (docs/privacy.md).

    Examples
    --------
    >>> refuse_form_text({"name": "Fältare Ersboda", "districts": ["d-ersboda"]})
    """
    for name, value in fields.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if isinstance(item, str):
                refuse_personal_text(item, what=f"formulärfältet {name}")


# re-exported unchanged: role-free facts about the store and the demo-mode rule
demo_allowed = demo_allowed
incident_week_span = incident_week_span
freshness = freshness
has_real_data = has_real_data
