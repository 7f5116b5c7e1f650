"""Leisure indicators per district: organised activities, youth centres, holiday activities.

Metadata: ``leisure.meta.yml`` beside this module. These are protective factors
("opportunities for prosocial involvement", Communities That Care; docs/methods.md §5) and
measure provision and participation, not outcomes. Visits and participant-occasions are
counted anonymously; a person can be counted many times.
"""

from __future__ import annotations

import pandas as pd

from indicators.inputs import catalogue_inputs

FAMILY = "leisure"


def leisure_inputs(observations: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator of every leisure indicator, long.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["fritidsgard_besok", "pop_13_19"],
    ...                     "area_code": ["A", "A"], "period": ["2024HT", "2024"],
    ...                     "count": [2400.0, 600.0], "denominator": [None, None]})
    >>> leisure_inputs(obs)[["period", "numerator", "denominator"]].values.tolist()
    [['2024HT', 2400.0, 600.0]]
    """
    return catalogue_inputs(observations, family=FAMILY)
