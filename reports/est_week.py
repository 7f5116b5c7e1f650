"""The EST veckobrev: a PDF lägesbild, made offline, in two editions.

``python -m reports est-week --week 2025-W47 --db URL --out week.pdf [--public]``

**The shared part** (pages 1–2, and all of the ``public`` edition, which is the one that may
leave the building) holds only what the public role may see
(:func:`indicators.est_public.public_view`, docs/disclosure.md §6): the totals of the last
*ended four-week period* per district, per incident type and for the municipality over the
last 13 periods, each through the one protection step (hidden figures print as ".."); no
weekly count, mean, p-value, hotspot or grid cell, because over many weeks those give hidden
counts back.  Activities of the chosen week are counts of our own patrols, walks and evenings
(not observations about people), so they are printed as they are.

**The EST edition** (the default, only for a role that may see grid cells, ``est_cells``:
est, admin) adds a page marked "Endast för EST-gruppen" on every line that matters: the week's
250 m cells drawn on the district outlines (matplotlib, no base-map tiles, no network), the
Gi* hotspots outlined and numbered as in the app, the hotspot list with when incidents happen
there, and the weekday × three-hour table over this week and the eight before.  It holds the
same figures the EST page shows that role, never a point or an address.

When any incident of the period is synthetic every page carries "Demodata – syntetiska värden".

Both editions come in Swedish (default) and English (``lang="en"``, the EST page's language
toggle, ``--lang en`` on the command line): every label, weekday, month and legend, and numbers
and dates formatted by Babel for the language (common.fmt).
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from babel.dates import format_date
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from access import may
from access.app import est_records, incident_week_span, open_existing_store
from access.reads import est_cell_patterns
from common.errors import UserError
from common.fmt import LOCALES, fmt_date, fmt_int, fmt_week, iso_week
from common.settings import SUPPRESSION_THRESHOLD
from geo import PLACE
from geo.areas import read_areas
from geo.boundaries import district_polygons, has_boundaries
from indicators.disclosure import PROTECTED, PROTECTED_EN, SYMBOL
from indicators.est import (
    BASELINE_WEEKS,
    CELL_SIZE,
    DETECTION_PERMUTATIONS,
    default_week,
    hotspot_cells,
    hotspots,
    ranked_hotspots,
    shift_week,
    week_data,
    week_monday,
)
from indicators.est_public import PERIOD_WEEKS, period_label, public_view
from indicators.est_words import est_word, weekday_names
from reports.pdf import (
    DEMO_LABEL,
    DEMO_LABEL_EN,
    FONT_FAMILY,
    MUTED_TEXT,
    BriefPDF,
    add_boxed_text,
    add_figure,
    add_table,
)

TITLE = "Veckolägesbild EST"
TITLE_EN = "EST weekly situation report"
HIDDEN = ".."
EDITIONS = ("est", "public")
LANGS = ("sv", "en")
INTERNAL = "Endast för EST-gruppen – lämnas inte ut"
INTERNAL_EN = "For the EST group only – not to be passed on"
CELL_CMAP = ((230, 170, 30), (230, 40, 30))  # light → dark orange, as on the EST map

#: Plural headings of the activity kinds (sv, en), in print order.
ACTIVITY_LABELS = {
    "patrull": ("Patruller", "Patrols"),
    "nattvandring": ("Nattvandringar", "Night walks"),
    "fältvandring": ("Fältvandringar", "Field walks"),
    "fritidsgårdskväll": ("Fritidsgårdskvällar", "Youth-club evenings"),
    "lovaktivitet": ("Lovaktiviteter", "Holiday activities"),
    "annat": ("Övriga aktiviteter", "Other activities"),
}
BAR_COLOR = "#3182bd"
FLAG_COLOR = "#bd0026"


def _tr(lang: str):
    """``w(sv, en)``: the text in ``lang``."""
    if lang not in LANGS:
        raise UserError(
            f"Okänt språk '{lang}' (sv eller en)",
            message_en=f"Unknown language '{lang}' (sv or en)",
        )
    return (lambda sv, en: en) if lang == "en" else (lambda sv, en: sv)


def _count(x: float, lang: str = "sv") -> str:
    return HIDDEN if pd.isna(x) else fmt_int(x, lang=lang)


def _long_date(d: date, lang: str) -> str:
    """'17 november 2025' / '17 November 2025' (Babel)."""
    return format_date(d, "d MMMM y", locale=LOCALES[lang])


def district_figure(districts: pd.DataFrame, *, lang: str = "sv") -> Figure:
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
        ax.text(
            (0 if np.isnan(c) else c) + top * 0.01, yi, _count(c, lang), va="center", fontsize=7
        )
    ax.set_yticks(y, districts["name"].tolist(), fontsize=7)
    ax.set_xlim(0, top * 1.12)
    ax.tick_params(axis="x", labelsize=7)
    _babel_ticks(ax.xaxis, lang)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


def _babel_ticks(axis, lang: str) -> None:
    """Axis numbers formatted by Babel for ``lang`` (1 234 / 1,234)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v, lang=lang)))


