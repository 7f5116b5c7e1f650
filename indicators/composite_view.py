"""Risk and Protective indices per district from published values (never one blended score)."""

from __future__ import annotations

import pandas as pd

from indicators.composite import composite_uncertainty


def district_composites(
    values: pd.DataFrame, catalogue: dict, *, period: str, draws: int = 1000
) -> pd.DataFrame:
    """Rank intervals of both indices for every district in ``period``."""
    rows = values[
        (values["area_level"] == "district")
        & (values["period"] == period)
        & (values["kind"] != "count")
    ]
    meta = pd.DataFrame(
        [
            {"indicator_id": i.id, "direction": i.direction, "role": i.role}
            for i in catalogue.values()
        ]
    )
    table = rows.merge(meta, on="indicator_id")[
        ["indicator_id", "area_code", "value", "lower", "upper", "suppressed", "direction", "role"]
    ]
    out = []
    for role in ("risk", "protective"):
        part = table[table["role"] == role]
        if part.empty:
            continue
        out.append(composite_uncertainty(part, role=role, draws=draws).assign(role=role))
    return (
        pd.concat(out, ignore_index=True)
        if out
        else pd.DataFrame(columns=["area_code", "role", "label_sv", "label_en"])
    )
