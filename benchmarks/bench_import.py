"""Benchmark: importing 1 000 000 template rows through ``sources.template.import_file``.

The file is what a municipality would send: semicolon-separated, UTF-8 with BOM, district
names with å/ä/ö and stadsdel codes, ISO weeks, 11 proportion measures of the catalogue;
one row per area × week × measure (fixed seed). It is written once (not timed).

Each measurement runs in a fresh child process so that its peak memory is its own: the
child imports the modules and reads the indicator catalogue first (a warm server, not timed),
then times one call and reports the child's ``VmHWM`` (``/proc/self/status``; ru_maxrss where that is missing) — the peak
resident set size of the whole process, interpreter and libraries included.

* ``import`` — ``import_file`` into an empty SQLite file (target ≥ 300 000 rows/s, ≥ 150 000 on PostgreSQL (issue 17), peak
  RSS < 1 GB); with ``postgres_url`` also into PostgreSQL;
* ``floor`` — the same validated rows inserted by the bare driver (SQLite ``executemany`` in
  one transaction; PostgreSQL binary ``COPY``) into a fresh database with the same schema: what
  the write costs without reading, checks, supersede or audit;
* ``raw`` — the fastest write this machine reaches into the same schema: the database makes the
  rows itself (no file, no Python per row), secondary indexes dropped and rebuilt, one
  transaction; an upper bound for any import, to judge the targets by;
* ``rebuild`` — :func:`indicators.publish.rebuild` after the SQLite import, timed apart;
* ``check`` — ``check_file`` alone (read + personal-data check + validation), to show how
  the time splits between this package and the store's write.

Run: ``.venv/bin/python -m benchmarks.bench_import [ROWS]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from catalogue import load_catalogue
from common import pgserver
from geo.areas import read_areas

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

ROWS = 1_000_000
SEED = 20251117
RATE_TARGET = {"sqlite": 300_000, "postgresql": 150_000}  # issue 17
MEMORY_TARGET_MB = 1024


def write_file(path: Path, *, rows: int = ROWS, seed: int = SEED) -> Path:
    """A valid template CSV with ``rows`` distinct area × week × measure rows."""

    areas = read_areas()
    names = (
        areas.loc[areas["level"] == "district", "name"].tolist()
        + areas.loc[areas["level"] == "stadsdel", "code"].tolist()
    )
    measures = sorted(i.id for i in load_catalogue().values() if i.kind == "proportion")
    per_week = len(names) * len(measures)
    weeks = [f"{y}-W{w:02d}" for y in range(1950, 2100) for w in range(1, 53)]
    if rows > per_week * len(weeks):
        raise ValueError("too many rows for distinct keys")
    rng = np.random.default_rng(seed)
    idx = np.arange(rows)
    denominator = rng.integers(20, 5000, rows)
    frame = pd.DataFrame(
        {
            "omrade": np.array(names, dtype=object)[idx % len(names)],
            "period": np.array(weeks, dtype=object)[idx // per_week],
            "matt": np.array(measures, dtype=object)[(idx // len(names)) % len(measures)],
            "antal": rng.binomial(denominator, 0.1),
            "namnare": denominator,
            "kalla": "Skolan",
        }
    )
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


_CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
from sources.validate import catalogue_measure_kinds
from sources.template import check_file, import_file
from geo.areas import resolve_area
catalogue_measure_kinds()  # warm: the catalogue is read once per process
resolve_area("Ersboda")  # warm: the area name index is built once per process
mode, path, url = sys.argv[1], sys.argv[2], sys.argv[3]
extra = {{}}


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if mode == "import":
    from store import Store
    store = Store(url)
    store.migrate()
    start, cpu0 = time.perf_counter(), cpu()
    result = import_file(store, path, user="bench")
    seconds, cpu_s = time.perf_counter() - start, cpu() - cpu0
    rows = result.rows_loaded
    if len(sys.argv) > 4 and sys.argv[4] == "rebuild":
        from indicators.publish import rebuild
        start = time.perf_counter()
        rebuild(store)
        extra["rebuild_seconds"] = time.perf_counter() - start
elif mode == "floor":
    # Floor: the same validated rows inserted with the bare driver into the same schema, one
    # transaction, nothing else (no reading, no checks, no supersede, no audit).
    from itertools import repeat
    import numpy as np
    from store import Store
    obs = check_file(path).observations
    store = Store(url)
    store.migrate()
    store.dispose()
    cols = []
    for name in ("measure_id", "area_code", "period"):
        cat = obs[name].array
        cols.append(np.asarray(cat.categories, dtype=object)[cat.codes].tolist())
    for name in ("count", "denominator", "value"):
        x = obs[name].to_numpy()
        o = x.astype(object)
        o[np.isnan(x)] = None
        cols.append(o.tolist())
    n = len(obs)
    batch = ("INSERT INTO import_batch (id, source, kind, file_name, checksum, user_name, "
             "created_at, rows_total, rows_loaded, rows_replaced, status, synthetic, shipped) "
             "VALUES (1, 'Skolan', 'observation', 'floor', 'floor', 'bench', "
             "'2026-01-01 00:00:00', 0, 0, 0, 'loaded', false, false)")
    names = ("measure_id, area_code, period, count, denominator, value, source, synthetic, "
             "batch_id")
    rows = zip(*cols, repeat("Skolan", n), repeat(False, n), repeat(1, n))
    start, cpu0 = time.perf_counter(), cpu()
    if url.startswith("sqlite"):
        import sqlite3
        con = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("BEGIN")
        con.execute(batch)
        con.executemany(f"INSERT INTO observation ({{names}}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
        con.close()
    else:
        import psycopg
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
            con.execute(batch)
            with (
                con.cursor() as cur,
                cur.copy(f"COPY observation ({{names}}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(["text", "text", "text", "float8", "float8", "float8", "text",
                                "bool", "int4"])
                for row in rows:
                    copy.write_row(row)
    seconds, cpu_s = time.perf_counter() - start, cpu() - cpu0
    rows = n
elif mode == "raw":
    # The fastest raw write this machine reaches, nothing from Python per row: SQLite makes the
    # rows itself (INSERT ... SELECT over a counter), PostgreSQL copies them with
    # generate_series; both into the same schema with its secondary indexes dropped before and
    # built after, in one transaction.
    from store import Store
    n = int(sys.argv[4])
    store = Store(url)
    store.migrate()
    store.dispose()
    batch = ("INSERT INTO import_batch (id, source, kind, file_name, checksum, user_name, "
             "created_at, rows_total, rows_loaded, rows_replaced, status, synthetic, shipped) "
             "VALUES (1, 'Skolan', 'observation', 'raw', 'raw', 'bench', "
             "'2026-01-01 00:00:00', 0, 0, 0, 'loaded', false, false)")
    names = ("measure_id, area_code, period, count, denominator, value, source, synthetic, "
             "batch_id")
    select = ("'m' || (i % 11), 'd-' || (i / 11 % 150), 'w' || (i / 1650), i % 97, 1000.0, NULL, "
              "'Skolan', false, 1")
    start, cpu0 = time.perf_counter(), cpu()
    if url.startswith("sqlite"):
        import sqlite3
        con = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("BEGIN")
        con.execute(batch)
        idx = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                          "tbl_name = 'observation' AND sql IS NOT NULL").fetchall()
        for name, _ in idx:
            con.execute(f'DROP INDEX "{{name}}"')
        con.execute(f"INSERT INTO observation ({{names}}) WITH RECURSIVE c(i) AS (SELECT 0 UNION "
                    f"ALL SELECT i + 1 FROM c WHERE i < ?) SELECT {{select}} FROM c", (n - 1,))
        for _, sql in idx:
            con.execute(sql)
        con.execute("COMMIT")
        con.close()
    else:
        import psycopg
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
            con.execute("SET LOCAL synchronous_commit = off")
            con.execute("SET LOCAL maintenance_work_mem = '256MB'")
            con.execute(batch)
            idx = con.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                              "'observation' AND indexname <> 'observation_pkey'").fetchall()
            for name, _ in idx:
                con.execute(f'DROP INDEX "{{name}}"')
            con.execute(f"INSERT INTO observation ({{names}}) SELECT {{select.replace('%', '%%')}} FROM "
                        f"generate_series(0, %s) AS g(i)", (n - 1,))
            for _, sql in idx:
                con.execute(sql)
    seconds, cpu_s = time.perf_counter() - start, cpu() - cpu0
    rows = n
else:
    start, cpu0 = time.perf_counter(), cpu()
    rows = len(check_file(path).observations)
    seconds, cpu_s = time.perf_counter() - start, cpu() - cpu0
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of a large parent
# (the other benchmarks) would report the parent's peak.
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
peak = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "cpu": cpu_s, "rows": rows, "peak_mb": peak, **extra}}))
"""


