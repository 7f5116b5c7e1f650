"""Role-aware reads and writes: every function takes the role and returns only what it may see.

Pages call these, never the store directly, for anything a role limits (issue 7: "enforced in
the data layer, not only by hiding widgets"):

========================  ===========================================================
function                  who
========================  ===========================================================
indicator_values          everyone; ``publik`` only municipality and district levels
composite_ranks           everyone (district indices are district-level aggregates)
est_week                  everyone; four-week period totals (protected) unless est/admin
est_cells                 est, admin
est_activities            est, admin
batches, import_file,     analytiker, admin
rollback
audit_entries,            admin
user_roles, set_role
========================  ===========================================================

SQL goes through SQLAlchemy Core with bound parameters only; a hostile string in any filter
is a value, never SQL (``tests/access/test_hostile_filters.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import sqlalchemy as sa

from access import (
    LEAST_ROLE,
    ROLES,
    may,
    normalise_role,
    require,
    role_from_claim,
    subject_keys,
    value_levels,
)
from catalogue import load_catalogue
from common.errors import UserError
from common.personal_numbers import mask
from common.settings import MIN_DENOMINATOR, SUPPRESSION_THRESHOLD
from indicators import est_public
from indicators.est import WEEK_COLUMNS, est_view, week_data, weeks_needed
from indicators.publish import ensure_current, published_composites, published_values, rebuild
from sources.personal_data import refuse_personal_text
from sources.template import import_file as import_template_file
from store import schema
from store.db import Store, audit
from store.demo_state import CLOSED, DEMO, demo_state
from store.est import read_activities, read_incidents
from store.observations import (
    batch_provenance,
    has_shipped_public_data,
    list_batches,
    rollback_batch,
)

T = TypeVar("T")
AUDIT_ACTIONS = (
    "signin",
    "import",
    "rollback",
    "export",
    "role_change",
    "intervention_add",
    "intervention_edit",
    "intervention_end",
    "meetings",
)
#: What the audit log's actions are called on screen (Swedish, English).
AUDIT_ACTION_LABELS = {
    "signin": ("inloggning", "sign-in"),
    "import": ("import", "import"),
    "rollback": ("återställd import", "rollback"),
    "export": ("export", "export"),
    "role_change": ("rolländring", "role change"),
    "intervention_add": ("ny insats", "intervention added"),
    "intervention_edit": ("ändrad insats", "intervention edited"),
    "intervention_end": ("avslutad insats", "intervention ended"),
    "meetings": ("mötesdatum", "meeting dates"),
}
AUDIT_COLUMNS = ["id", "at", "user_name", "action", "detail"]
USER_ROLE_COLUMNS = ["subject", "role"]
#: The longest user subject (e-mail, OIDC ``sub``) the user_role table holds.
MAX_SUBJECT_LENGTH = 200


# --- indicator values ---------------------------------------------------------------------------


def indicator_values(
    store: Store,
    role: str,
    *,
    indicator_ids: Iterable[str] | None = None,
    areas: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    levels: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Published (suppressed) indicator values at the area levels ``role`` may see.

    ``levels`` narrows further (default: every level the role may see); a level the role may
    not see is left out, never an error, so ``publik`` asking for stadsdelar gets none.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> indicator_values(s, "publik", levels=["stadsdel"]).empty
    True
    """

    require(role, "indicator_values")
    allowed = value_levels(role)
    wanted = [lvl for lvl in (allowed if levels is None else levels) if lvl in allowed]
    if indicator_ids is not None:
        known = load_catalogue()
        indicator_ids = [i for i in indicator_ids if isinstance(i, str) and i in known]
    # Read, never computed here: the published table of the current version (issue 17).
    frame = published_values(
        store, indicator_ids=indicator_ids, areas=areas, periods=periods, levels=wanted
    )
    return frame[frame["area_level"].isin(allowed)].reset_index(drop=True)


