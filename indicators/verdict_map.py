"""The one verdict map: how a district map is classified against the municipality, which
areas are "osäkert", and the legend in words — shared by the screen maps (ui.maps) and the
council brief's printed map (reports.brief), so the two can never disagree (docs/maps.md).

Colours come from :func:`geo.layers.verdict_colors`, the "osäkert" rule from
:func:`geo.layers.uncertain`; this module adds what needs the verdict words
(:data:`indicators.stats.VERDICT_LABELS`), which the geo layer may not import.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo import PLACE
from geo.layers import (
    MISSING_COLOR,
    UNCERTAIN_MIN_EVENTS,
    VERDICT_MAP_COLORS,
    uncertain,
    verdict_colors,
)
from indicators.stats import VERDICT_LABELS

__all__ = [
    "MAP_SYMBOL",
    "UNCERTAIN_LABEL",
    "has_verdicts",
    "map_uncertain",
    "verdict_colors",
    "verdict_legend",
]

#: The symbol a verdict has on a map (in labels and legends; colour never alone).
MAP_SYMBOL = {
    "higher_worse": "✕",
    "lower_worse": "✕",
    "higher_better": "★",
    "lower_better": "★",
    "similar": "●",
    "higher": "▲",
    "lower": "▼",
}
#: The legend's words for the "osäkert" mark (docs/maps.md).
UNCERTAIN_LABEL = {
    "sv": f"osäkert (brett intervall, eller ingen skillnad på färre än {UNCERTAIN_MIN_EVENTS} "
    "händelser)",
    "en": f"uncertain (wide interval, or no difference on fewer than {UNCERTAIN_MIN_EVENTS} "
    "events)",
}
_MISSING_LABEL = {
    "sv": "Uppgift saknas, dold eller ej jämförbar",
    "en": "Missing, suppressed or not compared",
}


def has_verdicts(verdicts: Iterable) -> bool:
    """True when at least one area has a verdict the map can colour by.

    Examples
    --------
    >>> has_verdicts([None, "similar"]), has_verdicts([None, float("nan")])
    (True, False)
    """
    return any(isinstance(v, str) and v in MAP_SYMBOL for v in verdicts)


def map_uncertain(frame: pd.DataFrame, *, kind: str) -> np.ndarray:
    """The "osäkert" mark of each row of ``frame`` (``value``, ``lower``, ``upper``,
    ``numerator``, ``verdict``): :func:`geo.layers.uncertain`, with the events rule only for
    counted kinds (proportions and rates), as on every map.

    Examples
    --------
    >>> f = pd.DataFrame({"value": [12.0, 12.0], "lower": [10.0, 2.0], "upper": [14.0, 30.0],
    ...                   "numerator": [4.0, 40.0], "verdict": ["similar", "higher_worse"]})
    >>> map_uncertain(f, kind="proportion").tolist(), map_uncertain(f, kind="mean").tolist()
    ([True, True], [False, True])
    """
    counted = kind in ("proportion", "rate")  # events behind the verdict, not a mean
    return uncertain(
        frame["lower"],
        frame["upper"],
        frame["value"],
        numerator=frame["numerator"] if counted else None,
        verdict=frame["verdict"].tolist() if counted else None,
    )


def verdict_legend(present: Iterable, *, lang: str = "sv") -> list[dict]:
    """Legend rows ``{"label", "color", "code"}`` of a verdict map, in words with the map
    symbol, for the verdicts ``present``; always ends with the grey "missing" row.

    Examples
    --------
    >>> [r["label"] for r in verdict_legend({"higher_worse", "similar"})]
    ['✕ Sämre än Umeå', '● Ingen signifikant skillnad', 'Uppgift saknas, dold eller ej jämförbar']
    >>> verdict_legend({"lower_better"}, lang="en")[0]["label"]
    '★ Better than Umeå'
    """
    present = set(present)
    order = [
        ("higher_worse", "lower_worse"),
        ("similar",),
        ("higher_better", "lower_better"),
        ("higher",),
        ("lower",),
    ]
    sv = lang != "en"
    rows = []
    for codes in order:
        if not any(c in present for c in codes):
            continue
        code = codes[0]
        if code.endswith("worse"):
            label = f"✕ Sämre än {PLACE.name}" if sv else f"✕ Worse than {PLACE.name}"
        elif code.endswith("better"):
            label = f"★ Bättre än {PLACE.name}" if sv else f"★ Better than {PLACE.name}"
        else:
            label = f"{MAP_SYMBOL[code]} {VERDICT_LABELS[code]['sv' if sv else 'en']}"
        rows.append({"label": label, "color": list(VERDICT_MAP_COLORS[code]), "code": code})
    rows.append(
        {"label": _MISSING_LABEL["sv" if sv else "en"], "color": list(MISSING_COLOR), "code": None}
    )
    return rows
