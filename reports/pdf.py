"""Shared PDF pieces for the reports: an A4 document with the project's look, tables, figures.

:class:`BriefPDF` is an :class:`fpdf.FPDF` with the DejaVu Sans font shipped inside matplotlib
(so å, ä, ö, "–", "−" and "▲" print without any system font), a running header and a footer
with "Sida n av N", and -- for synthetic data -- the banner "Demodata – syntetiska värden" on
every page (docs/architecture.md principle 5). Helpers add a table (:func:`add_table`), a matplotlib
figure (:func:`add_figure`) and a framed text box (:func:`add_boxed_text`).

Figures are drawn on :class:`matplotlib.figure.Figure` objects (no pyplot, no GUI backend)
and embedded as PNG, so a report is made offline and from any thread.

Examples
--------
>>> pdf = BriefPDF(title="Test", demo=True)
>>> pdf.add_page()
>>> pdf.section_heading("Rubrik")
>>> add_table(pdf, [["Ersboda", "12,5 %"]], headings=["Område", "Värde"], col_widths=[2, 1])
>>> pdf.output()[:5]
bytearray(b'%PDF-')
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from matplotlib.figure import Figure

from common.fmt import fmt_date

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FAMILY = "DejaVu"
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
#: The label every page of a report on synthetic data carries.
DEMO_LABEL = "Demodata – syntetiska värden"
DEMO_DETAIL = "Inga siffror här beskriver verkliga förhållanden förrän riktiga data har lästs in."
#: The same in an English edition (``BriefPDF(lang="en")``).
DEMO_LABEL_EN = "Demo data – synthetic values"
DEMO_DETAIL_EN = "No figure here describes real conditions until real data has been loaded."
MARGIN_MM = 15.0
TOP_MARGIN_MM = 10.0
BOTTOM_MARGIN_MM = 14.0
#: Colours (RGB) of the banner and of table headings.
DEMO_FILL = (255, 236, 179)
DEMO_TEXT = (102, 60, 0)
HEADING_FILL = (235, 235, 235)
MUTED_TEXT = (90, 90, 90)
FIGURE_DPI = 200


class BriefPDF(FPDF):
    """An A4 report page setup: DejaVu font, header, footer with page numbers, demo banner.

    Parameters
    ----------
    title : str
        Running title, repeated small at the top of every page after the first and in the
        footer.
    demo : bool
        True when the data are synthetic: every page then starts with :func:`demo_banner`.
    made_on : datetime.date, optional
        Date printed in the footer (default today).
    orientation : {"P", "L"}
        Portrait (default) or landscape A4.
    lang : {"sv", "en"}
        Language of the running texts (footer, demo banner) and of the document.

    Examples
    --------
    >>> pdf = BriefPDF(title="Rådsunderlag", demo=False)
    >>> pdf.add_page()
    >>> pdf.page_no(), round(pdf.content_width)
    (1, 180)
    """

    def __init__(
        self,
        *,
        title: str,
        demo: bool,
        made_on: date | None = None,
        orientation: str = "P",
        lang: str = "sv",
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.report_title = title
        self.report_lang = lang
        self.demo = demo
        self.made_on = made_on or date.today()
        for style, file_name in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style=style, fname=str(FONT_DIR / file_name))
        self.set_font(FONT_FAMILY, size=9)
        self.set_margins(MARGIN_MM, TOP_MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN_MM)
        self.set_title(title)
        self.set_creator("UVTS")
        self.set_lang(lang)

    @property
    def content_width(self) -> float:
        """Width between the left and right margins (mm)."""
        return self.w - self.l_margin - self.r_margin

    def header(self) -> None:
        if self.demo:
            if self.report_lang == "en":
                demo_banner(self, text=DEMO_LABEL_EN, detail=DEMO_DETAIL_EN)
            else:
                demo_banner(self)
        if self.page_no() > 1:
            self.set_font(FONT_FAMILY, size=7)
            self.set_text_color(*MUTED_TEXT)
            self.cell(0, 4, self.report_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
            self.ln(2)
        self.set_font(FONT_FAMILY, size=9)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT_FAMILY, size=7)
        self.set_text_color(*MUTED_TEXT)
        en = self.report_lang == "en"
        made = "made" if en else "framtaget"
        self.cell(
            self.content_width / 2,
            4,
            f"{self.report_title} · {made} {fmt_date(self.made_on, lang=self.report_lang)}",
        )
        page = f"Page {self.page_no()} of {{nb}}" if en else f"Sida {self.page_no()} av {{nb}}"
        self.cell(self.content_width / 2, 4, page, align="R")
        self.set_text_color(0, 0, 0)

    def section_heading(self, text: str, *, size: float = 12, space_after: float = 1.5) -> None:
        """A bold heading; starts a new page if fewer than 25 mm are left under it."""
        self.ensure_space(25)
        self.set_font(FONT_FAMILY, "B", size)
        self.multi_cell(0, size * 0.45, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(space_after)
        self.set_font(FONT_FAMILY, size=9)

    def paragraph(
        self,
        text: str,
        *,
        size: float = 9,
        style: str = "",
        color: tuple[int, int, int] = (0, 0, 0),
        width: float = 0,
    ) -> None:
        """Wrapped text at the current position, then the next line."""
        self.set_font(FONT_FAMILY, style, size)
        self.set_text_color(*color)
        self.multi_cell(width, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font(FONT_FAMILY, size=9)

    def space_left(self) -> float:
        """Millimetres between the current position and the bottom margin."""
        return self.page_break_trigger - self.get_y()

    def ensure_space(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.space_left() < height:
            self.add_page()


def demo_banner(pdf: FPDF, *, text: str = DEMO_LABEL, detail: str = DEMO_DETAIL) -> None:
    """A full-width coloured band saying the figures are synthetic; moves below it.

    Examples
    --------
    >>> pdf = BriefPDF(title="x", demo=False)
    >>> pdf.add_page()
    >>> demo_banner(pdf)
    >>> pdf.get_y() > 10
    True
    """
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_fill_color(*DEMO_FILL)
    pdf.set_draw_color(*DEMO_TEXT)
    pdf.set_text_color(*DEMO_TEXT)
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT_FAMILY, "B", 9)
    label_width = pdf.get_string_width(text) + 6
    pdf.cell(label_width, 6, f"  {text}", border="LTB", fill=True)
    pdf.set_font(FONT_FAMILY, "", 7.5)
    pdf.cell(
        width - label_width, 6, detail, border="RTB", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(2)


def add_table(
    pdf: FPDF,
    rows: Sequence[Sequence[str]],
    *,
    headings: Sequence[str],
    col_widths: Sequence[float],
    font_size: float = 8,
    align: Sequence[str] | None = None,
    x: float | None = None,
    width: float | None = None,
) -> None:
    """A table with a shaded heading row and horizontal rules; cells wrap.

    Parameters
    ----------
    rows : sequence of sequences of str
        Cells already formatted (Swedish numbers, "–" for hidden values).
    headings : sequence of str
    col_widths : sequence of float
        Relative widths of the columns.
    font_size : float
    align : sequence of {"L", "C", "R"}, optional
        Per column (default all left).
    x, width : float, optional
        Left edge and width in mm (default: the page's text column).

    Examples
    --------
    >>> pdf = BriefPDF(title="x", demo=False)
    >>> pdf.add_page()
    >>> add_table(pdf, [["a", "1"], ["b", "2"]], headings=["Namn", "Tal"], col_widths=[3, 1],
    ...           align=["L", "R"], x=100, width=60)
    >>> pdf.l_margin  # restored
    15.0
    """
    left = pdf.l_margin
    if x is not None:
        pdf.set_left_margin(x)
        pdf.set_x(x)
    try:
        pdf.set_font(FONT_FAMILY, size=font_size)
        style = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
        total = width if width is not None else pdf.w - pdf.l_margin - pdf.r_margin
        aligns = list(align) if align is not None else ["L"] * len(headings)
        with pdf.table(
            col_widths=tuple(col_widths),
            width=total,
            align="LEFT",
            borders_layout="HORIZONTAL_LINES",
            headings_style=style,
            line_height=font_size * 0.5,
            padding=(0.6, 1.0),
            text_align=tuple(aligns),
        ) as table:
            head = table.row()
            for text in headings:
                head.cell(text)
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(str(text))
    finally:
        pdf.set_left_margin(left)
        pdf.set_x(left)
        pdf.set_font(FONT_FAMILY, size=9)


def add_figure(
    pdf: FPDF,
    figure: Figure,
    *,
    width: float,
    x: float | None = None,
    y: float | None = None,
    dpi: int = FIGURE_DPI,
    move_down: bool = True,
) -> float:
    """Embed a matplotlib figure as a PNG ``width`` mm wide; returns its height in mm.

    The height follows the figure's aspect ratio. Placed at the current position (a new page
    is started first if it does not fit) unless ``x``/``y`` are given; with ``move_down``
    the position moves below the image.

    Examples
    --------
    >>> fig = Figure(figsize=(4, 2))
    >>> _ = fig.add_subplot().plot([1, 2], [3, 4])
    >>> pdf = BriefPDF(title="x", demo=False)
    >>> pdf.add_page()
    >>> add_figure(pdf, fig, width=100)
    50.0
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    buffer.seek(0)
    w_in, h_in = figure.get_size_inches()
    height = round(width * float(h_in) / float(w_in), 3)
    if y is None:
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
    left = pdf.l_margin if x is None else x
    pdf.image(buffer, x=left, y=y, w=width, h=height)
    if move_down:
        pdf.set_y(y + height)
    return height