def composite_ranks(store: Store, role: str, period: str) -> pd.DataFrame:
    """Risk and Protective indices of the districts in ``period`` with their rank intervals,
    as published with the current version (computed at the rebuild, never here).

    Columns: ``area_code, role, score, rank, rank_median, rank_lower, rank_upper, status,
    label_sv, label_en, n_indicators, n_suppressed``; one row per district and index.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> composite_ranks(s, "publik", "2024").empty
    True
    """

    require(role, "indicator_values")
    if "district" not in value_levels(role):
        return published_composites(store, period=period).iloc[0:0].drop(columns="period")
    return published_composites(store, period=period).drop(columns="period")


def values_version(store: Store) -> int:
    """The published version that :func:`indicator_values` reads now (a cache key: it changes
    once a rebuild after an import or rollback is complete, the same on every app process).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> values_version(s)
    0
    """

    return ensure_current(store) or 0


# --- EST ----------------------------------------------------------------------------------------


def _est_data(store: Store, week: str, *, previous_weeks: int) -> dict:

    incidents = read_incidents(
        store, weeks=weeks_needed(week, previous_weeks=previous_weeks), columns=WEEK_COLUMNS
    )
    activities = read_activities(store, weeks=[week])
    return week_data(incidents, week, previous_weeks=previous_weeks, activities=activities)


def est_week(store: Store, role: str, week: str, *, previous_weeks: int = 8) -> dict:
    """The EST lägesbild of ISO ``week`` as ``role`` may see it.

    ``est`` and ``admin`` get :func:`indicators.est.est_view` (grid cells, types, partners,
    hours, activities); every other role gets :func:`indicators.est_public.public_view`: the
    last four-week period ended by ``week``, protected district and type totals and the
    municipality's period totals, no weekly figure, mean, p-value or cell (no ``cells`` key;
    docs/disclosure.md §6).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> "cells" in est_week(s, "publik", "2025-W47"), "cells" in est_week(s, "est", "2025-W47")
    (False, True)
    """

    require(role, "est_district_totals")
    if not may(role, "est_cells"):
        return _est_public(store, week)
    data = _est_data(store, week, previous_weeks=previous_weeks)
    return est_view(data)


def _est_public(store: Store, week: str) -> dict:
    """Four-week periods only, for the roles that may not see counts (docs/disclosure.md §6)."""

    period = est_public.last_complete_period(week)
    weeks = [w for p in est_public.previous_periods(period, 13) for w in est_public.period_weeks(p)]
    return est_public.public_view(read_incidents(store, weeks=weeks), week)


def est_cells(store: Store, role: str, week: str, *, previous_weeks: int = 8) -> pd.DataFrame:
    """Incidents per 250 m grid cell of ISO ``week`` (est, admin); others: PermissionDenied.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> est_cells(s, "est", "2025-W47").columns.tolist()[:2]
    ['cell_id', 'cell_x']
    """
    require(role, "est_cells")
    return est_week(store, role, week, previous_weeks=previous_weeks)["cells"]


