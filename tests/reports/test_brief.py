"""The council brief: a real store, a real PDF, read back with pypdf.

The store is built here from a few indicators for every district and the years 2019–2025
(written through ``store.observations.write_observations``), with one planted significant
rise (Ålidhem, skadegörelse 2025) and one cell that disclosure control must hide (Tomtebo,
upplevd trygghet 2025: 397 of 400, "nästan alla").
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from pypdf import PdfReader

import indicators.brief_content
import reports.__main__ as reports_cli
import reports.brief
import reports.pdf
from catalogue import load_catalogue
from common.errors import UserError
from geo.areas import read_areas
from geo.boundaries import district_polygons
from geo.layers import VERDICT_MAP_COLORS, palette_colors
from indicators.brief_content import MAX_DISTRICTS, brief_changes, verdict_summary
from indicators.levels import at_level
from reports.__main__ import main as cli_main
from reports.brief import TITLE, brief_values, build_brief, map_figure
from reports.pdf import DEMO_LABEL
from store import Store
from store.areas import sync_areas
from store.events import write_events
from store.observations import write_observations
from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[2]
YEARS = [str(y) for y in range(2019, 2026)]
FOCUS_NAMES = ["Ersboda", "Mariehem", "Tomtebo", "Ålidhem"]
#: indicator → (kind, level per person or share, denominator per district)
SPEC = {
    "skadegorelse": ("rate", 0.010, 4000),
    "personran": ("rate", 0.004, 4000),
    "trangboddhet": ("proportion", 0.12, 4000),
    "upplevd_trygghet": ("proportion", 0.74, 400),
    "godkanda_alla_amnen": ("proportion", 0.76, 300),
}
HIDDEN = {"area": "d-tomtebo", "indicator": "upplevd_trygghet", "count": 397, "denominator": 400}


def observations() -> pd.DataFrame:
    rng = np.random.default_rng(20251)
    rows = []
    for code in read_areas(level="district")["code"]:
        for ind_id, (kind, level, denominator) in SPEC.items():
            for year in YEARS:
                expected = level * denominator
                count = (
                    int(rng.poisson(expected))
                    if kind == "rate"
                    else int(rng.binomial(denominator, level))
                )
                if (code, ind_id, year) == ("d-alidhem", "skadegorelse", "2025"):
                    count = int(3 * expected)  # a rise no interval can hide
                if (code, ind_id, year) == (HIDDEN["area"], HIDDEN["indicator"], "2025"):
                    count = HIDDEN["count"]
                rows.append((ind_id, code, year, float(count), float(denominator), None))
    return pd.DataFrame(
        rows, columns=["measure_id", "area_code", "period", "count", "denominator", "value"]
    )


def make_store(path: Path, *, synthetic: bool) -> Store:
    store = Store(f"sqlite:///{path}")
    store.migrate()
    sync_areas(store, read_areas())
    write_observations(
        store,
        [observations()],
        source="test",
        file_name="test.csv",
        checksum=f"test-{synthetic}",
        user="test",
        synthetic=synthetic,
    )
    interventions = pd.DataFrame(
        [
            {
                "name": "Fritidsbanken Ålidhem",
                "district_codes": "d-alidhem",
                "start_date": date(2022, 3, 1),
                "end_date": None,
                "description": "Testinsats",
            }
        ]
    )
    write_events(
        store,
        "intervention",
        [interventions],
        source="test",
        file_name="i.csv",
        checksum=f"insats-{synthetic}",
        user="test",
        synthetic=synthetic,
    )
    return store


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("brief") / "demo.sqlite", synthetic=True)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("brief") / "real.sqlite", synthetic=False)
    yield store
    store.dispose()


def page_texts(path: Path) -> list[str]:
    # No-break spaces (Swedish number grouping) read back as either kind of space.
    return [(p.extract_text() or "").replace("\xa0", " ") for p in PdfReader(path).pages]


@pytest.fixture(scope="module")
def demo_brief(demo_store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "brief.pdf"
    return build_brief(demo_store, period="2025", out=out, made_on=date(2025, 11, 18))


@pytest.fixture(scope="module")
def demo_brief_text(demo_brief) -> list[str]:
    return page_texts(demo_brief)


@pytest.fixture(scope="module")
def shipped_demo_brief(demo_db_file, tmp_path_factory) -> Path:
    """The brief on the shipped demo database (``python -m sources.demo``, read-only use)."""
    store = Store(f"sqlite:///{demo_db_file}")
    try:
        return build_brief(store, period="2025", out=tmp_path_factory.mktemp("pdf") / "demo.pdf")
    finally:
        store.dispose()


# --------------------------------------------------------------------------- the PDF


def test_brief_has_two_to_four_pages_with_title_period_districts_and_method(demo_brief_text):
    assert 2 <= len(demo_brief_text) <= 4
    first = demo_brief_text[0]
    assert TITLE in first
    assert "Period: 2025" in first
    assert "Framtaget: 2025-11-18" in first
    for name in FOCUS_NAMES:
        assert name in first
    assert any("Metod" in page for page in demo_brief_text)
    assert any("Wilson" in page and "Byar" in page for page in demo_brief_text)
    assert f"Sida 1 av {len(demo_brief_text)}" in first


def test_brief_on_synthetic_data_says_demo_on_every_page(demo_brief_text):
    assert all(DEMO_LABEL in page for page in demo_brief_text)


def test_brief_on_the_shipped_demo_database_fits_and_says_demo(shipped_demo_brief):
    texts = page_texts(shipped_demo_brief)
    assert 2 <= len(texts) <= 4
    assert all(DEMO_LABEL in page for page in texts)
    assert all(name in texts[0] for name in FOCUS_NAMES)
    assert "Vad har förändrats sedan 2024?" in texts[0]
    assert any("Metod" in page for page in texts)


def test_brief_on_real_data_has_no_demo_label(real_store, tmp_path):
    path = build_brief(real_store, period="2025", out=tmp_path / "real.pdf")
    texts = page_texts(path)
    assert 2 <= len(texts) <= 4
    assert TITLE in texts[0]
    assert not any(DEMO_LABEL in page or "Demodata" in page for page in texts)


def test_planted_rise_is_listed_as_a_worse_change_in_words(demo_brief_text):
    first = demo_brief_text[0]
    section = first[first.index("Vad har förändrats sedan 2024?") :]
    assert re.search(r"Ålidhem – Skadegörelse: högre än förra året \(sämre\)", section)


def test_suppressed_value_is_a_dash_with_its_reason_never_a_number(demo_store, tmp_path):
    path = build_brief(
        demo_store, period="2025", indicator=HIDDEN["indicator"], out=tmp_path / "hidden.pdf"
    )
    text = "\n".join(page_texts(path))
    hidden_share = 100 * HIDDEN["count"] / HIDDEN["denominator"]  # 99,25 %
    for number in (
        f"{hidden_share:.1f}".replace(".", ","),
        f"{hidden_share:.2f}".replace(".", ","),
        "99,2",
        str(HIDDEN["count"]),
    ):
        assert number not in text
    # The table row wraps: "Tomtebo – – –" then the reason on the following lines.
    row = text[text.index("Tomtebo – – –") : text.index("Ålidhem", text.index("Tomtebo – – –"))]
    # One text for every hidden cell: the rule that hid it would narrow it (docs/disclosure.md §5).
    assert "uppgift skyddad" in row and "nästan alla" not in row


def test_eight_districts_still_fit_in_four_pages(demo_store, tmp_path):
    districts = read_areas(level="district")["code"].tolist()[:MAX_DISTRICTS]
    path = build_brief(demo_store, period="2025", districts=districts, out=tmp_path / "8.pdf")
    texts = page_texts(path)
    assert 2 <= len(texts) <= 4
    assert all(name in texts[0] for name in ["Centrum", "Berghem", "Haga-Sandbacka"])


def test_too_many_districts_or_an_unknown_one_is_a_swedish_user_error(demo_store, tmp_path):
    districts = read_areas(level="district")["code"].tolist()[: MAX_DISTRICTS + 1]
    with pytest.raises(UserError, match="högst 8 områden"):
        build_brief(demo_store, period="2025", districts=districts, out=tmp_path / "x.pdf")
    with pytest.raises(UserError, match="Okänt område 'Atlantis'"):
        build_brief(demo_store, period="2025", districts=["Atlantis"], out=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_year_without_data_names_the_years_that_exist(demo_store, tmp_path):
    with pytest.raises(UserError, match=r"inga indikatorvärden för 2031 .*2019–2025"):
        build_brief(demo_store, period=2031, out=tmp_path / "x.pdf")


def test_pages_render_to_png_for_a_look(shipped_demo_brief, artifacts):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        missing("pdftoppm (poppler-utils, scripts/install_system_deps.sh)")
    for old in artifacts.glob("brief_page*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "110", str(shipped_demo_brief), str(artifacts / "brief_page")],
        check=True,
    )
    pages = sorted(artifacts.glob("brief_page*.png"))
    assert len(pages) == len(PdfReader(shipped_demo_brief).pages)
    assert pages[0].stat().st_size > 20_000  # a map and tables, not a blank page


# --------------------------------------------------------------------------- the rules


def _pair(
    before: tuple[float, float, float],
    now: tuple[float, float, float],
    *,
    numerators=(40.0, 60.0),
    indicator="skadegorelse",
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "area_code": "d-x",
            "area_name": "X",
            "period": ["2024", "2025"],
            "numerator": list(numerators),
            "denominator": 4000.0,
            "value": [before[0], now[0]],
            "lower": [before[1], now[1]],
            "upper": [before[2], now[2]],
            "suppressed": False,
        }
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=4, max_size=4))
def test_a_change_is_listed_exactly_when_the_intervals_do_not_overlap(bounds):
    lo0, hi0, lo1, hi1 = bounds[0], bounds[0] + bounds[1], bounds[2], bounds[2] + bounds[3]
    frame = _pair(((lo0 + hi0) / 2, lo0, hi0), ((lo1 + hi1) / 2, lo1, hi1))
    listed = brief_changes(frame, load_catalogue(), period="2025", districts=["d-x"])
    assert len(listed) == int(lo1 > hi0 or hi1 < lo0)
    if len(listed):
        assert listed["change"].iloc[0] == ("higher" if lo1 > hi0 else "lower")
        assert bool(listed["worse"].iloc[0]) == (lo1 > hi0)  # skadegörelse: higher is worse


def test_no_percentage_change_from_counts_below_five():
    frame = _pair((0.5, 0.1, 1.2), (9.0, 6.0, 13.0), numerators=(2.0, 36.0))
    row = brief_changes(frame, load_catalogue(), period="2025", districts=["d-x"]).iloc[0]
    assert np.isnan(row["relative_change"])
    assert "%" not in row["text"]
    assert "högre än förra året (sämre)" in row["text"]


def test_protective_indicator_going_down_is_worse():
    frame = _pair(
        (80.0, 77.0, 83.0),
        (60.0, 56.0, 64.0),
        numerators=(320.0, 240.0),
        indicator="upplevd_trygghet",
    )
    row = brief_changes(frame, load_catalogue(), period="2025", districts=["d-x"]).iloc[0]
    assert row["text"].startswith("X – Upplevd trygghet: lägre än förra året (sämre). 80,0")
    assert row["relative_change"] == pytest.approx(-0.25)


def test_suppressed_rows_never_count_as_change_and_show_as_hidden_in_summary():
    frame = _pair((5.0, 3.1, 7.7), (np.nan, np.nan, np.nan)).assign(
        suppressed=[False, True], verdict=["similar", None]
    )
    assert brief_changes(frame, load_catalogue(), period="2025", districts=["d-x"]).empty
    summary = verdict_summary(frame, load_catalogue(), period="2025", areas=["d-x"])
    assert summary[["worse", "better", "similar", "hidden"]].iloc[0].tolist() == [0, 0, 0, 1]


def test_docstring_examples_run():
    for module in (reports.pdf, reports.brief, reports_cli, indicators.brief_content):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


# --------------------------------------------------------------------------- the CLI


def test_cli_writes_the_brief_from_the_demo_database(demo_db_file, tmp_path):
    out = tmp_path / "cli" / "brief.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reports",
            "brief",
            "--db",
            f"sqlite:///{demo_db_file}",
            "--period",
            "2025",
            "--out",
            str(out),
            "--omraden",
            "Ersboda,Ålidhem",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Rådsunderlaget är skrivet" in result.stdout
    assert 2 <= len(PdfReader(out).pages) <= 4


def test_cli_bad_period_exits_2_with_one_swedish_line_and_no_traceback(demo_store, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reports",
            "brief",
            "--db",
            demo_store.url,
            "--period",
            "20x5",
            "--out",
            str(tmp_path / "x.pdf"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "Fel: Perioden ska vara ett år med fyra siffror, t.ex. 2025 (inte '20x5')."
    )
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["brief", "--period", "2031"], "Fel: Det finns inga indikatorvärden för 2031"),
        (["brief", "--period", "2025", "--omraden", "Atlantis"], "Fel: Okänt område 'Atlantis'"),
        (["brief", "--period", "2025", "--indicator", "nope"], "Fel: Okänd indikator 'nope'"),
    ],
)
def test_cli_user_errors_exit_2(demo_store, tmp_path, capsys, argv, message):
    from common.cli import run_cli

    code = run_cli(cli_main, [*argv, "--db", demo_store.url, "--out", str(tmp_path / "x.pdf")])
    assert code == 2
    assert capsys.readouterr().err.startswith(message)


def test_cli_missing_database_file_is_not_created(tmp_path, capsys):
    from common.cli import run_cli

    db = tmp_path / "absent.sqlite"
    code = run_cli(
        cli_main,
        ["brief", "--db", f"sqlite:///{db}", "--period", "2025", "--out", str(tmp_path / "x.pdf")],
    )
    assert code == 2
    assert "finns inte" in capsys.readouterr().err
    assert not db.exists()


def test_cli_without_subcommand_exits_2_in_swedish(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main([])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("Fel i argumenten:")


def test_cli_level_998_writes_the_brief_at_that_level_and_says_so(demo_store, tmp_path):
    """Issue 16: ``--niva 99,8`` gives Fingertips' second level in every interval and verdict."""
    from common.cli import run_cli

    out95, out998 = tmp_path / "95.pdf", tmp_path / "998.pdf"
    base = ["brief", "--db", demo_store.url, "--period", "2025"]
    assert run_cli(cli_main, [*base, "--out", str(out95)]) == 0
    assert run_cli(cli_main, [*base, "--out", str(out998), "--niva", "99,8"]) == 0
    text95, text998 = " ".join(page_texts(out95)), " ".join(page_texts(out998))
    assert "95 % KI" in text95 and "99,8 % KI" not in text95
    assert "99,8 % KI" in text998 and "Intervall: 99,8 % konfidensintervall" in text998
    worse = re.compile(r"Signifikant (högre|lägre) \(sämre\)")
    assert len(worse.findall(text998)) <= len(worse.findall(text95))


