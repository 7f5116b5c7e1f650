"""Indicators: inputs, statistics, composite indices and disclosure control.

Pure Python (numpy/pandas/scipy/statsmodels); never imports streamlit. Every figure that
leaves this package has passed :func:`indicators.disclosure.suppress` via :func:`compute`.
The family modules are imported here so that their input functions are registered
(:mod:`indicators.inputs`) whenever any part of the package is used; the metadata itself is
the :mod:`catalogue` package, below this one.
"""

from indicators import demography, leisure, public_space, school, social
from indicators.engine import OUTPUT_COLUMNS, compute

__all__ = [
    "OUTPUT_COLUMNS",
    "compute",
    "demography",
    "leisure",
    "public_space",
    "school",
    "social",
]
