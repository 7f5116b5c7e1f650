"""The two interval levels a reader may choose: 95 % and Fingertips' 99,8 % (issue 16).

The published rows carry both (``lower``/``upper``/``verdict`` at 95 %, ``lower_998``/
``upper_998``/``verdict_998`` at 99,8 %; :mod:`indicators.engine`). :func:`at_level` gives the
rows as every page, export and brief reads them at the chosen level, so the rest of the code
knows one set of columns (docs/methods.md §1.3).
"""

from __future__ import annotations

import pandas as pd

from common.errors import UserError

__all__ = ["DEFAULT_LEVEL", "LEVELS", "at_level", "level_text", "parse_level"]

#: Level key → confidence. The key is what the URL (``?niva=99.8``) and the CLI carry.
LEVELS: dict[str, float] = {"95": 0.95, "99.8": 0.998}
DEFAULT_LEVEL = "95"
_WIDE = {"lower": "lower_998", "upper": "upper_998", "verdict": "verdict_998"}


def parse_level(text: object) -> str:
    """The level key of ``text`` ("95", "99.8", "99,8", "99,8 %", "0.998"); a Swedish
    UserError for anything else.

    Examples
    --------
    >>> parse_level("99,8 %"), parse_level(95), parse_level("0.998")
    ('99.8', '95', '99.8')
    """
    cleaned = str(text).strip().rstrip("%").strip().replace(",", ".")
    for key, confidence in LEVELS.items():
        try:
            number = float(cleaned)
        except ValueError:
            break
        if number in (float(key), confidence):
            return key
    raise UserError(
        f"Okänd konfidensnivå: {text!r}. Välj 95 eller 99,8.",
        message_en=f"Unknown confidence level: {text!r}. Choose 95 or 99.8.",
    )


def level_text(level: str, *, lang: str = "sv") -> str:
    """The level as readers write it: "95 %"/"99,8 %" in Swedish, "95%"/"99.8%" in English.

    >>> level_text("99.8"), level_text("99.8", lang="en")
    ('99,8 %', '99.8%')
    """
    key = parse_level(level)
    return f"{key}%" if lang == "en" else f"{key.replace('.', ',')} %"


def at_level(frame: pd.DataFrame, *, level: str = DEFAULT_LEVEL) -> pd.DataFrame:
    """Published rows with ``lower``, ``upper`` and ``verdict`` at ``level``.

    At 99,8 % the wide columns take their places and the 95 % limits move to ``lower_95``/
    ``upper_95`` (what :func:`indicators.stats.fdr_significant` reads its p-values from); the
    other columns are unchanged. At 95 % the frame is returned as it is.

    Examples
    --------
    >>> f = pd.DataFrame({"lower": [1.0], "upper": [3.0], "verdict": ["higher_worse"],
    ...                   "lower_998": [0.5], "upper_998": [3.5], "verdict_998": ["similar"]})
    >>> at_level(f, level="99.8")[["lower", "upper", "verdict"]].values.tolist()
    [[0.5, 3.5, 'similar']]
    >>> at_level(f, level="95")["verdict"].tolist()
    ['higher_worse']
    """
    if parse_level(level) == DEFAULT_LEVEL:
        return frame
    out = frame.copy(deep=False)
    # The 95 % limits stay beside them: p-values (Benjamini–Hochberg) are read from those.
    for column in ("lower", "upper"):
        if column in out.columns:
            out[f"{column}_95"] = out[column]
    for column, wide in _WIDE.items():
        if wide in out.columns:
            out[column] = out[wide]
    return out