def est_cell_patterns(
    store: Store, role: str, week: str, cells: list[tuple[int, int]], *, weeks: int = 8
) -> pd.DataFrame:
    """When incidents happen in the given 250 m cells, over ``week`` and the ``weeks`` before
    (est, admin; others: PermissionDenied): per cell the count, the busiest weekday
    (0 = Monday) and the busiest three-hour window (its first hour).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> est_cell_patterns(s, "est", "2025-W47", [(761250, 7092250)]).columns.tolist()
    ['cell_x', 'cell_y', 'count', 'weekday', 'weekday_count', 'hour', 'hour_count']
    """
    require(role, "est_cells")
    columns = ["cell_x", "cell_y", "count", "weekday", "weekday_count", "hour", "hour_count"]
    inc = read_incidents(store, weeks=weeks_needed(week, previous_weeks=weeks))
    wanted = {(int(x), int(y)) for x, y in cells}
    rows = []
    for (x, y), part in inc.groupby(["cell_x", "cell_y"]):
        if (int(x), int(y)) not in wanted:
            continue
        days = np.bincount(part["occurred_at"].dt.weekday, minlength=7)
        hours = np.bincount(part["occurred_at"].dt.hour, minlength=24)
        windows = hours + np.roll(hours, -1) + np.roll(hours, -2)  # h, h+1, h+2 (wraps)
        rows.append(
            [
                int(x),
                int(y),
                len(part),
                int(days.argmax()),
                int(days.max()),
                int(windows.argmax()),
                int(windows.max()),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def est_activities(store: Store, role: str, week: str) -> pd.DataFrame:
    """Planned and held activities of ISO ``week`` (est, admin); others: PermissionDenied.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> est_activities(s, "admin", "2025-W47").empty
    True
    """

    require(role, "est_activities")
    return read_activities(store, weeks=[week])


# --- council meetings ("sedan förra mötet") -------------------------------------------------------

MEETINGS_KEY = "council_meetings"


def council_meetings(store: Store) -> list[str]:
    """The council's meeting dates (ISO, ascending), stored in the ``setting`` table.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> council_meetings(s)
    []
    """
    t = schema.setting
    with store.engine.connect() as conn:
        value = conn.execute(sa.select(t.c.value).where(t.c.key == MEETINGS_KEY)).scalar()
    return sorted(json.loads(value)) if value else []


def set_council_meetings(store: Store, role: str, dates: Iterable, *, user: str) -> list[str]:
    """Store the meeting dates (anything ``date.fromisoformat`` reads; a bad one is refused
    whole with a Swedish message naming it); audited.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> set_council_meetings(s, "rad", ["2025-11-12", "2025-09-10"], user="x")
    ['2025-09-10', '2025-11-12']
    """
    require(role, "council_meetings")
    clean = set()
    for d in dates:
        try:
            clean.add(date.fromisoformat(str(d).strip()).isoformat())
        except ValueError as exc:
            raise UserError(
                f"Mötesdatumet '{str(d)[:20]}' är inte ett datum (ÅÅÅÅ-MM-DD)",
                message_en=f"The meeting date '{str(d)[:20]}' is not a date (YYYY-MM-DD)",
            ) from exc
    ordered = sorted(clean)
    t = schema.setting
    with store.engine.begin() as conn:
        conn.execute(t.delete().where(t.c.key == MEETINGS_KEY))
        conn.execute(t.insert().values(key=MEETINGS_KEY, value=json.dumps(ordered)))
        audit(conn, user=user, action="meetings", detail=", ".join(ordered))
    return ordered


def loaded_since(store: Store, role: str, when: str) -> pd.DataFrame:
    """What was imported after the day ``when`` (ISO date) and is still in force: one row per
    batch × measure with the periods it brought (indicator data; every role that sees values).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> loaded_since(s, "rad", "2025-11-12").columns.tolist()
    ['batch_id', 'file_name', 'created_at', 'measure_id', 'periods']
    """
    require(role, "indicator_values")
    start = datetime.combine(date.fromisoformat(when), time.max)
    o, b = schema.observation, schema.import_batch
    q = (
        sa.select(b.c.id, b.c.file_name, b.c.created_at, o.c.measure_id, o.c.period)
        .select_from(o.join(b, o.c.batch_id == b.c.id))
        .where(o.c.superseded_by.is_(None), b.c.status == "loaded", b.c.created_at > start)
        .distinct()
    )
    with store.engine.connect() as conn:
        rows = pd.DataFrame(
            conn.execute(q).all(),
            columns=["batch_id", "file_name", "created_at", "measure_id", "period"],
        )
    columns = ["batch_id", "file_name", "created_at", "measure_id", "periods"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = (
        rows.groupby(["batch_id", "file_name", "created_at", "measure_id"])["period"]
        .agg(lambda p: sorted(set(p)))
        .rename("periods")
        .reset_index()
    )
    return out[columns]


# --- imports ------------------------------------------------------------------------------------


def batches(store: Store, role: str) -> pd.DataFrame:
    """Every import batch, newest first (analytiker, admin).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> batches(s, "analytiker").empty
    True
    """

    require(role, "batches")
    return list_batches(store)


def import_file(
    store: Store,
    role: str,
    path: str | Path,
    *,
    user: str,
    source: str | None = None,
    progress=None,
):
    """Import a template file as one batch (analytiker, admin); audited by the store.

    The published values are then rebuilt in this process (``progress(fraction, text)``
    reports how far; :func:`indicators.publish.rebuild`). Returns the
    :class:`store.observations.BatchResult`.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> import_file(s, "rad", "x.csv", user="anna")
    Traceback (most recent call last):
    access.PermissionDenied: Rollen Rådet (Umebrå) får inte läsa in data.
    """

    require(role, "import")
    result = import_template_file(store, path, source=source, user=user)
    if result.status == "loaded":
        _rebuild(store, progress)
    return result


def _rebuild(store: Store, progress) -> None:

    rebuild(store, progress=progress)


def rollback(store: Store, role: str, batch_id: int, *, user: str, progress=None) -> str:
    """Roll an import batch back (analytiker, admin); audited by the store; the published
    values are rebuilt as after an import.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> rollback(s, "est", 1, user="anna")
    Traceback (most recent call last):
    access.PermissionDenied: Rollen EST-gruppen får inte återställa en import.
    """

    require(role, "rollback")
    try:
        number = int(batch_id)
    except (TypeError, ValueError) as exc:
        raise UserError(
            f"Ogiltigt import-id '{batch_id}'.", message_en=f"Invalid batch id '{batch_id}'."
        ) from exc
    message = rollback_batch(store, number, user=user)
    _rebuild(store, progress)
    return message


# --- audit and users ----------------------------------------------------------------------------


def audit_entries(
    store: Store, role: str, *, action: str | None = None, limit: int = 1000
) -> pd.DataFrame:
    """The newest audit lines (admin): ``id, at, user_name, action, detail``.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> record_signin(s, user="anna", detail="roll est")
    >>> audit_entries(s, "admin")[["user_name", "action"]].values.tolist()
    [['anna', 'signin']]
    """
    require(role, "audit_log")
    log = schema.audit_log
    query = sa.select(*[log.c[c] for c in AUDIT_COLUMNS]).order_by(log.c.id.desc())
    if action is not None:
        if not _storable(action):
            return pd.DataFrame(columns=AUDIT_COLUMNS)
        query = query.where(log.c.action == action)
    with store.engine.connect() as conn:
        rows = conn.execute(query.limit(max(int(limit), 0))).all()
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def user_roles(store: Store, role: str) -> pd.DataFrame:
    """The admin-managed role table (admin): ``subject, role``, by subject.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> user_roles(s, "admin").columns.tolist()
    ['subject', 'role']
    """
    require(role, "user_roles")
    t = schema.user_role
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.subject, t.c.role).order_by(t.c.subject)).all()
    return pd.DataFrame(rows, columns=USER_ROLE_COLUMNS)


def _storable(text: str) -> bool:
    """False for text no database column can hold (PostgreSQL refuses NUL characters), which
    therefore matches nothing."""
    return "\x00" not in text


def _clean_subject(subject: object) -> str:
    text = subject.strip() if isinstance(subject, str) else ""
    if not text:
        raise UserError(
            "Ange användarens identitet (e-post eller OIDC-subjekt).",
            message_en="Give the user's identity (e-mail or OIDC subject).",
        )
    if len(text) > MAX_SUBJECT_LENGTH or not _storable(text):
        raise UserError(
            f"Användaridentiteten är för lång eller ogiltig (högst {MAX_SUBJECT_LENGTH} tecken).",
            message_en="The user identity is too long or invalid.",
        )

    # An e-ID provider's sub may be a personnummer: it is never stored (docs/deployment.md).
    refuse_personal_text(text, what="användaridentiteten")
    return text


def set_role(store: Store, role: str, subject: str, new_role: str | None, *, by: str) -> None:
    """Give ``subject`` the role ``new_role`` (admin); None removes the entry. Audited.

    The table overrides the identity provider's role claim at the next sign-in.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> set_role(s, "admin", "anna@umea.se", "est", by="bo")
    >>> role_of_subject(s, "anna@umea.se")
    'est'
    >>> audit_entries(s, "admin")["detail"].iloc[0]
    'anna@umea.se: – → est'
    """
    require(role, "set_role")
    subject = _clean_subject(subject)
    if new_role is not None and new_role not in ROLES:
        raise UserError(
            f"Okänd roll '{new_role}'. Tillåtna: {', '.join(ROLES)}.",
            message_en=f"Unknown role '{new_role}'.",
        )
    t = schema.user_role
    with store.engine.begin() as conn:
        old = conn.execute(sa.select(t.c.role).where(t.c.subject == subject)).scalar()
        conn.execute(t.delete().where(t.c.subject == subject))
        if new_role is not None:
            conn.execute(t.insert().values(subject=subject, role=new_role))
        audit(
            conn,
            user=by,
            action="role_change",
            detail=f"{subject}: {old or '–'} → {new_role or '–'}",
        )


def role_of_subject(store: Store, subject: str | None) -> str | None:
    """The role the admin-managed table gives ``subject``, or None (sign-in, no role needed).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> role_of_subject(s, "okänd"), role_of_subject(s, None)
    (None, None)
    """
    if not isinstance(subject, str) or not subject.strip() or not _storable(subject):
        return None
    t = schema.user_role
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(t.c.role).where(t.c.subject == subject.strip())).scalar()
    return found if found in ROLES else None


