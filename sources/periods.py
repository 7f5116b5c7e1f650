"""Periods as the store keeps them: ``2025``, ``2025-VT``/``2025-HT``, ``2025-03``, ``2025-W47``.

Files write periods in many ways; :func:`normalise_period` accepts the common ones
(documented in ``data/templates/README.md``) and :func:`normalise_periods` does a whole
column, parsing each distinct value once.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import pandas as pd

_YEAR = r"(?P<year>(?:19|20)\d{2})"
_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_YEAR}$"), "year"),
    # 2025-VT, 2025 VT, 2025VT, VT 2025, vt-2025, VT2025, HT25 is not accepted (ambiguous)
    (re.compile(rf"^{_YEAR}[\s\-/]*(?P<term>VT|HT)$"), "term"),
    (re.compile(rf"^(?P<term>VT|HT)[\s\-/]*{_YEAR}$"), "term"),
    # 2025-03, 2025-3, 2025/03, 2025M03 (SCB), 2025-03-01 (an Excel date on the first)
    (re.compile(rf"^{_YEAR}(?:[\-/]|M)(?P<month>\d{{1,2}})(?:[\-/]01)?$"), "month"),
    # 2025-W47, 2025W47, 2025 v47, 2025-v.47, 2025 vecka 47, v47 2025, vecka 47 2025
    (re.compile(rf"^{_YEAR}[\s\-/]*(?:W|V|V\.|VECKA|VECKA\.)\s*(?P<week>\d{{1,2}})$"), "week"),
    (re.compile(rf"^(?:W|V|V\.|VECKA)\s*(?P<week>\d{{1,2}})[\s\-/,]+{_YEAR}$"), "week"),
]


def _weeks_in_year(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def normalise_period(text: object) -> str | None:
    """The store's form of a period, or None if it cannot be read.

    Examples
    --------
    >>> [normalise_period(p) for p in ["2025", "vt 2025", "2025 HT", "2025-3", "2025M03"]]
    ['2025', '2025-VT', '2025-HT', '2025-03', '2025-03']
    >>> [normalise_period(p) for p in ["v47 2025", "2025-W47", "2020-W53", "2021-W53", "2025-13"]]
    ['2025-W47', '2025-W47', '2020-W53', None, None]
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    if isinstance(text, datetime | date):
        # Excel turns a typed "2025-03" into the date 2025-03-01.
        return f"{text.year:04d}-{text.month:02d}" if text.day == 1 else None
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    compact = re.sub(r"\s+", " ", str(text)).strip().upper()
    for pattern, form in _FORMS:
        match = pattern.match(compact)
        if not match:
            continue
        year = int(match["year"])
        if form == "year":
            return f"{year}"
        if form == "term":
            return f"{year}-{match['term']}"
        if form == "month":
            month = int(match["month"])
            return f"{year}-{month:02d}" if 1 <= month <= 12 else None
        week = int(match["week"])
        return f"{year}-W{week:02d}" if 1 <= week <= _weeks_in_year(year) else None
    return None


def normalise_periods(values: pd.Series) -> pd.Series:
    """:func:`normalise_period` over a column (each distinct value parsed once); NaN if unreadable.

    Examples
    --------
    >>> normalise_periods(pd.Series(["2025", "ht 2024", "x"])).tolist()
    ['2025', '2024-HT', nan]
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = np.array([normalise_period(v) for v in uniques] + [None], dtype=object)
    return pd.Series(parsed[codes], index=values.index, dtype="str")


def period_kind(period: str) -> str:
    """``year``, ``term``, ``month`` or ``week`` for a normalised period.

    Examples
    --------
    >>> [period_kind(p) for p in ["2025", "2025-VT", "2025-03", "2025-W47"]]
    ['year', 'term', 'month', 'week']
    """
    if len(period) == 4:
        return "year"
    suffix = period[5:]
    if suffix in ("VT", "HT"):
        return "term"
    return "week" if suffix.startswith("W") else "month"
