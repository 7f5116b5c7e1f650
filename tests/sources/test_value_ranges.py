"""Impossible values are refused at import: the catalogue's valid range per measure (#16)."""

from __future__ import annotations

import pytest
from conftest import dump
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue import get_indicator, measure_value_ranges
from common.cli import run_cli
from sources.__main__ import main
from store.observations import read_observations


def write(path, rows):
    path.write_text(
        "omrade;period;matt;antal;namnare;varde\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


def test_meritvarde_above_340_is_refused_with_row_and_column(store, tmp_path, capsys):
    before = dump(store)
    path = write(
        tmp_path / "merit.csv",
        [
            "Ersboda;2024;meritvarde_ak9;;40;231,5",
            "Mariehem;2024;meritvarde_ak9;;35;705,9",
        ],
    )
    code = run_cli(main, ["import", str(path), "--db", store.url])
    _, err = capsys.readouterr()
    assert code == 2
    assert "merit.csv" in err and "rad 3" in err and "varde" in err
    assert "705,9" in err and "0–340" in err
    assert "Traceback" not in err
    assert dump(store) == before


def test_mean_from_sum_and_count_is_checked_too(store, tmp_path, capsys):
    path = write(tmp_path / "sum.csv", ["Ersboda;2024;meritvarde_ak9;20000;40;"])  # mean 500
    code = run_cli(main, ["import", str(path), "--db", store.url])
    _, err = capsys.readouterr()
    assert code == 2 and "antal" in err and "500" in err
    assert read_observations(store).empty


def test_possible_values_pass(store, tmp_path, capsys):
    path = write(
        tmp_path / "ok.csv",
        ["Ersboda;2024;meritvarde_ak9;;40;340", "Mariehem;2024;meritvarde_ak9;;40;0"],
    )
    assert run_cli(main, ["import", str(path), "--db", store.url]) == 0
    assert len(read_observations(store)) == 2


def test_every_mean_in_the_catalogue_has_a_finite_range():
    ranges = measure_value_ranges()
    assert ranges["meritvarde_ak9"][2:] == (0.0, 340.0)
    assert get_indicator("ej_behoriga_gymnasiet").value_range() == (0.0, 100.0)
    means = [m for m, (kind, *_rest) in ranges.items() if kind == "mean"]
    assert means and all(ranges[m][3] < float("inf") for m in means)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_range_check_agrees_with_the_catalogue(tmp_path_factory, value):
    from sources.validate import MeasureCatalogue, ObservationCollector  # noqa: PLC0415

    low, high = get_indicator("meritvarde_ak9").value_range()
    assert (low <= value <= high) == _accepted(MeasureCatalogue, ObservationCollector, value)


def _accepted(catalogue_class, collector_class, value) -> bool:
    import pandas as pd  # noqa: PLC0415

    from common.errors import ValidationError  # noqa: PLC0415

    collector = collector_class(catalogue_class.from_known(None), file="x.csv")
    frame = pd.DataFrame(
        {
            "omrade": ["Ersboda"],
            "period": ["2024"],
            "matt": ["meritvarde_ak9"],
            "antal": [""],
            "namnare": ["40"],
            "varde": [repr(value).replace(".", ",")],
        }
    )
    collector.add(frame, rows=pd.Series([2]).to_numpy())
    try:
        collector.finish()
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("measure", ["problematisk_franvaro", "unga_uvas"])
def test_a_proportion_value_above_100_percent_is_refused(store, tmp_path, capsys, measure):
    path = write(tmp_path / "p.csv", [f"Ersboda;2024;{measure};;200;130"])
    assert run_cli(main, ["import", str(path), "--db", store.url]) == 2
    assert "0–100" in capsys.readouterr().err
