"""Screen and PDF list the same significant changes in the same order (issue 12).

Översikt ("Förändrat sedan förra året") and the council brief ("Vad har förändrats") both use
indicators.changes.significant_changes; here the page is run on the demo database with
AppTest and its lines are compared with what the brief prints for the same role and year.
"""

from __future__ import annotations

from catalogue import load_catalogue
from indicators.brief_content import brief_content
from reports.brief import brief_values
from ui.i18n import escape_markdown

HEADING = "Förändrat sedan förra året (signifikant)"


def oversikt_change_lines(at) -> list[str]:
    texts = [m.value for m in at.markdown]
    start = next(i for i, text in enumerate(texts) if HEADING in text) + 1
    lines = []
    for text in texts[start:]:
        if not text.startswith("- "):
            break
        lines.append(text)
    return lines


def test_oversikt_and_the_brief_list_the_same_changes_in_the_same_order(demo_store, run_app):
    values = brief_values(demo_store, "rad")
    listed = 0
    for period in ("2024", "2025"):
        at = run_app(demo_store, role="rad", query={"period": period})
        assert any(f"period {period}" in c.value for c in at.caption)
        content = brief_content(values, load_catalogue(), period=period)
        on_screen = oversikt_change_lines(at)
        in_pdf = ["- " + escape_markdown(text) for text in content.changes["text"]]
        assert on_screen == in_pdf, period
        listed += len(on_screen)
    # The demo data hold changes in these years: not two empty lists agreeing.
    assert listed > 0
