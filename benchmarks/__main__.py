"""`python -m benchmarks [NAME ...]`: run the benchmarks and print their figures.

Each module ``benchmarks/bench_*.py`` exposes ``run() -> list[dict]`` with rows
``name, value, unit, target, note``. Every figure is also written to benchmarks/RESULTS.md
(the section between the "make bench" markers is replaced; one table per benchmark run).
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
    results: list[tuple[str, list[dict] | str]] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name.removeprefix('benchmarks.')}")
        try:
            rows = module.run()
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            print(f"{name:<48} {'FAILED':>12} {'':<8} {'':<14} {exc}")
            failed += 1
            results.append((name, f"FAILED: {exc}"))
            continue
        results.append((name, rows))
        for r in rows:
            value = r["value"]
            shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
            print(
                f"{r['name']:<48} {shown:>12} {r.get('unit', ''):<8} {r.get('target', ''):<14} "
                f"{r.get('note', '')}"
            )
        sys.stdout.flush()
    write_results(results)
    return 1 if failed else 0


BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"


def write_results(results: list[tuple[str, list[dict] | str]], path: Path | None = None) -> None:
    """Replace, per benchmark, its table in the generated section of RESULTS.md."""
    path = path or HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    head, _, rest = text.partition(BEGIN)
    body, _, tail = rest.partition(END)
    sections: dict[str, str] = {}
    for block in body.split("\n### ")[1:]:
        sections[block.split("\n", 1)[0].strip()] = "### " + block.strip() + "\n"
    stamp = (
        f"{time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for name, rows in results:
        lines = [f"### {name}", "", f"`python -m benchmarks {name}` — {stamp}", ""]
        if isinstance(rows, str):
            lines.append(rows)
        else:
            lines += [
                "| figure | value | unit | target | note |",
                "| --- | --- | --- | --- | --- |",
            ]
            for r in rows:
                v = r["value"]
                shown = f"{v:,.3f}" if isinstance(v, float) else str(v)
                lines.append(
                    f"| {r['name']} | {shown} | {r.get('unit', '')} | {r.get('target', '')} "
                    f"| {r.get('note', '')} |"
                )
        sections[name] = "\n".join(lines) + "\n"
    generated = "\n".join(sections[k] for k in sorted(sections))
    path.write_text(f"{head.rstrip()}\n\n{BEGIN}\n{generated}{END}\n{tail.lstrip()}", "utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
