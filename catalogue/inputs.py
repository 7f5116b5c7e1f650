"""The named ways an indicator's numerator and denominator come from stored measures.

An indicator's ``input`` in its YAML names one of these. The catalogue only *declares* them —
which stored measures each reads besides the indicator's own id (so the importer accepts
those ids) and whether it needs a ``population_measure``; the functions that compute them
live above, in :mod:`indicators.inputs` and the family modules, registered under the same
names (``tests/indicators/test_catalogue.py`` checks that both sides agree).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["INPUTS", "InputSpec"]


@dataclass(frozen=True)
class InputSpec:
    """What one input needs from the store.

    Examples
    --------
    >>> INPUTS["population_denominator"].requires_population
    True
    >>> sorted(INPUTS["ineligible_from_eligible"].reads)
    ['behoriga_yrkesprogram']
    """

    #: Stored measures read besides the indicator's own id, with Swedish names.
    reads: Mapping[str, str] = field(default_factory=dict)
    #: True if the indicator must name a ``population_measure``.
    requires_population: bool = False


INPUTS: Mapping[str, InputSpec] = MappingProxyType(
    {
        # numerator = count, denominator = denominator of the indicator's own rows
        "ratio": InputSpec(),
        # as ratio; a missing denominator from the population measure (same period or year)
        "population_denominator": InputSpec(requires_population=True),
        # school: pupils not eligible = pupils − eligible pupils
        "ineligible_from_eligible": InputSpec(
            reads=MappingProxyType(
                {"behoriga_yrkesprogram": "Elever i åk 9 behöriga till gymnasiets yrkesprogram"}
            )
        ),
        # demography: moves in + moves out over the population
        "in_and_out_migrations": InputSpec(
            reads=MappingProxyType(
                {
                    "inflyttade": "Inflyttade till området (antal personer)",
                    "utflyttade": "Utflyttade från området (antal personer)",
                }
            ),
            requires_population=True,
        ),
    }
)
