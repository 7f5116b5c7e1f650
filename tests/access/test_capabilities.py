"""Role × capability, exhaustively: every capability access/ declares is enforced by a function
in access/, each role gets exactly what CAPABILITIES says, and the pages follow (issue 11).

Also: the role table is keyed on the OIDC subject (e-mail only when verified), and demo mode
is an explicit database state that a rollback never brings back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from access import (
    CAPABILITIES,
    ROLES,
    PermissionDenied,
    app,
    interventions,
    may,
    reads,
    subject_keys,
)
from common.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
WEEK = "2025-W47"


def _template(folder: Path) -> Path:
    path = folder / "skola.csv"
    path.write_text("omrade;period;matt;antal\nErsboda;2024;pop_total;5\n", encoding="utf-8")
    return path


#: One call per capability; each must raise PermissionDenied exactly for roles without it.
CALLS = {
    "indicator_values": lambda s, r, f: reads.indicator_values(s, r),
    "stadsdel_values": lambda s, r, f: _stadsdel(s, r),
    "est_district_totals": lambda s, r, f: reads.est_week(s, r, WEEK),
    "est_cells": lambda s, r, f: reads.est_cells(s, r, WEEK),
    "est_activities": lambda s, r, f: reads.est_activities(s, r, WEEK),
    "est_entry": lambda s, r, f: app.add_activity(
        s,
        r,
        user="t",
        starts_at="2025-11-21 19:00",
        kind="patrull",
        status="planerad",
        organiser="polis",
        district="Ersboda",
    ),
    "brief": lambda s, r, f: reads.produce(s, r, "brief", lambda: b"%PDF", user="t", what="b"),
    "est_brief": lambda s, r, f: reads.produce(
        s, r, "est_brief", lambda: b"%PDF", user="t", what="v"
    ),
    "export": lambda s, r, f: reads.record_export(s, r, user="t", what="x.csv"),
    "batches": lambda s, r, f: reads.batches(s, r),
    "import": lambda s, r, f: reads.import_file(s, r, _template(f), user="t"),
    "rollback": lambda s, r, f: _rollback(s, r),
    "audit_log": lambda s, r, f: reads.audit_entries(s, r),
    "user_roles": lambda s, r, f: reads.user_roles(s, r),
    "set_role": lambda s, r, f: reads.set_role(s, r, "x@umea.se", "est", by="t"),
    "configuration": lambda s, r, f: reads.configuration(s, r),
    "interventions_read": lambda s, r, f: interventions.interventions(s, r),
    "interventions_write": lambda s, r, f: interventions.add_intervention(
        s, r, user="t", name="Fältare", districts=["d-ersboda"], start="2024-08-15"
    ),
    "council_meetings": lambda s, r, f: reads.set_council_meetings(s, r, ["2025-11-12"], user="t"),
}


def _stadsdel(store, role):
    """Values per stadsdel are narrowed, not refused: a role without them gets none."""
    frame = reads.indicator_values(store, role, levels=["stadsdel"])
    if not may(role, "stadsdel_values") and not frame.empty:
        raise AssertionError("stadsdel values leaked")
    if not may(role, "stadsdel_values"):
        raise PermissionDenied(role, "stadsdel_values")
    return frame


def _rollback(store, role):
    try:
        return reads.rollback(store, role, 999_999, user="t")
    except PermissionDenied:
        raise
    except UserError:  # allowed, but there is no such batch
        return None


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from geo.areas import read_areas
    from store import Store
    from store.areas import sync_areas

    s = Store(f"sqlite:///{tmp_path_factory.mktemp('caps') / 'uvts.sqlite'}")
    s.migrate()
    sync_areas(s, read_areas())
    yield s
    s.dispose()


def test_every_declared_capability_has_an_enforcing_call():
    assert set(CALLS) == set(CAPABILITIES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_role_times_capability(store, tmp_path, role, capability):
    call = CALLS[capability]
    if may(role, capability):
        call(store, role, tmp_path)
    else:
        with pytest.raises(PermissionDenied) as caught:
            call(store, role, tmp_path)
        assert caught.value.capability == capability


@pytest.mark.parametrize("role", ["superuser", "", "ADMIN", None, "admin "])
def test_unknown_roles_get_nothing_beyond_publik(store, tmp_path, role):
    for capability, call in CALLS.items():
        if capability in (
            "indicator_values",
            "est_district_totals",
            "export",
            "interventions_read",
        ):
            continue  # everyone's; an unknown role reads as publik through normalise_role
        with pytest.raises(PermissionDenied):
            call(store, role, tmp_path)


# --- who signs in: subject, verified e-mail ---------------------------------------------------


def test_an_unverified_email_never_finds_the_table_role(any_store):
    reads.set_role(any_store, "admin", "boss@umea.se", "admin", by="it")
    for verified in (False, "false", None, 0, "", "0"):
        claims = {"sub": "mallory", "email": "boss@umea.se", "email_verified": verified}
        if verified is None:
            claims.pop("email_verified")
        role, origin, user = reads.role_for_sign_in(any_store, claims)
        assert (role, origin, user) == ("publik", "standard", "mallory")
    claims = {"sub": "b-1", "email": "boss@umea.se", "email_verified": True}
    assert reads.role_for_sign_in(any_store, claims)[0] == "admin"


def test_the_subject_claim_is_the_key_and_entra_can_use_oid(any_store):
    reads.set_role(any_store, "admin", "0f3c-oid", "analytiker", by="it")
    claims = {"oid": "0f3c-oid", "sub": "pairwise-x", "email": "a@umea.se"}
    assert reads.role_for_sign_in(any_store, claims, subject_claim="oid")[0] == "analytiker"
    assert reads.role_for_sign_in(any_store, claims)[0] == "publik"
    assert subject_keys({"email": "a@umea.se", "email_verified": True}) == ["a@umea.se"]


def test_an_intervention_text_with_a_personnummer_is_refused(any_store):
    from geo.areas import read_areas
    from store.areas import sync_areas
    from tests.sources.conftest import dump

    sync_areas(any_store, read_areas())
    before = dump(any_store)
    for field in ("name", "description"):
        fields = {"name": "Fältare", "description": "", field: "kontakt 850709\u22129805"}
        with pytest.raises(UserError) as caught:
            interventions.add_intervention(
                any_store,
                "analytiker",
                user="t",
                districts=["d-ersboda"],
                start="2024-08-15",
                **fields,
            )
        assert "9805" not in str(caught.value)
    assert dump(any_store) == before


def test_a_personnummer_subject_is_masked_in_the_audit_log_and_never_stored(any_store):
    role, _, user = reads.role_for_sign_in(any_store, {"sub": "19121212-1212", "name": "x"})
    assert role == "publik" and "1212" not in user
    reads.record_signin(any_store, user="19121212-1212", detail="x")
    assert "1212" not in reads.audit_entries(any_store, "admin").to_csv()


# --- demo mode ----------------------------------------------------------------------------------


def test_demo_mode_is_closed_for_good_by_the_first_real_import(any_store, tmp_path):
    from sources.demo import demo_allowed
    from sources.template import import_file
    from store.demo_state import demo_state, start_demo

    assert reads.database_mode(any_store) == "empty"
    start_demo(any_store)
    demo = tmp_path / "demo.csv"
    demo.write_text("omrade;period;matt;antal\nErsboda;2023;pop_total;5\n", encoding="utf-8")
    import_file(any_store, demo, user="demo", synthetic=True)
    assert reads.database_mode(any_store) == "demo"
    assert demo_allowed(any_store.url) == any_store.url.startswith("sqlite")
    result = import_file(any_store, _template(tmp_path), user="anna")
    assert reads.database_mode(any_store) == "real" and demo_state(any_store) == "closed"
    reads.rollback(any_store, "analytiker", result.batch_id, user="anna")
    assert reads.database_mode(any_store) == "real"  # the rollback does not bring demo back
    with pytest.raises(UserError, match="demoläget"):
        start_demo(any_store)


def test_the_migration_gives_an_old_database_its_demo_state(any_store, tmp_path):
    """A database from before migration 0002 that had a real batch rolled back stays real."""
    import sqlalchemy as sa
    from alembic import command

    from sources.template import import_file
    from store.db import _alembic_config
    from store.demo_state import demo_state

    result = import_file(any_store, _template(tmp_path), user="anna")
    reads.rollback(any_store, "admin", result.batch_id, user="anna")
    cfg = _alembic_config()
    with any_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        assert (
            conn.execute(sa.text("SELECT count(*) FROM setting WHERE key='demo_mode'")).scalar()
            == 0
        )
    any_store.migrate()
    assert demo_state(any_store) == "closed" and reads.database_mode(any_store) == "real"


def test_make_run_on_an_empty_server_database_does_not_load_the_demo(postgres_server):
    from store import Store

    url = postgres_server()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "UVTS_DATABASE_URL": url}
    env.pop("UVTS_DEMO", None)
    done = subprocess.run(
        [sys.executable, "-m", "sources.demo", "--if-empty"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "UVTS_DEMO=1" in done.stdout
    store = Store(url)
    try:
        assert reads.database_mode(store) == "empty"
        batches = reads.batches(store, "admin")
        assert not batches["synthetic"].any()  # public snapshots may load, the demo never
    finally:
        store.dispose()
