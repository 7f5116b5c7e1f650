"""The EST veckobrev: a one-to-two page PDF lägesbild of one ISO week, made offline.

``python -m reports est-week --week 2025-W47 --db URL --out week.pdf``

It leaves the building, so it holds only what the public role may see
(:func:`indicators.est.public_view`): district totals and municipality-wide counts by type,
each through the one suppression step (counts below the threshold print as ".."), never a
grid cell.  Hotspots are named by district only.  Activities are counts of our own patrols,
walks and evenings (not observations about people), so they are printed as they are.  When any
incident of the period is synthetic every page carries "Demodata – syntetiska värden".
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from access.app import est_records, incident_week_span, open_existing_store
from common.fmt import fmt_date, fmt_int, fmt_number, fmt_week, iso_week
from common.settings import SUPPRESSION_THRESHOLD
from geo.areas import read_areas
from indicators.est import (
    BASELINE_WEEKS,
    DETECTION_PERMUTATIONS,
    EXCESS_CAVEAT,
    HOTSPOT_ALPHA,
    MORE_THAN_USUAL,
    default_week,
    hotspot_caveats,
    hotspot_cells,
    hotspots,
    public_breakdown,
    public_view,
    public_weekly_totals,
    week_data,
    week_monday,
)
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
#: Weeks of municipality totals in the trend chart (this week and the ones before).
TREND_WEEKS = 13
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
MEAN_COLOR = "#636363"
FLAG_COLOR = "#bd0026"


def _date_span(week: str) -> str:
    """'17–23 november 2025' (or across months/years)."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        return f"{monday.day}–{sunday.day} {MONTHS_SV[sunday.month - 1]} {sunday.year}"
    first = f"{monday.day} {MONTHS_SV[monday.month - 1]}"
    if monday.year != sunday.year:
        first += f" {monday.year}"
    return f"{first} – {sunday.day} {MONTHS_SV[sunday.month - 1]} {sunday.year}"


def _count(x: float) -> str:
    return HIDDEN if pd.isna(x) else fmt_int(x)


def _mean(x: float) -> str:
    return HIDDEN if pd.isna(x) else fmt_number(x, decimals=1)


def district_figure(districts: pd.DataFrame) -> Figure:
    """Bars of this week's count per district, a tick at the mean of the previous 8 weeks.

    Hidden (suppressed) counts get no bar and the label "..".

    Examples
    --------
    >>> rows = pd.DataFrame({"name": ["Ersboda", "Ålidhem"], "count": [12.0, np.nan],
    ...                      "previous_mean": [8.5, 6.0], "flag": [True, False]})
    >>> district_figure(rows).get_size_inches().round(1).tolist()
    [3.6, 1.5]
    """
    n = len(districts)
    # Drawn at about the size it is printed (≈ 90 mm wide), so 7 pt text stays 7 pt.
    figure = Figure(figsize=(3.6, max(1.5, 0.19 * n + 0.75)))
    ax = figure.add_subplot()
    y = np.arange(n)[::-1]
    counts = districts["count"].to_numpy(dtype=float)
    means = districts["previous_mean"].to_numpy(dtype=float)
    flags = districts["flag"].to_numpy(dtype=bool)
    colors = [FLAG_COLOR if f else BAR_COLOR for f in flags]
    ax.barh(y, np.nan_to_num(counts), color=colors, height=0.6, label="denna vecka")
    ax.scatter(
        means,
        y,
        marker="|",
        s=160,
        color=MEAN_COLOR,
        linewidths=2,
        zorder=3,
        label=f"snitt {BASELINE_WEEKS} föregående veckor",
    )
    top = np.nanmax(np.concatenate([counts, means, [1.0]]))
    for yi, c in zip(y, counts, strict=True):
        ax.text((0 if np.isnan(c) else c) + top * 0.01, yi, _count(c), va="center", fontsize=7)
    ax.set_yticks(y, districts["name"].tolist(), fontsize=7)
    ax.set_xlim(0, top * 1.12)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(
        fontsize=6,
        loc="upper center",
        bbox_to_anchor=(0.4, -0.06 - 0.5 / (n + 2)),
        ncol=2,
        frameon=False,
        handlelength=1.2,
    )
    figure.tight_layout()
    return figure


def trend_figure(weekly: pd.DataFrame) -> Figure:
    """Municipality totals per week (suppressed weeks are gaps), the last week highlighted.

    Examples
    --------
    >>> weekly = pd.DataFrame({"iso_week": ["2025-W46", "2025-W47"], "count": [140.0, 155.0]})
    >>> len(trend_figure(weekly).axes)
    1
    """
    figure = Figure(figsize=(7.0, 1.9))
    ax = figure.add_subplot()
    x = np.arange(len(weekly))
    counts = weekly["count"].to_numpy(dtype=float)
    ax.plot(x, counts, color=BAR_COLOR, marker="o", markersize=3, linewidth=1.4)
    if len(x):
        ax.plot(x[-1:], counts[-1:], color=FLAG_COLOR, marker="o", markersize=5)
    ax.set_xticks(x, [f"v. {int(w.split('-W')[1])}" for w in weekly["iso_week"]], fontsize=6.5)
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


