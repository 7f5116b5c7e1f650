"""`python -m benchmarks [NAME ...]`: run the benchmarks and print their figures.

Each module ``benchmarks/bench_*.py`` exposes ``run() -> list[dict]`` with rows
``name, value, unit, target, note``. Figures go into benchmarks/RESULTS.md by hand,
with the machine and date.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("bench_*.py"))
    print(
        f"# UVTS benchmarks — {time.strftime('%Y-%m-%d %H:%M')} — {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'benchmark':<48} {'value':>12} {'unit':<8} {'target':<14} note")
    failed = 0
    for name in names:
        module = importlib.import_module(f"benchmarks.{name.removeprefix('benchmarks.')}")
        try:
            rows = module.run()
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            print(f"{name:<48} {'FAILED':>12} {'':<8} {'':<14} {exc}")
            failed += 1
            continue
        for r in rows:
            value = r["value"]
            shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
            print(
                f"{r['name']:<48} {shown:>12} {r.get('unit', ''):<8} {r.get('target', ''):<14} "
                f"{r.get('note', '')}"
            )
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
