"""The one verdict table: complete, readable, never colour alone, and the only palette."""

import pytest

from indicators.stats import VERDICT_LABELS
from indicators.verdicts import VERDICTS, verdict
from reports.brief import VERDICT_STYLE, VERDICT_WORDS
from tests.pages.test_accessibility import contrast
from ui.charts import VERDICT_COLOURS, VERDICT_MARKERS
from ui.tables import TARTAN_COLOURS, VERDICT_SYMBOL


def test_every_verdict_code_has_one_row():
    assert set(VERDICTS) == set(VERDICT_LABELS)
    for code, v in VERDICTS.items():
        assert v.code == code
        assert v.label("sv") == VERDICT_LABELS[code]["sv"]
        assert v.label("en") == VERDICT_LABELS[code]["en"]


@pytest.mark.parametrize("code", sorted(VERDICT_LABELS))
def test_each_verdict_is_readable_and_not_colour_alone(code):
    v = VERDICTS[code]
    assert contrast("#111111", v.tint) >= 4.5  # text on a table cell (WCAG AA)
    assert contrast(v.colour, "#ffffff") >= 3.0  # a marker on white (WCAG 1.4.11)
    assert v.short_sv and v.marker and v.mpl_marker


def test_worse_and_better_differ_in_shape_and_symbol_says_the_direction():
    assert VERDICTS["higher_worse"].marker != VERDICTS["higher_better"].marker
    assert VERDICTS["higher_worse"].mpl_marker != VERDICTS["higher_better"].mpl_marker
    assert VERDICTS["higher_worse"].symbol == VERDICTS["higher_better"].symbol == "▲"
    assert VERDICTS["lower_worse"].symbol == VERDICTS["lower_better"].symbol == "▼"


def test_pages_charts_and_pdf_read_the_same_table():
    for code, v in VERDICTS.items():
        assert VERDICT_SYMBOL[code] == v.symbol
        assert TARTAN_COLOURS[code] == v.tint
        assert VERDICT_COLOURS[code] == v.colour
        assert VERDICT_MARKERS[code] == v.marker
        assert VERDICT_STYLE[code] == (v.mpl_marker, v.colour)
        assert VERDICT_WORDS[code] == v.short_sv


@pytest.mark.parametrize("code", [None, float("nan"), "unknown", 3])
def test_anything_else_is_not_compared(code):
    assert verdict(code) is VERDICTS["not_compared"]
