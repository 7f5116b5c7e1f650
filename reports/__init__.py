"""Reports made offline as PDF: the council brief (Rådsunderlag) and the EST week report.

- :mod:`reports.pdf` — shared PDF pieces: :class:`~reports.pdf.BriefPDF` (A4, DejaVu font,
  header and footer with page numbers, the demo-data banner on every page), tables, boxed
  text and matplotlib figures.
- :mod:`reports.brief` — :func:`~reports.brief.build_brief`, the 2–4 page council brief.

Every figure in a report comes from :func:`indicators.compute`, i.e. has passed disclosure
control; nothing here reads stored observations for figures. Nothing here imports streamlit.
Command line: ``python -m reports brief --db URL --period 2025 --out brief.pdf``.
"""
