"""Indicators: catalogue, statistics, composite indices and disclosure control.

Pure Python (numpy/pandas/scipy/statsmodels); never imports streamlit. Every figure that
leaves this package has passed :func:`indicators.disclosure.suppress` via :func:`compute`.
"""

from indicators.engine import OUTPUT_COLUMNS, compute

__all__ = ["OUTPUT_COLUMNS", "compute"]