def role_for_sign_in(
    store: Store,
    claims: dict,
    *,
    subject_claim: str = "sub",
    role_claim: str = "role",
) -> tuple[str, str, str]:
    """(role, origin, user name) for a signed-in user's OIDC claims.

    The admin table is looked up by :func:`access.subject_keys` (the subject, and the e-mail
    only when ``email_verified`` is true); then the provider's role claim; then ``publik``.
    The user name (for the audit log) is the verified e-mail or the subject, masked if it
    holds an identity number.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> set_role(s, "admin", "boss@umea.se", "admin", by="it")
    >>> role_for_sign_in(s, {"sub": "x1", "email": "boss@umea.se", "email_verified": False})
    ('publik', 'standard', 'x1')
    >>> role_for_sign_in(s, {"sub": "b1", "email": "boss@umea.se", "email_verified": True})
    ('admin', 'tabell', 'boss@umea.se')
    """

    keys = subject_keys(claims, subject_claim=subject_claim)
    from_table = next((r for r in (role_of_subject(store, k) for k in keys) if r), None)
    from_claim = role_from_claim(claims.get(role_claim))
    role = from_table or from_claim or LEAST_ROLE
    origin = "tabell" if from_table else (f"anspråk {role_claim}" if from_claim else "standard")
    name = keys[-1] if keys else "okänd"
    return role, origin, mask(name, all_long=True)[:MAX_SUBJECT_LENGTH]


