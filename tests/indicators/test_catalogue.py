"""Tests for the catalogue package (metadata) and indicators/inputs.py with the family modules'
registered inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import (
    DIRECTION_LABELS,
    FAMILIES,
    FAMILY_LABELS,
    INPUTS,
    KIND_LABELS,
    POPULATION_MEASURES,
    ROLE_LABELS,
    Indicator,
    get_indicator,
    indicators_by_family,
    known_measures,
    load_catalogue,
)
from common.errors import UserError
from indicators.demography import IN_MIGRATION, OUT_MIGRATION
from indicators.inputs import (
    INPUT_COLUMNS,
    catalogue_inputs,
    indicator_inputs,
    register_input,
    registered_inputs,
)
from indicators.school import ELIGIBLE_MEASURE

INDICATORS_DIR = Path(__file__).resolve().parents[2] / "indicators"

# id -> (kind, role, multiplier) as the issue and docs/methods.md §5 define them.
REQUIRED = {
    "ej_behoriga_gymnasiet": ("proportion", "risk", 100),
    "problematisk_franvaro": ("proportion", "risk", 100),
    "meritvarde_ak9": ("mean", "protective", 1),
    "godkanda_alla_amnen": ("proportion", "protective", 100),
    "trygghet_skolan": ("proportion", "protective", 100),
    "avstangningar": ("rate", "risk", 1000),
    "orosanmalningar": ("rate", "risk", 1000),
    "barn_ekonomiskt_utsatta": ("proportion", "risk", 100),
    "ekonomiskt_bistand_barnhushall": ("proportion", "risk", 100),
    "ungdomsarbetsloshet": ("proportion", "risk", 100),
    "unga_uvas": ("proportion", "risk", 100),
    "trangboddhet": ("proportion", "risk", 100),
    "flyttrorlighet": ("rate", "risk", 1000),
    "deltagande_fritid": ("proportion", "protective", 100),
    "fritidsgard_besok": ("rate", "protective", 1000),
    "lovaktiviteter": ("rate", "protective", 1000),
    "lok_stod": ("rate", "protective", 1000),
    "misstankta_15_20": ("rate", "risk", 1000),
    "narkotikabrott": ("rate", "risk", 1000),
    "skadegorelse": ("rate", "risk", 1000),
    "personran": ("rate", "risk", 1000),
    "vapenbrott": ("rate", "risk", 1000),
    "upplevd_trygghet": ("proportion", "protective", 100),
    "vuxennarvaro": ("count", "protective", 1),
}

# Rows whose rationale docs/methods.md §5 marks "unsourced": the reference must say so.
UNSOURCED = [
    "problematisk_franvaro",
    "avstangningar",
    "trygghet_skolan",
    "unga_uvas",
    "trangboddhet",
    "lok_stod",
    "skadegorelse",
    "personran",
    "vuxennarvaro",
]


def valid_entry(**changes: object) -> dict:
    """A complete, valid entry (a copy of a shipped one) with ``changes`` applied."""
    entry = get_indicator("skadegorelse").model_dump(exclude_none=True)
    entry.update(id="test_indikator")
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def write_yaml(path: Path, entries: list[dict]) -> Path:
    path.write_text(
        yaml.safe_dump({"indicators": entries}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def observations(rows: list[tuple]) -> pd.DataFrame:
    """Store rows: (measure_id, area_code, period, count, denominator[, value])."""
    rows = [(*r, np.nan) if len(r) == 5 else r for r in rows]
    return pd.DataFrame(
        rows, columns=["measure_id", "area_code", "period", "count", "denominator", "value"]
    ).astype({"count": "float64", "denominator": "float64", "value": "float64"})


def as_records(frame: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if isinstance(v, float) and np.isnan(v) else v for v in row)
        for row in frame[INPUT_COLUMNS].itertuples(index=False, name=None)
    ]


# --- the shipped catalogue ------------------------------------------------------------------


def test_shipped_catalogue_validates_with_at_least_22_indicators():
    catalogue = load_catalogue()
    assert len(catalogue) >= 22
    assert all(isinstance(ind, Indicator) for ind in catalogue.values())
    assert all(ind_id == ind.id for ind_id, ind in catalogue.items())


@pytest.mark.parametrize("indicator_id", sorted(REQUIRED))
def test_required_indicator_has_the_kind_role_and_multiplier_of_the_issue(indicator_id):
    kind, role, multiplier = REQUIRED[indicator_id]
    ind = get_indicator(indicator_id)
    assert (ind.kind, ind.role, ind.multiplier) == (kind, role, multiplier)
    expected_direction = "higher_is_worse" if role == "risk" else "higher_is_better"
    assert ind.direction == expected_direction


def test_ids_are_unique_across_all_yaml_files():
    ids = []
    for path in sorted(INDICATORS_DIR.glob("*.meta.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids += [entry["id"] for entry in document["indicators"]]
    assert len(ids) == len(set(ids)) == len(load_catalogue())


def test_every_family_has_a_yaml_a_module_and_indicators():
    grouped = indicators_by_family()
    assert list(grouped) == list(FAMILIES)
    for family in FAMILIES:
        assert (INDICATORS_DIR / f"{family}.meta.yml").exists()
        assert (INDICATORS_DIR / f"{family}.py").exists()
        assert grouped[family], family
        assert all(ind.family == family for ind in grouped[family])


def test_both_roles_are_present_with_several_protective_factors():
    catalogue = load_catalogue().values()
    roles = {ind.role for ind in catalogue}
    assert roles == {"risk", "protective", "context"}  # context: tests/indicators/test_context.py
    assert sum(ind.role == "protective" for ind in catalogue) >= 8


def test_every_referenced_input_function_is_registered():
    inputs = registered_inputs()
    for ind in load_catalogue().values():
        assert ind.input in inputs, (ind.id, ind.input)
        if inputs[ind.input].requires_population:
            assert ind.population_measure in POPULATION_MEASURES, ind.id
    used = {ind.input for ind in load_catalogue().values()}
    assert {
        "ratio",
        "population_denominator",
        "ineligible_from_eligible",
        "in_and_out_migrations",
    } <= used


def test_declared_and_registered_inputs_agree():
    """The catalogue declares each input (what it reads); indicators/ registers its function."""
    assert set(registered_inputs()) == set(INPUTS)
    assert set(INPUTS["ineligible_from_eligible"].reads) == {ELIGIBLE_MEASURE}
    assert set(INPUTS["in_and_out_migrations"].reads) == {IN_MIGRATION, OUT_MIGRATION}
    with pytest.raises(ValueError, match="not declared"):
        register_input("undeclared_input")(lambda indicator, observations: observations)
    with pytest.raises(ValueError, match="already registered"):
        register_input("ratio")(lambda indicator, observations: observations)


@pytest.mark.parametrize("indicator_id", UNSOURCED)
def test_rationale_that_methods_marks_unsourced_says_so_in_reference(indicator_id):
    assert get_indicator(indicator_id).reference == "ej källbelagd – att verifiera"


def test_school_indicators_require_ten_pupils():
    for ind in indicators_by_family()["school"]:
        assert ind.min_denominator == 10, ind.id


def test_labels_cover_every_family_kind_direction_and_role():
    assert set(FAMILY_LABELS) == set(FAMILIES)
    for labels in (FAMILY_LABELS, KIND_LABELS, DIRECTION_LABELS, ROLE_LABELS):
        assert all(set(label) == {"sv", "en"} and all(label.values()) for label in labels.values())
    for ind in load_catalogue().values():
        assert ind.kind in KIND_LABELS and ind.direction in DIRECTION_LABELS


def test_known_measures_include_population_and_derived_inputs():
    measures = known_measures()
    assert set(POPULATION_MEASURES) <= set(measures)
    assert set(load_catalogue()) <= set(measures)
    assert {"behoriga_yrkesprogram", "inflyttade", "utflyttade"} <= set(measures)
    assert measures["pop_0_17"] == "Folkmängd 0–17 år"


def test_unknown_indicator_gives_user_error():
    with pytest.raises(UserError, match="Okänd indikator 'finns_inte'"):
        get_indicator("finns_inte")


def test_catalogue_is_cached_but_callers_get_their_own_dict():
    first = load_catalogue()
    first.pop("personran")
    assert "personran" in load_catalogue()
    assert load_catalogue()["personran"] is get_indicator("personran")


def test_indicator_is_frozen():
    with pytest.raises(Exception, match="frozen"):
        get_indicator("personran").kind = "count"


# --- invalid metadata -------------------------------------------------------------------------


def test_entry_missing_a_field_fails_naming_file_id_field_and_line(tmp_path):
    entry = valid_entry()
    del entry["caveats_sv"]
    path = write_yaml(tmp_path / "broken.meta.yml", [valid_entry(id="ok_indikator"), entry])
    with pytest.raises(UserError) as info:
        load_catalogue(paths=[path])
    text = str(info.value)
    assert "broken.meta.yml" in text
    assert "indikator 'test_indikator'" in text
    assert "fält 'caveats_sv': fältet saknas" in text
    # The second entry starts after the first one's ~25 lines.
    assert info.value.problem.row is not None and info.value.problem.row > 20


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "ratio"}, "kind", "ogiltigt värde 'ratio'"),
        ({"family": "police"}, "family", "ogiltigt värde 'police'"),
        ({"direction": "higher_is_better"}, "direction", "passar inte role 'risk'"),
        ({"multiplier": 100}, "multiplier", "passar inte kind 'rate'"),
        ({"id": "Skadegörelse 2"}, "id", "ogiltigt format"),
        ({"name_sv": "  "}, "name_sv", "får inte vara tomt"),
        ({"periodicity": 2024}, "periodicity", "ogiltigt värde 2024"),
        ({"min_denominator": 0}, "min_denominator", "måste vara minst 1"),
        ({"population_measure": "pop_99"}, "population_measure", "okänt befolkningsmått"),
        ({"sum_squares_measure": "x_ss"}, "sum_squares_measure", "gäller bara kind 'mean'"),
        ({"kind": "mean", "multiplier": 1}, "valid_range", "krävs för medelvärden"),
        ({"valid_range": [5, 1]}, "valid_range", "mindre än det högsta"),
        ({"denominator_rollup": "median"}, "denominator_rollup", "ogiltigt värde 'median'"),
        ({"colour": "red"}, "colour", "okänt fält"),
    ],
)
def test_invalid_field_fails_with_swedish_message_naming_the_field(
    tmp_path, changes, field, message
):
    path = write_yaml(tmp_path / "broken.meta.yml", [valid_entry(**changes)])
    with pytest.raises(UserError) as info:
        load_catalogue(paths=[path])
    assert f"fält '{field}'" in str(info.value)
    assert message in str(info.value)
    assert info.value.problems[0].column == field


def test_every_problem_in_a_file_is_reported(tmp_path):
    first, second = valid_entry(id="a_indikator"), valid_entry(id="b_indikator", kind="x")
    del first["source"]
    path = write_yaml(tmp_path / "broken.meta.yml", [first, second])
    with pytest.raises(UserError) as info:
        load_catalogue(paths=[path])
    assert "och 1 fel till" in str(info.value)
    assert [p.column for p in info.value.problems] == ["source", "kind"]


def test_duplicate_id_across_files_fails_naming_both_files(tmp_path):
    one = write_yaml(tmp_path / "one.meta.yml", [valid_entry()])
    two = write_yaml(tmp_path / "two.meta.yml", [valid_entry()])
    with pytest.raises(UserError, match="finns redan i .*one.meta.yml") as info:
        load_catalogue(paths=[one, two])
    assert "two.meta.yml" in str(info.value)


def test_unknown_input_function_fails(tmp_path):
    path = write_yaml(tmp_path / "broken.meta.yml", [valid_entry(input="no_such_function")])
    with pytest.raises(
        UserError, match="fält 'input': okänd inmatningsfunktion 'no_such_function'"
    ):
        load_catalogue(paths=[path])


def test_population_input_without_population_measure_fails(tmp_path):
    entry = valid_entry()
    del entry["population_measure"]
    path = write_yaml(tmp_path / "broken.meta.yml", [entry])
    with pytest.raises(UserError, match="fält 'population_measure': krävs av input"):
        load_catalogue(paths=[path])


def test_entry_in_the_wrong_family_file_fails(tmp_path):
    path = write_yaml(tmp_path / "school.meta.yml", [valid_entry()])
    with pytest.raises(UserError, match="'public_space' hör inte hemma i school.meta.yml"):
        load_catalogue(paths=[path])


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "broken.meta.yml"
    path.write_text("indicators:\n  - id: a\n    name_sv: [oavslutad\n", encoding="utf-8")
    with pytest.raises(UserError, match="Ogiltig YAML") as info:
        load_catalogue(paths=[path])
    assert info.value.problem.file.endswith("broken.meta.yml")
    assert info.value.problem.row is not None


def test_file_without_indicator_list_fails(tmp_path):
    path = tmp_path / "broken.meta.yml"
    path.write_text("- id: a\n", encoding="utf-8")
    with pytest.raises(UserError, match="lista under nyckeln 'indicators:'"):
        load_catalogue(paths=[path])


def test_valid_override_file_loads_only_its_entries(tmp_path):
    path = write_yaml(tmp_path / "extra.meta.yml", [valid_entry(), valid_entry(id="annan")])
    assert list(load_catalogue(paths=[path])) == ["test_indikator", "annan"]


# --- numerator and denominator from stored measures ------------------------------------------


def test_plain_ratio_takes_count_and_denominator_of_its_own_measure():
    obs = observations(
        [
            ("problematisk_franvaro", "B", "2024HT", 9, 70),
            ("problematisk_franvaro", "A", "2024HT", 12, 80),
            ("godkanda_alla_amnen", "A", "2024", 40, 50),
        ]
    )
    result = indicator_inputs("problematisk_franvaro", obs)
    assert list(result.columns) == INPUT_COLUMNS
    assert as_records(result) == [("A", "2024HT", 12.0, 80.0), ("B", "2024HT", 9.0, 70.0)]


def test_mean_uses_sum_of_scores_or_value_times_pupils():
    obs = observations(
        [
            ("meritvarde_ak9", "A", "2024", 4610.0, 20.0, np.nan),  # sum of merit values
            ("meritvarde_ak9", "B", "2024", np.nan, 30.0, 215.5),  # only the mean is stored
        ]
    )
    result = indicator_inputs(get_indicator("meritvarde_ak9"), obs)
    assert as_records(result) == [("A", "2024", 4610.0, 20.0), ("B", "2024", 6465.0, 30.0)]


def test_count_indicator_has_no_denominator():
    obs = observations([("vuxennarvaro", "A", "2024-05", 36, None)])
    result = indicator_inputs("vuxennarvaro", obs)
    assert as_records(result) == [("A", "2024-05", 36.0, None)]


def test_ineligible_pupils_are_derived_from_eligible_measure_and_own_rows_win():
    obs = observations(
        [
            ("behoriga_yrkesprogram", "A", "2024", 45, 52),
            ("behoriga_yrkesprogram", "B", "2024", 30, 40),
            ("ej_behoriga_gymnasiet", "B", "2024", 11, 41),  # stored directly: wins over derived
        ]
    )
    result = indicator_inputs("ej_behoriga_gymnasiet", obs)
    assert as_records(result) == [("A", "2024", 7.0, 52.0), ("B", "2024", 11.0, 41.0)]


def test_ineligible_pupils_fall_back_to_plain_ratio_without_eligible_measure():
    obs = observations([("ej_behoriga_gymnasiet", "A", "2023", 5, 60)])
    assert as_records(indicator_inputs("ej_behoriga_gymnasiet", obs)) == [("A", "2023", 5.0, 60.0)]


def test_crime_rate_takes_population_of_same_area_and_period_when_row_has_no_denominator():
    obs = observations(
        [
            ("narkotikabrott", "A", "2024", 14, None),
            ("narkotikabrott", "B", "2024", 3, 900),  # own denominator kept
            ("narkotikabrott", "C", "2024", 2, None),  # no population stored: stays unknown
            ("pop_total", "A", "2024", 5200, None),
            ("pop_total", "A", "2023", 5100, None),
            ("pop_total", "B", "2024", 950, None),
            ("pop_0_17", "A", "2024", 1000, None),  # another population band: ignored
        ]
    )
    result = indicator_inputs("narkotikabrott", obs)
    assert as_records(result) == [
        ("A", "2024", 14.0, 5200.0),
        ("B", "2024", 3.0, 900.0),
        ("C", "2024", 2.0, None),
    ]


def test_termly_rate_uses_population_of_the_same_year():
    obs = observations(
        [
            ("fritidsgard_besok", "A", "2024VT", 1200, None),
            ("fritidsgard_besok", "A", "2025VT", 1300, None),
            ("pop_13_19", "A", "2024", 600, None),
        ]
    )
    result = indicator_inputs("fritidsgard_besok", obs)
    assert as_records(result) == [("A", "2024VT", 1200.0, 600.0), ("A", "2025VT", 1300.0, None)]


def test_residential_mobility_sums_moves_in_and_out_over_population():
    obs = observations(
        [
            ("inflyttade", "A", "2024", 120, None),
            ("utflyttade", "A", "2024", 150, None),
            ("inflyttade", "B", "2024", 80, None),  # no moves out stored: unknown, not 80
            ("pop_total", "A", "2024", 3000, None),
            ("pop_total", "B", "2024", 2000, None),
            ("flyttrorlighet", "C", "2024", 400, 2500),
        ]
    )
    result = indicator_inputs("flyttrorlighet", obs)
    assert as_records(result) == [
        ("A", "2024", 270.0, 3000.0),
        ("B", "2024", None, 2000.0),
        ("C", "2024", 400.0, 2500.0),
    ]


def test_family_inputs_stack_every_indicator_of_the_family():
    from indicators.school import school_inputs

    obs = observations(
        [
            ("behoriga_yrkesprogram", "A", "2024", 45, 52),
            ("godkanda_alla_amnen", "A", "2024", 40, 52),
            ("narkotikabrott", "A", "2024", 14, 5200),
        ]
    )
    result = school_inputs(obs)
    assert list(result.columns) == ["indicator_id", *INPUT_COLUMNS]
    assert sorted(result["indicator_id"]) == ["ej_behoriga_gymnasiet", "godkanda_alla_amnen"]
    assert len(catalogue_inputs(obs)) == 3


def test_observations_without_required_columns_are_refused():
    with pytest.raises(ValueError, match="denominator"):
        indicator_inputs(
            "personran",
            pd.DataFrame({"measure_id": [], "area_code": [], "period": [], "count": []}),
        )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 500), st.integers(0, 500), st.booleans()), min_size=1, max_size=30
    )
)
def test_plain_and_derived_inputs_keep_every_area_and_add_up(rows):
    """Plain ratio returns the stored parts; derived ineligible + eligible = pupils."""
    records = []
    for i, (a, b, direct) in enumerate(rows):
        pupils, part = max(a, b), min(a, b)
        measure = "ej_behoriga_gymnasiet" if direct else "behoriga_yrkesprogram"
        records.append((measure, f"A{i:02d}", "2024", part, pupils))
        records.append(("godkanda_alla_amnen", f"A{i:02d}", "2024", part, pupils))
    obs = observations(records)
    plain = indicator_inputs("godkanda_alla_amnen", obs)
    assert plain["numerator"].tolist() == [float(min(a, b)) for a, b, _ in rows]
    derived = indicator_inputs("ej_behoriga_gymnasiet", obs)
    assert derived["area_code"].tolist() == [f"A{i:02d}" for i in range(len(rows))]
    expected = [
        float(min(a, b)) if direct else float(max(a, b) - min(a, b)) for a, b, direct in rows
    ]
    assert derived["numerator"].tolist() == expected
    assert (derived["numerator"] <= derived["denominator"]).all()


def test_inputs_for_a_large_table_keep_every_catalogue_row():
    # Speed is measured by `make bench` (bench_engine), not asserted here.
    rng = np.random.default_rng(1)
    n = 200_000
    ids = np.array(list(load_catalogue()) + list(POPULATION_MEASURES))
    obs = pd.DataFrame(
        {
            "measure_id": rng.choice(ids, n),
            "area_code": [f"A{i % 400:03d}" for i in range(n)],
            "period": [str(2000 + (i // 400) % 25) for i in range(n)],
            "count": rng.integers(0, 100, n).astype(float),
            "denominator": np.where(rng.random(n) < 0.5, np.nan, 1000.0),
            "value": np.nan,
        }
    ).drop_duplicates(["measure_id", "area_code", "period"])
    result = catalogue_inputs(obs)
    assert len(result) > 0.8 * len(obs[obs["measure_id"].isin(list(load_catalogue()))])
