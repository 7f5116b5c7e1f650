"""compute(): roll-up, intervals, verdicts, trends and suppression on a real store."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from common.cli import run_cli
from indicators import compute
from indicators.__main__ import main as indicators_main
from indicators.stats import proportion_ci
from store.areas import sync_areas
from store.observations import write_observations

ROOT = Path(__file__).resolve().parents[2]
AREAS = pd.DataFrame(
    [
        ("2480", "Umeå kommun", "municipality", None),
        ("d-a", "Aby", "district", "2480"),
        ("d-b", "Bby", "district", "2480"),
        ("d-c", "Cby", "district", "2480"),
    ],
    columns=["code", "name", "level", "parent_code"],
).assign(name_en=None, official_name=None, focus=0, sort_order=range(4))


def load(store, rows, checksum="c1", synthetic=True):
    sync_areas(store, AREAS)
    frame = pd.DataFrame(
        rows, columns=["measure_id", "area_code", "period", "count", "denominator"]
    )
    frame["value"] = None
    write_observations(
        store,
        [frame],
        source="t",
        file_name="f.csv",
        checksum=checksum,
        user="t",
        synthetic=synthetic,
    )


def test_municipality_is_the_sum_of_districts_with_wilson_interval(any_store):
    load(
        any_store,
        [
            ("ej_behoriga_gymnasiet", "d-a", "2024", 30, 200),
            ("ej_behoriga_gymnasiet", "d-b", "2024", 20, 300),
            ("ej_behoriga_gymnasiet", "d-c", "2024", 10, 100),
        ],
    )
    out = compute(any_store, ["ej_behoriga_gymnasiet"]).set_index("area_code")
    assert out.loc["2480", ["numerator", "denominator"]].tolist() == [60, 600]
    lo, hi = proportion_ci(30, 200)
    assert out.loc["d-a", "value"] == pytest.approx(15.0)
    assert out.loc["d-a", ["lower", "upper"]].tolist() == pytest.approx([lo * 100, hi * 100])
    assert out.loc["2480", "verdict"] == "benchmark"
    assert out.loc["d-a", "verdict"] == "higher_worse"  # 15 % (10,7–20,6) vs 10 %
    assert out.loc["d-b", "verdict"] == "similar"  # 6,7 % (4,4–10,1) contains 10 %
    assert out["synthetic"].all()


def test_small_count_is_suppressed_and_protected_from_the_total(any_store):
    load(
        any_store,
        [
            ("skadegorelse", "d-a", "2024", 3, 2000),
            ("skadegorelse", "d-b", "2024", 40, 3000),
            ("skadegorelse", "d-c", "2024", 50, 4000),
        ],
    )
    out = compute(any_store, ["skadegorelse"]).set_index("area_code")
    assert out.loc["d-a", "suppressed"] and out.loc["d-a", "reason"] == "uppgift skyddad"
    assert pd.isna(out.loc["d-a", "value"]) and pd.isna(out.loc["d-a", "numerator"])
    # the municipality total is published, so a second district must be hidden too
    assert out["suppressed"].sum() >= 2
    published = out[~out["suppressed"]]
    assert (published["numerator"] >= 5).all()


def test_terms_roll_up_into_years(any_store):
    load(
        any_store,
        [
            ("problematisk_franvaro", "d-a", "2024-VT", 20, 200),
            ("problematisk_franvaro", "d-a", "2024-HT", 30, 210),
        ],
    )
    out = compute(any_store, ["problematisk_franvaro"], periods=["2024"]).set_index("area_code")
    # Pupils are a head count each term: the year is the mean of the terms, not the sum.
    assert out.loc["d-a", ["numerator", "denominator"]].tolist() == [25, 205]


def test_recent_trend_on_a_rising_series(any_store):
    rows = [
        ("skadegorelse", d, str(y), n, 10_000)
        for d in ("d-a", "d-b", "d-c")
        for y, n in zip(range(2019, 2025), [50, 80, 110, 140, 170, 200], strict=True)
    ]
    load(any_store, rows)
    out = compute(any_store, ["skadegorelse"], periods=["2024"]).set_index("area_code")
    assert out.loc["d-a", "trend"] == "increasing"


def test_real_data_is_not_flagged_synthetic(any_store):
    load(any_store, [("skadegorelse", "d-a", "2024", 30, 2000)], synthetic=False)
    assert not compute(any_store, ["skadegorelse"])["synthetic"].any()


def test_export_cli_csv_plain_contract(demo_db_file, tmp_path):
    out = tmp_path / "x.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "export",
            "--db",
            f"sqlite:///{demo_db_file}",
            "--out",
            str(out),
            "--format",
            "csv-plain",
            "--indicator",
            "personran",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(out, dtype={"area_code": str, "period": str})
    expected = [
        "indicator_id",
        "area_code",
        "area_name",
        "area_level",
        "period",
        "numerator",
        "denominator",
        "value",
        "lower",
        "upper",
        "verdict",
        "trend",
        "suppressed",
        "reason",
        "synthetic",
        "period_label",
        "benchmark_partial",
        "phi",
    ]
    assert list(frame.columns) == expected
    assert set(frame["area_level"]) <= {"municipality", "district", "stadsdel"}
    hidden = frame[frame["suppressed"]]
    assert len(hidden) > 0
    assert hidden[["numerator", "denominator", "value", "lower", "upper"]].isna().all().all()
    shown = frame[~frame["suppressed"]]
    assert ((shown["numerator"] == 0) | (shown["numerator"] >= 5)).all()
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_cli_swedish_csv_has_bom_semicolons_and_decimal_comma(demo_db_file, tmp_path):
    out = tmp_path / "x.csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "export",
            "--db",
            f"sqlite:///{demo_db_file}",
            "--out",
            str(out),
            "--indicator",
            "ej_behoriga_gymnasiet",
        ],
        check=True,
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "# Indikator: Ej behöriga till gymnasiet" in text and "Demodata" in text
    data_lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert data_lines[0].startswith("indicator_id;area_code")
    assert any("," in line.split(";")[7] for line in data_lines[1:] if line.split(";")[7] != "..")


def test_export_cli_level_998_names_the_level_and_exports_the_998_limits(demo_db_file, tmp_path):
    """Issue 16: ``--niva 99.8`` exports the 99,8 % interval and verdict and says so."""
    from store import Store
    from store.published import read_values

    out = tmp_path / "x.csv"
    base = [sys.executable, "-m", "indicators", "export", "--db", f"sqlite:///{demo_db_file}"]
    subprocess.run(
        [*base, "--out", str(out), "--indicator", "skadegorelse", "--niva", "99,8"], check=True
    )
    text = out.read_bytes().decode("utf-8-sig")
    assert "# Konfidensnivå: 99,8 %" in text
    data = pd.read_csv(
        io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#"))),
        sep=";",
        dtype=str,
    )
    assert "lower_998" not in data.columns
    store = Store(f"sqlite:///{demo_db_file}")
    wide = read_values(store, indicator_ids=["skadegorelse"]).reset_index(drop=True)
    store.dispose()
    shown = ~wide["suppressed"]
    exported = pd.to_numeric(data["upper"].str.replace(",", "."), errors="coerce")
    assert (exported[shown] - wide.loc[shown, "upper_998"]).abs().max() < 1e-6
    assert (data["verdict"].fillna("") == wide["verdict_998"].fillna("")).all()


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["export", "--out", "x.csv", "--indicator", "no_such"], "Okänd indikator"),
        (["export"], "Fel i argumenten"),
        (["export", "--out", "x.csv", "--format", "pdf"], "Fel i argumenten"),
        (["export", "--out", "x.csv", "--niva", "90"], "Okänd konfidensnivå"),
    ],
)
def test_export_cli_bad_arguments_give_one_line_and_exit_2(
    args, fragment, demo_db_file, tmp_path, monkeypatch, capsys
):
    """In process through the CLI's own entry (``run_cli``, as ``python -m indicators`` runs
    it); the real command is run once below."""
    monkeypatch.chdir(tmp_path)
    try:
        code = run_cli(indicators_main, [*args, "--db", f"sqlite:///{demo_db_file}"])
    except SystemExit as exit_:  # argparse leaves through SystemExit, as in the real command
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err and "Traceback" not in err
    assert err.startswith("Fel")  # Swedish first (an English line follows)
    assert not (tmp_path / "x.csv").exists()


def test_the_real_export_command_exits_2_without_traceback(demo_db_file, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "indicators", "export", "--out", "x.csv", "--indicator", "no_such"]
        + ["--db", f"sqlite:///{demo_db_file}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 2
    assert "Okänd indikator" in proc.stderr and "Traceback" not in proc.stderr
