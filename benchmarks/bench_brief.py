"""Benchmark: building the council brief PDF on the demo database (target < 10 s).

The demo database is made as ``python -m sources.demo`` makes it (every catalogue indicator,
all 21 districts, 2015–2025, through the real import path). Should the template importer not
be available, the same generated rows are written with ``write_observations`` instead (the
note says so). Measures :func:`reports.brief.build_brief` for the four focus districts and
2025: the first call in the process (fonts, boundaries and catalogue loaded) and the median
of three more, plus eight districts (four pages).

Run: ``.venv/bin/python -m benchmarks bench_brief`` (or ``python benchmarks/bench_brief.py``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from catalogue import load_catalogue
from geo.areas import read_areas, read_deso_mapping
from reports.brief import build_brief
from sources.demo import generate_observations, load_demo
from store import Store
from store.areas import sync_areas
from store.observations import write_observations

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PERIOD = "2025"
TARGET_SECONDS = 10.0
REPEATS = 3


def _demo_store(folder: Path):
    """A migrated SQLite store with the demo data; returns (store, how it was loaded)."""

    store = Store(f"sqlite:///{folder / 'demo.sqlite'}")
    store.migrate()
    sync_areas(store, read_areas())
    try:
        load_demo(store, out=folder / "files")
        return store, "sources.demo (template import)"
    except ImportError:
        import pandas as pd

        rows = generate_observations(read_areas(), read_deso_mapping(), load_catalogue())
        frame = pd.DataFrame(
            {
                "measure_id": rows["matt"],
                "area_code": rows["omrade"],
                "period": rows["period"],
                "count": rows["antal"],
                "denominator": rows["namnare"],
                "value": rows["varde"],
            }
        )
        write_observations(
            store,
            [frame],
            source="demo",
            file_name="demo",
            checksum="bench-demo",
            user="bench",
            synthetic=True,
        )
        return store, "sources.demo rows via write_observations (template importer missing)"


def run() -> list[dict]:
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory(prefix="uvts-bench-brief-") as tmp:
        folder = Path(tmp)
        store, how = _demo_store(folder)
        try:
            out = folder / "brief.pdf"
            start = time.perf_counter()
            build_brief(store, period=PERIOD, out=out)
            first = time.perf_counter() - start
            pages = len(PdfReader(out).pages)
            size_kb = out.stat().st_size / 1024
            times = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                build_brief(store, period=PERIOD, out=out)
                times.append(time.perf_counter() - start)
            eight = read_areas(level="district")["code"].tolist()[:8]
            start = time.perf_counter()
            build_brief(store, period=PERIOD, districts=eight, out=folder / "brief8.pdf")
            eight_seconds = time.perf_counter() - start
            pages8 = len(PdfReader(folder / "brief8.pdf").pages)
        finally:
            store.dispose()
    return [
        {
            "name": "brief: first build in process (4 districts)",
            "value": first,
            "unit": "s",
            "target": f"< {TARGET_SECONDS:g} s",
            "note": f"{pages} pages, {size_kb:,.0f} kB; {how}",
        },
        {
            "name": "brief: median of next builds (4 districts)",
            "value": statistics.median(times),
            "unit": "s",
            "target": f"< {TARGET_SECONDS:g} s",
            "note": f"{REPEATS} runs",
        },
        {
            "name": "brief: 8 districts",
            "value": eight_seconds,
            "unit": "s",
            "target": f"< {TARGET_SECONDS:g} s",
            "note": f"{pages8} pages",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(
            f"{row['name']:<48} {row['value']:>8.2f} {row['unit']:<3} {row['target']:<8} "
            f"{row['note']}"
        )
