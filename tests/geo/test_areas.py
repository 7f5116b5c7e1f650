"""The area hierarchy, the DeSO/RegSO key and name resolution (geo/areas.py)."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest

from common.errors import UserError, ValidationError
from geo import GEO_DATA_DIR
from geo.areas import (
    area_parent_map,
    descendants,
    district_of,
    read_areas,
    read_deso_mapping,
    resolve_area,
    resolve_areas,
)

FOCUS = {
    "d-ersboda": ("Ersboda", "Ersboda"),
    "d-mariehem": ("Mariehem", "Marieområdet"),
    "d-alidhem": ("Ålidhem", "Ålidhemsområdet"),
    "d-tomtebo": ("Tomtebo", "Tomtebo"),
}


def test_hierarchy_has_one_municipality_and_121_stadsdelar_each_under_a_district():
    areas = read_areas()
    assert areas["code"].is_unique
    assert areas["level"].value_counts().to_dict() == {
        "stadsdel": 121,
        "district": 21,
        "municipality": 1,
    }
    municipality = areas[areas["level"] == "municipality"].iloc[0]
    assert (municipality["code"], municipality["name"]) == ("2480", "Umeå kommun")
    parents = area_parent_map()
    districts = set(areas.loc[areas["level"] == "district", "code"])
    stadsdelar = areas.loc[areas["level"] == "stadsdel", "code"]
    assert all(parents[code] in districts for code in stadsdelar)
    assert all(parents[code] == "2480" for code in districts)


def test_every_polygon_appears_once_as_a_stadsdel_under_its_exact_official_name():
    polygons = gpd.read_file(GEO_DATA_DIR / "umea_stadsdelar_clean_epsg3006.geojson")
    stadsdelar = read_areas(level="stadsdel")
    assert sorted(stadsdelar["official_name"]) == sorted(polygons["stadsdel"])
    assert stadsdelar["official_name"].is_unique


def test_focus_districts_have_everyday_names_and_keep_the_official_stadsdel_names():
    districts = read_areas(level="district").set_index("code")
    assert set(districts.index[districts["focus"]]) == set(FOCUS)
    for code, (everyday, official) in FOCUS.items():
        assert districts.loc[code, "name"] == everyday
        assert districts.loc[code, "official_name"] == official
        assert [
            read_areas().set_index("code").loc[c, "official_name"] for c in descendants(code)
        ] == [official]


def test_districts_are_a_usable_number_and_each_holds_stadsdelar():
    districts = read_areas(level="district")
    assert 20 <= len(districts) <= 35
    assert all(descendants(code, level="stadsdel") for code in districts["code"])


def test_codes_are_stable_ascii_slugs():
    areas = read_areas()
    slug = re.compile(r"^(2480|d-[a-z0-9-]+|sd-[a-z0-9-]+)$")
    assert all(slug.match(code) for code in areas["code"])
    stadsdel_codes = read_areas(level="stadsdel").set_index("official_name")["code"]
    assert stadsdel_codes["Marieområdet"] == "sd-marieomradet"
    assert stadsdel_codes["Haga/Sandbacka"] == "sd-haga-sandbacka"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ÅLIDHEM", "d-alidhem"),
        ("ålidhem ", "d-alidhem"),
        ("  Ålidhemsområdet", "d-alidhem"),
        ("Alidhem", "d-alidhem"),
        ("2480R040", "d-alidhem"),
        ("2480R040_RegSO2025", "d-alidhem"),
        ("2480C1090", "d-tomtebo"),  # DeSO 2018 only
        ("2480C1091_DeSO2025", "d-tomtebo"),  # its 2025 successor, PxWeb style
        ("2480c1091_deso2025", "d-tomtebo"),
        ("Marieområdet", "d-mariehem"),
        ("MARIEHEM", "d-mariehem"),
        ("Mariehem västra", "d-mariehem"),  # a RegSO name
        ("Haga/Sandbacka", "d-haga-sandbacka"),
        ("d-tomtebo", "d-tomtebo"),
        ("sd-marieomradet", "sd-marieomradet"),
        ("Umeå kommun", "2480"),
        ("Sävar, östra", "sd-savar-ostra"),
    ],
)
def test_resolve_area_accepts_names_in_any_form_and_scb_codes(text, expected):
    assert resolve_area(text) == expected


def test_resolve_area_gives_none_for_unknown_names_and_codes():
    assert resolve_area("Rinkeby") is None
    assert resolve_area("2480C9999") is None
    assert resolve_area("0180C1010") is None
    assert resolve_area("") is None


def test_resolve_area_lifts_a_stadsdel_to_its_district_when_asked():
    assert resolve_area("Regementet") == "sd-regementet"
    assert resolve_area("Regementet", level="district") == "d-centrum"
    assert resolve_area("Ön", level="district") == "d-teg"
    assert resolve_area("Umeå kommun", level="district") is None
    assert district_of("sd-alidhemsomradet") == "d-alidhem"


def test_resolve_areas_handles_many_repeated_values():
    values = pd.Series(["Ersboda", "ersboda ", "2480R016", "okänt", None] * 20_000)
    resolved = resolve_areas(values)
    assert resolved.iloc[:5].tolist() == ["d-ersboda", "d-ersboda", "d-mariehem", None, None]
    assert resolved.iloc[-5:].tolist() == resolved.iloc[:5].tolist()


def test_every_deso_in_both_versions_maps_to_an_existing_district():
    districts = set(read_areas(level="district")["code"])
    key = read_deso_mapping()
    assert key.groupby("deso_version")["deso_code"].nunique().to_dict() == {"2018": 70, "2025": 72}
    assert set(key["district_code"]) <= districts
    assert key["fit"].isin(["within", "broader", "approximate"]).all()
    assert len(read_deso_mapping("DeSO 2025")) == 72


def test_a_deso_in_both_versions_maps_to_the_same_district():
    key = read_deso_mapping()
    per_code = key.groupby("deso_code")["district_code"].nunique()
    assert (per_code == 1).all()


def test_deso_mapping_is_the_scb_key_joined_with_our_regso_assignment():
    scb = pd.read_csv(GEO_DATA_DIR / "umea_deso_regso.csv", dtype=str)
    ours = pd.read_csv(GEO_DATA_DIR / "regso_district.csv", dtype=str)
    expected = scb.merge(ours, on="regso_code").set_index("deso_code")["district_code"]
    key = read_deso_mapping()
    for version in ("2018", "2025"):
        part = key[key["deso_version"] == version].set_index("deso_code")["district_code"]
        scb_version = scb[scb["deso_version"] == f"DeSO {version}"]["deso_code"]
        assert sorted(part.index) == sorted(scb_version)
        assert all(expected[expected.index == c].iloc[0] == d for c, d in part.items())


def test_every_district_but_nydala_receives_scb_data():
    districts = set(read_areas(level="district")["code"])
    with_data = set(read_deso_mapping(2025)["district_code"])
    assert districts - with_data == {"d-nydala"}
    focus = read_deso_mapping(2025).groupby("district_code")["deso_code"].count()
    assert focus["d-ersboda"] == 4 and focus["d-mariehem"] == 6 and focus["d-tomtebo"] == 5


def test_a_broken_hierarchy_file_is_refused_with_the_rows_at_fault(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        "code,name,name_en,official_name,level,parent_code,focus,sort_order\n"
        "2480,Umeå kommun,,,municipality,,0,0\n"
        "d-a,A,,,district,2480,0,1\n"
        "d-a,A igen,,,district,2480,0,2\n"
        "sd-x,X,,,stadsdel,d-saknas,0,3\n"
        "sd-y,Y,,,stadsdel,2480,2,4\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        read_areas(path=path)
    rows = {(p.row, p.column) for p in caught.value.problems}
    assert {(4, "code"), (5, "parent_code"), (6, "parent_code"), (6, "focus")} <= rows


def test_descendants_of_an_unknown_area_is_a_user_error():
    with pytest.raises(UserError, match="Okänt område"):
        descendants("d-atlantis")