def trend_figure(trend: pd.DataFrame, *, lang: str = "sv") -> Figure:
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
    _babel_ticks(ax.yaxis, lang)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(_tr(lang)("händelser", "incidents"), fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


def _cell_colours(counts: np.ndarray) -> np.ndarray:
    top = max(float(counts.max()) if len(counts) else 1.0, 1.0)
    share = (counts / top)[:, None]
    (r0, g0, b0), (r1, g1, b1) = CELL_CMAP
    rgb = np.hstack([r0 + (r1 - r0) * share, g0 + (g1 - g0) * share, b0 + (b1 - b0) * share])
    return np.hstack([rgb / 255, 0.45 + 0.5 * share])


def _squares(frame: pd.DataFrame) -> list[Rectangle]:
    return [
        Rectangle((x, y), CELL_SIZE, CELL_SIZE)
        for x, y in zip(frame["cell_x"], frame["cell_y"], strict=True)
    ]


def grid_map_figure(
    cells: pd.DataFrame,
    ranked: pd.DataFrame,
    districts: pd.DataFrame | None,
    *,
    lang: str = "sv",
) -> tuple[Figure, int]:
    """The week's 250 m cells on the district outlines, drawn without base-map tiles.

    Orange squares: incidents this week (darker = more); grey outlines: incidents only in the
    eight weeks before; thick black outline with a number: the ranked cells (hotspots first,
    numbered as in the list beside the map); district names only where a numbered cell lies.
    The map shows where the bulk of this week's cells lie (10th–90th percentile and every
    numbered cell, 1 km around); returns the figure and how many of this
    week's cells fall outside it.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_x": [761250, 761500], "cell_y": [7092250, 7092250],
    ...                       "count": [3, 0], "count_previous": [1, 2]})
    >>> figure, outside = grid_map_figure(cells, cells.head(1), None)
    >>> outside, len(figure.axes)
    (0, 1)
    """
    w = _tr(lang)
    figure = Figure(figsize=(7.0, 4.4))
    ax = figure.add_axes((0.0, 0.09, 1.0, 0.91))
    ax.set_aspect("equal")
    ax.set_axis_off()
    now = cells[cells["count"] > 0]
    before = cells[(cells["count"] == 0) & (cells["count_previous"] > 0)]
    basis = now if not now.empty else cells
    if basis.empty:
        ax.text(
            0.5,
            0.5,
            w("Inga händelser denna vecka", "No incidents this week"),
            ha="center",
            transform=ax.transAxes,
        )
        return figure, 0
    margin = 4 * CELL_SIZE
    # the bulk of the cells, and every numbered cell
    xs = np.concatenate([np.quantile(basis["cell_x"], [0.1, 0.9]), ranked["cell_x"]])
    ys = np.concatenate([np.quantile(basis["cell_y"], [0.1, 0.9]), ranked["cell_y"]])
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    x0, x1, y0, y1 = x0 - margin, x1 + CELL_SIZE + margin, y0 - margin, y1 + CELL_SIZE + margin
    outside = int(
        (
            ~now["cell_x"].between(x0, x1 - CELL_SIZE) | ~now["cell_y"].between(y0, y1 - CELL_SIZE)
        ).sum()
    )
    if districts is not None:
        districts.boundary.plot(ax=ax, color="#6b6b6b", linewidth=0.6, zorder=1)
        inside = districts.representative_point()
        # names only where the list points: labels of every district pile up in the centre
        busy = set(ranked["district_code"]) if "district_code" in ranked else set()
        for code, name, point in zip(districts["code"], districts["name"], inside, strict=True):
            if code in busy and x0 < point.x < x1 and y0 < point.y < y1:
                ax.text(
                    point.x, point.y, name, fontsize=5.5, color="#404040", ha="center", zorder=2
                )
    ax.add_collection(
        PatchCollection(
            _squares(before), facecolor="none", edgecolor="#8c8c8c", linewidth=0.5, zorder=3
        )
    )
    ax.add_collection(
        PatchCollection(
            _squares(now),
            facecolor=_cell_colours(now["count"].to_numpy(dtype=float)),
            edgecolor="none",
            zorder=4,
        )
    )
    ax.add_collection(
        PatchCollection(
            _squares(ranked), facecolor="none", edgecolor="black", linewidth=1.6, zorder=5
        )
    )
    for rank, (x, y) in enumerate(zip(ranked["cell_x"], ranked["cell_y"], strict=True), 1):
        ax.annotate(
            str(rank),
            (x + CELL_SIZE, y + CELL_SIZE),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=7,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "black", "lw": 0.5},
            zorder=6,
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.plot([x0 + 300, x0 + 1300], [y0 + 300, y0 + 300], color="black", linewidth=1.5)
    ax.text(x0 + 800, y0 + 380, "1 km", fontsize=6, ha="center")
    figure.legend(
        handles=[
            Patch(
                facecolor=_cell_colours(np.array([1.0]))[0],
                label=w(
                    "händelser denna vecka (mörkare = fler)", "incidents this week (darker = more)"
                ),
            ),
            Patch(
                facecolor="none",
                edgecolor="#8c8c8c",
                label=w("bara de 8 veckorna före", "only in the 8 weeks before"),
            ),
            Patch(
                facecolor="none",
                edgecolor="black",
                linewidth=1.6,
                label=w(
                    "nr i listan (hotspot Gi* eller flest händelser)",
                    "no. in the list (Gi* hotspot or most incidents)",
                ),
            ),
        ],
        loc="lower center",
        ncol=3,
        fontsize=6.5,
        frameon=False,
    )
    return figure, outside


def weekday_hour_rows(matrix: np.ndarray, *, lang: str = "sv") -> list[list[str]]:
    """A 7 × 24 count matrix as table rows: weekday, eight three-hour sums, the day's total.

    Examples
    --------
    >>> m = np.zeros((7, 24), dtype=int); m[5, 22] = 4; m[5, 1] = 2
    >>> weekday_hour_rows(m)[5]
    ['Lördag', '2', '', '', '', '', '', '', '4', '6']
    >>> weekday_hour_rows(m * 500, lang="en")[5][0::9]
    ['Saturday', '3,000']
    """
    rows = []
    for day, counts in zip(weekday_names(lang), np.asarray(matrix), strict=True):
        bins = counts.reshape(8, 3).sum(axis=1)
        rows.append(
            [
                day.capitalize(),
                *[fmt_int(b, lang=lang) if b else "" for b in bins],
                fmt_int(counts.sum(), lang=lang),
            ]
        )
    return rows


def _pattern_text(p: pd.Series | None, lang: str = "sv") -> str:
    if p is None:
        return ""
    day = weekday_names(lang)[int(p["weekday"])]
    hour = int(p["hour"])
    span = f"{hour:02d}–{(hour + 3) % 24:02d}"
    return f"mostly {day}s {span}" if lang == "en" else f"oftast {day}ar kl. {span}"


def _internal_page(pdf, store, role, week, incidents, activities, names, lang="sv") -> None:
    """The EST group's page: grid map with hotspots, the ranked list, weekday × hour."""
    w = _tr(lang)
    internal = w(INTERNAL, INTERNAL_EN)
    data = week_data(incidents, week, previous_weeks=BASELINE_WEEKS)
    hot = hotspots(hotspot_cells(data), permutations=DETECTION_PERMUTATIONS)
    ranked = ranked_hotspots(hot).reset_index(drop=True)
    cells = data["cells"]
    first = shift_week(week, -BASELINE_WEEKS)
    span = f"{fmt_week(first, lang=lang)}–{fmt_week(week, lang=lang)}"
    pdf.add_page()
    pdf.paragraph(internal.upper(), size=9, style="B", color=(160, 0, 0))
    pdf.section_heading(
        w("Veckans rutor och hotspots", "This week's cells and hotspots")
        + f" – {fmt_week(week, lang=lang)}",
        size=12,
    )
    pdf.paragraph(
        w(
            "Händelser i 250-metersrutor (aldrig adresser eller punkter) på distriktsgränserna. "
            "Numren är samma rangordning som listan under kartan och i appen: först rutor som är "
            "signifikanta hotspots (Getis–Ord Gi*, FDR 5 %), sedan de rutor som hade flest "
            "händelser.",
            "Incidents in 250 m grid cells (never addresses or points) on the district borders. "
            "The numbers are the same ranking as the list below the map and in the app: first "
            "cells that are significant hotspots (Getis–Ord Gi*, FDR 5%), then the cells with "
            "the most incidents.",
        ),
        size=8,
    )
    districts = district_polygons() if has_boundaries() else None
    figure, outside = grid_map_figure(cells, ranked, districts, lang=lang)
    add_figure(pdf, figure, width=pdf.content_width)
    if outside:
        pdf.paragraph(
            w(
                f"{fmt_int(outside)} rutor med händelser denna vecka ligger utanför kartutsnittet "
                "(de finns med i tabellerna).",
                f"{fmt_int(outside, lang='en')} cells with incidents this week lie outside the "
                "map extent (they are in the tables).",
            ),
            size=7,
            color=MUTED_TEXT,
        )
    patterns = est_cell_patterns(
        store, role, week, list(zip(ranked["cell_x"], ranked["cell_y"], strict=True))
    ).set_index(["cell_x", "cell_y"])
    week_acts = activities.loc[activities["iso_week"] == week]
    rows = []
    for rank, r in ranked.iterrows():
        key = (int(r["cell_x"]), int(r["cell_y"]))
        acts = week_acts[week_acts["district_code"] == r["district_code"]]
        rows.append(
            [
                str(rank + 1),
                names.get(r["district_code"], "–"),
                "hotspot" if r["is_hot"] else w("många händelser", "many incidents"),
                fmt_int(r["count"], lang=lang),
                fmt_int(r["count_baseline"], lang=lang),
                _pattern_text(patterns.loc[key] if key in patterns.index else None, lang),
                f"{fmt_int((acts['status'] != 'planerad').sum(), lang=lang)} / "
                f"{fmt_int((acts['status'] == 'planerad').sum(), lang=lang)}",
            ]
        )
    pdf.ensure_space(40)
    pdf.section_heading(w("Rangordnade rutor", "Ranked cells"), size=10)
    add_table(
        pdf,
        rows or [["–", w("Inga händelser denna vecka", "No incidents this week"), *[""] * 5]],
        headings=[
            w("Nr", "No."),
            w("Distrikt", "District"),
            w("Typ", "Type"),
            w("Denna vecka", "This week"),
            w("8 veckor före", "8 weeks before"),
            w("När", "When") + f" ({span})",
            w(
                "Aktiviteter i distriktet (genomförda / planerade)",
                "Activities in the district (held / planned)",
            ),
        ],
        col_widths=[0.35, 1.4, 1.2, 0.85, 0.95, 2.1, 1.6],
        font_size=6.5,
        align=["R", "L", "L", "R", "R", "L", "R"],
    )
    pdf.ln(2)
    grid = data["weekday_hour"].to_numpy() + data["weekday_hour_previous"].to_numpy()
    pdf.ensure_space(45)
    pdf.section_heading(
        w(
            f"Veckodag × tid på dygnet, hela kommunen, {span} (denna vecka och de 8 före)",
            f"Weekday × time of day, whole municipality, {span} (this week and the 8 before)",
        ),
        size=10,
    )
    add_table(
        pdf,
        weekday_hour_rows(grid, lang=lang),
        headings=[
            w("Dag", "Day"),
            *[f"{h:02d}–{h + 3:02d}" for h in range(0, 24, 3)],
            w("Summa", "Total"),
        ],
        col_widths=[1.3, *[1.0] * 8, 1.0],
        font_size=6.8,
        align=["L", *["R"] * 9],
    )
    pdf.paragraph(
        w(
            "Antal händelser per veckodag och tretimmarsintervall, summerat över "
            f"{fmt_int(grid.sum())} händelser. Tom ruta = inga händelser. "
            + internal
            + ": rut-, vecko- och timtal kan tillsammans med andra uppgifter peka ut platser och "
            "tillfällen; de publiceras aldrig (docs/disclosure.md §6).",
            "Incidents per weekday and three-hour interval, summed over "
            f"{fmt_int(grid.sum(), lang='en')} incidents. Empty cell = no incidents. "
            + internal
            + ": cell, week and hour counts can, with other information, point out places and "
            "occasions; they are never published (docs/disclosure.md §6).",
        ),
        size=6.5,
        color=MUTED_TEXT,
    )


def _activity_rows(
    activities: pd.DataFrame, names: dict[str, str], lang: str = "sv"
) -> list[list[str]]:
    if activities.empty:
        return []
    rows = []
    order = list(ACTIVITY_LABELS)
    for kind, part in activities.groupby("kind", sort=False):
        held = int((part["status"] == "genomford").sum())
        planned = int((part["status"] == "planerad").sum())
        places = sorted({names.get(c, c) for c in part["district_code"]})
        sv, en = ACTIVITY_LABELS.get(kind, (str(kind), est_word(kind, "en").capitalize()))
        rows.append(
            (
                order.index(kind) if kind in order else len(order),
                [
                    en if lang == "en" else sv,
                    fmt_int(held, lang=lang),
                    fmt_int(planned, lang=lang),
                    ", ".join(places),
                ],
            )
        )
    return [row for _, row in sorted(rows, key=lambda r: r[0])]


def build_est_week_pdf(
    store,
    week: str,
    *,
    out: str | Path,
    made_on: date | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
    role: str = "est",
    edition: str = "est",
    lang: str = "sv",
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
    edition : {"est", "public"}
        ``"est"``: for the EST group, with the internal page (grid map, hotspots, weekday ×
        hour), only when ``role`` may see grid cells; ``"public"``: the protected period
        totals only, the edition that may be shared outside the group.
    lang : {"sv", "en"}
        Language of every text, weekday, month and legend; numbers and dates by Babel.

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
    if edition not in EDITIONS:
        raise UserError(
            f"Okänd utgåva '{edition}' (est eller public)",
            message_en=f"Unknown edition '{edition}' (est or public)",
        )
    w = _tr(lang)
    internal = edition == "est" and may(role, "est_cells")
    # Thirteen periods back, plus the weeks of the current, unfinished one.
    incidents, activities = est_records(store, role, week, previous_weeks=15 * PERIOD_WEEKS)
    view = public_view(incidents, week, threshold=threshold)
    areas = read_areas(level="district")
    names = dict(zip(areas["code"], areas["name"], strict=True))
    focus = set(areas.loc[areas["focus"].astype(bool), "code"])
    week_activities = activities.loc[activities["iso_week"] == week]
    demo = bool(view["synthetic"]) or bool(week_activities["synthetic"].any())
    made_on = made_on or date.today()
    label = period_label(view["period"], lang=lang)
    the_week = fmt_week(week, lang=lang)

    title = f"{w(TITLE, TITLE_EN)} – {the_week}"
    only_est = w(" – endast EST-gruppen", " – EST group only")
    pdf = BriefPDF(
        title=f"{title}{only_est}" if internal else title, demo=demo, made_on=made_on, lang=lang
    )
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 17)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    first, last = week_monday(view["weeks"][0]), week_monday(view["weeks"][-1]) + timedelta(6)
    dates = f"{_long_date(first, lang)} – {_long_date(last, lang)}"
    pdf.paragraph(
        w(
            f"Siffror för {label}: {dates}   ·   händelser rapporterade av EST-partner   ·   "
            f"framtaget {fmt_date(made_on)}",
            f"Figures for {label}: {dates}   ·   incidents reported by EST partners   ·   "
            f"made {fmt_date(made_on, lang='en')}",
        ),
        size=9,
    )
    if demo:
        pdf.paragraph(
            w(
                f"{DEMO_LABEL}: händelserna och aktiviteterna är påhittade för att visa hur "
                "veckobrevet ser ut.",
                f"{DEMO_LABEL_EN}: the incidents and activities are made up to show what the "
                "weekly report looks like.",
            ),
            size=8,
            style="B",
            color=(102, 60, 0),
        )
    pdf.ln(2)

    total = view["municipality"]
    n_total = _count(total["count"], lang)
    pdf.paragraph(
        w(
            f"Hela kommunen: {n_total} händelser under {label}, den senaste avslutade "
            "fyraveckorsperioden. "
            + (
                "Sidorna före den sista visar inga veckotal och får delas: utanför EST-gruppen "
                "redovisas bara summor per avslutad fyraveckorsperiod, så att dolda tal inte kan "
                "räknas fram ur flera veckors siffror. Sista sidan (veckans rutor, hotspots, "
                "veckodag × timme) är endast för EST-gruppen."
                if internal
                else "Veckobrevet visar inga veckotal: utanför EST-gruppen redovisas bara summor "
                "per avslutad fyraveckorsperiod, så att dolda tal inte kan räknas fram ur flera "
                "veckors siffror."
            ),
            f"Whole municipality: {n_total} incidents in {label}, the latest ended four-week "
            "period. "
            + (
                "The pages before the last show no weekly figures and may be shared: outside the "
                "EST group only totals per ended four-week period are reported, so that hidden "
                "figures cannot be worked out from several weeks' figures. The last page (this "
                "week's cells, hotspots, weekday × hour) is for the EST group only."
                if internal
                else "The report shows no weekly figures: outside the EST group only totals per "
                "ended four-week period are reported, so that hidden figures cannot be worked "
                "out from several weeks' figures."
            ),
        ),
        size=10,
    )
    pdf.ln(2)

    shown = view["districts"]
    active = (shown["count"].fillna(1) > 0) | shown["district_code"].isin(focus)
    shown = shown.loc[active].reset_index(drop=True)
    pdf.section_heading(w("Händelser per distrikt", "Incidents per district"), size=11)
    top = pdf.get_y()
    table_width = 70.0
    rows = [[r["name"], _count(r["count"], lang)] for _, r in shown.iterrows()]
    rows.append([w(PLACE.name_municipality, PLACE.name_municipality_en), n_total])
    add_table(
        pdf,
        rows,
        headings=[w("Distrikt", "District"), w("Händelser", "Incidents")],
        col_widths=[2.2, 1.0],
        font_size=6.8,
        align=["L", "R"],
        width=table_width,
    )
    table_bottom = pdf.get_y()
    figure_x = pdf.l_margin + table_width + 3
    figure_height = add_figure(
        pdf,
        district_figure(shown, lang=lang),
        width=pdf.w - pdf.r_margin - figure_x,
        x=figure_x,
        y=top,
        move_down=False,
    )
    pdf.set_y(max(table_bottom, top + figure_height) + 2)
    pdf.paragraph(
        w(
            f"”{SYMBOL}” = {PROTECTED}: för få för att visas, eller dold så att den inte kan "
            "räknas fram. Distrikt utan händelser under perioden visas inte (utom "
            "fokusområdena).",
            f'"{SYMBOL}" = {PROTECTED_EN}: too few to show, or hidden so that it cannot be '
            "worked out. Districts without incidents in the period are not shown (except the "
            "focus districts).",
        ),
        size=6.5,
        color=MUTED_TEXT,
    )
    pdf.ln(2)

    pdf.ensure_space(50)
    pdf.section_heading(
        w(
            "Utveckling i hela kommunen, per fyraveckorsperiod",
            "Trend in the whole municipality, per four-week period",
        ),
        size=11,
    )
    add_figure(pdf, trend_figure(view["trend"], lang=lang), width=pdf.content_width)
    pdf.ln(2)

    pdf.ensure_space(75)
    top = pdf.get_y()
    half = (pdf.content_width - 6) / 2
    pdf.section_heading(
        w("Händelsetyper, hela kommunen", "Incident types, whole municipality"), size=10
    )
    add_table(
        pdf,
        [
            [est_word(r["type"], lang), _count(r["count"], lang)]
            for _, r in view["by_type"].iterrows()
        ]
        or [[w("Inga händelser", "No incidents"), "0"]],
        headings=[w("Typ", "Type"), w("Händelser", "Incidents")],
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
    pdf.section_heading(w("Aktiviteter under", "Activities in") + f" {the_week}", size=10)
    pdf.set_left_margin(left_margin)
    activity_rows = _activity_rows(week_activities, names, lang)
    if activity_rows:
        add_table(
            pdf,
            activity_rows,
            headings=[
                w("Aktivitet", "Activity"),
                w("Genomförda", "Held"),
                w("Planerade", "Planned"),
                w("Distrikt", "Districts"),
            ],
            col_widths=[1.45, 1.15, 1.05, 1.75],
            font_size=6.5,
            align=["L", "R", "R", "L"],
            x=right_x,
            width=half,
        )
    else:
        pdf.set_x(right_x)
        pdf.paragraph(
            w(
                "Inga aktiviteter registrerade för veckan.",
                "No activities registered for the week.",
            ),
            size=8,
            width=half,
        )
    pdf.set_y(max(left_bottom, pdf.get_y()) + 3)

    add_boxed_text(
        pdf,
        w("Så ska siffrorna läsas", "How to read the figures"),
        [
            w(
                f"Röjandekontroll: antal under {threshold} visas inte (”{SYMBOL}”), och fler tal "
                "döljs så att inget dolt tal kan räknas fram eller ringas in ur kommunens total. "
                "Alla dolda tal har samma markering, oavsett skäl.",
                f'Disclosure control: counts below {threshold} are not shown ("{SYMBOL}"), and '
                "further figures are hidden so that no hidden figure can be worked out or "
                "narrowed down from the municipality's total. Every hidden figure has the same "
                "mark, whatever the reason.",
            ),
            w(
                "Veckotal, medelvärden, signifikanstest och hotspots finns bara för EST-gruppen: "
                "publicerade vecka för vecka skulle de avslöja de dolda talen. Veckobrevet visar "
                "bara distrikt och hela kommunen, aldrig enskilda rutor eller adresser; "
                "positioner lagras bara som 250-metersrutor.",
                "Weekly figures, means, significance tests and hotspots are for the EST group "
                "only: published week by week they would reveal the hidden figures. The report "
                "shows only districts and the whole municipality, never single cells or "
                "addresses; positions are stored only as 250 m cells.",
            ),
        ],
        font_size=6.8,
    )

    if internal:
        _internal_page(pdf, store, role, week, incidents, activities, names, lang)

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def _run(args: argparse.Namespace) -> int:
    store = open_existing_store(args.db)
    try:
        latest = incident_week_span(store)[1]
        week = args.week or default_week(date.today(), latest_with_data=latest)
        edition = "public" if args.public else "est"
        path = build_est_week_pdf(store, week, out=args.out, edition=edition, lang=args.lang)
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
    command.add_argument(
        "--public",
        action="store_true",
        help="utgåvan som får delas: bara skyddade periodsummor, utan EST-gruppens sida "
        "med rutkarta, hotspots och veckodag × timme",
    )
    command.add_argument(
        "--lang",
        "--sprak",
        choices=LANGS,
        default="sv",
        help="språk: sv (standard) eller en (engelsk utgåva)",
    )
    command.set_defaults(handler=_run, func=_run)
