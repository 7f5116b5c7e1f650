"""Refusing personal data: identity numbers (docs/methods.md §3) and person-level headers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import UserError
from sources.personal_data import (
    find_personal_numbers,
    is_personal_number,
    person_level_columns,
    refuse_personal_data,
)


def luhn_check_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


@pytest.mark.parametrize(
    "text",
    [
        "19121212-1212",
        "850709-9805",
        "701063-2391",
        "8507099805",
        "191212121212",
        "121212+1212",
        "121212 1212",
        "20121212-1212",
        "pnr: 850709-9805, tack",
    ],
)
def test_documented_numbers_in_every_shape_are_found(text):
    assert is_personal_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "0701234567",  # a mobile number: fails the date and Luhn
        "850709-9806",  # wrong check digit
        "851309-9805",  # month 13
        "850230-1234",  # 30 February
        "19121212-12123",  # too many digits after the separator
        "2480C1010",
        "2025-W47",
        "2025-03",
        "12,5",
        "",
        "Ersboda",
    ],
)
def test_near_misses_are_not_flagged(text):
    assert not is_personal_number(text)


def test_whole_numbers_are_checked_as_digits_and_nine_digits_get_their_lost_zero():
    # 010101-1237 typed into Excel as a number loses its leading zero.
    assert luhn_check_digit("010101123") == 7
    values = [8507099805, 101011237, 8507099806, 5, 12.0, 8507099805.0, np.nan]
    assert find_personal_numbers(values).tolist() == [True, True, False, False, False, True, False]
    as_int = pd.Series([8507099805, 1], dtype="int64")
    assert find_personal_numbers(as_int).tolist() == [True, False]


def test_samordningsnummer_needs_a_real_date_after_subtracting_sixty():
    nine = "701063239"  # 1970-10-03 + 60
    assert is_personal_number(f"701063-239{luhn_check_digit(nine)}")
    bad_day = "701093239"  # day 93 − 60 = 33 does not exist
    assert not is_personal_number(f"701093-239{luhn_check_digit(bad_day)}")


def test_leap_day_is_valid_only_in_leap_years():
    ok, bad = "000229123", "010229123"
    assert is_personal_number(f"000229-123{luhn_check_digit(ok)}")
    assert not is_personal_number(f"010229-123{luhn_check_digit(bad)}")
    assert not is_personal_number(f"19000229123{luhn_check_digit('000229123')}")  # 1900: no


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    serial=st.integers(0, 999),
    shape=st.sampled_from(["-", "+", " ", "", "12"]),
    coordination=st.booleans(),
)
def test_every_valid_number_is_found_and_a_wrong_check_digit_never_is(
    day, serial, shape, coordination
):
    dd = day.day + (60 if coordination else 0)
    nine = f"{day:%y%m}{dd:02d}{serial:03d}"
    check = luhn_check_digit(nine)
    wrong = (check + 1) % 10
    if shape == "12":
        good, bad = f"{day.year // 100}{nine}{check}", f"{day.year // 100}{nine}{wrong}"
    else:
        good = f"{nine[:6]}{shape}{nine[6:]}{check}"
        bad = f"{nine[:6]}{shape}{nine[6:]}{wrong}"
    assert find_personal_numbers([good, f"text {good} text", bad]).tolist() == [True, True, False]


def test_random_ten_digit_strings_are_rarely_flagged():
    # docs/methods.md §3.3: about 3 % of random 10-digit strings pass Luhn and the date test.
    rng = np.random.default_rng(7)
    values = [f"{x:010d}" for x in rng.integers(0, 10**10, 20_000)]
    share = find_personal_numbers(values).mean()
    assert 0.005 < share < 0.05


def test_refusal_names_row_and_column_and_never_echoes_the_number():
    frame = pd.DataFrame(
        {"omrade": ["Ersboda", "Mariehem", "Tomtebo"], "kommentar": ["", "", "ring 850709-9805"]}
    )
    with pytest.raises(UserError) as caught:
        refuse_personal_data(frame, file_name="a.csv", rows=[2, 3, 7])
    problem = caught.value.problem
    assert (problem.file, problem.row, problem.column) == ("a.csv", 7, "kommentar")
    text = str(caught.value) + (caught.value.message_en or "")
    assert "850709" not in text and "9805" not in text


@pytest.mark.parametrize(
    "header",
    [
        "namn",
        "Förnamn",
        "EFTERNAMN",
        "Elevens namn",
        "adress",
        "personnummer",
        "pnr",
        "Personnr",
        "SSN",
        "födelsedatum",
        "fodelsedatum",
        "birthdate",
        "date of birth",
        "samordningsnummer",
        "e-post",
        "E-mail",
        "email",
        "telefon",
        "first name",
    ],
)
def test_person_level_headers_are_recognised(header):
    assert person_level_columns(["omrade", header]) == [header]


@pytest.mark.parametrize(
    "header", ["omrade", "områdesnamn", "period", "antal", "namnare", "kalla", "kommentar", "matt"]
)
def test_template_headers_are_not_person_level(header):
    assert person_level_columns([header]) == []


def test_allowed_columns_are_exempt_from_the_header_rule_but_still_searched():
    frame = pd.DataFrame({"namn": ["Fältarbete"], "omraden": ["Ersboda"]})
    refuse_personal_data(frame, allowed_columns=["namn"])
    with pytest.raises(UserError, match="enskilda personer"):
        refuse_personal_data(frame)
    with pytest.raises(UserError, match="personnummer"):
        refuse_personal_data(pd.DataFrame({"namn": ["19121212-1212"]}), allowed_columns=["namn"])


def test_the_earliest_row_is_named_when_several_columns_hold_numbers():
    frame = pd.DataFrame({"a": ["x", "x", "850709-9805"], "b": ["x", "19121212-1212", "x"]})
    with pytest.raises(UserError) as caught:
        refuse_personal_data(frame)
    assert (caught.value.problem.row, caught.value.problem.column) == (3, "b")
    assert "1 celler till" in str(caught.value)


def test_detection_over_many_cells_finds_only_the_planted_number():
    # Speed is measured by `make bench` (bench_import scans every cell), not asserted here.
    values = pd.Series([f"{i % 997};Ersboda;2025" for i in range(100_000)], dtype="str")
    assert not find_personal_numbers(values).any()
    values.iloc[77_777] = "Ersboda 850709–9805"
    assert find_personal_numbers(values).nonzero()[0].tolist() == [77_777]
