"""Sweden as a second benchmark beside the municipality (issue 15).

National values come from the shipped public statistics (SCB RegSO totals, Skolverket's
pupil-weighted school results) stored under the area ``SE`` (level ``country``) and published
like every other value. :func:`with_sweden` puts Sweden's value beside every district and the
municipality and gives the Fingertips-style verdict against it: the area's 95 % interval
against Sweden's value (docs/methods.md, benchmark test), oriented by the indicator's direction
(context indicators: higher / lower only).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from indicators.stats import compare_to_benchmark

SWEDEN = "SE"
SWEDEN_COLUMNS = ["sweden_value", "sweden_lower", "sweden_upper", "verdict_sweden"]


def with_sweden(values: pd.DataFrame, catalogue: Mapping) -> pd.DataFrame:
    """``values`` (published rows) with Sweden's value and the verdict against it.

    Rows of Sweden itself get the verdict ``benchmark``; a suppressed row, a count, or an
    indicator/period without a national value gets no verdict (None).

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({"indicator_id": ["andel_hyresratt"] * 3,
    ...     "area_code": ["SE", "2480", "d-a"], "period": ["2023"] * 3,
    ...     "value": [38.8, 47.7, 20.0], "lower": [38.7, 47.5, 18.0],
    ...     "upper": [38.9, 47.9, 22.0], "suppressed": [False] * 3, "kind": ["proportion"] * 3})
    >>> with_sweden(v, load_catalogue())["verdict_sweden"].tolist()
    ['benchmark', 'higher', 'lower']
    """
    out = values.copy()
    if out.empty:
        for column in SWEDEN_COLUMNS:
            out[column] = pd.Series(dtype=object if column == "verdict_sweden" else float)
        return out
    national = out.loc[(out["area_code"] == SWEDEN) & ~out["suppressed"].astype(bool)]
    bench = national.set_index(["indicator_id", "period"])[["value", "lower", "upper"]]
    keys = pd.MultiIndex.from_frame(out[["indicator_id", "period"]])
    joined = bench.reindex(keys)
    out["sweden_value"] = joined["value"].to_numpy(float)
    out["sweden_lower"] = joined["lower"].to_numpy(float)
    out["sweden_upper"] = joined["upper"].to_numpy(float)
    direction = out["indicator_id"].map(
        lambda i: catalogue[i].direction if i in catalogue else "none"
    )
    verdict = pd.Series(
        compare_to_benchmark(
            out["lower"].to_numpy(float),
            out["upper"].to_numpy(float),
            out["sweden_value"].to_numpy(float),
            direction=direction.to_numpy(object),
        ),
        index=out.index,
        dtype=object,
    )
    no_verdict = (
        out["suppressed"].astype(bool)
        | np.isnan(out["sweden_value"].to_numpy(float))
        | (out.get("kind", pd.Series("", index=out.index)) == "count")
    )
    verdict[no_verdict] = None
    verdict[out["area_code"] == SWEDEN] = "benchmark"
    out["verdict_sweden"] = verdict
    return out
