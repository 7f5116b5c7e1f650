"""The indicator catalogue: metadata as data (YAML), validated; shared by every layer above.

:mod:`catalogue.metadata` holds the :class:`Indicator` model, loading and validation and the
display labels; :mod:`catalogue.inputs` declares the named inputs (the extra stored measures
they read). The functions that compute numerators and denominators live in
:mod:`indicators.inputs`.

Examples
--------
>>> from catalogue import load_catalogue
>>> load_catalogue()["skadegorelse"].kind
'rate'
"""

from catalogue.inputs import INPUTS, InputSpec
from catalogue.metadata import (
    DIRECTION_LABELS,
    FAMILIES,
    FAMILY_LABELS,
    KIND_LABELS,
    MULTIPLIERS,
    PERIODICITY_LABELS,
    POPULATION_MEASURES,
    ROLE_LABELS,
    SCHEME_LABELS,
    Indicator,
    get_indicator,
    indicators_by_family,
    known_measures,
    load_catalogue,
    measure_value_ranges,
)

__all__ = [
    "DIRECTION_LABELS",
    "FAMILIES",
    "FAMILY_LABELS",
    "INPUTS",
    "KIND_LABELS",
    "MULTIPLIERS",
    "PERIODICITY_LABELS",
    "POPULATION_MEASURES",
    "ROLE_LABELS",
    "SCHEME_LABELS",
    "Indicator",
    "InputSpec",
    "get_indicator",
    "indicators_by_family",
    "known_measures",
    "load_catalogue",
    "measure_value_ranges",
]
