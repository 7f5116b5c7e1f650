"""Benchmark: a national RegSO import — all 290 municipalities, 3 363 RegSO, 2020–2023.

Calls the product's own functions: ``sources.scb_regso.read_regso_tables`` (the agencies' format)
and ``context_measures``, then ``sources.template.import_dataframe`` (validation, personal-data
check, one batch with provenance) into an empty SQLite store, every RegSO as its own area (a
national deployment's areas, resolved by a lookup built from the same files). The figure is
compared with the import target on SQLite (≥ 300 000 rows/s, ``RATE_TARGET`` of
benchmarks/bench_import.py) and, in the same run, with a floor: pandas reading the same three
CSV files and nothing else. Wall time is shown beside CPU time: on a shared machine the load
average printed in the note says how far the wall figure is from the CPU one.

Run: ``.venv/bin/python -m benchmarks bench_regso``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.bench_import import RATE_TARGET as IMPORT_RATE_TARGET
from sources.public import SCB_DIR, provenance_of
from sources.scb_regso import context_measures, read_regso_tables
from sources.template import import_dataframe
from sources.tidy import slug, template_rows, tidy_frame
from store import Store

RATE_TARGET = IMPORT_RATE_TARGET["sqlite"]


def run() -> list[dict]:
    """Figures as rows ``name, value, unit, target, note``."""

    files = sorted(SCB_DIR.glob("*.csv"))
    start = time.perf_counter()
    for path in files:
        pd.read_csv(path, encoding="utf-8-sig")
    floor = time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="uvts-bench-regso-") as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        store.migrate()
        load = os.getloadavg()[0]
        start, cpu_start = time.perf_counter(), time.process_time()
        tables = read_regso_tables(SCB_DIR)
        measures = context_measures(tables)
        # Every RegSO its own area: "rs-<municipality>-<regso>", each distinct name slugged once.
        municipality = measures["municipality"].astype(object)
        regso = measures["regso"].astype(object)
        slugs = {name: slug(name) for name in pd.unique(pd.concat([municipality, regso]))}
        measures = measures.assign(
            area_code="rs-" + municipality.map(slugs) + "-" + regso.map(slugs),
            period=measures["year"],
        )
        codes = set(measures["area_code"])
        rows = template_rows(tidy_frame(measures, source="SCB"))
        parsed = time.perf_counter()
        result = import_dataframe(
            store,
            rows,
            file_name="data/public/scb-regso (national)",
            source="SCB",
            user="bench",
            resolve_area=lambda text: text if text in codes else None,
            provenance=provenance_of("scb-regso/regso_income.csv"),
        )
        done, cpu = time.perf_counter(), time.process_time() - cpu_start
        store.dispose()
    n = result.rows_loaded
    assert n == len(rows), (n, len(rows))
    total = done - start
    return [
        {
            "name": f"national RegSO import {n:,} rows → sqlite",
            "value": n / total,
            "unit": "rows/s",
            "target": f">= {RATE_TARGET:,}",
            "note": f"{total:.2f} s ({cpu:.2f} s CPU): parse {parsed - start:.2f} s + import "
            f"{done - parsed:.2f} s; {len(codes):,} RegSO, {len(files)} files; load average "
            f"{load:.1f}",
        },
        {
            "name": "same import per CPU second (less load-dependent)",
            "value": n / cpu,
            "unit": "rows/s",
            "target": f">= {RATE_TARGET:,}",
            "note": "rows / process CPU time of the same run",
        },
        {
            "name": "floor: pandas.read_csv of the same 3 files",
            "value": floor,
            "unit": "s",
            "target": "reference",
            "note": "reading only, no parsing of the layout, no validation, no store",
        },
    ]
