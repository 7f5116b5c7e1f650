"""``python -m sources``: import, batches, rollback, and fetch that refuses to go online."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD, dump

from common.cli import run_cli
from sources.__main__ import main
from store.observations import read_observations

ROOT = Path(__file__).resolve().parents[2]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = run_cli(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_a_swedish_summary_and_a_second_import_is_unchanged(store, capsys):
    code, out, _ = cli(capsys, "import", str(GOOD / "comma.csv"), "--db", store.url)
    assert code == 0
    assert out.startswith("Import 1 klar: comma.csv, 3 värden inlästa, 0 tidigare värden ersatta")
    code, out, _ = cli(capsys, "import", str(GOOD / "comma.csv"), "--db", store.url)
    assert code == 0 and "redan inläst (import 1" in out
    assert len(read_observations(store)) == 3


def test_check_only_writes_nothing(store, capsys):
    before = dump(store)
    code, out, _ = cli(capsys, "import", str(GOOD / "deso_rows.csv"), "--check", "--db", store.url)
    assert code == 0 and "inga fel" in out and "3 värden" in out
    assert dump(store) == before


def test_batches_and_rollback(store, capsys):
    cli(capsys, "import", str(GOOD / "windows1252.csv"), "--db", store.url, "--user", "anna")
    code, out, _ = cli(capsys, "batches", "--db", store.url)
    assert code == 0 and "windows1252.csv" in out and "anna" in out and "inläst" in out
    code, out, _ = cli(capsys, "rollback", "1", "--db", store.url)
    assert code == 0 and "återställd" in out
    assert read_observations(store).empty
    code, _, err = cli(capsys, "rollback", "1", "--db", store.url)
    assert code == 2 and "redan återställd" in err


def test_fetch_without_the_flag_refuses_to_go_online(capsys):
    code, _, err = cli(capsys, "fetch", "kolada", "--kpi", "N15428")
    assert code == 2 and "--fetch" in err


@pytest.mark.parametrize("source", ["scb", "kolada", "polisen", "skolverket"])
def test_fetch_offline_fails_with_a_clear_message(capsys, source):
    code, _, err = cli(
        capsys, "fetch", source, "--fetch", "--kpi", "N15428", "--base-url", "http://127.0.0.1:9/"
    )
    assert code == 2
    assert "Kunde inte hämta http://127.0.0.1:9/" in err and "Traceback" not in err


def test_the_real_fetch_command_offline_exits_2(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "UVTS_FETCH_BASE_URL": "http://127.0.0.1:9/",
        "UVTS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "sources", "fetch", "polisen", "--fetch"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Kunde inte hämta" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.sqlite").exists()
