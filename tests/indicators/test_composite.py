"""Tests for indicators/composite.py: Risk and Protective index of areas, rank intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indicators.composite as composite
from common.errors import UserError, ValidationError
from indicators.composite import (
    composite_index,
    composite_uncertainty,
    rank_overlap_matrix,
    ranks_overlap,
)

AREAS = ["Ersboda", "Mariehem", "Tomtebo", "Alidhem"]
COLUMNS = list(composite.REQUIRED_COLUMNS)


def indicator_rows(
    indicator_id: str,
    values: list[float | None],
    *,
    direction: str = "higher_is_worse",
    role: str = "risk",
    half_width: float = 0.5,
    suppressed: list[bool] | None = None,
    areas: list[str] = AREAS,
) -> pd.DataFrame:
    """One indicator over ``areas``; None = missing value."""
    value = np.array([np.nan if v is None else v for v in values], dtype=float)
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "area_code": areas[: len(values)],
            "value": value,
            "lower": value - half_width,
            "upper": value + half_width,
            "suppressed": suppressed if suppressed is not None else [False] * len(values),
            "direction": direction,
            "role": role,
        }
    )


def table_of(*parts: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def by_area(result: pd.DataFrame) -> pd.DataFrame:
    return result.set_index("area_code")


def zscore(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std()


def minmax(x: np.ndarray) -> np.ndarray:
    return (x - x.min()) / (x.max() - x.min())


# Ersboda is worst in every risk indicator, by a wide margin.
CLEAR_RISK = table_of(
    indicator_rows("ej_behoriga", [40, 20, 12, 10]),
    indicator_rows("orosanmalan", [80, 35, 30, 20]),
    indicator_rows("skolfranvaro", [25, 12, 8, 10]),
)


# ------------------------------------------------------------------ point index


def test_area_worst_in_every_risk_indicator_ranks_first():
    result = composite_index(CLEAR_RISK, role="risk")
    assert result.loc[0, "area_code"] == "Ersboda"
    assert result.loc[0, "rank"] == 1
    assert result["rank"].tolist() == [1, 2, 3, 4]
    assert result["score"].is_monotonic_decreasing
    assert (result["status"] == "ranked").all()
    assert (result["n_indicators"] == 3).all()


def test_zscore_score_is_equal_weighted_mean_of_population_zscores():
    a = np.array([40.0, 20, 12, 10])
    b = np.array([80.0, 35, 30, 20])
    c = np.array([25.0, 12, 8, 10])
    expected = (zscore(a) + zscore(b) + zscore(c)) / 3
    scores = by_area(composite_index(CLEAR_RISK, role="risk"))["score"]
    np.testing.assert_allclose(scores.reindex(AREAS).to_numpy(), expected, rtol=1e-12)


def test_minmax_scores_lie_in_unit_interval_with_extremes_at_zero_and_one():
    # Ersboda worst in all, Alidhem best in all -> exactly 1 and 0 with min-max.
    table = table_of(
        indicator_rows("a", [9, 5, 3, 1]),
        indicator_rows("b", [90, 70, 20, 10]),
    )
    scores = by_area(composite_index(table, role="risk", normalisation="minmax"))["score"]
    assert scores["Ersboda"] == pytest.approx(1.0)
    assert scores["Alidhem"] == pytest.approx(0.0)
    expected = (minmax(np.array([9.0, 5, 3, 1])) + minmax(np.array([90.0, 70, 20, 10]))) / 2
    np.testing.assert_allclose(scores.reindex(AREAS).to_numpy(), expected, rtol=1e-12)


def test_minmax_and_zscore_can_rank_differently():
    first = np.array([5.0, 1, 0, 9])
    second = np.array([8.0, 1, 6, 5])
    table = table_of(indicator_rows("a", list(first)), indicator_rows("b", list(second)))
    z_result = by_area(composite_index(table, role="risk", normalisation="zscore"))
    m_result = by_area(composite_index(table, role="risk", normalisation="minmax"))
    # By hand: z-score means 0.764 (Ersboda) vs 0.737 (Alidhem); min-max 0.778 vs 0.786.
    np.testing.assert_allclose(
        z_result["score"].reindex(AREAS), (zscore(first) + zscore(second)) / 2, rtol=1e-12
    )
    assert z_result.loc["Ersboda", "rank"] == 1
    assert m_result.loc["Alidhem", "rank"] == 1


def test_risk_indicator_where_higher_is_better_counts_low_values_as_risk():
    # "behoriga" (eligible pupils): low share = risk. Tomtebo lowest -> most risk.
    table = table_of(
        indicator_rows("behoriga", [80, 85, 50, 90], direction="higher_is_better"),
    )
    result = by_area(composite_index(table, role="risk"))
    assert result.loc["Tomtebo", "rank"] == 1
    assert result.loc["Alidhem", "rank"] == 4


def test_protective_index_orients_so_that_higher_is_more_protection():
    table = table_of(
        # Protective, higher is better: Mariehem has most leisure participation.
        indicator_rows("fritid", [30, 70, 40, 20], direction="higher_is_better", role="protective"),
        # Protective but stored as "higher is worse" (e.g. share NOT in any activity).
        indicator_rows(
            "ej_aktiva", [60, 10, 40, 70], direction="higher_is_worse", role="protective"
        ),
    )
    result = by_area(composite_index(table, role="protective"))
    assert result.loc["Mariehem", "rank"] == 1
    assert result.loc["Alidhem", "rank"] == 4


def test_weights_decide_between_areas_worst_in_different_indicators():
    # Ersboda worst in "a", Mariehem worst in "b", symmetric otherwise.
    table = table_of(
        indicator_rows("a", [10, 2, 1, 0]),
        indicator_rows("b", [2, 10, 1, 0]),
    )
    heavy_a = by_area(composite_index(table, role="risk", weights={"a": 3, "b": 1}))
    heavy_b = by_area(composite_index(table, role="risk", weights={"a": 1, "b": 3}))
    assert heavy_a.loc["Ersboda", "rank"] == 1
    assert heavy_b.loc["Mariehem", "rank"] == 1
    # Weights are relative: scaling all of them changes nothing.
    scaled = by_area(composite_index(table, role="risk", weights={"a": 30, "b": 10}))
    pd.testing.assert_series_equal(scaled["score"], heavy_a["score"])


def test_zero_weight_leaves_indicator_out():
    table = table_of(indicator_rows("a", [10, 2, 1, 0]), indicator_rows("b", [0, 10, 1, 2]))
    result = by_area(composite_index(table, role="risk", weights={"a": 1, "b": 0}))
    only_a = by_area(composite_index(table_of(indicator_rows("a", [10, 2, 1, 0])), role="risk"))
    pd.testing.assert_series_equal(result["score"], only_a["score"])
    assert (result["n_indicators"] == 1).all()


def test_equal_default_weights_match_explicit_equal_weights():
    default = composite_index(CLEAR_RISK, role="risk")
    explicit = composite_index(
        CLEAR_RISK, role="risk", weights={"ej_behoriga": 2, "orosanmalan": 2, "skolfranvaro": 2}
    )
    pd.testing.assert_frame_equal(default, explicit)


def test_protective_indicator_never_affects_risk_index():
    protective = indicator_rows(
        "fritid", [1000, -50, 3, 7], direction="higher_is_better", role="protective"
    )
    risk_only = composite_uncertainty(CLEAR_RISK, role="risk", draws=200)
    with_protective = composite_uncertainty(
        table_of(CLEAR_RISK, protective), role="risk", draws=200
    )
    pd.testing.assert_frame_equal(risk_only, with_protective)


def test_risk_indicator_never_affects_protective_index():
    protective = table_of(
        indicator_rows("fritid", [30, 70, 40, 20], direction="higher_is_better", role="protective"),
        indicator_rows("vuxna", [3, 5, 9, 1], direction="higher_is_better", role="protective"),
    )
    alone = composite_index(protective, role="protective")
    with_risk = composite_index(table_of(protective, CLEAR_RISK), role="protective")
    pd.testing.assert_frame_equal(alone, with_risk)


def test_mostly_suppressed_area_is_insufficient_and_left_out_of_ranking():
    table = table_of(
        indicator_rows("a", [40, 20, 12, 10], suppressed=[False, True, False, False]),
        indicator_rows("b", [80, 35, 30, 20], suppressed=[False, True, False, False]),
        indicator_rows("c", [25, 12, 8, 10], suppressed=[False, False, True, False]),
    )
    result = by_area(composite_uncertainty(table, role="risk", draws=200))
    mariehem = result.loc["Mariehem"]
    assert mariehem["status"] == "insufficient"
    assert np.isnan(mariehem["rank"]) and np.isnan(mariehem["score"])
    assert np.isnan(mariehem["rank_lower"]) and np.isnan(mariehem["rank_upper"])
    assert mariehem["label_sv"] == "otillräckligt underlag"
    assert mariehem["label_en"] == "insufficient data"
    assert mariehem["n_suppressed"] == 2
    assert mariehem["n_indicators"] == 1
    ranked = result[result["status"] == "ranked"]
    assert sorted(ranked["rank"]) == [1, 2, 3]
    assert ranked["rank_upper"].max() <= 3
    # Tomtebo has one of three suppressed: still ranked, on two indicators.
    assert result.loc["Tomtebo", "n_indicators"] == 2
    assert result.loc["Tomtebo", "n_suppressed"] == 1
    # Insufficient areas come last.
    assert composite_uncertainty(table, role="risk", draws=50)["area_code"].iloc[-1] == "Mariehem"


def test_insufficient_area_does_not_change_the_others_scores():
    table = table_of(
        indicator_rows("a", [40, 999, 12, 10], suppressed=[False, True, False, False]),
        indicator_rows("b", [80, 35, 30, 20], suppressed=[False, True, False, False]),
    )
    without = table[table["area_code"] != "Mariehem"]
    a = by_area(composite_index(table, role="risk")).drop(index="Mariehem")
    b = by_area(composite_index(without, role="risk"))
    pd.testing.assert_series_equal(a["score"], b["score"].reindex(a.index))


def test_value_of_a_suppressed_cell_is_ignored():
    low = table_of(indicator_rows("a", [40, 1, 12, 10], suppressed=[False, True, False, False]))
    high = low.assign(value=[40.0, 1e6, 12, 10])
    high["lower"] = high["value"] - 0.5
    high["upper"] = high["value"] + 0.5
    pd.testing.assert_frame_equal(
        composite_uncertainty(low, role="risk", draws=100, min_share_available=0.0),
        composite_uncertainty(high, role="risk", draws=100, min_share_available=0.0),
    )


def test_available_share_exactly_at_threshold_is_ranked():
    table = table_of(
        indicator_rows("a", [40, 20, 12, 10]),
        indicator_rows("b", [80, None, 30, 20]),  # Mariehem missing 1 of 2 = share 0.5
    )
    result = by_area(composite_index(table, role="risk"))
    assert result.loc["Mariehem", "status"] == "ranked"
    assert result.loc["Mariehem", "n_indicators"] == 1
    stricter = by_area(composite_index(table, role="risk", min_share_available=0.75))
    assert stricter.loc["Mariehem", "status"] == "insufficient"


def test_area_without_any_rows_of_the_role_is_insufficient():
    table = table_of(
        indicator_rows("a", [40, 20, 12], areas=AREAS[:3]),
        indicator_rows("fritid", [1, 2, 3, 4], direction="higher_is_better", role="protective"),
    )
    result = by_area(composite_index(table, role="risk"))
    assert result.loc["Alidhem", "status"] == "insufficient"
    assert result.loc["Alidhem", "n_indicators"] == 0


def test_constant_indicator_is_neutral():
    table = table_of(indicator_rows("a", [40, 20, 12, 10]), indicator_rows("flat", [5, 5, 5, 5]))
    z = by_area(composite_index(table, role="risk"))["score"].reindex(AREAS)
    np.testing.assert_allclose(z, zscore(np.array([40.0, 20, 12, 10])) / 2, rtol=1e-12)
    m = by_area(composite_index(table, role="risk", normalisation="minmax"))["score"]
    np.testing.assert_allclose(
        m.reindex(AREAS), (minmax(np.array([40.0, 20, 12, 10])) + 0.5) / 2, rtol=1e-12
    )


def test_tied_scores_share_the_best_rank():
    table = table_of(indicator_rows("a", [5, 5, 1, 0]))
    result = by_area(composite_index(table, role="risk"))
    assert result.loc["Ersboda", "rank"] == result.loc["Mariehem", "rank"] == 1
    assert result.loc["Tomtebo", "rank"] == 3


# ------------------------------------------------------------------ Monte Carlo


def test_clear_worst_area_ranks_first_with_narrow_interval():
    result = composite_uncertainty(CLEAR_RISK, role="risk")
    first = result.iloc[0]
    assert first["area_code"] == "Ersboda"
    assert (first["rank"], first["rank_median"], first["rank_lower"], first["rank_upper"]) == (
        1,
        1,
        1,
        1,
    )
    assert first["label_sv"] == "rang 1, 90 % intervall 1–1"
    assert first["label_en"] == "rank 1, 90% interval 1–1"


def test_near_equal_areas_get_wide_overlapping_intervals():
    # Mariehem, Tomtebo, Alidhem are within each other's sampling error.
    table = table_of(
        indicator_rows("a", [40, 11, 10, 10.5], half_width=4),
        indicator_rows("b", [80, 21, 20, 20.5], half_width=8),
    )
    result = by_area(composite_uncertainty(table, role="risk"))
    close = result.loc[["Mariehem", "Tomtebo", "Alidhem"]]
    assert (close["rank_upper"] - close["rank_lower"] >= 1).all()
    assert ranks_overlap(
        close.loc["Mariehem", "rank_lower"],
        close.loc["Mariehem", "rank_upper"],
        close.loc["Tomtebo", "rank_lower"],
        close.loc["Tomtebo", "rank_upper"],
    )
    assert not ranks_overlap(
        result.loc["Ersboda", "rank_lower"],
        result.loc["Ersboda", "rank_upper"],
        close.loc["Tomtebo", "rank_lower"],
        close.loc["Tomtebo", "rank_upper"],
    )


def test_same_seed_gives_identical_result_and_input_is_untouched():
    table = table_of(
        indicator_rows("a", [40, 11, 10, 10.5], half_width=4),
        indicator_rows("b", [80, 21, 20, 20.5], half_width=8),
    )
    before = table.copy()
    first = composite_uncertainty(table, role="risk", draws=300, seed=7)
    second = composite_uncertainty(table, role="risk", draws=300, seed=7)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(table, before)


def test_result_does_not_depend_on_block_size(monkeypatch):
    table = table_of(
        indicator_rows("a", [40, 11, 10, 10.5], half_width=4),
        indicator_rows("b", [80, 21, 20, 20.5], half_width=8),
    )
    whole = composite_uncertainty(table, role="risk", draws=300)
    monkeypatch.setattr(composite, "_CHUNK_ELEMENTS", 8)  # one draw per block
    blocked = composite_uncertainty(table, role="risk", draws=300)
    pd.testing.assert_frame_equal(whole, blocked)


def test_interval_width_follows_coverage():
    table = table_of(
        indicator_rows("a", [40, 11, 10, 10.5], half_width=6),
        indicator_rows("b", [80, 21, 20, 20.5], half_width=12),
    )
    wide = by_area(composite_uncertainty(table, role="risk", interval=0.98))
    narrow = by_area(composite_uncertainty(table, role="risk", interval=0.5))
    assert (wide["rank_lower"] <= narrow["rank_lower"]).all()
    assert (wide["rank_upper"] >= narrow["rank_upper"]).all()
    assert wide.loc["Mariehem", "label_sv"].startswith("rang ")
    assert ", 98 % intervall " in wide.loc["Mariehem", "label_sv"]


def test_fixed_weights_and_no_sampling_error_give_point_interval_for_one_indicator():
    table = table_of(indicator_rows("a", [40, 11, 10, 10.5], half_width=0))
    result = composite_uncertainty(table, role="risk", weight_concentration=np.inf, draws=50)
    assert (result["rank_lower"] == result["rank"]).all()
    assert (result["rank_upper"] == result["rank"]).all()


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=3),
        min_size=2,
        max_size=7,
    ),
    half_width=st.floats(0, 30),
    masked=st.lists(st.booleans(), min_size=21, max_size=21),
    seed=st.integers(0, 2**31),
)
def test_rank_intervals_contain_point_and_median_rank(values, half_width, masked, seed):
    areas = [f"D{i}" for i in range(len(values))]
    matrix = np.array(values)
    table = table_of(
        *(
            indicator_rows(
                f"i{k}",
                list(matrix[:, k]),
                half_width=half_width,
                suppressed=masked[k * 7 : k * 7 + len(areas)],
                areas=areas,
                direction="higher_is_worse" if k else "higher_is_better",
            )
            for k in range(3)
        )
    )
    result = composite_uncertainty(table, role="risk", draws=100, seed=seed)
    ranked = result[result["status"] == "ranked"]
    n_ranked = len(ranked)
    assert (ranked["rank_lower"] <= ranked["rank"]).all()
    assert (ranked["rank"] <= ranked["rank_upper"]).all()
    assert (ranked["rank_lower"] <= ranked["rank_median"]).all()
    assert (ranked["rank_median"] <= ranked["rank_upper"]).all()
    assert ranked["rank_lower"].min() >= 1 if n_ranked else True
    assert ranked["rank_upper"].max() <= n_ranked if n_ranked else True
    insufficient = result[result["status"] == "insufficient"]
    assert insufficient["rank"].isna().all()
    assert (insufficient["label_sv"] == "otillräckligt underlag").all()
    # Share available < 0.5 of 3 indicators means at most 1 available.
    assert (insufficient["n_indicators"] <= 1).all()
    assert (ranked["n_indicators"] >= 2).all()


# ------------------------------------------------------------------ overlap helpers


def test_ranks_overlap_is_closed_and_vectorised():
    assert ranks_overlap(1, 2, 2, 3)
    assert not ranks_overlap(1, 1, 2, 3)
    assert not ranks_overlap(4, 5, 1, 3)
    assert not ranks_overlap(np.nan, np.nan, 1, 3)
    flags = ranks_overlap(np.array([1, 1, 4]), np.array([2, 1, 5]), 2, 3)
    assert flags.tolist() == [True, False, False]


def test_rank_overlap_matrix_is_symmetric_and_excludes_insufficient_areas():
    result = pd.DataFrame(
        {
            "area_code": ["A", "B", "C", "D"],
            "rank_lower": [1, 1, 3, np.nan],
            "rank_upper": [2, 3, 3, np.nan],
        }
    )
    matrix = rank_overlap_matrix(result)
    assert matrix.to_numpy().tolist() == [
        [True, True, False, False],
        [True, True, True, False],
        [False, True, True, False],
        [False, False, False, False],
    ]


# ------------------------------------------------------------------ validation


def test_missing_column_names_the_column():
    with pytest.raises(UserError) as error:
        composite_index(CLEAR_RISK.drop(columns="direction"), role="risk")
    assert error.value.problem.column == "direction"


def test_bad_direction_is_reported_with_row_and_column():
    table = CLEAR_RISK.copy()
    table.loc[2, "direction"] = "uppåt"
    with pytest.raises(ValidationError) as error:
        composite_index(table, role="risk")
    located = [(p.row, p.column) for p in error.value.problems]
    assert (3, "direction") in located


def test_duplicate_indicator_area_rows_are_refused():
    table = table_of(CLEAR_RISK, CLEAR_RISK.iloc[[0]])
    with pytest.raises(ValidationError) as error:
        composite_index(table, role="risk")
    assert [p.row for p in error.value.problems] == [len(table)]


def test_upper_below_lower_is_refused():
    table = CLEAR_RISK.copy()
    table.loc[0, "upper"] = table.loc[0, "lower"] - 1
    with pytest.raises(ValidationError):
        composite_uncertainty(table, role="risk", draws=10)


@pytest.mark.parametrize(
    ("kwargs", "message_part"),
    [
        ({"role": "net"}, "role"),
        ({"role": "protective"}, "protective"),  # no protective indicators in CLEAR_RISK
        ({"role": "risk", "normalisation": "rank"}, "normalisation"),
        ({"role": "risk", "weights": {"ej_behoriga": 1}}, "Vikt saknas"),
        ({"role": "risk", "weights": {"ej_behoriga": 1, "x": 1}}, "okänd"),
        (
            {"role": "risk", "weights": {"ej_behoriga": -1, "orosanmalan": 1, "skolfranvaro": 1}},
            "icke-negativa",
        ),
    ],
)
def test_bad_options_raise_user_error_in_swedish(kwargs, message_part):
    with pytest.raises(UserError) as error:
        composite_index(CLEAR_RISK, **kwargs)
    assert message_part in str(error.value)


@pytest.mark.parametrize(
    "kwargs",
    [{"draws": 0}, {"interval": 1.0}, {"weight_concentration": 0}, {"min_share_available": 2}],
)
def test_bad_monte_carlo_options_raise_user_error(kwargs):
    with pytest.raises(UserError):
        composite_uncertainty(CLEAR_RISK, role="risk", **kwargs)
