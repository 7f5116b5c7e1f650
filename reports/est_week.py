"""The EST veckobrev: a one-to-two page PDF lägesbild, made offline.

``python -m reports est-week --week 2025-W47 --db URL --out week.pdf``

It leaves the building, so it holds only what the public role may see
(:func:`indicators.est_public.public_view`, docs/disclosure.md §6): the totals of the last
*ended four-week period* per district, per incident type and for the municipality over the
last 13 periods, each through the one protection step (hidden figures print as ".."); no
weekly count, mean, p-value, hotspot or grid cell, because over many weeks those give hidden
counts back.  Activities of the chosen week are counts of our own patrols, walks and evenings
(not observations about people), so they are printed as they are.  When any incident of the
period is synthetic every page carries "Demodata – syntetiska värden".
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from access.app import est_records, incident_week_span, open_existing_store
from common.fmt import fmt_date, fmt_int, fmt_week, iso_week
from common.settings import SUPPRESSION_THRESHOLD
from geo.areas import read_areas
from indicators.disclosure import PROTECTED, SYMBOL
from indicators.est import default_week, week_monday
from indicators.est_public import PERIOD_WEEKS, public_view
from reports.pdf import (
    DEMO_LABEL,
    FONT_FAMILY,
    MUTED_TEXT,
    BriefPDF,
    add_boxed_text,
    add_figure,
    add_table,
)

TITLE = "Veckolägesbild EST"
HIDDEN = ".."
ACTIVITY_LABELS = {
    "patrull": "Patruller",
    "nattvandring": "Nattvandringar",
    "fältvandring": "Fältvandringar",
    "fritidsgårdskväll": "Fritidsgårdskvällar",
    "lovaktivitet": "Lovaktiviteter",
    "annat": "Övriga aktiviteter",
}
MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
BAR_COLOR = "#3182bd"
FLAG_COLOR = "#bd0026"


def _count(x: float) -> str:
    return HIDDEN if pd.isna(x) else fmt_int(x)


def district_figure(districts: pd.DataFrame) -> Figure:
    """Bars of the period's count per district; hidden counts get no bar and the label "..".

    Examples
    --------
    >>> rows = pd.DataFrame({"name": ["Ersboda", "Ålidhem"], "count": [12.0, np.nan]})
    >>> district_figure(rows).get_size_inches().round(1).tolist()
    [3.6, 1.5]
    """
    n = len(districts)
    # Drawn at about the size it is printed (≈ 90 mm wide), so 7 pt text stays 7 pt.
    figure = Figure(figsize=(3.6, max(1.5, 0.19 * n + 0.6)))
    ax = figure.add_subplot()
    y = np.arange(n)[::-1]
    counts = districts["count"].to_numpy(dtype=float)
    ax.barh(y, np.nan_to_num(counts), color=BAR_COLOR, height=0.6)
    top = np.nanmax(np.concatenate([counts, [1.0]]))
    for yi, c in zip(y, counts, strict=True):
        ax.text((0 if np.isnan(c) else c) + top * 0.01, yi, _count(c), va="center", fontsize=7)
    ax.set_yticks(y, districts["name"].tolist(), fontsize=7)
    ax.set_xlim(0, top * 1.12)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


def trend_figure(trend: pd.DataFrame) -> Figure:
    """The municipality's total per four-week period (hidden periods are gaps), the last
    period highlighted.

    Examples
    --------
    >>> trend = pd.DataFrame({"period": ["2025-P11", "2025-P12"], "count": [540.0, 601.0]})
    >>> len(trend_figure(trend).axes)
    1
    """
    figure = Figure(figsize=(7.0, 1.9))
    ax = figure.add_subplot()
    x = np.arange(len(trend))
    counts = trend["count"].to_numpy(dtype=float)
    ax.plot(x, counts, color=BAR_COLOR, marker="o", markersize=3, linewidth=1.4)
    if len(x):
        ax.plot(x[-1:], counts[-1:], color=FLAG_COLOR, marker="o", markersize=5)
    labels = [f"P{int(p.split('-P')[1])} {p[:4]}" for p in trend["period"]]
    ax.set_xticks(x, labels, fontsize=6.5)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("händelser", fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


def _activity_rows(activities: pd.DataFrame, names: dict[str, str]) -> list[list[str]]:
    if activities.empty:
        return []
    rows = []
    for kind, part in activities.groupby("kind", sort=False):
        held = int((part["status"] == "genomford").sum())
        planned = int((part["status"] == "planerad").sum())
        places = sorted({names.get(c, c) for c in part["district_code"]})
        rows.append(
            [
                ACTIVITY_LABELS.get(kind, str(kind)),
                fmt_int(held),
                fmt_int(planned),
                ", ".join(places),
            ]
        )
    order = list(ACTIVITY_LABELS.values())
    return sorted(rows, key=lambda r: order.index(r[0]) if r[0] in order else len(order))


def build_est_week_pdf(
    store,
    week: str,
    *,
    out: str | Path,
    made_on: date | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
    role: str = "est",
) -> Path:
    """Write the weekly EST brief for ``week`` (``2025-W47``) to ``out``; returns the path.

    Parameters
    ----------
    store : store.Store
    week : str
        ISO week.
    out : str or Path
        PDF file to write (folders are created).
    made_on : datetime.date, optional
        Date printed as "framtaget" (default today).
    threshold : int
        Disclosure threshold (default :data:`common.settings.SUPPRESSION_THRESHOLD`).
    role : str
        Who asks (the records are read through :func:`access.app.est_records`: est, admin).

    Examples
    --------
    >>> import tempfile, os
    >>> from access.app import open_store
    >>> s = open_store("sqlite://"); s.migrate()
    >>> path = build_est_week_pdf(s, "2025-W47", out=os.path.join(tempfile.mkdtemp(), "v.pdf"))
    >>> path.read_bytes()[:5]
    b'%PDF-'
    """
    week = iso_week(week_monday(week))  # a readable error for a bad week, then '2025-W47'
    # Thirteen periods back, plus the weeks of the current, unfinished one.
    incidents, activities = est_records(store, role, week, previous_weeks=15 * PERIOD_WEEKS)
    view = public_view(incidents, week, threshold=threshold)
    areas = read_areas(level="district")
    names = dict(zip(areas["code"], areas["name"], strict=True))
    focus = set(areas.loc[areas["focus"].astype(bool), "code"])
    week_activities = activities.loc[activities["iso_week"] == week]
    demo = bool(view["synthetic"]) or bool(week_activities["synthetic"].any())
    made_on = made_on or date.today()
    label = view["period_label"]

    pdf = BriefPDF(title=f"{TITLE} – {fmt_week(week)}", demo=demo, made_on=made_on)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 17)
    pdf.multi_cell(0, 8, f"{TITLE} – {fmt_week(week)}", new_x="LMARGIN", new_y="NEXT")
    first, last = week_monday(view["weeks"][0]), week_monday(view["weeks"][-1]) + timedelta(6)
    pdf.paragraph(
        f"Siffror för {label}: {first.day} {MONTHS_SV[first.month - 1]} {first.year} – "
        f"{last.day} {MONTHS_SV[last.month - 1]} {last.year}   ·   händelser rapporterade av "
        f"EST-partner   ·   framtaget {fmt_date(made_on)}",
        size=9,
    )
    if demo:
        pdf.paragraph(
            f"{DEMO_LABEL}: händelserna och aktiviteterna är påhittade för att visa hur "
            "veckobrevet ser ut.",
            size=8,
            style="B",
            color=(102, 60, 0),
        )
    pdf.ln(2)

    total = view["municipality"]
    pdf.paragraph(
        f"Hela kommunen: {_count(total['count'])} händelser under {label}, den senaste "
        "avslutade fyraveckorsperioden. Veckobrevet visar inga veckotal: utanför EST-gruppen "
        "redovisas bara summor per avslutad fyraveckorsperiod, så att dolda tal inte kan "
        "räknas fram ur flera veckors siffror.",
        size=10,
    )
    pdf.ln(2)

    shown = view["districts"]
    active = (shown["count"].fillna(1) > 0) | shown["district_code"].isin(focus)
    shown = shown.loc[active].reset_index(drop=True)
    pdf.section_heading("Händelser per distrikt", size=11)
    top = pdf.get_y()
    table_width = 70.0
    rows = [[r["name"], _count(r["count"])] for _, r in shown.iterrows()]
    rows.append(["Umeå kommun", _count(total["count"])])
    add_table(
        pdf,
        rows,
        headings=["Distrikt", "Händelser"],
        col_widths=[2.2, 1.0],
        font_size=6.8,
        align=["L", "R"],
        width=table_width,
    )
    table_bottom = pdf.get_y()
    figure_x = pdf.l_margin + table_width + 3
    figure_height = add_figure(
        pdf,
        district_figure(shown),
        width=pdf.w - pdf.r_margin - figure_x,
        x=figure_x,
        y=top,
        move_down=False,
    )
    pdf.set_y(max(table_bottom, top + figure_height) + 2)
    pdf.paragraph(
        f"”{SYMBOL}” = {PROTECTED}: för få för att visas, eller dold så att den inte kan räknas "
        "fram. Distrikt utan händelser under perioden visas inte (utom fokusområdena).",
        size=6.5,
        color=MUTED_TEXT,
    )
    pdf.ln(2)

    pdf.ensure_space(50)
    pdf.section_heading("Utveckling i hela kommunen, per fyraveckorsperiod", size=11)
    add_figure(pdf, trend_figure(view["trend"]), width=pdf.content_width)
    pdf.ln(2)

    pdf.ensure_space(75)
    top = pdf.get_y()
    half = (pdf.content_width - 6) / 2
    pdf.section_heading("Händelsetyper, hela kommunen", size=10)
    add_table(
        pdf,
        [[str(r["type"]), _count(r["count"])] for _, r in view["by_type"].iterrows()]
        or [["Inga händelser", "0"]],
        headings=["Typ", "Händelser"],
        col_widths=[2.0, 0.8],
        font_size=6.8,
        align=["L", "R"],
        width=half,
    )
    left_bottom = pdf.get_y()
    right_x = pdf.l_margin + half + 6
    pdf.set_xy(right_x, top)
    left_margin = pdf.l_margin
    pdf.set_left_margin(right_x)
    pdf.section_heading(f"Aktiviteter under {fmt_week(week)}", size=10)
    pdf.set_left_margin(left_margin)
    activity_rows = _activity_rows(week_activities, names)
    if activity_rows:
        add_table(
            pdf,
            activity_rows,
            headings=["Aktivitet", "Genomförda", "Planerade", "Distrikt"],
            col_widths=[1.45, 1.15, 1.05, 1.75],
            font_size=6.5,
            align=["L", "R", "R", "L"],
            x=right_x,
            width=half,
        )
    else:
        pdf.set_x(right_x)
        pdf.paragraph("Inga aktiviteter registrerade för veckan.", size=8, width=half)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 3)

    add_boxed_text(
        pdf,
        "Så ska siffrorna läsas",
        [
            f"Röjandekontroll: antal under {threshold} visas inte (”{SYMBOL}”), och fler tal döljs "
            "så att inget dolt tal kan räknas fram eller ringas in ur kommunens total. Alla dolda "
            "tal har samma markering, oavsett skäl.",
            "Veckotal, medelvärden, signifikanstest och hotspots finns bara för EST-gruppen: "
            "publicerade vecka för vecka skulle de avslöja de dolda talen. Veckobrevet visar "
            "bara distrikt och hela kommunen, aldrig enskilda rutor eller adresser; positioner "
            "lagras bara som 250-metersrutor.",
        ],
        font_size=6.8,
    )

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def _run(args: argparse.Namespace) -> int:
    store = open_existing_store(args.db)
    try:
        latest = incident_week_span(store)[1]
        week = args.week or default_week(date.today(), latest_with_data=latest)
        path = build_est_week_pdf(store, week, out=args.out)
    finally:
        store.dispose()
    print(f"Veckobrevet för {fmt_week(week)} är skrivet: {path}")
    return 0


def add_cli(subparsers) -> None:
    """Register ``est-week`` on ``python -m reports``'s subparsers.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_cli(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["est-week", "--week", "2025-W47", "--out", "v.pdf"])
    >>> args.week, args.handler is _run
    ('2025-W47', True)
    """
    command = subparsers.add_parser(
        "est-week",
        help="veckobrev för EST-gruppen (PDF) för en ISO-vecka",
        description="Skriv veckolägesbilden för EST (1–2 sidor A4, PDF) utan internet.",
    )
    command.add_argument(
        "--week", help="ISO-vecka, t.ex. 2025-W47 (standard: senaste hela veckan med data)"
    )
    command.add_argument(
        "--db", help="databas-URL (standard: UVTS_DATABASE_URL eller var/uvts.sqlite)"
    )
    command.add_argument("--out", required=True, type=Path, help="PDF-fil att skriva")
    command.set_defaults(handler=_run, func=_run)
