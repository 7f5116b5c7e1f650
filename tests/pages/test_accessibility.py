"""Verdict colours meet WCAG AA contrast, and verdicts are never colour alone."""

import pytest

from ui.charts import OKABE_ITO, VERDICT_COLOURS, VERDICT_MARKERS
from ui.tables import TARTAN_COLOURS, VERDICT_SYMBOL


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("verdict, background", sorted(TARTAN_COLOURS.items()))
def test_text_on_verdict_cells_meets_wcag_aa(verdict, background):
    assert contrast("#111111", background) >= 4.5, verdict


@pytest.mark.parametrize("verdict, colour", sorted(VERDICT_COLOURS.items()))
def test_verdict_markers_stand_out_from_the_white_background(verdict, colour):
    # WCAG 1.4.11: graphical objects need 3:1 against adjacent colours.
    assert contrast(colour, "#ffffff") >= 3.0


def test_every_verdict_has_a_symbol_or_marker_shape_not_only_a_colour():
    for verdict in VERDICT_COLOURS:
        assert VERDICT_MARKERS.get(verdict), verdict
        assert verdict in VERDICT_SYMBOL


def test_worse_and_better_markers_differ_in_shape():
    assert VERDICT_MARKERS["higher_worse"] != VERDICT_MARKERS["higher_better"]
    assert len(set(OKABE_ITO)) == len(OKABE_ITO)