def _child(mode: str, path: Path, url: str, *options: str) -> dict:
    code = _CHILD.format(root=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", code, mode, str(path), url, *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr else mode)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(*, rows: int = ROWS, postgres_url: str | None = None) -> list[dict]:
    """SQLite always; PostgreSQL too — a throwaway server is started when none is given."""

    if postgres_url is None and pgserver.available():
        with pgserver.throwaway_server() as port:
            return _run(rows=rows, postgres_url=pgserver.create_database(port, "uvts_bench"))
    return _run(rows=rows, postgres_url=postgres_url)


def _run(*, rows: int, postgres_url: str | None) -> list[dict]:
    """Figures as rows ``name, value, unit, target, note``."""
    out: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="uvts-bench-import-") as tmp:
        path = write_file(Path(tmp) / "observationer.csv", rows=rows)
        size_mb = path.stat().st_size / 2**20
        targets = [("sqlite", lambda name: f"sqlite:///{Path(tmp) / (name + '.sqlite')}")]
        if postgres_url:
            targets.append(("postgresql", lambda name: _fresh_database(postgres_url, name)))
        for label, url_for in targets:
            load = os.getloadavg()[0]
            options = ("rebuild",) if label == "sqlite" else ()
            measured = _child("import", path, url_for("bench_import"), *options)
            floor = _child("floor", path, url_for("bench_floor"))
            raw = _child("raw", path, url_for("bench_raw"), str(rows))
            assert measured["rows"] == rows, measured
            out.append(
                {
                    "name": f"import_file {rows:,} rows → {label}",
                    "value": rows / measured["seconds"],
                    "unit": "rows/s",
                    "target": f">= {RATE_TARGET[label]:,}",
                    "note": f"{measured['seconds']:.1f} s ({measured['cpu']:.1f} s CPU) for a "
                    f"{size_mb:.0f} MB CSV; floor (bare driver insert of the same rows, same "
                    f"schema) {rows / floor['seconds']:,.0f} rows/s = {floor['seconds']:.1f} s "
                    f"({floor['cpu']:.1f} s CPU); load average {load:.1f}",
                }
            )
            out.append(
                {
                    "name": f"fastest raw write on this machine ({label})",
                    "value": rows / raw["seconds"],
                    "unit": "rows/s",
                    "target": "reference",
                    "note": f"{raw['seconds']:.1f} s ({raw['cpu']:.1f} s CPU in the client): "
                    f"{rows:,} rows made by the database itself "
                    + (
                        "(INSERT … SELECT over a recursive counter)"
                        if label == "sqlite"
                        else "(INSERT … SELECT generate_series)"
                    )
                    + ", no file, no Python per row; indexes dropped and rebuilt; an upper "
                    "bound for any import into this schema",
                }
            )
            out.append(
                {
                    "name": f"import_file peak RSS ({label})",
                    "value": measured["peak_mb"],
                    "unit": "MB",
                    "target": f"< {MEMORY_TARGET_MB}",
                    "note": "VmHWM of a child process, interpreter and libraries included",
                }
            )
            if "rebuild_seconds" in measured:
                out.append(
                    {
                        "name": f"published rebuild after the import ({label})",
                        "value": measured["rebuild_seconds"],
                        "unit": "s",
                        "target": "",
                        "note": "indicators.publish.rebuild, timed apart (the CLI runs it after "
                        "every import; not part of the import figure)",
                    }
                )
        checked = _child("check", path, "")
        out.append(
            {
                "name": f"check_file {rows:,} rows (read + validate only)",
                "value": rows / checked["seconds"],
                "unit": "rows/s",
                "target": "",
                "note": f"{checked['seconds']:.1f} s ({checked['cpu']:.1f} s CPU); peak RSS "
                f"{checked['peak_mb']:.0f} MB; the rest of import_file is the store's write",
            }
        )
    return out


def _fresh_database(server_url: str, name: str) -> str:
    """A new database beside ``server_url``'s on the same PostgreSQL server."""
    import sqlalchemy as sa

    url = sa.engine.make_url(server_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    for row in run(rows=n):
        print(
            f"{row['name']:<48} {row['value']:>14,.1f} {row['unit']:<6} {row['target']:<12} "
            f"{row['note']}"
        )