def record_signin(store: Store, *, user: str, detail: str = "") -> None:
    """Write the audit line of a sign-in (once per session; the caller keeps track).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> record_signin(s, user="anna")
    """
    with store.engine.begin() as conn:
        audit(conn, user=user, action="signin", detail=detail)


def record_export(
    store: Store, role: str, *, user: str, what: str, capability: str = "export"
) -> None:
    """Write the audit line of an export (CSV, Excel, PDF brief) that ``role`` made; the
    role must have ``capability`` (``export``, ``brief`` or ``est_brief``).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> record_export(s, "publik", user="anonym", what="uvts_x_2024.csv")
    >>> audit_entries(s, "admin")["detail"].iloc[0]
    'uvts_x_2024.csv (roll publik)'
    """
    require(role, capability)
    with store.engine.begin() as conn:
        audit(conn, user=user, action="export", detail=f"{what} (roll {normalise_role(role)})")


def produce(
    store: Store, role: str, capability: str, make: Callable[[], T], *, user: str, what: str
) -> T:
    """Make an export (a PDF brief, a file) only if ``role`` has ``capability``; audited.

    ``make`` is called after the check, so a refused role never runs it (layers: access
    comes before reports/, which pass their builder in).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> produce(s, "rad", "brief", lambda: b"%PDF", user="anna", what="brief.pdf")
    b'%PDF'
    >>> produce(s, "publik", "brief", lambda: b"%PDF", user="anonym", what="brief.pdf")
    Traceback (most recent call last):
    access.PermissionDenied: Rollen Allmänhet får inte ta fram rådets lägesrapport.
    """
    require(role, capability)
    result = make()
    record_export(store, role, user=user, what=what, capability=capability)
    return result


