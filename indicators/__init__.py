"""Indicators: catalogue, statistics, composite indices and disclosure control.

Pure Python (numpy/pandas/scipy/statsmodels); never imports streamlit. Every figure that
leaves this package has passed :func:`indicators.disclosure.suppress` via :func:`compute`.
``compute`` is imported lazily so that light users (the importer reading the catalogue)
do not pay for scipy and statsmodels at start-up.
"""

__all__ = ["OUTPUT_COLUMNS", "compute"]


def __getattr__(name: str):
    if name in __all__:
        from indicators import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'indicators' has no attribute {name!r}")
