"""SCB population (PxWebApi 2.0 JSON-stat 2.0 and PxWeb v1 json) → tidy population measures."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import FIXTURES

from common.errors import UserError
from sources.scb import (
    data_url,
    jsonstat2_frame,
    parse_age_class,
    parse_jsonstat2,
    parse_pxweb_v1,
    selection_body,
)


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def rows(parsed):
    return parsed.observations[["measure_id", "area_code", "period", "count"]].values.tolist()


def test_tab638_sample_gives_total_population_per_municipality_and_year():
    parsed = parse_jsonstat2(load("scb_pxweb_v2_jsonstat2_tab638.json"))
    assert rows(parsed) == [
        ["pop_total", "0180", "2023", 984748.0],
        ["pop_total", "0180", "2024", 988943.0],
        ["pop_total", "1480", "2023", 600151.0],
        ["pop_total", "1480", "2024", 604616.0],
    ]
    assert (parsed.observations["source"] == "SCB").all()
    assert parsed.observations[["denominator", "value"]].isna().all().all()


def test_jsonstat2_values_follow_row_major_order():
    frame = jsonstat2_frame(load("scb_pxweb_v2_jsonstat2_tab638.json"))
    assert frame[["Region", "Tid", "value"]].values.tolist()[1] == ["0180", "2024", 988943.0]


def _constructed(region: int, age: int, sex: int) -> int:
    return 10 * (region + 1) + 100 * age + sex  # how the constructed fixture was made


def test_deso_rows_are_summed_into_districts_and_bands_built_only_when_they_fit():
    parsed = parse_jsonstat2(
        load("scb_jsonstat2_deso_age_sex_constructed.json"),
        measures=("pop_total", "pop_0_19", "pop_0_17"),
    )
    got = {(m, a): c for m, a, _, c in rows(parsed)}
    ersboda = range(4)  # the first four regions are Ersboda's DeSO, the fifth is Ålidhem's
    total = sum(_constructed(r, a, s) for r in ersboda for a in range(5) for s in range(2))
    young = sum(_constructed(r, a, s) for r in ersboda for a in range(4) for s in range(2))
    assert got[("pop_total", "d-ersboda")] == total
    assert got[("pop_0_19", "d-ersboda")] == young
    assert got[("pop_total", "d-alidhem")] == sum(
        _constructed(4, a, s) for a in range(5) for s in range(2)
    )
    assert not any(m == "pop_0_17" for m, _ in got)
    notes = " ".join(parsed.notes)
    assert "pop_0_17" in notes and "0180C1010_DeSO2025" in notes


def test_pxweb_v1_json_is_read_and_missing_values_noted():
    parsed = parse_pxweb_v1(
        load("scb_pxweb_v1_json_shape.json"), measures=("pop_total", "pop_0_17")
    )
    got = {(m, p): c for m, _, p, c in rows(parsed)}
    # 2024 lacks the 18-64 class (".."), so its total would be incomplete: it is not made.
    assert got == {
        ("pop_total", "2023"): 133000.0,
        ("pop_0_17", "2023"): 25000.0,
        ("pop_0_17", "2024"): 25100.0,
    }
    assert any("saknas" in n for n in parsed.notes)


@pytest.mark.parametrize(
    ("code", "band"),
    [
        ("0", (0, 0)),
        ("100+", (100, np.inf)),
        ("-4", (0, 4)),
        ("80-", (80, np.inf)),
        ("15-19", (15, 19)),
        ("tot", None),
    ],
)
def test_age_classes(code, band):
    assert parse_age_class(code) == band


def test_query_helpers():
    assert data_url("TAB638").endswith("/api/v2/tables/TAB638/data?lang=sv&outputFormat=json-stat2")
    assert selection_body({"Tid": ["2024"]}) == {
        "selection": [{"variableCode": "Tid", "valueCodes": ["2024"]}]
    }


def test_a_broken_answer_is_a_user_error():
    with pytest.raises(UserError, match="JSON-stat"):
        parse_jsonstat2({"value": [1]})
