"""Public-space and crime indicators per district: reported crime, suspects, safety.

Metadata: ``public_space.meta.yml`` beside this module. Crime indicators are *reported*
crime: reporting propensity and police activity differ between areas and over time,
and rare offences should be pooled over three years (docs/methods.md §5). Place-based only:
no individual is scored or listed (EU AI Act Art. 5(1)(d); docs/methods.md §4).
"""

from __future__ import annotations

import pandas as pd

from indicators.inputs import catalogue_inputs

FAMILY = "public_space"


def public_space_inputs(observations: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator of every public-space indicator, long.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["narkotikabrott", "pop_total"],
    ...                     "area_code": ["A", "A"], "period": ["2024", "2024"],
    ...                     "count": [14.0, 5200.0], "denominator": [None, None]})
    >>> public_space_inputs(obs)[["indicator_id", "denominator"]].values.tolist()
    [['narkotikabrott', 5200.0]]
    """
    return catalogue_inputs(observations, family=FAMILY)
