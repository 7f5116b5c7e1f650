"""Role-aware reads and writes of the intervention register and its evaluation (issue 13).

========================  ===========================================================
function                  who
========================  ===========================================================
interventions,            everyone (``interventions_read``): every role sees districts
evaluate_intervention
add, edit, end,           analytiker, admin (``interventions_write``); audited
import_interventions
========================  ===========================================================

An evaluation reads the *published* values (:func:`access.reads.indicator_values`, already
through disclosure control), so a suppressed cell is a gap: the treated district's window
shrinks or a comparison district drops out, and nothing hidden reaches the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from access import require
from access.app import refuse_form_text
from access.reads import indicator_values
from catalogue import load_catalogue
from common.errors import UserError
from indicators.evaluation import METHODS, evaluate_published
from sources.events import import_interventions as import_intervention_file
from store import interventions as register
from store.db import Store

__all__ = [
    "add_intervention",
    "end_intervention",
    "evaluate_intervention",
    "import_interventions",
    "intervention",
    "interventions",
    "update_intervention",
]


def interventions(store: Store, role: str) -> pd.DataFrame:
    """The intervention register (every role).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> interventions(s, "publik").empty
    True
    """
    require(role, "interventions_read")
    return register.read_interventions(store)


def intervention(store: Store, role: str, intervention_id: int) -> pd.Series:
    """One intervention, or a Swedish UserError naming the id.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> intervention(s, "rad", 3)
    Traceback (most recent call last):
    common.errors.UserError: Insatsen 3 finns inte.
    """
    require(role, "interventions_read")
    try:
        number = int(intervention_id)
    except (TypeError, ValueError):
        number = None
    found = register.read_interventions(store, ids=[number]) if number is not None else None
    if found is None or found.empty:
        raise UserError(
            f"Insatsen {intervention_id} finns inte.",
            message_en=f"No intervention {intervention_id}.",
        )
    return found.iloc[0]


def add_intervention(store: Store, role: str, *, user: str, **fields) -> int:
    """Add an intervention (analytiker, admin); see :func:`store.interventions.add_intervention`.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> add_intervention(s, "est", user="x", name="y", districts=["d"], start="2024-01-01")
    Traceback (most recent call last):
    access.PermissionDenied: Rollen EST-gruppen får inte lägga till eller ändra insatser.
    """
    require(role, "interventions_write")
    refuse_form_text(fields)
    return register.add_intervention(store, user=user, **fields)


def update_intervention(
    store: Store, role: str, intervention_id: int, *, user: str, **fields
) -> list[str]:
    """Edit an intervention (analytiker, admin); returns the changed columns.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> update_intervention(s, "publik", 1, user="x", name="y")
    Traceback (most recent call last):
    access.PermissionDenied: Rollen Allmänhet får inte lägga till eller ändra insatser.
    """
    require(role, "interventions_write")
    refuse_form_text(fields)
    return register.update_intervention(store, intervention_id, user=user, **fields)


def end_intervention(
    store: Store, role: str, intervention_id: int, *, end: date | str, user: str
) -> None:
    """Set the end date (analytiker, admin).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> end_intervention(s, "rad", 1, end="2025-01-01", user="x")
    Traceback (most recent call last):
    access.PermissionDenied: Rollen Rådet (Umebrå) får inte lägga till eller ändra insatser.
    """
    require(role, "interventions_write")
    register.end_intervention(store, intervention_id, end=end, user=user)


def import_interventions(store: Store, role: str, path: str | Path, *, user: str):
    """Import the intervention template (data/templates/mall_insatser.csv) as one batch.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> import_interventions(s, "publik", "x.csv", user="x")
    Traceback (most recent call last):
    access.PermissionDenied: Rollen Allmänhet får inte lägga till eller ändra insatser.
    """
    require(role, "interventions_write")
    return import_intervention_file(store, Path(path), user=user)


def evaluate_intervention(
    store: Store,
    role: str,
    intervention_id: int,
    indicator_id: str,
    *,
    methods: Iterable[str] = METHODS,
    confidence: float = 0.95,
) -> dict:
    """Evaluate one intervention × one indicator with each design, from published values.

    Returns ``intervention`` (the register row as a dict), ``indicator``, ``results``
    (method → the mapping of :func:`indicators.evaluation.evaluate`), ``excluded`` (districts
    left out of the comparison because another intervention on the same indicator ran
    there) and ``synthetic`` (True when any value used is demo data).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> evaluate_intervention(s, "publik", 1, "skadegorelse")
    Traceback (most recent call last):
    common.errors.UserError: Insatsen 1 finns inte.
    """
    iv = intervention(store, role, intervention_id)
    catalogue = load_catalogue()
    if indicator_id not in catalogue:
        raise UserError(
            f"Okänd indikator: {indicator_id}", message_en=f"Unknown indicator: {indicator_id}"
        )
    values = indicator_values(store, role, indicator_ids=[indicator_id], levels=["district"])
    return evaluate_published(
        values,
        iv,
        indicator=catalogue[indicator_id],
        others=register.read_interventions(store),
        methods=methods,
        confidence=confidence,
    )