def test_cli_unknown_level_exits_2_in_swedish(demo_store, tmp_path, capsys):
    from common.cli import run_cli

    argv = ["brief", "--db", demo_store.url, "--period", "2025", "--out", str(tmp_path / "x.pdf")]
    assert run_cli(cli_main, [*argv, "--niva", "90"]) == 2
    assert capsys.readouterr().err.startswith("Fel: Okänd konfidensnivå: '90'")
    assert not (tmp_path / "x.pdf").exists()


def test_the_brief_says_when_the_umea_benchmark_is_partial(demo_store, tmp_path):
    """Issue 16: Umeå summed from only some districts is said in words in the brief."""
    import sqlalchemy as sa

    from indicators.publish import rebuild

    with demo_store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM observation WHERE area_code = 'd-centrum'"))
    rebuild(demo_store)
    out = reports.brief.build_brief(demo_store, period="2025", out=tmp_path / "partial.pdf")
    text = " ".join(page_texts(out)).replace("\n", " ")
    assert "Jämförelsevärdet för Umeå är ofullständigt" in text


# --------------------------------------------------------------------------- the map (issue 14)


def _map_rows(ind, overrides: dict[str, dict]) -> pd.DataFrame:
    """Every district "similar" on plenty of events, narrow interval; ``overrides`` by code."""
    rows = []
    for code in district_polygons()["code"]:
        row = {"value": 20.0, "lower": 18.0, "upper": 22.0, "numerator": 200.0}
        row |= {"verdict": "similar", **overrides.get(code, {})}
        rows.append({"period": "2025", "indicator_id": ind.id, "area_code": code, **row})
    return pd.DataFrame(rows)


