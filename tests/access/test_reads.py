"""The role matrix: every read (and write) path of access.reads called with every role.

The expected matrix is written out here, independently of access.CAPABILITIES, so a change to
who may see what has to change this table too.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
import sqlalchemy as sa

from access import ROLES, PermissionDenied, reads
from common.errors import UserError
from store import Store, schema
from store.areas import sync_areas
from store.events import write_events
from store.observations import write_observations

ALL = set(ROLES)
EST = {"est", "admin"}
ANALYSTS = {"analytiker", "admin"}
ADMIN = {"admin"}
WEEK = "2025-W47"

#: Path → roles that may use it (issue 7, "Roles").
EXPECTED = {
    "indicator_values": ALL,
    "est_week": ALL,
    "est_cells": EST,
    "est_activities": EST,
    "batches": ANALYSTS,
    "import_file": ANALYSTS,
    "rollback": ANALYSTS,
    "audit_entries": ADMIN,
    "user_roles": ADMIN,
    "set_role": ADMIN,
}
_UNIQUE = itertools.count(10)
NOT_ROLES = ["", "ADMIN", "Admin ", "superuser", "publik'; DROP TABLE user_role; --", None]


def _observations(period: str, counts: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": "ej_behoriga_gymnasiet",
            "area_code": list(counts),
            "period": period,
            "count": list(counts.values()),
            "denominator": 200.0,
            "value": None,
        }
    )


@pytest.fixture(scope="module")
def matrix_store(tmp_path_factory):
    """Stadsdel-level values (rolled up to districts and Umeå), a week of EST incidents and
    activities, an audit line and a user-role row."""
    from geo.areas import read_areas

    path = tmp_path_factory.mktemp("matrix") / "uvts.sqlite"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    sync_areas(store, read_areas())
    for year in ("2023", "2024"):
        write_observations(
            store,
            [_observations(year, {"sd-ersboda": 30.0, "sd-alidhemsomradet": 40.0})],
            source="test",
            file_name=f"{year}.csv",
            checksum=year,
            user="t",
        )
    times = pd.to_datetime(["2025-11-18 21:00"] * 7 + ["2025-11-19 22:00"] * 2)
    incidents = pd.DataFrame(
        {
            "occurred_at": times,
            "iso_week": WEEK,
            "type": "skadegörelse",
            "partner": "polis",
            "cell_x": [761250] * 7 + [762000] * 2,
            "cell_y": 7092250,
            "district_code": ["d-ersboda"] * 7 + ["d-alidhem"] * 2,
        }
    )
    write_events(
        store, "incident", [incidents], source="test", file_name="inc.csv", checksum="inc", user="t"
    )
    activities = pd.DataFrame(
        {
            "starts_at": pd.to_datetime(["2025-11-18 19:00"]),
            "ends_at": None,
            "iso_week": WEEK,
            "kind": "nattvandring",
            "status": "planerad",
            "district_code": "d-ersboda",
            "cell_x": 761250,
            "cell_y": 7092250,
            "organiser": "fältgruppen",
        }
    )
    write_events(
        store,
        "activity",
        [activities],
        source="test",
        file_name="act.csv",
        checksum="act",
        user="t",
    )
    reads.set_role(store, "admin", "anna@umea.se", "est", by="setup")
    yield store
    store.dispose()


def call(path: str, store: Store, role, tmp_path) -> object:
    """Use ``path`` as ``role``; write paths act on something made for this call only."""
    if path == "indicator_values":
        return reads.indicator_values(store, role)
    if path == "est_week":
        return reads.est_week(store, role, WEEK)
    if path in ("est_cells", "est_activities"):
        return getattr(reads, path)(store, role, WEEK)
    if path == "batches":
        return reads.batches(store, role)
    if path == "import_file":
        csv = tmp_path / "import.csv"
        csv.write_text(
            f"omrade;period;matt;antal;namnare\nErsboda;2022;ej_behoriga_gymnasiet;"
            f"{next(_UNIQUE)};1000\n",
            encoding="utf-8",
        )  # a new checksum each call
        return reads.import_file(store, role, csv, user=f"u-{role}")
    if path == "rollback":
        batch = write_observations(
            store,
            [_observations("2020", {"sd-ersboda": 3.0})],
            source="test",
            file_name="r.csv",
            checksum=f"rb-{role}-{tmp_path.name}",
            user="t",
        ).batch_id
        return reads.rollback(store, role, batch, user=f"u-{role}")
    if path == "audit_entries":
        return reads.audit_entries(store, role)
    if path == "user_roles":
        return reads.user_roles(store, role)
    if path == "set_role":
        return reads.set_role(store, role, f"new-{role}@umea.se", "rad", by=f"u-{role}")
    raise AssertionError(path)


def _snapshot(store: Store) -> tuple:
    with store.engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (schema.observation, schema.import_batch, schema.user_role, schema.audit_log)
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(EXPECTED))
def test_every_path_with_every_role_follows_the_matrix(matrix_store, tmp_path, path, role):
    if role in EXPECTED[path]:
        call(path, matrix_store, role, tmp_path)
        return
    before = _snapshot(matrix_store) if path != "rollback" else None
    with pytest.raises(PermissionDenied) as refused:
        call(path, matrix_store, role, tmp_path)
    assert isinstance(refused.value, UserError)
    assert str(refused.value).startswith("Rollen ") and "får inte" in str(refused.value)
    if before is not None:
        assert _snapshot(matrix_store) == before  # a refused write wrote nothing


@pytest.mark.parametrize("role", NOT_ROLES)
def test_a_role_that_does_not_exist_gets_nothing(matrix_store, tmp_path, role):
    for path in EXPECTED:
        if path == "rollback":
            continue  # needs a batch; covered by the matrix
        with pytest.raises(PermissionDenied):
            call(path, matrix_store, role, tmp_path)


def test_public_sees_municipality_and_districts_only_everyone_else_also_stadsdelar(matrix_store):
    levels = {role: set(reads.indicator_values(matrix_store, role)["area_level"]) for role in ROLES}
    assert levels["publik"] == {"municipality", "district"}
    for role in ROLES[1:]:
        assert levels[role] == {"municipality", "district", "stadsdel"}
    # Asking for stadsdelar explicitly does not widen what the public gets.
    assert reads.indicator_values(matrix_store, "publik", levels=["stadsdel"]).empty
    assert not reads.indicator_values(matrix_store, "rad", levels=["stadsdel"]).empty


def test_every_role_gets_the_same_suppressed_district_values(matrix_store):
    frames = {
        role: reads.indicator_values(matrix_store, role, levels=["district"]) for role in ROLES
    }
    for role in ROLES[1:]:
        pd.testing.assert_frame_equal(frames[role], frames["publik"])
    assert frames["publik"]["suppressed"].any()  # districts without data are hidden, not zero


def test_est_week_gives_cells_only_to_est_and_admin(matrix_store):
    for role in ROLES:
        view = reads.est_week(matrix_store, role, WEEK)
        if role in EST:
            assert set(view["cells"]["count"]) == {7, 2}
            assert len(view["activities"]) == 1
        else:
            # Others get the four-week period ended in W48 (W45-W48 holds W47), never a week.
            view = reads.est_week(matrix_store, role, "2025-W48")
            assert view["period"] == "2025-P12"
            assert not {"cells", "by_partner", "weekday_hour", "activities"} & set(view)
            assert not {"previous_mean", "p_value", "flag", "label"} & set(view["districts"])
            districts = view["districts"].set_index("district_code")
            # 2 < 5 is hidden, and Ersboda too: Umeå's total 9 minus it would give the 2 away.
            assert districts.loc[["d-ersboda", "d-alidhem"], "suppressed"].all()
            assert districts.loc[["d-ersboda", "d-alidhem"], "count"].isna().all()


def test_est_cells_refusal_message_is_swedish(matrix_store):
    with pytest.raises(PermissionDenied, match="Rollen Allmänhet får inte se EST-händelser"):
        reads.est_cells(matrix_store, "publik", WEEK)


def test_role_change_is_audited_and_read_back_at_sign_in(matrix_store):
    reads.set_role(matrix_store, "admin", "bo@umea.se", "analytiker", by="admin-eva")
    assert reads.role_of_subject(matrix_store, "bo@umea.se") == "analytiker"
    reads.set_role(matrix_store, "admin", "bo@umea.se", None, by="admin-eva")
    assert reads.role_of_subject(matrix_store, "bo@umea.se") is None
    log = reads.audit_entries(matrix_store, "admin", action="role_change", limit=2)
    assert log["detail"].tolist() == ["bo@umea.se: analytiker → –", "bo@umea.se: – → analytiker"]
    assert set(log["user_name"]) == {"admin-eva"}


def test_set_role_refuses_unknown_roles_and_empty_subjects(matrix_store):
    with pytest.raises(UserError, match="Okänd roll"):
        reads.set_role(matrix_store, "admin", "x@umea.se", "superuser", by="a")
    with pytest.raises(UserError, match="identitet"):
        reads.set_role(matrix_store, "admin", "  ", "rad", by="a")


def test_imports_rollbacks_and_signins_land_in_the_audit_log(matrix_store, tmp_path):
    call("import_file", matrix_store, "analytiker", tmp_path)
    call("rollback", matrix_store, "analytiker", tmp_path)
    reads.record_signin(matrix_store, user="anna@umea.se", detail="roll est")
    reads.record_export(matrix_store, "rad", user="anna@umea.se", what="x.csv")
    log = reads.audit_entries(matrix_store, "admin", limit=5)
    # The rollback's own batch is written by the test ("t") between the two analyst actions.
    assert log["action"].tolist() == ["export", "signin", "rollback", "import", "import"]
    assert log["user_name"].tolist() == [
        "anna@umea.se",
        "anna@umea.se",
        "u-analytiker",
        "t",
        "u-analytiker",
    ]


def test_database_mode_decides_the_demo_switcher(matrix_store, demo_store):
    assert reads.database_mode(matrix_store) == "real"
    assert reads.database_mode(demo_store) == "demo"
    empty = Store("sqlite://")
    empty.migrate()
    assert reads.database_mode(empty) == "empty"
