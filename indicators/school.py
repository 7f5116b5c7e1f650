"""School indicators per district: eligibility, grades, absence, suspensions, safety.

Metadata: ``school.meta.yml`` beside this module. School figures follow Skolverket's
rule that results based on fewer than 10 pupils are not published (docs/methods.md §2.2),
hence ``min_denominator: 10`` on every school indicator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from catalogue import Indicator
from indicators.inputs import (
    INPUT_COLUMNS,
    catalogue_inputs,
    plain_ratio_inputs,
    register_input,
)

FAMILY = "school"

#: Stored measure with the pupils who ARE eligible (Skolverket and Kolada publish
#: eligibility, not its complement).
ELIGIBLE_MEASURE = "behoriga_yrkesprogram"


@register_input("ineligible_from_eligible")  # reads ELIGIBLE_MEASURE (catalogue.inputs)
def ineligible_from_eligible(indicator: Indicator, observations: pd.DataFrame) -> pd.DataFrame:
    """Pupils not eligible = pupils − eligible pupils, from ``behoriga_yrkesprogram``.

    Rows stored under the indicator's own id win; the eligible measure fills the
    area×period pairs they do not cover (it needs ``count`` and ``denominator``).

    Examples
    --------
    >>> from catalogue import get_indicator
    >>> obs = pd.DataFrame({"measure_id": ["behoriga_yrkesprogram"], "area_code": ["A"],
    ...                     "period": ["2024"], "count": [45.0], "denominator": [52.0]})
    >>> ineligible_from_eligible(get_indicator("ej_behoriga_gymnasiet"), obs).values.tolist()
    [['A', '2024', 7.0, 52.0]]
    """
    direct = plain_ratio_inputs(indicator, observations)
    eligible = observations.loc[observations["measure_id"] == ELIGIBLE_MEASURE]
    pupils = pd.to_numeric(eligible["denominator"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    passed = pd.to_numeric(eligible["count"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    derived = eligible[["area_code", "period"]].reset_index(drop=True)
    derived["numerator"] = pupils - passed
    derived["denominator"] = pupils
    covered = pd.MultiIndex.from_frame(direct[["area_code", "period"]])
    keep = ~pd.MultiIndex.from_frame(derived[["area_code", "period"]]).isin(covered)
    return pd.concat([direct, derived.loc[keep]], ignore_index=True)[INPUT_COLUMNS]


def school_inputs(observations: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator of every school indicator, long (``indicator_id`` first).

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["godkanda_alla_amnen"], "area_code": ["A"],
    ...                     "period": ["2024"], "count": [40.0], "denominator": [50.0]})
    >>> school_inputs(obs)[["indicator_id", "numerator"]].values.tolist()
    [['godkanda_alla_amnen', 40.0]]
    """
    return catalogue_inputs(observations, family=FAMILY)
