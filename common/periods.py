"""Which stored periods are years, and the year before: written once, used everywhere.

The store keeps periods as ``2025`` (year), ``2025-VT``/``2025-HT`` (term), ``2025-03``
(month) and ``2025-W47`` (ISO week); :mod:`sources.periods` turns what files write into
these. Pages, comparisons with the previous year and the council brief work on years.
"""

from __future__ import annotations

import re

import pandas as pd

from common.errors import UserError

__all__ = ["check_year", "is_year", "previous_year", "year_mask"]

_YEAR = re.compile(r"\d{4}")


def is_year(period: object) -> bool:
    """True for a stored year period (four digits).

    Examples
    --------
    >>> is_year("2025"), is_year("2025-VT"), is_year("2025-W47"), is_year(2025)
    (True, False, False, False)
    """
    return isinstance(period, str) and _YEAR.fullmatch(period) is not None


def year_mask(periods: pd.Series) -> pd.Series:
    """:func:`is_year` for a whole column (a boolean Series aligned with ``periods``).

    Examples
    --------
    >>> year_mask(pd.Series(["2024", "2024-HT", "2025"])).tolist()
    [True, False, True]
    """
    return periods.astype(str).str.fullmatch(_YEAR.pattern).fillna(False).astype(bool)


def previous_year(period: str) -> str:
    """The year before a year period.

    Examples
    --------
    >>> previous_year("2025")
    '2024'
    """
    return str(int(check_year(period)) - 1)


def check_year(period: str | int) -> str:
    """The period as a four-digit year string, or a Swedish :class:`UserError`.

    Examples
    --------
    >>> check_year(2025)
    '2025'
    >>> check_year("2025-13")
    Traceback (most recent call last):
    ...
    common.errors.UserError: Perioden ska vara ett år med fyra siffror, t.ex. 2025 (inte '2025-13').
    """
    text = str(period).strip()
    if not is_year(text):
        raise UserError(
            f"Perioden ska vara ett år med fyra siffror, t.ex. 2025 (inte '{text}').",
            message_en=f"The period must be a four-digit year such as 2025, not '{text}'.",
        )
    return text