def test_brief_map_colours_by_verdict_hatches_uncertain_and_outlines_focus():
    """Issue 14 'honest maps', printed: a big rural district with tiny numbers (11/32, the
    highest value) is not dark red but the 'no difference' colour, hatched as uncertain by the
    screen's rule; a focus district that is significantly worse is the 'worse' colour; the
    legend says it in words; the focus districts are outlined."""
    ind = load_catalogue()["skadegorelse"]
    rural, worse = "d-taftea-tavle", "d-ersboda"
    rows = _map_rows(
        ind,
        {
            rural: {"value": 34.4, "lower": 17.9, "upper": 55.0, "numerator": 11.0},
            worse: {"value": 30.0, "lower": 28.0, "upper": 32.0, "verdict": "higher_worse"},
        },
    )
    figure = map_figure(rows, ind, period="2025", districts=["d-ersboda", "d-mariehem"])
    ax = figure.axes[0]
    polygons = district_polygons()
    fill = ax.collections[0].get_facecolor()
    colour = {code: tuple(np.round(fill[i][:3] * 255)) for i, code in enumerate(polygons["code"])}
    assert colour[rural] == tuple(VERDICT_MAP_COLORS["similar"])
    assert colour[worse] == tuple(VERDICT_MAP_COLORS["higher_worse"])
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 1  # only the rural district
    legend = [t.get_text().replace("\n", " ") for t in figure.legends[0].get_texts()]
    assert "✕ Sämre än Umeå" in legend and "Fokusområde" in legend
    assert any(t.startswith("? osäkert (brett intervall") for t in legend)
    # thick outlines: one per focus district (four), none for the rest
    outlined = [c for c in ax.collections if c.get_linewidth().max() >= 1.5]
    assert sum(len(c.get_paths()) for c in outlined) == int(polygons["focus"].sum())
    labels = {t.get_gid(): t.get_text() for t in ax.texts}
    assert labels["label-d-ersboda"] == "Ersboda ✕"
    assert labels["label-d-mariehem"] == "Mariehem ●"
    # the quantile option is still there: the rural district is then the top (darkest) class
    figure = map_figure(rows, ind, period="2025", districts=[], scheme="quantiles")
    fill = figure.axes[0].collections[0].get_facecolor()
    rural_fill = tuple(np.round(fill[list(polygons["code"]).index(rural)][:3] * 255))
    assert rural_fill == tuple(palette_colors("YlOrRd", 5)[-1])


@pytest.mark.parametrize("indicator", ["skadegorelse", "ej_behoriga_gymnasiet"])
def test_brief_map_labels_do_not_pile_up(demo_db_file, indicator):
    """No label heap: on the shipped demo data the printed map's texts do not overlap."""
    store = Store(f"sqlite:///{demo_db_file}")
    try:
        rows = at_level(brief_values(store, "rad"), level="95")
    finally:
        store.dispose()
    ind = load_catalogue()[indicator]
    focus = ["d-ersboda", "d-mariehem", "d-tomtebo", "d-alidhem"]
    figure = map_figure(rows, ind, period="2025", districts=focus)
    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in figure.axes[0].texts]
    assert len(boxes) >= len(focus)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    # every label lies on the map (none cut off at the edge by the legend column)
    map_box = figure.axes[0].get_window_extent(renderer)
    for box in boxes:
        assert map_box.x0 <= box.x0 and box.x1 <= map_box.x1 + 1, (box, map_box)
