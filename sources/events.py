"""Importing dated events: interventions (insatser) now; EST incidents and activities use the
same shape. Same rules as the observation template: a clear Swedish error with row and column,
personal data refused, all rows or none.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from catalogue import load_catalogue
from common.errors import Problem, ValidationError
from geo.areas import resolve_area
from sources.personal_data import refuse_personal_data
from sources.template import read_table
from store.db import Store
from store.events import write_events
from store.observations import BatchResult

INTERVENTION_COLUMNS = [
    "insats",
    "omraden",
    "startdatum",
    "slutdatum",
    "beskrivning",
    "malindikatorer",
    "ansvarig",
]


def _read_table(path: Path) -> pd.DataFrame:

    return read_table(path)


def import_interventions(
    store: Store,
    path: Path,
    *,
    source: str = "insatser",
    user: str = "cli",
    synthetic: bool = False,
) -> BatchResult:
    """Import the intervention template (data/templates/mall_insatser.csv) as one batch.

    Columns: ``insats; omraden; startdatum`` (required), ``slutdatum; beskrivning;
    malindikatorer; ansvarig``.  Districts and target indicators are comma-separated.  Every
    problem is reported with row and column and nothing is written unless all rows are valid.
    """

    path = Path(path)
    raw = path.read_bytes()
    frame = _read_table(path)
    refuse_personal_data(frame, file_name=path.name)
    problems: list[Problem] = []
    missing = [c for c in INTERVENTION_COLUMNS[:3] if c not in frame.columns]
    if missing:
        raise ValidationError(
            [Problem(f"Kolumnen saknas: {c}", file=path.name, column=c) for c in missing],
            file=path.name,
        )
    known_indicators = load_catalogue()
    records = []
    for i, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        codes = []
        for name in str(row.omraden).split(","):
            code = resolve_area(name.strip())
            if code is None:
                problems.append(
                    Problem(
                        f"Okänt område: {name.strip()!r}", file=path.name, row=i, column="omraden"
                    )
                )
            codes.append(code)
        start = pd.to_datetime(row.startdatum, errors="coerce")
        if pd.isna(start):
            problems.append(
                Problem(
                    "Startdatum kan inte läsas (ÅÅÅÅ-MM-DD)",
                    file=path.name,
                    row=i,
                    column="startdatum",
                )
            )
        end_raw = str(getattr(row, "slutdatum", "") or "").strip()
        end = pd.to_datetime(end_raw, errors="coerce") if end_raw else pd.NaT
        if end_raw and pd.isna(end):
            problems.append(
                Problem(
                    "Slutdatum kan inte läsas (ÅÅÅÅ-MM-DD)",
                    file=path.name,
                    row=i,
                    column="slutdatum",
                )
            )
        elif not pd.isna(end) and not pd.isna(start) and end < start:
            problems.append(
                Problem(
                    "Slutdatum ligger före startdatum", file=path.name, row=i, column="slutdatum"
                )
            )
        targets = [
            t.strip() for t in str(getattr(row, "malindikatorer", "") or "").split(",") if t.strip()
        ]
        for target in targets:
            if target not in known_indicators:
                problems.append(
                    Problem(
                        f"Okänd indikator: {target!r}",
                        file=path.name,
                        row=i,
                        column="malindikatorer",
                    )
                )
        if not str(row.insats).strip():
            problems.append(Problem("Namn saknas", file=path.name, row=i, column="insats"))
        records.append(
            {
                "name": str(row.insats).strip(),
                "district_codes": ",".join(c for c in codes if c),
                "start_date": None if pd.isna(start) else start.date(),
                "end_date": None if pd.isna(end) else end.date(),
                "description": str(getattr(row, "beskrivning", "") or ""),
                "target_indicators": ",".join(targets),
                "responsible_unit": str(getattr(row, "ansvarig", "") or "").strip()[:200],
            }
        )
    if problems:
        raise ValidationError(problems, file=path.name)
    return write_events(
        store,
        "intervention",
        [pd.DataFrame(records)],
        source=source,
        file_name=path.name,
        checksum=hashlib.sha256(raw).hexdigest(),
        user=user,
        synthetic=synthetic,
    )
