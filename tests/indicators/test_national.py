"""Sweden as the second benchmark: the verdict against the national value."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import load_catalogue
from indicators.national import SWEDEN, with_sweden

CAT = load_catalogue()


def _frame(indicator, national, rows):
    data = [(indicator, SWEDEN, "2023", national, national - 0.1, national + 0.1, False)]
    data += [(indicator, f"d-{i}", "2023", v, lo, hi, s) for i, (v, lo, hi, s) in enumerate(rows)]
    frame = pd.DataFrame(
        data,
        columns=["indicator_id", "area_code", "period", "value", "lower", "upper", "suppressed"],
    )
    return frame.assign(kind=CAT[indicator].kind)


interval = st.tuples(st.floats(0, 100), st.floats(0, 30), st.booleans()).map(
    lambda t: (t[0], t[0] - t[1], t[0] + t[1], t[2])
)


@settings(max_examples=60, deadline=None)
@given(st.floats(1, 99), st.lists(interval, min_size=1, max_size=8))
def test_verdict_follows_the_interval_against_swedens_value(national, rows):
    for indicator in ("godkanda_alla_amnen", "andel_utrikes_fodda"):  # protective; context
        out = with_sweden(_frame(indicator, national, rows), CAT)
        assert out.loc[0, "verdict_sweden"] == "benchmark"
        for (_, lo, hi, hidden), verdict in zip(rows, out["verdict_sweden"][1:], strict=True):
            if hidden:
                assert verdict is None  # a suppressed value is never compared
            elif lo > national:
                assert verdict in ("higher_better", "higher")
            elif hi < national:
                assert verdict in ("lower_worse", "lower")
            else:
                assert verdict == "similar"
        if indicator == "andel_utrikes_fodda":  # context: never better or worse
            assert not set(out["verdict_sweden"].dropna()) & {
                "higher_better",
                "lower_better",
                "higher_worse",
                "lower_worse",
            }


def test_no_national_value_means_no_verdict():
    frame = _frame("meritvarde_ak9", 230.0, [(200.0, 190.0, 210.0, False)])
    frame = frame[frame["area_code"] != SWEDEN]
    out = with_sweden(frame, CAT)
    assert out["verdict_sweden"].isna().all() and np.isnan(out["sweden_value"]).all()
