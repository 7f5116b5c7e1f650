"""The tidy observations every connector produces, and what it had to leave out."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Columns of a connector's observations (the store's, plus the source).
TIDY_COLUMNS = ["measure_id", "area_code", "period", "count", "denominator", "value", "source"]


@dataclass(frozen=True)
class ParsedSource:
    """A connector's result: tidy observations and notes on what was skipped and why."""

    observations: pd.DataFrame
    notes: tuple[str, ...] = ()


def tidy_frame(frame: pd.DataFrame | None = None, *, source: str) -> pd.DataFrame:
    """``frame`` reduced to :data:`TIDY_COLUMNS` in order (missing numbers NaN), sorted.

    Examples
    --------
    >>> tidy_frame(pd.DataFrame({"measure_id": ["m"], "area_code": ["2480"], "period": ["2025"],
    ...                          "count": [3]}), source="x").to_dict("records")[0]["count"]
    3.0
    """
    frame = pd.DataFrame(columns=TIDY_COLUMNS) if frame is None else frame.copy()
    for column in ("count", "denominator", "value"):
        if column not in frame:
            frame[column] = np.nan
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("measure_id", "area_code", "period"):
        frame[column] = frame[column].astype("str") if len(frame) else pd.Series(dtype="str")
    frame["source"] = source
    return (
        frame[TIDY_COLUMNS]
        .sort_values(["measure_id", "area_code", "period"])
        .reset_index(drop=True)
    )


def slug(text: str) -> str:
    """An identifier from a Swedish label: ``"Olovlig körning"`` → ``"olovlig_korning"``.

    Examples
    --------
    >>> slug("Stöld/inbrott, Umeå"), slug("Rån övrigt")
    ('stold_inbrott_umea', 'ran_ovrigt')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def template_rows(observations: pd.DataFrame) -> pd.DataFrame:
    """Tidy observations as template rows (``omrade, period, matt, antal, namnare, varde,
    kalla``), e.g. to write a CSV that ``python -m sources import`` reads back.

    Examples
    --------
    >>> obs = tidy_frame(pd.DataFrame({"measure_id": ["m"], "area_code": ["2480"],
    ...                                "period": ["2025"], "count": [3]}), source="SCB")
    >>> template_rows(obs).columns.tolist()
    ['omrade', 'period', 'matt', 'antal', 'namnare', 'varde', 'kalla']
    """
    return pd.DataFrame(
        {
            "omrade": observations["area_code"],
            "period": observations["period"],
            "matt": observations["measure_id"],
            "antal": observations["count"],
            "namnare": observations["denominator"],
            "varde": observations["value"],
            "kalla": observations["source"],
        }
    )
