"""Social-services indicators per district (aggregates only).

Metadata: ``social.meta.yml`` beside this module. Social services deliver counts per
district, never records about a child or a household (OSL; docs/architecture.md principle 1). Both
indicators use built-in inputs: ``population_denominator`` for child-welfare reports per
1 000 children, the plain ratio for households receiving social assistance.
"""

from __future__ import annotations

import pandas as pd

from indicators.inputs import catalogue_inputs

FAMILY = "social"


def social_inputs(observations: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator of every social-services indicator, long.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["orosanmalningar", "pop_0_17"],
    ...                     "area_code": ["A", "A"], "period": ["2024", "2024"],
    ...                     "count": [30.0, 1200.0], "denominator": [None, None]})
    >>> social_inputs(obs)[["indicator_id", "numerator", "denominator"]].values.tolist()
    [['orosanmalningar', 30.0, 1200.0]]
    """
    return catalogue_inputs(observations, family=FAMILY)
