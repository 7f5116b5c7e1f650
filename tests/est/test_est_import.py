"""Importing EST incidents and activities (sources/est.py) and the demo stream (demo_est.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from common.errors import UserError
from sources.demo_est import generate_incidents, load_est_demo, write_est_files
from sources.est import (
    add_activity,
    add_incident,
    import_est_file,
    validate_activities,
    validate_incidents,
)
from store import Store
from store.est import read_activities, read_incidents

ROOT = Path(__file__).resolve().parents[2]
TO_WGS84 = Transformer.from_crs(3006, 4326, always_xy=True)
HEADER = "tidpunkt;typ;partner;x;y"


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'est.sqlite'}")
    s.migrate()
    yield s
    s.dispose()


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def incidents(**columns) -> pd.DataFrame:
    base = {"tidpunkt": ["2025-11-15 22:10"], "typ": ["klotter"], "partner": ["polis"]}
    return pd.DataFrame({**base, **columns})


def database_dump(store: Store) -> str:
    with store.engine.connect() as conn:
        return "\n".join(conn.connection.driver_connection.iterdump())


# --- snapping -----------------------------------------------------------------------------------


def test_point_on_a_cell_edge_goes_to_the_cell_north_east_of_it():
    rows = validate_incidents(
        pd.concat(
            [
                incidents(x=["761500"], y=["7092250"]),  # exactly on a corner
                incidents(x=["761499,999"], y=["7092249.999"]),  # a millimetre south-west of it
            ],
            ignore_index=True,
        )
    )
    assert rows[["cell_x", "cell_y"]].values.tolist() == [[761500, 7092250], [761250, 7092000]]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(758_000, 764_000), st.floats(7_085_500, 7_093_000)),
        min_size=1,
        max_size=20,
    )
)
def test_every_point_lands_in_exactly_the_cell_that_contains_it(points):
    xs, ys = np.array(points).T
    frame = pd.DataFrame(
        {"tidpunkt": "2025-11-15 22:10", "typ": "hot", "partner": "polis", "x": xs, "y": ys}
    )
    rows = validate_incidents(frame)
    assert ((rows["cell_x"] <= xs) & (xs < rows["cell_x"] + 250)).all()
    assert ((rows["cell_y"] <= ys) & (ys < rows["cell_y"] + 250)).all()
    assert (rows["cell_x"] % 250 == 0).all() and (rows["cell_y"] % 250 == 0).all()


def test_wgs84_and_sweref_positions_of_one_place_give_the_same_cell():
    x, y = 761_375.0, 7_092_375.0  # a cell centre, far from any edge
    lon, lat = TO_WGS84.transform(x, y)
    sweref = validate_incidents(incidents(x=[x], y=[y]))
    crs_column = validate_incidents(incidents(x=[lon], y=[lat], crs=["EPSG:4326"]))
    lat_lon = validate_incidents(incidents(lat=[lat], lon=[lon]))
    crs_option = validate_incidents(incidents(x=[lon], y=[lat]), crs=4326)
    cells = {
        tuple(r[["cell_x", "cell_y", "district_code"]])
        for r in (sweref.iloc[0], crs_column.iloc[0], lat_lon.iloc[0], crs_option.iloc[0])
    }
    assert cells == {(761_250, 7_092_250, "d-ersboda")}


def test_point_outside_the_municipality_is_refused_with_its_row():
    frame = pd.concat(
        [incidents(x=["761400"], y=["7092300"]), incidents(x=["674000"], y=["6580000"])],
        ignore_index=True,
    )  # Stockholm
    with pytest.raises(UserError) as caught:
        validate_incidents(frame, file="h.csv")
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (3, "x")
    assert "utanför Umeå kommun" in problem.message


def test_degrees_given_as_sweref_get_a_hint_to_use_4326():
    with pytest.raises(UserError) as caught:
        validate_incidents(incidents(x=["20.3235"], y=["63.8288"]))
    assert "crs 4326" in caught.value.problems[0].message


# --- what is stored and what is refused -----------------------------------------------------------


def test_imported_file_keeps_cells_and_districts_but_no_point_and_no_description(store, tmp_path):
    path = write_csv(
        tmp_path / "h.csv",
        [
            f"{HEADER};beskrivning",
            "2025-11-15 22:10;klotter;Gator & parker;761400,5;7092300,5;tag på elskåp",
            "2025-11-16 01:30;Samling av unga;fältare;761951,25;7086850,75;",
        ],
    )
    result = import_est_file(store, path, kind="incident")
    stored = read_incidents(store)
    assert result.rows_loaded == 2
    assert stored[
        ["type", "partner", "cell_x", "cell_y", "district_code", "iso_week"]
    ].values.tolist() == [
        ["klotter", "Gator och parker", 761250, 7092250, "d-ersboda", "2025-W46"],
        ["samling av unga", "fältare", 761750, 7086750, "d-alidhem", "2025-W46"],
    ]
    dump = database_dump(store)
    assert "elskåp" not in dump and "761400.5" not in dump and "7086850" not in dump


def test_file_with_a_personnummer_in_the_description_is_refused_whole(store, tmp_path):
    path = write_csv(
        tmp_path / "h.csv",
        [
            f"{HEADER};beskrivning",
            "2025-11-15 22:10;hot;polis;761400;7092300;",
            "2025-11-15 23:10;hot;polis;761400;7092300;pojke 850709-9805 hotade",
        ],
    )
    with pytest.raises(UserError) as caught:
        import_est_file(store, path, kind="incident")
    assert (caught.value.problem.row, caught.value.problem.column) == (3, "beskrivning")
    assert "9805" not in str(caught.value)
    assert read_incidents(store).empty


def test_one_bad_row_stops_the_whole_file_and_every_problem_is_listed(store, tmp_path):
    path = write_csv(
        tmp_path / "h.csv",
        [
            HEADER,
            "2025-11-15 22:10;klotter;polis;761400;7092300",
            "2025-11-15 22:20;klottre;polis;761400;7092300",
            "2025-13-01 10:00;hot;okänd partner;761400;7092300",
        ],
    )
    with pytest.raises(UserError) as caught:
        import_est_file(store, path, kind="incident")
    where = {(p.row, p.column) for p in caught.value.problems}
    assert where == {(3, "typ"), (4, "tidpunkt"), (4, "partner")}
    assert any("menade du 'klotter'" in p.message for p in caught.value.problems)
    assert read_incidents(store).empty


def test_incident_in_the_future_is_refused():
    with pytest.raises(UserError) as caught:
        validate_incidents(incidents(x=["761400"], y=["7092300"]), now=datetime(2025, 11, 1, 12, 0))
    assert "framtiden" in caught.value.problems[0].message


def test_same_file_twice_is_imported_once(store, tmp_path):
    path = write_csv(tmp_path / "h.csv", [HEADER, "2025-11-15 22:10;hot;polis;761400;7092300"])
    first = import_est_file(store, path, kind="incident")
    again = import_est_file(store, path, kind="incident")
    assert (first.status, again.status, len(read_incidents(store))) == ("loaded", "unchanged", 1)


def test_excel_file_with_date_time_cells_is_read(store, tmp_path):
    path = tmp_path / "h.xlsx"
    pd.DataFrame(
        {
            "Tidpunkt": [datetime(2025, 11, 22, 21, 45)],
            "Typ": ["Brand"],
            "Rapportör": ["Polisen"],
            "X": [761400.0],
            "Y": [7092300.0],
        }
    ).to_excel(path, index=False)
    import_est_file(store, path, kind="incident")
    row = read_incidents(store).iloc[0]
    assert (row["occurred_at"], row["type"], row["partner"]) == (
        pd.Timestamp("2025-11-22 21:45"),
        "brand",
        "polis",
    )


# --- activities and the in-app form ---------------------------------------------------------------


def test_activity_by_district_name_stadsdel_or_position():
    rows = validate_activities(
        pd.DataFrame(
            {
                "start": ["2025-11-21 19:00", "2025-11-22 19:00", "2025-11-22 20:00"],
                "slut": ["2025-11-21 23:00", "", ""],
                "typ": ["nattvandring", "fältvandring", "patrull"],
                "status": ["genomförd", "planerad", "Genomförd"],
                "arrangör": ["Nattvandrarna", "fältare", "polisen"],
                "område": ["Ålidhem", "Regementet", ""],
                "x": ["", "", "761400"],
                "y": ["", "", "7092300"],
            }
        )
    )
    assert rows["district_code"].tolist() == ["d-alidhem", "d-centrum", "d-ersboda"]
    assert rows["status"].tolist() == ["genomford", "planerad", "genomford"]
    assert rows["cell_x"].isna().tolist() == [True, True, False]


def test_activity_whose_district_contradicts_its_position_is_refused():
    with pytest.raises(UserError) as caught:
        validate_activities(
            pd.DataFrame(
                {
                    "start": ["2025-11-21 19:00"],
                    "typ": ["patrull"],
                    "status": ["planerad"],
                    "arrangör": ["polis"],
                    "område": ["Ersboda"],
                    "x": ["761951"],
                    "y": ["7086850"],
                }
            )
        )
    assert "stämmer inte" in caught.value.problems[0].message


def test_form_entries_are_stored_one_by_one_and_checked_like_files(store):
    add_incident(
        store,
        occurred_at="2025-11-15 22:10",
        type="Skadegörelse",
        partner="handel",
        x=761400,
        y=7092300,
        crs=3006,
        user="anna",
    )
    add_incident(
        store,
        occurred_at="2025-11-15 22:10",
        type="Skadegörelse",
        partner="handel",
        x=761400,
        y=7092300,
        crs=3006,
        user="anna",
    )  # the same again is a new incident
    add_activity(
        store,
        starts_at="2025-11-21 19:00",
        kind="lovaktivitet",
        status="planerad",
        organiser="fritid",
        district="Tomtebo",
        user="anna",
    )
    with pytest.raises(UserError):
        add_incident(
            store,
            occurred_at="2025-11-15 22:10",
            type="mord",
            partner="polis",
            x=761400,
            y=7092300,
            crs=3006,
            user="anna",
        )
    assert len(read_incidents(store)) == 2
    assert read_activities(store)[["kind", "district_code"]].values.tolist() == [
        ["lovaktivitet", "d-tomtebo"]
    ]


# --- command line ---------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sources.est", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_cli_imports_a_good_file_and_refuses_a_bad_one_with_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    good = write_csv(tmp_path / "good.csv", [HEADER, "2025-11-15 22:10;hot;polis;761400;7092300"])
    bad = write_csv(tmp_path / "bad.csv", [HEADER, "2025-11-15 22:10;hot;polis;674000;6580000"])
    ok = run_cli("import", str(good), "--kind", "incident", "--db", url)
    refused = run_cli("import", str(bad), "--kind", "incident", "--db", url)
    assert ok.returncode == 0, ok.stderr
    assert "1 rader inlästa" in ok.stdout
    assert refused.returncode == 2
    assert "rad 2" in refused.stderr and "Traceback" not in refused.stderr


# --- the demo stream ------------------------------------------------------------------------------


def test_demo_files_are_byte_identical_on_every_run(tmp_path):
    first = write_est_files(tmp_path / "a")
    second = write_est_files(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_demo_stream_has_evening_and_weekend_peaks_and_town_clusters():
    raw = generate_incidents()
    times = pd.to_datetime(raw["tidpunkt"])
    rows = validate_incidents(raw)
    assert 10_000 < len(rows) < 15_000
    assert rows["iso_week"].min() == "2023-W49" and rows["iso_week"].max() == "2025-W48"
    evening = times.dt.hour.between(18, 23).mean()
    weekend = times.dt.weekday.isin([4, 5]).mean()
    assert evening > 0.4 and weekend > 2 / 7 + 0.05
    town = {
        "d-ersboda",
        "d-alidhem",
        "d-mariehem",
        "d-tomtebo",
        "d-centrum",
        "d-haga-sandbacka",
        "d-berghem",
        "d-universitetet",
        "d-nydala",
        "d-teg",
        "d-vasterslatt",
    }
    assert rows["district_code"].isin(town).mean() > 0.85
    busiest = rows.groupby(["cell_x", "cell_y", "district_code"]).size().nlargest(6)
    assert {"d-alidhem", "d-ersboda", "d-centrum"} <= set(busiest.index.get_level_values(2))


def test_demo_loads_through_the_import_path_as_synthetic(store, tmp_path):
    loaded = load_est_demo(store, tmp_path)
    again = load_est_demo(store, tmp_path)
    with store.engine.connect() as conn:
        synthetic = conn.execute(sa.text("SELECT DISTINCT synthetic FROM import_batch")).all()
    assert loaded["incident"] > 10_000 and loaded["activity"] > 1_000
    assert again == {"incident": 0, "activity": 0}
    assert synthetic == [(1,)] and read_incidents(store)["synthetic"].all()
    activities = read_activities(store)
    assert set(activities["status"]) == {"planerad", "genomford"}
    assert activities["cell_x"].notna().any() and activities["cell_x"].isna().any()