def add_boxed_text(
    pdf: BriefPDF,
    heading: str,
    paragraphs: Sequence[str],
    *,
    font_size: float = 7.5,
    width: float | None = None,
) -> None:
    """A framed box with a bold heading and short paragraphs (e.g. the method box).

    Kept on one page: a new page is started first when the box would not fit.

    Examples
    --------
    >>> pdf = BriefPDF(title="x", demo=False)
    >>> pdf.add_page()
    >>> add_boxed_text(pdf, "Metod", ["Wilson-intervall för andelar.", "Byar för kvoter."])
    >>> pdf.page_no()
    1
    """
    total = width if width is not None else pdf.w - pdf.l_margin - pdf.r_margin
    inner = total - 6
    line_height = font_size * 0.46
    pdf.set_font(FONT_FAMILY, "", font_size)
    lines = sum(
        len(pdf.multi_cell(inner, line_height, text, align="L", dry_run=True, output="LINES"))
        for text in paragraphs
    )
    height = 4 + 6 + lines * line_height + len(paragraphs) * 1.0 + 2
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    top, left = pdf.get_y(), pdf.l_margin
    pdf.set_draw_color(*MUTED_TEXT)
    pdf.rect(left, top, total, height)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(left + 3, top + 2.5)
    pdf.set_font(FONT_FAMILY, "B", font_size + 2.5)
    pdf.cell(inner, 5, heading, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(1.5)
    pdf.set_font(FONT_FAMILY, "", font_size)
    for text in paragraphs:
        pdf.set_x(left + 3)
        pdf.multi_cell(inner, line_height, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.ln(1.0)
    pdf.set_xy(left, top + height + 2)
    pdf.set_font(FONT_FAMILY, size=9)
