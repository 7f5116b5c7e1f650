"""Context indicators (issue 15): real background figures beside the factors, never a risk or
protective factor. Birth region in particular is demographic context only: no better/worse
verdict, never in an index, never the risk hue on a map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from catalogue import load_catalogue
from geo.layers import PROTECTIVE_PALETTE, RISK_PALETTE, palette_for_role
from indicators.compare import spine_data
from indicators.composite_view import district_composites
from indicators.engine import OUTPUT_COLUMNS
from indicators.stats import compare_to_benchmark

BIRTH_REGION = "andel_utrikes_fodda"


def test_birth_region_is_context_only_in_the_catalogue():
    ind = load_catalogue()[BIRTH_REGION]
    assert (ind.role, ind.direction) == ("context", "none")
    assert "ingen riskfaktor" in ind.rationale_sv.replace(
        "Födelseland är ingen", "ingen riskfaktor"
    )
    # Every indicator that speaks of birth region / being born abroad is context.
    for other in load_catalogue().values():
        text = f"{other.name_sv} {other.numerator_sv}".casefold()
        if "födda utomlands" in text or "födelse" in text or "utrikes" in text:
            assert other.role == "context", other.id


def test_context_role_and_direction_cannot_be_mixed_with_risk():
    from catalogue import Indicator

    ind = load_catalogue()[BIRTH_REGION]
    fields = ind.model_dump()
    for role, direction in (("risk", "none"), ("context", "higher_is_worse")):
        with pytest.raises(ValueError):
            Indicator(**{**fields, "role": role, "direction": direction})


def test_context_never_takes_the_risk_or_protective_hue():
    assert palette_for_role("context") not in (RISK_PALETTE, PROTECTIVE_PALETTE)
    for ind in load_catalogue().values():
        if ind.role == "context":
            assert palette_for_role(ind.role) not in (RISK_PALETTE, PROTECTIVE_PALETTE)
    with pytest.raises(ValueError):
        palette_for_role("unknown")  # no silent fall-back to the risk hue


def _values(ids, areas=("d-a", "d-b", "d-c", "d-d")):
    rng = np.random.default_rng(1)
    rows = []
    for ind in ids:
        for a in areas:
            v = float(rng.uniform(10, 60))
            rows.append(
                (ind, a, "district", "2023", v, v - 2, v + 2, False, "proportion", "similar")
            )
        rows.append(
            (
                ind,
                "2480",
                "municipality",
                "2023",
                30.0,
                29.0,
                31.0,
                False,
                "proportion",
                "benchmark",
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "area_code",
            "area_level",
            "period",
            "value",
            "lower",
            "upper",
            "suppressed",
            "kind",
            "verdict",
        ],
    )
    for column in OUTPUT_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["area_name"] = frame["area_code"]
    return frame


def test_context_is_left_out_of_both_indices_and_the_spine():
    cat = load_catalogue()
    risk = [i.id for i in cat.values() if i.role == "risk"][:3]
    protective = [i.id for i in cat.values() if i.role == "protective"][:3]
    context = [i.id for i in cat.values() if i.role == "context"]
    with_context = _values(risk + protective + context)
    without = _values(risk + protective)
    a = district_composites(with_context, cat, period="2023", draws=50)
    b = district_composites(without, cat, period="2023", draws=50)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    spine = spine_data(with_context, cat, area_code="d-a", period="2023", municipality_code="2480")
    assert not set(spine["indicator_id"]) & set(context)


def test_a_context_verdict_says_higher_or_lower_never_worse_or_better():
    verdicts = compare_to_benchmark(
        np.array([40.0, 10.0, 25.0]), np.array([45.0, 12.0, 35.0]), 30.0, direction="none"
    )
    assert not {str(v) for v in np.asarray(verdicts)} & {
        "higher_worse",
        "lower_worse",
        "higher_better",
        "lower_better",
    }
