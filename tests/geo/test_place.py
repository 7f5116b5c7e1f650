"""Any municipality by configuration (issue 15): Umeå's place file and a second place built
only from SCB's national RegSO file (Skellefteå: districts = its RegSO, no boundary file).

The place is read once per process (``$PLACE``), so the second place runs in child processes:
the demo load, the published values, the brief and every page in table-and-chart mode.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from common.errors import UserError
from common.place import load_place, place_file
from common.settings import DEFAULT_PLACE, ROOT
from geo.areas import read_areas
from sources.public import SCB_DIR
from sources.scb_regso import read_regso_tables, regso_names

PLACES = ["umea", "skelleftea"]


@pytest.mark.parametrize("key", PLACES)
def test_every_place_file_is_complete_and_its_files_are_valid(key):
    place = load_place(key)
    assert len(place.code) == 4 and place.name and place.programme
    areas = read_areas(path=place.areas_file)  # validated: one municipality, parents exist
    municipality = areas[areas["level"] == "municipality"].iloc[0]
    assert municipality["code"] == place.code
    districts = areas[areas["level"] == "district"]
    assert set(place.focus_districts) <= set(districts["code"])
    assert set(districts.loc[districts["focus"], "code"]) == set(place.focus_districts)
    key_file = pd.read_csv(place.school_key_file, sep=";", dtype=str, keep_default_na=False)
    assert list(key_file.columns) == ["skolenhetskod", "skola", "huvudman", "distrikt"]
    assert (key_file["distrikt"] == "").all()  # shipped blank: never guessed


def test_umea_keeps_its_boundaries_and_2480():
    umea = load_place("umea")
    assert (umea.code, umea.has_boundaries, umea.deso_district_file is not None) == (
        "2480",
        True,
        True,
    )


def test_the_second_place_is_its_regso_and_has_no_boundary_file():
    place = load_place("skelleftea")
    assert not place.has_boundaries and place.deso_district_file is None
    assert "geodata.scb.se" in place.boundary_hint  # the map says which file to add
    names = regso_names(read_regso_tables(SCB_DIR), "Skellefteå")
    districts = read_areas(path=place.areas_file, level="district")
    assert sorted(districts["name"]) == names and len(names) == 25


def test_regenerating_the_second_place_gives_the_same_files(tmp_path, monkeypatch):
    from sources import place as make

    before = {
        p: p.read_bytes()
        for p in [
            ROOT / "data/place/skelleftea_areas.csv",
            ROOT / "data/place/skelleftea_regso.csv",
            ROOT / "data/templates/skola_distrikt_skelleftea.csv",
        ]
    }
    written = make.make_place("Skellefteå", "2482", "skelleftea")
    for path, content in before.items():
        assert path in written and path.read_bytes() == content


@pytest.mark.parametrize(
    ("key", "words"), [("../etc", "Ogiltigt platsnamn"), ("atlantis", "finns inte")]
)
def test_a_bad_place_is_refused_in_swedish(key, words):
    with pytest.raises(UserError, match=words):
        load_place(key)


def test_a_place_file_missing_fields_says_which(tmp_path, monkeypatch):
    import common.place as cp

    monkeypatch.setattr(cp, "PLACE_DIR", tmp_path)
    (tmp_path / "x.yml").write_text("code: '1234'\nname: X\n", encoding="utf-8")
    cp._load.cache_clear()
    try:
        with pytest.raises(UserError) as caught:
            cp.load_place("x")
    finally:
        cp._load.cache_clear()
    assert "saknas" in caught.value.problem.message and caught.value.problem.file.endswith("x.yml")
    assert place_file("umea").name == "umea.yml"


def _child(code: str, place: str, db, timeout: int = 600) -> dict:
    env = {**os.environ, "PLACE": place, "UVTS_DATABASE_URL": f"sqlite:///{db}"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


#: What `make run` does first for a place: the demo load (synthetic + real public figures).
DEMO_LOAD = """
    import json, os
    from sources.demo import main
    main(["--db", os.environ["UVTS_DATABASE_URL"]])
    print(json.dumps({}))
    """


@pytest.fixture(scope="module")
def place_db(tmp_path_factory, request):
    """The demo database of each place, loaded once through the make-run path (read-only use).

    The default place's is the session's demo database (tests/conftest.py), which is loaded by
    the same command (``sources.demo --if-empty`` on an empty store) with ``$PLACE`` unset.
    """
    built: dict = {}
    if os.environ.get("PLACE", "").strip().casefold() in ("", DEFAULT_PLACE):
        built[DEFAULT_PLACE] = request.getfixturevalue("demo_db_file")

    def get(key: str, tmp_path) -> str:
        if key not in built:
            built[key] = tmp_path_factory.mktemp(f"place-{key}") / "p.sqlite"
            _child(DEMO_LOAD, key, built[key])
        copy = tmp_path / "p.sqlite"
        shutil.copy(built[key], copy)
        return copy

    return get


@pytest.mark.parametrize("key", PLACES)
def test_make_run_path_loads_demo_and_real_figures_for_each_place(key, tmp_path, place_db):
    out = _child(
        """
        import json
        from access.app import open_store
        from indicators.engine import compute
        from geo import PLACE
        v = compute(open_store(), levels=("country", "municipality", "district"))
        rented = v[(v["indicator_id"] == "andel_hyresratt") & (v["period"] == "2023")]
        print(json.dumps({
            "municipality": v.loc[v["area_level"] == "municipality", "area_code"].unique().tolist(),
            "districts": sorted(v.loc[v["area_level"] == "district", "area_code"].unique()),
            "rented_real": bool((~rented["synthetic"]).all()),
            "rented_areas": int(len(rented)),
            "sweden": sorted(v.loc[v["area_code"] == "SE", "indicator_id"].unique()),
            "synthetic_elsewhere": bool(v["synthetic"].any()),
        }))
        """,
        key,
        place_db(key, tmp_path),
    )
    place = load_place(key)
    districts = read_areas(path=place.areas_file, level="district")["code"]
    assert out["municipality"] == [place.code]
    assert set(out["districts"]) <= set(districts)
    assert out["rented_real"] and out["synthetic_elsewhere"]  # real next to the synthetic demo
    assert {"andel_hyresratt", "meritvarde_ak9", "medelinkomst_lon"} <= set(out["sweden"])
    if key == "skelleftea":
        assert out["districts"] == sorted(districts)  # every RegSO is a district
        assert out["rented_areas"] == 25 + 2  # 25 RegSO, the municipality, Sweden


def test_second_place_brief_has_no_map_and_names_the_place(tmp_path, place_db):
    out = _child(
        """
        import json, os
        from pypdf import PdfReader
        from access.app import open_store
        from reports.brief import build_brief
        path = build_brief(open_store(), period="2023", out=os.environ["UVTS_DATABASE_URL"][10:] + ".pdf")
        text = "\\n".join(p.extract_text() for p in PdfReader(path).pages)
        print(json.dumps({"text": text}))
        """,
        "skelleftea",
        place_db("skelleftea", tmp_path),
    )
    text = out["text"]
    assert "Skellefteå" in text and "Ingen karta" in text and "Sverige" in text
    assert "Umeå" not in text
    assert "demografisk kontext): högre än förra året (bättre)" not in text


#: Every page of the app, toured as the admin (who may open them all) on the second place.
PAGE_TOUR = """
    import json
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file("dashboard.py", default_timeout=120)
    at.session_state["role"] = "admin"
    at.run()
    entry = [w.value for w in at.warning]  # the demo banner, above the first page
    out = {}
    for page in ["oversikt", "karta", "trender", "omradesprofil", "jamforelse", "insatser",
                 "est", "data", "om_metod"]:
        at.switch_page(f"pages/{page}.py")
        at.run()
        texts = [e.value for kind in ("info", "warning", "error", "caption", "markdown",
                                      "title", "header", "subheader", "metric")
                 for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str)]
        texts += [str(e.label) for e in at.metric]
        out[page] = {
            "exceptions": [str(e.value) for e in at.exception],
            "info": [i.value for i in at.info],
            "errors": [e.value for e in at.error],
            "maps": len(at.get("deck_gl_json_chart")),
            "charts": len(at.get("plotly_chart")),
            "tables": len(at.dataframe),
            "text": "\\n".join(texts),
        }
    print(json.dumps({"entry": entry, "pages": out}))
    """


def test_second_place_every_page_runs_without_a_map_or_an_umea_word(tmp_path, place_db):
    done = _child(PAGE_TOUR, "skelleftea", place_db("skelleftea", tmp_path))
    out = done["pages"]
    for page, seen in out.items():
        assert seen["exceptions"] == [] and seen["errors"] == [], (page, seen)
        assert seen["maps"] == 0, page  # no boundary file: no map anywhere
        assert "Umeå" not in seen["text"], (page, seen["text"])
    assert any("Demodata – syntetiska värden" in w for w in done["entry"])
    assert any("tabell- och diagramläge" in i for i in out["oversikt"]["info"])
    # The map page says which file to add and where to name it.
    assert any("data/place/skelleftea.yml" in i for i in out["karta"]["info"])
    # Tables and charts instead of maps.
    assert out["oversikt"]["tables"] >= 2 and out["trender"]["charts"] >= 1
    assert out["omradesprofil"]["tables"] + out["omradesprofil"]["charts"] >= 1
    # EST: no demo stream here and no map; the page says so instead of failing.
    assert any(
        "EST kräver kommunens gränsfil" in i and "data/place/skelleftea.yml" in i
        for i in out["est"]["info"]
    )
    assert "Skellefteå" in out["oversikt"]["text"] + out["om_metod"]["text"]


@pytest.mark.parametrize(
    ("place", "name"),
    [(None, "uvts.sqlite"), ("umea", "uvts.sqlite"), ("skelleftea", "uvts-skelleftea.sqlite")],
)
def test_each_place_has_its_own_default_database(monkeypatch, place, name):
    from common.settings import database_url

    monkeypatch.delenv("UVTS_DATABASE_URL", raising=False)
    if place is None:
        monkeypatch.delenv("PLACE", raising=False)
    else:
        monkeypatch.setenv("PLACE", place)
    assert database_url().endswith(f"/var/{name}")  # another place never opens Umeå's file
    monkeypatch.setenv("UVTS_DATABASE_URL", "sqlite:////tmp/x.sqlite")
    assert database_url() == "sqlite:////tmp/x.sqlite"


def test_the_est_demo_comes_from_the_place_file_and_a_broken_one_is_refused_in_swedish():
    from dataclasses import replace

    from sources.demo_est import demo_plan, has_est_demo
    from sources.est import with_place_words

    umea, other = load_place("umea"), load_place("skelleftea")
    assert has_est_demo(umea) and not has_est_demo(other)
    plan = demo_plan(umea)
    assert plan.emerging in {s[0] for s in plan.spots}
    # Every spot used for activities by district names a district of the place.
    districts = set(read_areas(path=umea.areas_file, level="district")["name"])
    assert set(plan.district_of.values()) <= districts
    # The place's own words extend the built-in vocabularies; other places get theirs.
    assert "skellefteå kommun" in with_place_words({}, "organisers", place=other)["kommunen"]
    assert "umeå kommun" not in with_place_words({}, "organisers", place=other)["kommunen"]
    broken = replace(umea, est={"demo": {**umea.est["demo"], "emerging": "Atlantis torg"}})
    with pytest.raises(UserError) as caught:
        demo_plan(broken)
    problem = caught.value.problem
    assert "Atlantis torg" in problem.message and problem.file == "data/place/umea.yml"
    with pytest.raises(UserError, match="est.demo saknas"):
        demo_plan(other)


@pytest.mark.parametrize("key", PLACES)
def test_connectors_ask_for_the_place_they_run_for(monkeypatch, key):
    from sources import download, kolada, polisen, skolverket

    monkeypatch.setenv("PLACE", key)
    place = load_place(key)
    assert kolada.data_url("N15428").endswith(f"/municipality/{place.code}")
    assert f"geographicalAreaCode={place.code}" in skolverket.school_units_url()
    assert polisen.events_url() == polisen.events_url(place.name)
    assert place.name_municipality in download.user_agent()
