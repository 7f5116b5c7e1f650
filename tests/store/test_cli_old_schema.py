"""A store whose schema predates this version (migrated only to 0003): every command says so
in Swedish, exits 2, shows no traceback, SQL or driver text, and leaves the file as it was."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic import command

from store import Store
from store.db import _alembic_config
from tests.conftest import ROOT


def old_store(path) -> bytes:
    store = Store(f"sqlite:///{path}")
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    store.dispose()
    return path.read_bytes()


@pytest.mark.parametrize(
    "command_line",
    [
        ["indicators", "export", "--indicator", "ej_behoriga_gymnasiet", "--out", "{out}/x.csv"],
        ["reports", "brief", "--period", "2025", "--out", "{out}/b.pdf"],
    ],
    ids=["export", "brief"],
)
def test_a_store_of_an_older_schema_gives_a_swedish_line_and_exit_2(command_line, tmp_path):
    db = tmp_path / "gammal.sqlite"
    before = old_store(db)
    args = [a.format(out=tmp_path) for a in command_line]
    done = subprocess.run(
        [sys.executable, "-m", *args[:2], "--db", f"sqlite:///{db}", *args[2:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "sqlite3." not in done.stderr
    assert "SELECT" not in done.stderr and "no such table" not in done.stderr
    assert done.stderr.startswith("Fel: ") and "migr" in done.stderr
    assert db.read_bytes() == before
