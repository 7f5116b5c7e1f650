"""The brief's intervention section (reports/brief_interventions.py) on the demo database."""

import re
from datetime import date

from pypdf import PdfReader

from access.interventions import add_intervention, end_intervention
from reports.brief import build_brief


def _text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_each_active_intervention_gets_a_verdict_line_and_a_chart(demo_store, tmp_path):
    ended = add_intervention(
        demo_store,
        "analytiker",
        user="anna",
        name="Avslutad läxhjälp",
        districts=["d-ersboda"],
        start="2016-01-01",
        targets=["skadegorelse"],
    )
    end_intervention(demo_store, "analytiker", ended, end="2018-12-31", user="anna")
    out = build_brief(demo_store, period="2025", out=tmp_path / "b.pdf", made_on=date(2025, 11, 18))
    whole = re.sub(r"\s+", " ", _text(out))
    assert "Insatser och effekter" in whole
    # The section runs from its heading to the method box (the trend panel's notes list
    # every intervention in its window, ended ones too).
    text = whole[whole.index("Insatser och effekter") : whole.rindex("Metod")]
    for name in (
        "Ungdomens hus öppnar på Ersboda",
        "Fritidsbanken Ålidhem",
        "Nattvandring och fältarbete förstärks",
    ):
        assert name in text
    assert "Avslutad läxhjälp" not in text  # ended before 2025: not active
    verdicts = re.findall(
        r"(Minskning efter insatsen|Ökning efter insatsen|Ingen säker förändring|"
        r"Otillräckligt underlag)",
        text,
    )
    assert len(verdicts) >= 3
    assert "syntetisk kontroll:" in text and "avbruten tidsserie:" in text
    assert len(PdfReader(str(out)).pages) <= 5
