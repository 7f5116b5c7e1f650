"""The "osäkert" mark on district maps (geo.layers.uncertain; docs/maps.md)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.layers import UNCERTAIN_MIN_EVENTS, uncertain

VERDICTS = ["similar", "higher_worse", "lower_better", "not_compared", None]


def test_no_difference_on_few_events_is_uncertain_but_a_clear_verdict_is_not():
    out = uncertain(
        [10, 10, 10, 10],
        [12, 12, 12, 12],
        [11, 11, 11, 11],
        numerator=[3, 3, UNCERTAIN_MIN_EVENTS, 3],
        verdict=["similar", "higher_worse", "similar", None],
    )
    assert out.tolist() == [True, False, False, False]


def test_without_numerators_only_the_interval_width_counts():
    out = uncertain([10, 10], [12, 40], [11, 11], verdict=["similar", "similar"])
    assert out.tolist() == [False, True]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0.1, 100),
            st.floats(0, 100),
            st.one_of(st.none(), st.integers(0, 50)),
            st.sampled_from(VERDICTS),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_a_hidden_count_never_changes_the_mark(rows):
    value = np.array([r[0] for r in rows])
    lower, upper = (
        value - np.array([r[1] for r in rows]) / 2,
        value + np.array([r[1] for r in rows]) / 2,
    )
    numerator = [np.nan if r[2] is None else r[2] for r in rows]
    verdict = [r[3] for r in rows]
    marked = uncertain(lower, upper, value, numerator=numerator, verdict=verdict)
    width_only = uncertain(lower, upper, value)
    hidden = np.isnan(numerator)
    # where the count is hidden, the mark is the interval rule alone: it tells nothing more
    assert (marked[hidden] == width_only[hidden]).all()
    # the mark only ever adds areas to the interval rule
    assert (marked | ~width_only).all()
