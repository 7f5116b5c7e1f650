"""Numbers, percentages, weeks and dates the Swedish way (babel, ``sv_SE``), English as an option.

Examples
--------
>>> fmt_number(1234.5, decimals=1)
'1\\xa0234,5'
>>> fmt_percent(0.125)
'12,5\\xa0%'
>>> fmt_week("2025-W47")
'v. 47 2025'
"""

from __future__ import annotations

import math
from datetime import date

from babel.numbers import format_decimal

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
MISSING = "–"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x: float | None, *, decimals: int = 1, lang: str = "sv") -> str:
    """A number with grouping and a fixed number of decimals; missing → '–'."""
    if _missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(x, format=pattern, locale=LOCALES[lang])
    # babel uses U+00A0 as the Swedish group separator already; make sure of it.
    return text.replace("\u202f", "\xa0")


def fmt_int(x: float | None, *, lang: str = "sv") -> str:
    return fmt_number(x, decimals=0, lang=lang)


def fmt_percent(p: float | None, *, decimals: int = 1, lang: str = "sv", scale: float = 100) -> str:
    """A proportion 0..1 shown as per cent with a no-break space: 12,5 %."""
    if _missing(p):
        return MISSING
    number = fmt_number(p * scale, decimals=decimals, lang=lang)
    return f"{number}\xa0%" if lang == "sv" else f"{number}%"


def fmt_value(x: float | None, *, kind: str, multiplier: float = 1, lang: str = "sv") -> str:
    """A value in its display unit (x is already multiplied)."""
    if kind == "proportion" and multiplier == 100:
        return fmt_percent(x, lang=lang, scale=1)
    decimals = 0 if kind == "count" else 1
    return fmt_number(x, decimals=decimals, lang=lang)


def fmt_interval(
    lower: float | None, upper: float | None, *, kind: str, multiplier: float = 1, lang: str = "sv"
) -> str:
    if _missing(lower) or _missing(upper):
        return MISSING
    return (
        f"{fmt_value(lower, kind=kind, multiplier=multiplier, lang=lang)}–"
        f"{fmt_value(upper, kind=kind, multiplier=multiplier, lang=lang)}"
    )


def fmt_week(period: str, *, lang: str = "sv") -> str:
    """ISO week '2025-W47' → 'v. 47 2025' (en: 'week 47 2025')."""
    year, week = period.split("-W")
    return f"v. {int(week)} {year}" if lang == "sv" else f"week {int(week)} {year}"


def fmt_period(period: str, *, lang: str = "sv") -> str:
    """Display a period string: year, term, month or ISO week."""
    if "-W" in period:
        return fmt_week(period, lang=lang)
    if period.endswith(("-VT", "-HT")):
        year, term = period.split("-")
        if lang == "sv":
            return f"{term.lower()} {year}"
        return f"{'spring' if term == 'VT' else 'autumn'} {year}"
    return period


def fmt_date(d: date | None, *, lang: str = "sv") -> str:
    return MISSING if d is None else d.isoformat()


def iso_week(d: date) -> str:
    """The ISO week of a date as 'YYYY-Www' (ISO year, so 2024-12-30 is 2025-W01)."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"
