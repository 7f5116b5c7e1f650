"""access/interventions.py: who may read and write the register, and that an evaluation shows
nothing disclosure control hid."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access import PermissionDenied
from access.interventions import (
    add_intervention,
    evaluate_intervention,
    interventions,
    update_intervention,
)
from access.reads import indicator_values
from common.errors import UserError


@pytest.mark.parametrize("role", ["publik", "rad", "est", "analytiker", "admin"])
def test_every_role_reads_the_register(demo_store, role):
    assert len(interventions(demo_store, role)) == 3


@pytest.mark.parametrize("role", ["publik", "rad", "est"])
def test_only_analysts_and_admins_write(demo_store, role):
    with pytest.raises(PermissionDenied):
        add_intervention(
            demo_store, role, user="x", name="y", districts=["d-ersboda"], start="2024-01-01"
        )
    with pytest.raises(PermissionDenied):
        update_intervention(demo_store, role, 1, user="x", name="y")
    assert len(interventions(demo_store, "admin")) == 3


def test_an_evaluation_never_contains_a_suppressed_cell(demo_store):
    """Attack: pick the district × indicator with the most suppressed cells and evaluate an
    intervention there; no period of the published series may carry a hidden value."""
    values = indicator_values(demo_store, "publik", levels=["district"])
    values = values[values["area_level"] == "district"]
    hidden = values[values["suppressed"]]
    assert not hidden.empty, "the demo data should have suppressed district cells"
    (ind_id, area), _ = max(
        hidden.groupby(["indicator_id", "area_code"]).groups.items(), key=lambda kv: len(kv[1])
    )
    new = add_intervention(
        demo_store,
        "analytiker",
        user="anna",
        name="Angreppstest",
        districts=[area],
        start="2020-07-01",
        targets=[ind_id],
    )
    result = evaluate_intervention(demo_store, "publik", new, ind_id)
    secret = hidden[(hidden["indicator_id"] == ind_id) & (hidden["area_code"] == area)]
    for out in result["results"].values():
        if "series" not in out:
            assert out["status"] == "insufficient"
            continue
        shown = set(out["series"]["period"])
        assert not shown & set(secret["period"])
        assert set(out.get("treated_gaps", [])) >= set(secret["period"]) - set(
            out.get("transition", [])
        )
        published = values[(values["indicator_id"] == ind_id) & (values["area_code"] == area)]
        merged = out["series"].merge(published, on="period", suffixes=("", "_pub"))
        assert np.allclose(merged["numerator"], merged["numerator_pub"])
        for district in out.get("comparisons", []):
            cells = values[(values["indicator_id"] == ind_id) & (values["area_code"] == district)]
            used = cells[cells["period"].isin(out["periods"])]
            assert not used["suppressed"].any()


def test_an_unknown_indicator_or_intervention_is_a_swedish_error(demo_store):
    with pytest.raises(UserError, match="Okänd indikator"):
        evaluate_intervention(demo_store, "rad", 1, "no_such")
    with pytest.raises(UserError, match="Insatsen 99 finns inte"):
        evaluate_intervention(demo_store, "rad", 99, "skadegorelse")
    with pytest.raises(UserError, match="finns inte"):
        evaluate_intervention(demo_store, "rad", "1; DROP TABLE intervention", "skadegorelse")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=0, max_size=250))
def test_any_name_round_trips_exactly_or_is_refused_leaving_the_register_as_it_was(
    demo_store, name
):
    before = interventions(demo_store, "admin")
    try:
        new = add_intervention(
            demo_store, "admin", user="x", name=name, districts=["d-ersboda"], start="2024-01-01"
        )
    except UserError:
        pd.testing.assert_frame_equal(interventions(demo_store, "admin"), before)
        return
    stored = interventions(demo_store, "admin").set_index("id").loc[new, "name"]
    assert stored == name.strip()
