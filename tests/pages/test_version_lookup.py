"""The published version is looked up once per script run (ui.reads.values_version, issue 17)
and a new version written by another process is what the next rerun shows (SQLite and
PostgreSQL; docs/published.md "One version lookup per rerun")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from access import reads
from geo.areas import read_areas
from store.areas import sync_areas

ROOT = Path(__file__).resolve().parents[2]
IND = "ej_behoriga_gymnasiet"
DISTRICTS = ["Ersboda", "Mariehem", "Ålidhem", "Tomtebo", "Haga", "Centrum"]


def _write(path: Path, *, base: int) -> Path:
    """A template file: one value per district and year, counts far from any disclosure limit."""
    lines = ["omrade;period;matt;antal;namnare"]
    for year in (2023, 2024, 2025):
        for i, name in enumerate(DISTRICTS):
            lines.append(f"{name};{year};{IND};{base + 7 * i + year % 10};1000")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import_elsewhere(store, path: Path) -> None:
    """Import (and rebuild) in another Python process, as a second app process would."""
    code = (
        "import sys; from store import Store; from access.reads import import_file; "
        "s = Store(sys.argv[1]); import_file(s, 'admin', sys.argv[2], user='anna'); s.dispose()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code, store.url, str(path)], check=True, env=env)


def _table(at) -> list[list[str]]:
    assert at.dataframe, "the page shows no table"
    return at.dataframe[0].value.astype(str).to_numpy().tolist()


@pytest.fixture
def counted():
    """Statements run by any engine of this process while the block runs."""
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append((" ".join(statement.split()), parameters))

    event.listen(sa.engine.Engine, "before_cursor_execute", listen)
    yield seen
    event.remove(sa.engine.Engine, "before_cursor_execute", listen)


def _pointer_reads(seen) -> int:
    """How many statements read the published-version pointer (a setting keyed
    ``published_version``)."""
    return sum(
        1
        for statement, parameters in seen
        if "FROM setting" in statement and "published_version" in repr(parameters)
    )


def test_a_new_version_from_another_process_shows_on_the_next_rerun(
    any_store, run_app, tmp_path, counted
):
    sync_areas(any_store, read_areas())
    reads.import_file(any_store, "admin", _write(tmp_path / "a.csv", base=100), user="anna")
    # a store with no interventions registered: Trender draws (it raised a KeyError)
    trender = run_app(any_store, role="admin", page="pages/trender.py", query={"ind": IND})
    assert trender.dataframe and not trender.exception
    at = run_app(any_store, role="admin", query={"ind": IND})
    before = _table(at)
    counted.clear()
    assert _table(at.run()) == before
    # the pages ask for the version many times per rerun; the store is asked once
    assert _pointer_reads(counted) == 1
    version = reads.values_version(any_store)

    _import_elsewhere(any_store, _write(tmp_path / "b.csv", base=300))
    assert reads.values_version(any_store) != version
    after = _table(at.run())
    assert not at.exception
    assert after != before
    # what the running session shows is exactly what a fresh session shows
    assert _table(run_app(any_store, role="admin", query={"ind": IND})) == after

    # a rollback (here, in the test's process): the next rerun is back at the first figures
    last = int(reads.batches(any_store, "admin")["id"].max())
    reads.rollback(any_store, "admin", last, user="anna")
    assert _table(at.run()) == before
