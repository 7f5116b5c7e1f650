"""Class breaks for maps (geo/classify.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import UserError
from geo.classify import SCHEMES, class_breaks, legend_labels


@pytest.mark.parametrize("scheme", SCHEMES)
def test_only_missing_values_give_no_classes(scheme):
    breaks = class_breaks([math.nan, math.nan], scheme=scheme)
    assert breaks.k == 0 and breaks.bins.size == 0
    assert breaks.classes.tolist() == [-1, -1]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_equal_values_form_one_class(scheme):
    breaks = class_breaks([3.0, 3.0, math.nan, 3.0], scheme=scheme, k=5)
    assert breaks.k == 1 and breaks.bins.tolist() == [3.0]
    assert breaks.classes.tolist() == [0, 0, -1, 0]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fewer_distinct_values_than_classes_gives_fewer_classes(scheme):
    breaks = class_breaks([1, 1, 2, 2, 9], scheme=scheme, k=5)
    assert breaks.k <= 3
    assert breaks.classes[0] == breaks.classes[1] < breaks.classes[4] == breaks.k - 1


def test_natural_breaks_find_obvious_clusters():
    breaks = class_breaks([1, 2, 3, 10, 11, 12, 30], scheme="natural_breaks", k=3)
    assert breaks.classes.tolist() == [0, 0, 0, 1, 1, 1, 2]


def test_natural_breaks_on_many_values_are_repeatable():
    values = np.random.default_rng(3).gamma(2.0, 10.0, 20_000)
    first = class_breaks(values, scheme="natural_breaks", k=5)
    again = class_breaks(values, scheme="natural_breaks", k=5)
    assert first.bins.tolist() == again.bins.tolist()
    assert first.bins[-1] == values.max() and first.k == 5


def test_quantiles_put_about_equal_numbers_in_each_class():
    breaks = class_breaks(np.arange(100.0), scheme="quantiles", k=4)
    assert breaks.counts().tolist() == [25, 25, 25, 25]


def test_an_unknown_scheme_or_k_is_a_user_error():
    with pytest.raises(UserError, match="klassindelning"):
        class_breaks([1, 2, 3], scheme="jenks")
    with pytest.raises(UserError, match="positivt heltal"):
        class_breaks([1, 2, 3], k=0)


def test_legend_labels_use_swedish_decimal_commas():
    breaks = class_breaks([0.5, 1234.5], scheme="equal_interval", k=2)
    assert legend_labels(breaks) == ["0,5–617,5", "617,5–1\u00a0234,5"]


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(math.nan)), min_size=1, max_size=40),
    scheme=st.sampled_from(SCHEMES),
    k=st.integers(1, 7),
)
def test_every_value_falls_in_the_class_its_bins_describe(values, scheme, k):
    breaks = class_breaks(values, scheme=scheme, k=k)
    v = np.asarray(values)
    finite = np.isfinite(v)
    assert (breaks.classes[~finite] == -1).all()
    if not finite.any():
        return
    assert 1 <= breaks.k <= k
    assert np.all(np.diff(breaks.bins) > 0) and breaks.bins[-1] == v[finite].max()
    lower = np.concatenate([[-np.inf], breaks.bins[:-1]])
    cls = breaks.classes[finite]
    assert np.all((lower[cls] < v[finite]) & (v[finite] <= breaks.bins[cls]))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.floats(min_value=0, max_value=50, allow_nan=False).map(lambda x: round(x, 3)),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["quantiles", "equal_interval", "natural_breaks"]),
)
def test_rounded_classes_never_read_x_to_x(values, scheme):
    """Issue #14: a legend class like '0,0–0,0' says nothing; rounded bounds are merged."""
    breaks = class_breaks(values, scheme=scheme, k=5, decimals=1)
    labels = legend_labels(breaks, decimals=1)
    assert len(set(labels)) == len(labels)
    for label in labels:
        if "–" in label:
            lo, hi = label.split("–")
            assert lo != hi
    assert (breaks.classes >= 0).all() and breaks.classes.max() < breaks.k
