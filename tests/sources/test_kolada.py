"""Kolada v2 values → municipality-level values (both sexes), nulls skipped with a note."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from common.errors import UserError
from sources.kolada import data_url, measure_id_for, next_page, parse_values


def load():
    return json.loads((FIXTURES / "kolada_v2_values_shape.json").read_text(encoding="utf-8"))


def test_total_for_both_sexes_per_year_and_a_note_for_the_missing_year():
    parsed = parse_values(load())
    frame = parsed.observations
    assert frame[["measure_id", "area_code", "period", "value"]].values.tolist() == [
        ["kolada_n15428", "2480", "2022", 72.8],
        ["kolada_n15428", "2480", "2023", 74.1],
    ]
    assert frame[["count", "denominator"]].isna().all().all()
    assert (frame["source"] == "Kolada").all()
    assert parsed.notes == ("N15428 2480 2024: värde saknas (status 'Saknas'); hoppades över",)


def test_kpis_can_be_mapped_to_our_measure_ids():
    parsed = parse_values(load(), measure_ids={"N15428": "ej_behoriga_gymnasiet"})
    assert set(parsed.observations["measure_id"]) == {"ej_behoriga_gymnasiet"}
    assert measure_id_for("U00405") == "kolada_u00405"


def test_paging_and_url():
    assert next_page(load()) is None
    assert next_page({"next_page": "https://api.kolada.se/v2/x?page=2"}).endswith("page=2")
    assert (
        data_url("N15428", "2480") == "https://api.kolada.se/v2/data/kpi/N15428/municipality/2480"
    )


def test_a_broken_answer_is_a_user_error():
    with pytest.raises(UserError, match="Kolada"):
        parse_values({"values": [{"kpi": "N1"}]})
