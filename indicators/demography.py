"""Demographic and socio-economic indicators per district.

Metadata: ``demography.meta.yml`` beside this module. Most come from SCB registers
(income, households, migrations, population); from reference year 2025 SCB perturbs
population tables with the Cell Key Method, so parts need not add up to totals
(docs/methods.md §2.2) — inputs are used as delivered, never "repaired".
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
    with_population_denominator,
)

FAMILY = "demography"

IN_MIGRATION = "inflyttade"
OUT_MIGRATION = "utflyttade"


@register_input("in_and_out_migrations")  # reads IN_ and OUT_MIGRATION (catalogue.inputs)
def in_and_out_migrations(indicator: Indicator, observations: pd.DataFrame) -> pd.DataFrame:
    """Moves in + moves out per area and period, over the population.

    Rows stored under the indicator's own id win. Otherwise numerator = ``inflyttade`` +
    ``utflyttade`` (both must be present for an area and period; SCB publishes them as
    separate tables), and the denominator is the ``population_measure`` of the same area
    and period (or year).

    Examples
    --------
    >>> from catalogue import get_indicator
    >>> obs = pd.DataFrame({
    ...     "measure_id": ["inflyttade", "utflyttade", "pop_total"], "area_code": ["A"] * 3,
    ...     "period": ["2024"] * 3, "count": [120.0, 150.0, 3000.0], "denominator": [None] * 3})
    >>> in_and_out_migrations(get_indicator("flyttrorlighet"), obs).values.tolist()
    [['A', '2024', 270.0, 3000.0]]
    """
    direct = plain_ratio_inputs(indicator, observations)
    moves = observations.loc[observations["measure_id"].isin([IN_MIGRATION, OUT_MIGRATION])]
    counts = (
        moves.assign(
            moves=pd.to_numeric(moves["count"], errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
        )
        .groupby(["area_code", "period", "measure_id"])["moves"]
        .sum(min_count=1)
        .unstack("measure_id")
    )
    counts = counts.reindex(columns=[IN_MIGRATION, OUT_MIGRATION])
    derived = counts.index.to_frame(index=False)
    # Plain sum (not sum(skipna)): an area with only one direction stays unknown.
    derived["numerator"] = (counts[IN_MIGRATION] + counts[OUT_MIGRATION]).to_numpy()
    derived["denominator"] = np.nan
    covered = pd.MultiIndex.from_frame(direct[["area_code", "period"]])
    keep = ~pd.MultiIndex.from_frame(derived[["area_code", "period"]]).isin(covered)
    combined = pd.concat([direct, derived.loc[keep]], ignore_index=True)[INPUT_COLUMNS]
    return with_population_denominator(
        combined, observations, population_measure=indicator.population_measure
    )


def demography_inputs(observations: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator of every demography indicator, long.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["trangboddhet"], "area_code": ["A"],
    ...                     "period": ["2024"], "count": [300.0], "denominator": [2500.0]})
    >>> demography_inputs(obs)["denominator"].tolist()
    [2500.0]
    """
    return catalogue_inputs(observations, family=FAMILY)