def configuration(store: Store, role: str) -> dict[str, str]:
    """The settings in force that the admin page shows (admin): disclosure thresholds, the
    database kind (never its URL) and the demo state.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> configuration(s, "admin")["database"]
    'sqlite'
    """

    require(role, "configuration")
    return {
        "suppression_threshold": str(SUPPRESSION_THRESHOLD),
        "min_denominator": str(MIN_DENOMINATOR),
        "database": store.dialect,
        "mode": database_mode(store),
    }


# --- provenance -----------------------------------------------------------------------------------


def provenance(store: Store, role: str) -> pd.DataFrame:
    """Where the loaded figures come from, per import batch that carries provenance (publisher's
    table, reference, retrieval date, licence; shipped public snapshots flagged). Every role
    may see it: it names sources, not people.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> provenance(s, "publik").empty
    True
    """

    normalise_role(role)
    return batch_provenance(store)


def shipped_public_data(store: Store) -> bool:
    """True when the real public snapshots shipped with the app are loaded (banner wording)."""

    return has_shipped_public_data(store)


# --- database mode ------------------------------------------------------------------------------


def database_mode(store: Store) -> str:
    """``"demo"``, ``"real"`` or ``"empty"``, from the explicit demo state (store.demo_state).

    ``"real"`` once any real batch was ever imported (demo mode is closed for good, also
    after that batch is rolled back); ``"demo"`` only when the demo was loaded into this
    database and nothing real since; otherwise ``"empty"``. The demo role switcher exists
    only in ``"demo"`` mode (and where ``sources.demo.demo_allowed``).

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> database_mode(s)
    'empty'
    """

    state = demo_state(store)
    if state == CLOSED:
        return "real"
    b = schema.import_batch
    query = (
        sa.select(b.c.synthetic, sa.func.count())
        .where(b.c.status == "loaded", b.c.shipped.is_(False))  # shipped public snapshots
        .group_by(b.c.synthetic)
    )
    with store.engine.connect() as conn:
        counts = {bool(synthetic): int(n) for synthetic, n in conn.execute(query).all()}
    if counts.get(False):
        return "real"
    return "demo" if state == DEMO and counts.get(True) else "empty"


def synthetic_rows_left(store: Store) -> int:
    """Rows of synthetic demo batches still loaded (0 when none): after a real import these
    stay on screen beside the real figures, and every page says so (issue 14, the
    demo/real trap). A count of demo rows only, so no role is needed.

    Examples
    --------
    >>> s = Store("sqlite://"); s.migrate()
    >>> synthetic_rows_left(s)
    0
    """

    b = schema.import_batch
    query = sa.select(sa.func.coalesce(sa.func.sum(b.c.rows_loaded), 0)).where(
        b.c.status == "loaded", b.c.synthetic.is_(True)
    )
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


__all__ = [
    "AUDIT_ACTIONS",
    "AUDIT_ACTION_LABELS",
    "LEAST_ROLE",
    "produce",
    "audit_entries",
    "configuration",
    "batches",
    "database_mode",
    "est_activities",
    "est_cells",
    "est_week",
    "import_file",
    "indicator_values",
    "record_export",
    "record_signin",
    "role_for_sign_in",
    "provenance",
    "role_of_subject",
    "rollback",
    "set_role",
    "synthetic_rows_left",
    "shipped_public_data",
    "user_roles",
]
