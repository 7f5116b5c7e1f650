"""The one verdict table: for each verdict code of :func:`indicators.stats.compare_to_benchmark`
its words (sv/en, long and short), symbol, colour, cell tint and marker shapes.

Pages (tables, the overview grid), charts (spine chart) and the PDFs read this table; none
keeps its own palette. Colours are Okabe–Ito pairs (distinguishable with common colour-vision
deficiencies; contrast checked in ``tests/pages/test_accessibility.py``), and every verdict
also has a word and a shape, so colour never carries the meaning alone (docs/methods.md §1.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from indicators.stats import VERDICT_LABELS

__all__ = ["VERDICTS", "Verdict", "verdict"]


@dataclass(frozen=True)
class Verdict:
    """How one verdict is said and drawn.

    Examples
    --------
    >>> v = VERDICTS["higher_worse"]
    >>> v.label("sv"), v.symbol, v.short_sv
    ('Signifikant högre (sämre)', '▲', 'sämre (högre)')
    """

    code: str
    sv: str
    en: str
    #: the PDF's short word beside a marker
    short_sv: str
    #: ▲ ▼ ● in tables and the overview grid ('' where there is no comparison)
    symbol: str
    #: marker colour (charts, PDF spine chart)
    colour: str
    #: background of a table cell (light, so the text stays readable)
    tint: str
    #: plotly marker symbol
    marker: str
    #: matplotlib marker
    mpl_marker: str

    def label(self, lang: str = "sv") -> str:
        """The long label in ``lang`` ("sv" or "en")."""
        return self.en if lang == "en" else self.sv


_WORSE, _BETTER, _NEUTRAL, _PLAIN = "#D55E00", "#0072B2", "#767676", "#2b7bba"
_WORSE_TINT, _BETTER_TINT, _SIMILAR_TINT, _PLAIN_TINT = "#f4a582", "#92c5de", "#f7f7f7", "#d9d9d9"

_ROWS = {
    # code: (short_sv, symbol, colour, tint, plotly marker, matplotlib marker)
    "higher_worse": ("sämre (högre)", "▲", _WORSE, _WORSE_TINT, "x", "X"),
    "lower_worse": ("sämre (lägre)", "▼", _WORSE, _WORSE_TINT, "x", "X"),
    "higher_better": ("bättre (högre)", "▲", _BETTER, _BETTER_TINT, "star", "*"),
    "lower_better": ("bättre (lägre)", "▼", _BETTER, _BETTER_TINT, "star", "*"),
    "similar": ("ingen skillnad", "●", _NEUTRAL, _SIMILAR_TINT, "circle", "o"),
    "higher": ("högre", "▲", _PLAIN, _PLAIN_TINT, "triangle-up", "^"),
    "lower": ("lägre", "▼", _PLAIN, _PLAIN_TINT, "triangle-down", "v"),
    "not_compared": ("ej jämförd", "", _NEUTRAL, "#ffffff", "circle-open", "o"),
}

VERDICTS = MappingProxyType(
    {
        code: Verdict(code, VERDICT_LABELS[code]["sv"], VERDICT_LABELS[code]["en"], *row)
        for code, row in _ROWS.items()
    }
)


def verdict(code: object) -> Verdict:
    """The table row of ``code``; anything that is not a verdict code is "not compared".

    Examples
    --------
    >>> verdict("similar").symbol, verdict(None).code, verdict(float("nan")).code
    ('●', 'not_compared', 'not_compared')
    """
    return (
        VERDICTS.get(code, VERDICTS["not_compared"])
        if isinstance(code, str)
        else (VERDICTS["not_compared"])
    )