def _hotspot_text(incidents_data: dict, names: dict[str, str]) -> str:
    cells = hotspot_cells(incidents_data)
    if cells.empty or cells["count"].sum() == 0:
        return "Inga händelser den här veckan; ingen hotspotanalys."
    result = hotspots(cells, permutations=DETECTION_PERMUTATIONS, alpha=HOTSPOT_ALPHA)
    hot = result.loc[result["hotspot"] == "hot"].groupby("district_code").size()
    if hot.empty:
        return (
            "Inga statistiskt säkerställda hotspots den här veckan (Getis–Ord Gi*, FDR 5\u00a0%)."
        )
    parts = [
        f"{names.get(code, code)} ({n} {'ruta' if n == 1 else 'rutor'})"
        for code, n in hot.sort_values(ascending=False).items()
    ]
    return (
        "Statistiskt säkerställda kluster av händelser (Getis–Ord Gi*, FDR 5\u00a0%) den här "
        f"veckan i: {', '.join(parts)}. Rutorna är 250 × 250 m och visas bara för EST-gruppen."
    )


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
    previous = TREND_WEEKS - 1
    incidents, activities = est_records(store, role, week, previous_weeks=previous)
    data = week_data(incidents, week, previous_weeks=previous, activities=activities)
    view = public_view(data, threshold=threshold)
    types = public_breakdown(data, by="type", threshold=threshold)
    weekly = public_weekly_totals(data, threshold=threshold)
    areas = read_areas(level="district")
    names = dict(zip(areas["code"], areas["name"], strict=True))
    focus = set(areas.loc[areas["focus"].astype(bool), "code"])
    demo = bool(data["synthetic"]) or bool(activities["synthetic"].any())
    made_on = made_on or date.today()

    pdf = BriefPDF(title=f"{TITLE} – {fmt_week(week)}", demo=demo, made_on=made_on)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 17)
    pdf.multi_cell(0, 8, f"{TITLE} – {fmt_week(week)}", new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(
        f"{_date_span(week)}   ·   händelser rapporterade av EST-partner   ·   "
        f"framtaget {fmt_date(made_on)}",
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
    flagged = view["districts"].loc[view["districts"]["flag"], "name"].tolist()
    summary = (
        f"Hela kommunen: {_count(total['count'])} händelser {fmt_week(week)} "
        f"(snitt {_mean(total['previous_mean'])} de {BASELINE_WEEKS} föregående veckorna"
        f"{'; ' + MORE_THAN_USUAL if total['flag'] else ''}). "
    )
    if not data["baseline_complete"]:
        summary += (
            "Underlaget räcker inte tillbaka åtta veckor, så ingen jämförelse med "
            "tidigare veckor görs. "
        )
    elif flagged:
        summary += f"Fler händelser än vanligt (signifikant): {', '.join(flagged)}."
    else:
        summary += "Inget distrikt hade signifikant fler händelser än vanligt."
    pdf.paragraph(summary, size=10)
    pdf.ln(2)

    shown = view["districts"]
    active = (
        (shown["count"].fillna(1) > 0)
        | (shown["previous_mean"].fillna(1) > 0)
        | shown["district_code"].isin(focus)
    )
    shown = shown.loc[active].reset_index(drop=True)
    pdf.section_heading("Händelser per distrikt", size=11)
    top = pdf.get_y()
    table_width = 88.0
    rows = [
        [r["name"], _count(r["count"]), _mean(r["previous_mean"]), r["label"] or "–"]
        for _, r in shown.iterrows()
    ]
    rows.append(
        [
            "Umeå kommun",
            _count(total["count"]),
            _mean(total["previous_mean"]),
            MORE_THAN_USUAL if total["flag"] else "–",
        ]
    )
    add_table(
        pdf,
        rows,
        headings=["Distrikt", "Veckan", f"Snitt {BASELINE_WEEKS} v.", "Bedömning"],
        col_widths=[1.9, 0.9, 1.0, 1.5],
        font_size=6.8,
        align=["L", "R", "R", "L"],
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
        f"”{HIDDEN}” = färre än {threshold} händelser eller dold för att skydda en "
        "annan dold uppgift. Distrikt utan händelser de senaste nio veckorna visas inte "
        "(utom fokusområdena). Röd stapel = fler än vanligt.",
        size=6.5,
        color=MUTED_TEXT,
    )
    pdf.ln(2)

    pdf.ensure_space(50)
    pdf.section_heading("Utveckling i hela kommunen", size=11)
    add_figure(pdf, trend_figure(weekly), width=pdf.content_width)
    pdf.ln(2)

    pdf.ensure_space(40)
    top = pdf.get_y()
    half = (pdf.content_width - 6) / 2
    pdf.section_heading("Händelsetyper, hela kommunen", size=10)
    add_table(
        pdf,
        [
            [str(r["label"]), _count(r["count"]), _mean(r["previous_mean"])]
            for _, r in types.iterrows()
        ]
        or [["Inga händelser", "0", "–"]],
        headings=["Typ", "Veckan", f"Snitt {BASELINE_WEEKS} v."],
        col_widths=[2.0, 0.8, 1.0],
        font_size=6.8,
        align=["L", "R", "R"],
        width=half,
    )
    left_bottom = pdf.get_y()
    right_x = pdf.l_margin + half + 6
    pdf.set_xy(right_x, top)
    left_margin = pdf.l_margin
    pdf.set_left_margin(right_x)
    pdf.section_heading("Aktiviteter under veckan", size=10)
    pdf.set_left_margin(left_margin)
    activity_rows = _activity_rows(data["activities"], names)
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

    pdf.ensure_space(20)
    pdf.section_heading("Hotspots", size=10)
    pdf.paragraph(_hotspot_text(data, names), size=8.5)
    pdf.ln(2)
    add_boxed_text(
        pdf,
        "Så ska siffrorna läsas",
        [
            EXCESS_CAVEAT,
            hotspot_caveats(DETECTION_PERMUTATIONS),
            f"Röjandekontroll: antal under {threshold} visas inte (”{HIDDEN}”), och ett antal döljs "
            "också när det annars kunde räknas fram ur kommunens total. Veckobrevet visar bara "
            "distrikt och hela kommunen, aldrig enskilda rutor eller adresser; positioner lagras "
            "bara som 250-metersrutor.",
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
