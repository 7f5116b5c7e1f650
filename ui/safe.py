"""User text on pages: tables defused against spreadsheet formulas, messages as plain text.

``st.dataframe`` has its own CSV download in the table toolbar; a cell that starts with
``= + - @``, tab or CR would run as a formula when that file is opened in Excel (OWASP "CSV
injection"). :func:`dataframe` prefixes such cells with an apostrophe before they reach
Streamlit, exactly as the app's own exports do (``indicators.export.defuse``). Messages that
quote user text go through :func:`error`, which escapes Markdown and HTML so a header such as
``[x](http://…)`` is shown as written, never as a link (docs/privacy.md).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.export import defuse
from ui.i18n import escape_markdown


def defuse_frame(frame: pd.DataFrame | list) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Examples
    --------
    >>> defuse_frame(pd.DataFrame({"a": ["=1+1", "Ersboda"], "n": [1, 2]}))["a"].tolist()
    ["'=1+1", 'Ersboda']
    """
    out = pd.DataFrame(frame).copy()
    out.columns = [defuse(str(c)) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.map(defuse, na_action="ignore")
    return out


def dataframe(frame, **kwargs) -> None:
    """``st.dataframe`` for tables holding user text (file names, sources, audit lines)."""
    st.dataframe(defuse_frame(frame), **kwargs)


def error(message: object) -> None:
    """``st.error`` with ``message`` shown as text (Markdown and HTML escaped)."""
    st.error(escape_markdown(message))
