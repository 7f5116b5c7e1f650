"""The agencies' own formats (SCB RegSO exports, Skolverket's CSV) on the real shipped files,
their refusals of bad input, and the public load with provenance per batch."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import UserError
from common.place import load_place
from common.settings import ROOT
from sources import scb_regso, skolverket
from sources.public import (
    SCB_DIR,
    SKOLVERKET_FILE,
    load_public,
    read_school_key,
    regso_codes,
    write_school_key,
)

UMEA = load_place("umea")


@pytest.fixture(scope="module")
def tables():
    return scb_regso.read_regso_tables(SCB_DIR)


@pytest.fixture(scope="module")
def results():
    return skolverket.read_school_results(SKOLVERKET_FILE)


# --- SCB RegSO -------------------------------------------------------------------------------


def test_regso_files_hold_all_of_sweden_and_umeas_42_named_as_in_the_key(tables):
    assert set(tables) == {scb_regso.INCOME, scb_regso.TENURE, scb_regso.BIRTH_REGION}
    for table in tables.values():
        areas = table.frame[["municipality", "regso"]].drop_duplicates()
        assert len(areas) == 3363  # SCB's RegSO count
        assert sorted(table.frame["year"].unique()) == ["2020", "2021", "2022", "2023"]
    assert len(scb_regso.municipalities(tables)) == 290
    names = scb_regso.regso_names(tables, "Umeå")
    assert len(names) == 42
    assert set(names) == set(regso_codes(UMEA))  # every name has SCB's code in data/geo


def test_context_measures_are_shares_and_weights_from_the_files(tables):
    m = scb_regso.context_measures(tables)
    shares = m[m["measure_id"] != "medelinkomst_lon"]
    assert ((shares["count"] >= 0) & (shares["count"] <= shares["denominator"])).all()
    # One RegSO read by hand from the files: Umeå (Ålidhem norra), 2023.
    f = tables[scb_regso.TENURE].frame
    cell = f[(f["regso"] == "Ålidhem norra") & (f["year"] == "2023")].set_index("category")
    row = m[(m["regso"] == "Ålidhem norra") & (m["year"] == "2023")].set_index("measure_id")
    known = cell.loc[["hyresrätt", "bostadsrätt", "äganderätt"], "value"].sum()
    assert row.loc["andel_hyresratt", "count"] == cell.loc["hyresrätt", "value"]
    assert row.loc["andel_hyresratt", "denominator"] == known


def test_sweden_totals_sum_every_regso(tables):
    national = scb_regso.national_observations(tables).observations.set_index(
        ["measure_id", "period"]
    )
    b = tables[scb_regso.BIRTH_REGION].frame
    total_2023 = b[(b["category"] == "totalt") & (b["year"] == "2023")]["value"].sum()
    assert national.loc[("andel_utrikes_fodda", "2023"), "denominator"] == total_2023
    assert 10_000_000 < total_2023 < 11_000_000  # Sweden's population
    income = national.loc[("medelinkomst_lon", "2023")]
    assert np.isnan(income["count"]) and 200 < income["value"] < 400  # tkr, ready mean


def _write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ('"region","något","Antal 2023"\n"Umeå (A)","x",1\n', 1, None, "Rubrikraden"),
        ('"region","upplåtelseform","Antal 2023"\n"Umeå A","hyresrätt",1\n', 2, "region", "Kommun"),
        (
            '"region","upplåtelseform","Antal 2023"\n"Umeå (A)","hyresrätt",1\n'
            '"Umeå (B)","hyresrätt",tolv\n',
            3,
            "Antal 2023",
            "inget tal",
        ),
        ('"region","upplåtelseform","Antal 2023"\n"Umeå (A)","hyresrätt",1,2\n', 2, None, "fält"),
        (
            '"region","upplåtelseform","Antal 2023"\n"Umeå (A)","hyresrätt",1\n'
            '"Umeå (A)","hyresrätt",2\n',
            3,
            None,
            "mer än en gång",
        ),
        (
            '"region","upplåtelseform","Antal 2023"\n"Umeå (A)","hyresrätt",-4\n',
            2,
            None,
            "Negativt",
        ),
    ],
)
def test_bad_regso_exports_are_refused_saying_where(tmp_path, text, row, column, words):
    with pytest.raises(UserError) as caught:
        scb_regso.read_regso_table(_write(tmp_path, text))
    problem = caught.value.problem
    assert (problem.file, problem.row, problem.column) == ("t.csv", row, column)
    assert words in problem.message


def test_scb_missing_markers_become_missing_not_zero(tmp_path):
    path = _write(
        tmp_path,
        '"region","upplåtelseform","Antal 2022","Antal 2023"\n"Umeå (A)","hyresrätt",..,5\n',
    )
    values = scb_regso.read_regso_table(path).frame["value"].tolist()
    assert np.isnan(values[0]) and values[1] == 5.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(*(st.integers(0, 10_000) for _ in range(4))), min_size=1, max_size=6))
def test_tenure_share_is_a_share_for_any_counts(tmp_path_factory, counts):
    lines = ['"region","upplåtelseform","Antal 2023"']
    for i, (rent, coop, own, unknown) in enumerate(counts):
        for cat, n in (
            ("hyresrätt", rent),
            ("bostadsrätt", coop),
            ("äganderätt", own),
            ("uppgift saknas", unknown),
        ):
            lines.append(f'"K (R{i})","{cat}",{n}')
    path = _write(tmp_path_factory.mktemp("h"), "\r\r\n".join(lines) + "\r\r\n")
    table = scb_regso.read_regso_table(path)
    m = scb_regso.context_measures({scb_regso.TENURE: table})
    assert len(m) == sum(1 for r, c, o, _ in counts if r + c + o > 0)
    assert ((m["count"] <= m["denominator"]) & (m["count"] >= 0)).all()
    assert m["denominator"].sum() == sum(r + c + o for r, c, o, _ in counts)


# --- Skolverket --------------------------------------------------------------------------------


def test_skolverket_export_read_with_preamble_markers_and_footer(results):
    f = results.frame
    assert results.school_year == "2024/25" and results.period == "2025"
    assert len(f) == 1714 and f["school_unit_code"].is_unique  # the footer is not read
    assert len(skolverket.municipality_schools(results, "2480")) == 23
    hanna = f.set_index("school_unit_code").loc[
        "68950088"
    ]  # Hannaskolan, Umeå  # '12;..;..;203,8' in the file
    assert hanna["pupils"] == 12 and np.isnan(hanna["godkanda_alla_amnen"])
    assert hanna["meritvarde_ak9"] == pytest.approx(203.8)
    prolympia = f.set_index("school_unit_code").loc[
        "28958120"
    ]  # Prolympia, Umeå  # '78;92,3;~100;248,4'
    assert prolympia["behoriga_yrkesprogram_near_100"] and np.isnan(
        prolympia["behoriga_yrkesprogram"]
    )


def test_sweden_school_values_are_pupil_weighted(results):
    obs = skolverket.national_school_observations(results).observations.set_index("measure_id")
    f = results.frame
    ok = f["meritvarde_ak9"].notna() & f["pupils"].notna()
    expected = (f.loc[ok, "meritvarde_ak9"] * f.loc[ok, "pupils"]).sum() / f.loc[ok, "pupils"].sum()
    merit = obs.loc["meritvarde_ak9"]
    assert merit["count"] / merit["denominator"] == pytest.approx(expected)
    assert merit["area_code"] == "SE"
    share = obs.loc["godkanda_alla_amnen", "count"] / obs.loc["godkanda_alla_amnen", "denominator"]
    assert 0.6 < share < 0.85


def _school_csv(tmp_path, body: str, head: str | None = None):
    cols = ";".join([*skolverket.SCHOOL_COLUMNS, "Huvudman orgnr", *skolverket.GRADE_COLUMNS])
    pre = (
        head
        if head is not None
        else "Statistik från Skolverket;\n;\nTitel;\nValt läsår: 2024/25;\n;\n"
    )
    return _write(tmp_path, pre + cols + "\n" + body, "s.csv")


@pytest.mark.parametrize(
    ("body", "head", "row", "column"),
    [
        (
            "A;1;Umeå;2480;K;K;1;20;tio;50;200\n",
            None,
            7,
            "Andel (%) elever som uppfyllt betygskriterierna i alla ämnen",
        ),
        (
            "A;1;Umeå;2480;K;K;1;20;101;50;200\n",
            None,
            7,
            "Andel (%) elever som uppfyllt betygskriterierna i alla ämnen",
        ),
        ("A;1;Umeå;2480;K;K;1;20;50;50\n", None, 7, None),
        (
            "A;1;Umeå;2480;K;K;1;20;50;50;200\nB;1;Umeå;2480;K;K;1;20;50;50;200\n",
            None,
            8,
            "Skol-enhetskod",
        ),
        ("A;1;Umeå;2480;K;K;1;20;50;50;200\n", "Något annat;\n", 1, None),
    ],
)
def test_bad_skolverket_files_are_refused_saying_where(tmp_path, body, head, row, column):
    with pytest.raises(UserError) as caught:
        skolverket.read_school_results(_school_csv(tmp_path, body, head))
    assert (caught.value.problem.row, caught.value.problem.column) == (row, column)


def test_hidden_school_values_are_never_guessed_into_a_district(results):
    umea = results.frame[results.frame["municipality_code"] == "2480"]
    key = {code: "d-ersboda" for code in umea["school_unit_code"][:3]}
    obs = skolverket.school_observations(results, school_district=key)
    assert set(obs.observations["area_code"]) == {"d-ersboda"}
    placed = umea.iloc[:3]
    merit = obs.observations.set_index("measure_id").loc["meritvarde_ak9"]
    assert merit["denominator"] == placed["pupils"].sum()
    assert any("gissas aldrig" in n for n in obs.notes)


# --- the school → district key -----------------------------------------------------------------


def test_shipped_key_lists_umeas_23_schools_with_the_district_left_blank(results, tmp_path):
    key = pd.read_csv(UMEA.school_key_file, sep=";", dtype=str, keep_default_na=False)
    assert len(key) == 23 and (key["distrikt"] == "").all()
    assert set(key["skolenhetskod"]) == set(
        skolverket.municipality_schools(results, "2480")["school_unit_code"]
    )
    assert read_school_key(UMEA.school_key_file) == {}
    again = write_school_key(results, UMEA, tmp_path / "k.csv")
    assert again.read_bytes() == UMEA.school_key_file.read_bytes()  # reproducible


def test_a_key_with_an_unknown_district_is_refused_with_row_and_column(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("skolenhetskod;skola;huvudman;distrikt\n1;A;K;Ersboda\n2;B;K;Atlantis\n")
    with pytest.raises(UserError) as caught:
        read_school_key(path)
    assert (caught.value.problem.row, caught.value.problem.column) == (3, "distrikt")


# --- loading with provenance, on SQLite and PostgreSQL ---------------------------------------


def test_public_load_stores_provenance_per_batch_and_keeps_demo_mode(any_store, tmp_path):
    from access.reads import database_mode
    from geo.areas import read_areas
    from indicators.engine import compute
    from store.areas import sync_areas
    from store.observations import batch_provenance, has_real_data, has_shipped_public_data

    sync_areas(any_store, read_areas())
    key = tmp_path / "k.csv"
    key.write_text(
        "skolenhetskod;skola;huvudman;distrikt\n61410067;Carlslundsskolan 7-9;Umeå kommun;"
        "Ålidhem\n42752416;Södra Ålidhemsskolan 6-9;Umeå kommun;Ålidhem\n",
        encoding="utf-8",
    )
    first = load_public(any_store, place=UMEA, school_key=key)
    assert [b.status for b in first] == ["loaded"] * 4
    prov = batch_provenance(any_store)
    assert len(prov) == 4 and prov["shipped"].all()
    assert set(prov["source"]) == {"SCB", "Skolverket"}
    assert prov["retrieved_on"].astype(str).eq("2026-12-03").all()
    assert prov["source_table"].str.len().gt(20).all() and prov["licence"].str.len().gt(0).all()
    assert has_shipped_public_data(any_store) and not has_real_data(any_store)
    assert database_mode(any_store) == "empty"  # shipped data is not the municipality's own
    assert [b.status for b in load_public(any_store, place=UMEA, school_key=key)] == [
        "unchanged"
    ] * 4

    values = compute(any_store, levels=("country", "municipality", "district"))
    assert not values["synthetic"].any()
    se = values[values["area_code"] == "SE"]
    assert set(se["indicator_id"]) >= {"andel_hyresratt", "meritvarde_ak9", "medelinkomst_lon"}
    school = values[
        (values["indicator_id"] == "meritvarde_ak9") & (values["area_level"] == "district")
    ]
    assert school["area_code"].tolist() == ["d-alidhem"]  # only the district in the key
    expected = (114 * 243.9 + 64 * 227.3) / (114 + 64)
    assert school["value"].iloc[0] == pytest.approx(expected)


def test_cli_exits_2_with_a_swedish_message_on_a_bad_key(tmp_path):
    key = tmp_path / "k.csv"
    key.write_text("skolenhetskod;skola;huvudman;distrikt\n1;A;K;Atlantis\n")
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-m", "sources.public", "--db", db, "--school-key", str(key)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Atlantis" in done.stderr and "rad 2" in done.stderr
    assert "Traceback" not in done.stderr


def test_shipped_copies_are_byte_identical_to_the_provenance_checksums():
    import hashlib

    import yaml

    manifest = yaml.safe_load((ROOT / "data/public/sources.yml").read_text(encoding="utf-8"))
    for relative, entry in manifest["files"].items():
        data = (ROOT / "data/public" / relative).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], relative
    assert shutil.which  # the manifest lists every shipped CSV
    shipped = {
        str(p.relative_to(ROOT / "data/public")) for p in (ROOT / "data/public").rglob("*.csv")
    }
    assert shipped == set(manifest["files"])
