"""The weekly EST brief (reports/est_week.py): the shared edition holds public figures only
(1–2 pages); the EST edition adds one internal page (grid map, hotspots, weekday × hour)."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from common.cli import run_cli
from common.fmt import iso_week
from geo.areas import read_areas
from indicators.audit import audit
from indicators.est import MUNICIPALITY
from reports.__main__ import main as reports_main
from reports.est_week import build_est_week_pdf
from sources.demo_est import load_est_demo
from store import Store
from store.events import write_events


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("est_demo")
    store = Store(f"sqlite:///{folder / 'demo.sqlite'}")
    store.migrate()
    load_est_demo(store, folder / "files")
    store.dispose()
    return folder / "demo.sqlite"


@pytest.fixture
def demo_store(demo_db, tmp_path):
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_db, copy)
    store = Store(f"sqlite:///{copy}")
    yield store
    store.dispose()


@pytest.fixture
def small_store(tmp_path):
    """Real (not synthetic) incidents: Ersboda 12 this week, Ålidhem 2, Centrum 6."""
    store = Store(f"sqlite:///{tmp_path / 'small.sqlite'}")
    store.migrate()
    rows = []
    for district, cell, n in (
        ("d-ersboda", (761250, 7092250), 12),
        ("d-alidhem", (761750, 7086750), 2),
        ("d-centrum", (758750, 7088000), 6),
    ):
        for i in range(n):
            rows.append(
                {
                    "occurred_at": pd.Timestamp("2025-11-21 20:00") + pd.Timedelta(minutes=i),
                    "iso_week": "2025-W47",
                    "type": "skadegörelse",
                    "partner": "polis",
                    "cell_x": cell[0],
                    "cell_y": cell[1],
                    "district_code": district,
                }
            )
    write_events(
        store,
        "incident",
        [pd.DataFrame(rows)],
        source="test",
        file_name="t.csv",
        checksum="small",
        user="test",
    )
    yield store
    store.dispose()


def pdf_text(path) -> tuple[int, str]:
    reader = PdfReader(str(path))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_demo_week_brief_is_one_or_two_pages_and_says_it_is_demo_data(demo_store, tmp_path):
    path = build_est_week_pdf(
        demo_store, "2025-W48", out=tmp_path / "out" / "v48.pdf", edition="public"
    )
    pages, text = pdf_text(path)
    assert 1 <= pages <= 2
    assert "Demodata – syntetiska värden" in text
    assert "Veckolägesbild EST – v. 48 2025" in text and "period 12 2025 (v. 45–48)" in text
    assert "Ersboda" in text
    # It leaves the building: period totals only (docs/disclosure.md §6).
    assert "fler än vanligt" not in text and "Snitt" not in text and "Gi*" not in text
    assert "CRS3006" not in text and not re.search(r"\b7\d{6}\b", text)  # no cells, no points
    assert "EST-gruppen" not in text.replace("utanför EST-gruppen", "").replace(
        "bara för EST-gruppen", ""
    )


def test_est_edition_adds_one_internal_page_with_map_hotspots_and_weekday_hour(
    demo_store, tmp_path
):
    public_pages, _ = pdf_text(
        build_est_week_pdf(demo_store, "2025-W47", out=tmp_path / "p.pdf", edition="public")
    )
    path = build_est_week_pdf(demo_store, "2025-W47", out=tmp_path / "e.pdf", role="est")
    pages, text = pdf_text(path)
    assert pages == public_pages + 1
    internal = PdfReader(str(path)).pages[-1].extract_text()
    assert "ENDAST FÖR EST-GRUPPEN – LÄMNAS INTE UT" in internal
    assert "Veckans rutor och hotspots – v. 47 2025" in internal
    assert re.search(r"\n1 \S+ (hotspot|många händelser) \d+ \d+ oftast \w+dagar kl", internal)
    assert "Veckodag × tid på dygnet" in internal and "00–03" in internal
    # the weekday × hour table sums to the incidents of this week and the 8 before
    total = int(re.search(r"summerat över ([\d\s]+) händelser", internal).group(1).replace(" ", ""))
    weeks = [f"2025-W{w}" for w in range(39, 48)]
    with demo_store.engine.connect() as c:
        stored = pd.read_sql("SELECT iso_week FROM incident", c)
    assert total == int(stored["iso_week"].isin(weeks).sum())
    # cells only as drawn squares and counts: no cell id, no coordinate in the text
    assert "CRS3006" not in text and not re.search(r"\b7\d{6}\b", text)
    assert "endast EST-gruppen" in PdfReader(str(path)).pages[0].extract_text()


def test_internal_page_needs_a_role_that_may_see_cells_and_a_known_edition(demo_store, tmp_path):
    from access import PermissionDenied
    from common.errors import UserError

    with pytest.raises(PermissionDenied):
        build_est_week_pdf(demo_store, "2025-W47", out=tmp_path / "x.pdf", role="rad")
    with pytest.raises(UserError, match="Okänd utgåva"):
        build_est_week_pdf(demo_store, "2025-W47", out=tmp_path / "x.pdf", edition="alla")


def test_small_district_counts_are_printed_as_dots_never_as_numbers(small_store, tmp_path):
    # The incidents are in W47; the brief of W48 shows period 12 (W45-W48), which holds them.
    _, text = pdf_text(
        build_est_week_pdf(small_store, "2025-W48", out=tmp_path / "v.pdf", edition="public")
    )
    lines = {line.split(" ")[0]: line for line in text.splitlines()}
    assert lines["Ersboda"].startswith("Ersboda 12")
    assert lines["Ålidhem"].startswith("Ålidhem ..")  # 2 < 5
    assert lines["Centrum"].startswith("Centrum ..")  # would reveal Ålidhem via the total
    assert "Demodata" not in text
    # The week itself (before period 12 has ended) shows the previous, empty period.
    _, before = pdf_text(build_est_week_pdf(small_store, "2025-W47", out=tmp_path / "w.pdf"))
    assert "period 11 2025" in before and "Ålidhem .." not in before


def test_week_without_incidents_still_gives_a_brief(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    store.migrate()
    pages, text = pdf_text(build_est_week_pdf(store, "2025-W02", out=tmp_path / "v.pdf"))
    store.dispose()
    assert pages >= 1 and "0 händelser" in text


def test_cli_writes_the_brief_and_refuses_a_bad_week_with_exit_2(small_store, tmp_path, capsys):
    out = tmp_path / "week.pdf"
    assert (
        reports_main(["est-week", "--week", "2025-W47", "--db", small_store.url, "--out", str(out)])
        == 0
    )
    assert out.read_bytes()[:5] == b"%PDF-"
    assert (
        run_cli(
            reports_main,
            ["est-week", "--week", "2025-47", "--db", small_store.url, "--out", str(out)],
        )
        == 2
    )
    assert "Veckan '2025-47' kan inte läsas" in capsys.readouterr().err


def test_what_the_weekly_pdf_prints_passes_the_audit(tmp_path):
    # The shared edition leaves the building: read back what it prints (district and type counts of the
    # period, the municipal total; districts left out are 0 by its own footnote) and attack it
    # with the audit (docs/disclosure.md §4, issue 10 "a test per output").
    rng = np.random.default_rng(10)
    districts = read_areas(level="district")
    types = ("skadegörelse", "hot", "brand")
    rows = []
    for i, code in enumerate(districts["code"]):
        for j in range(int(rng.choice([0, 1, 2, 3, 4, 6, 9, 15])) if i % 4 else 0):
            rows.append(
                {
                    "occurred_at": pd.Timestamp("2025-11-03 12:00") + pd.Timedelta(hours=7 * j),
                    "iso_week": iso_week(pd.Timestamp("2025-11-03") + pd.Timedelta(hours=7 * j)),
                    "type": types[(i + j) % len(types)],
                    "partner": "polis",
                    "cell_x": 761250,
                    "cell_y": 7092250,
                    "district_code": code,
                }
            )
    incidents = pd.DataFrame(rows)
    store = Store(f"sqlite:///{tmp_path / 'pdf.sqlite'}")
    store.migrate()
    write_events(
        store, "incident", [incidents], source="test", file_name="t.csv", checksum="p", user="t"
    )
    _, text = pdf_text(
        build_est_week_pdf(store, "2025-W48", out=tmp_path / "v.pdf", edition="public")
    )
    store.dispose()

    def printed(label: str) -> float | None:
        hit = re.search(rf"^{re.escape(label)} (\.\.|\d[\d\xa0 ]*)", text, flags=re.MULTILINE)
        if hit is None:
            return None
        shown = hit.group(1)
        return np.nan if shown == ".." else float(re.sub(r"\D", "", shown))

    truth_district = incidents.groupby("district_code").size()
    truth_type = incidents.groupby("type").size()
    table = []
    for code, name in zip(districts["code"], districts["name"], strict=True):
        shown = printed(name)
        # A district the PDF leaves out had 0 incidents: the attacker reads that as a 0.
        table.append(("est", code, 0.0 if shown is None else shown, truth_district.get(code, 0)))
    table.append(("est", MUNICIPALITY, printed("Umeå kommun"), len(incidents)))
    for name in types:
        table.append(("est_type", name, printed(name), truth_type.get(name, 0)))
    table.append(("est_type", MUNICIPALITY, printed("Umeå kommun"), len(incidents)))
    frame = pd.DataFrame(table, columns=["indicator_id", "area_code", "numerator", "truth"])
    frame = frame.assign(kind="count", period="2025-P12", denominator=np.nan)
    frame["suppressed"] = frame["numerator"].isna()
    truth = frame.assign(numerator=frame["truth"].astype(float), suppressed=False)
    parents = dict.fromkeys([*districts["code"], *types], MUNICIPALITY)

    result = audit(frame, area_parent=parents, truth=truth)

    assert frame["suppressed"].sum() >= 2 and result["sensitive"].any()
    assert not result["pinned"].any(), result[result["pinned"]]
    shown = frame.loc[~frame["suppressed"], "numerator"]
    assert (shown == truth.loc[~frame["suppressed"], "numerator"]).all()


#: Swedish words that must not show in the English edition (headings, weekdays, months, legends).
SWEDISH_WORDS = re.compile(
    r"Händelser|händelser|Veckolägesbild|Distrikt\b|Aktivitet|Genomförda|Planerade|Veckodag"
    r"|[Mm]åndag|[Tt]isdag|[Oo]nsdag|[Tt]orsdag|[Ff]redag|[Ll]ördag|[Ss]öndag|oftast|framtaget"
    r"|Sida \d|Demodata|november|oktober|Hela kommunen|Endast|Summa|Skadegörelse|skadegörelse"
    r"|Nattvandringar|Patruller|kommun\b|uppgift skyddad"
)


def test_english_edition_has_english_words_weekdays_months_and_numbers(demo_store, tmp_path):
    """Issue 14: the English UI gives an English weekly PDF — every label, weekday, month and
    legend in English, numbers by Babel's en_GB (1,234), the same figures as the Swedish one."""
    sv_path = build_est_week_pdf(demo_store, "2025-W47", out=tmp_path / "sv.pdf", role="est")
    en_path = build_est_week_pdf(
        demo_store, "2025-W47", out=tmp_path / "en.pdf", role="est", lang="en"
    )
    sv_pages, sv = pdf_text(sv_path)
    en_pages, en = pdf_text(en_path)
    assert en_pages == sv_pages
    assert "EST weekly situation report – week 47 2025" in en
    assert "Demo data – synthetic values" in en and "Page 1 of" in en
    assert "FOR THE EST GROUP ONLY" in en and "Weekday × time of day" in en
    assert re.search(r"\n1 \S+ (hotspot|many incidents) \d+ \d+ mostly \w+days \d\d–\d\d", en)
    assert re.search(r"Figures for period 11 2025 \(weeks 41–44\): \d+ \w+ 2025", en)
    assert "Monday" in en and "Saturday" in en
    assert "Incidents per district" in en and "Held" in en and "Planned" in en
    leftover = SWEDISH_WORDS.findall(en)
    assert not leftover, leftover
    # numbers: the municipality's four-week total is the same figure, grouped per locale
    sv_total = re.search(r"Hela kommunen: ([\d\xa0 ]+) händelser", sv).group(1)
    en_total = re.search(r"Whole municipality: ([\d,]+) incidents", en).group(1)
    assert re.sub(r"\D", "", sv_total) == re.sub(r"\D", "", en_total)
    if int(re.sub(r"\D", "", en_total)) >= 1000:
        assert "," in en_total and re.search(r"[\xa0 ]", sv_total)
    # and the Swedish edition keeps its Swedish words and Babel's sv_SE weekdays
    assert "Veckolägesbild EST – v. 47 2025" in sv and "Måndag" in sv
    assert "Monday" not in sv and "Whole municipality" not in sv
    with pytest.raises(Exception, match="Okänt språk"):
        build_est_week_pdf(demo_store, "2025-W47", out=tmp_path / "x.pdf", lang="de")


def test_cli_lang_en_writes_the_english_edition(small_store, tmp_path):
    out = tmp_path / "week_en.pdf"
    argv = ["est-week", "--week", "2025-W48", "--db", small_store.url, "--out", str(out)]
    assert reports_main([*argv, "--lang", "en", "--public"]) == 0
    _, text = pdf_text(out)
    assert "EST weekly situation report – week 48 2025" in text
    assert "Ersboda 12" in text and "Ålidhem .." in text
    assert not SWEDISH_WORDS.findall(text), SWEDISH_WORDS.findall(text)
