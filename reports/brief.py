"""The council brief (Rådsunderlag): a 2–4 page A4 PDF for one year and a few districts.

Contents, in order: title block (period, date made, districts, demo label); a map of one
headline indicator by district with class breaks and a table of the chosen districts;
"Vad har förändrats" (changes since the previous year whose 95 % intervals do not overlap,
the Fingertips "change from previous" rule, docs/methods.md §1.3); a spine chart per district
(verdict against Umeå in words and marker shape, not colour alone); a trend panel of 2–4
headline indicators with interval bands and intervention dates; and a method box.

What the brief says (selection of changes, counts against Umeå, trends, text from data) is
worked out by :func:`indicators.brief_content.brief_content`; this module only lays it out.
Every figure comes from :func:`access.reads.indicator_values`, i.e. :func:`indicators.compute`
(disclosure control already applied):
a suppressed value is printed as "–" with "uppgift skyddad" and never as a number.

``python -m reports brief --db URL --period 2025 --out brief.pdf`` does the same from the
command line (see :mod:`reports.__main__`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import patheffects, rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from access.app import has_real_data
from access.app import interventions as read_interventions
from access.reads import council_meetings, indicator_values, loaded_since
from catalogue import DIRECTION_LABELS, SCHEME_LABELS, Indicator, load_catalogue
from common.errors import UserError
from common.fmt import MISSING, fmt_date, fmt_number, fmt_period
from common.periods import check_year
from geo import PLACE
from geo.boundaries import (
    district_polygons,
    has_boundaries,
    missing_boundaries_message,
    municipality_polygon,
)
from geo.classify import class_breaks, legend_labels
from geo.layers import (
    MISSING_COLOR,
    MISSING_LABEL,
    UNCERTAIN_MIN_EVENTS,
    class_colors,
    palette_colors,
    palette_for_role,
)
from indicators.brief_content import (
    BriefContent,
    brief_content,
    changes_note,
    intervention_marks,
    resolve_districts,
    since_meeting_lines,
)
from indicators.compare import spine_data
from indicators.levels import DEFAULT_LEVEL, level_text, parse_level
from indicators.verdict_map import (
    MAP_SYMBOL,
    UNCERTAIN_LABEL,
    has_verdicts,
    map_uncertain,
    verdict_colors,
    verdict_legend,
)
from indicators.verdicts import VERDICTS
from reports.brief_interventions import interventions_section
from reports.pdf import (
    DEMO_LABEL,
    FONT_FAMILY,
    MUTED_TEXT,
    BriefPDF,
    add_boxed_text,
    add_figure,
    add_table,
)

TITLE = f"Rådsunderlag – {PLACE.programme}"
TREND_YEARS = 10
SPINE_COLUMNS_PER_FIGURE = 4
#: Districts smaller than this (km²) make up the town; the map zooms on them.
URBAN_MAX_AREA_KM2 = 30.0
MM_PER_INCH = 25.4

#: Okabe–Ito colours and distinct markers: a district is told apart by both.
AREA_COLOURS = [
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#CC79A7",
    "#0072B2",
    "#D55E00",
    "#999933",
    "#882255",
]
AREA_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "h"]
MUNICIPALITY_COLOUR = "#222222"

#: Spine-chart marks and words: views of the one verdict table (indicators.verdicts); the
#: shape carries the meaning in grey print.
VERDICT_STYLE = {code: (v.mpl_marker, v.colour) for code, v in VERDICTS.items()}
VERDICT_WORDS = {code: v.short_sv for code, v in VERDICTS.items()}


# --------------------------------------------------------------------------- figures


def _hex(rgb: Sequence[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*[int(c) for c in rgb])


#: Hatch of "osäkert" areas in the printed map (the screen draws diagonal lines too).
UNCERTAIN_HATCH = "/////"
#: Thin hatch lines so the verdict colour underneath stays readable.
HATCH_STYLE = {"hatch.linewidth": 0.45, "hatch.color": "#2a2a2a"}
MAP_SCHEMES = ("verdict", "quantiles")


def map_figure(
    values: pd.DataFrame,
    indicator: Indicator,
    *,
    period: str,
    districts: Sequence[str],
    width_mm: float = 110.0,
    scheme: str = "verdict",
) -> Figure:
    """Map of one indicator by district (matplotlib, no tiles), zoomed on the town, with an
    overview of the municipality.

    ``scheme="verdict"`` (default, as Fingertips and the screen maps): each district is
    coloured by its verdict against the municipality, with the verdict's symbol on the map
    and a legend in words (:mod:`indicators.verdict_map`, the one classifier of every map);
    ``"quantiles"``: value classes by the indicator's default scheme.  "Osäkert" districts
    (the screen's rule, :func:`indicators.verdict_map.map_uncertain`) are hatched, the focus
    districts outlined in thick black, other chosen districts dashed.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> ind = load_catalogue()["skadegorelse"]
    >>> rows = pd.DataFrame({"period": ["2025"], "indicator_id": [ind.id], "area_code": ["x"],
    ...     "value": [1.0], "lower": [0.5], "upper": [1.5], "numerator": [20.0],
    ...     "verdict": ["similar"]})
    >>> len(map_figure(rows, ind, period="2025", districts=[]).axes)
    2
    """
    if scheme not in MAP_SCHEMES:
        raise UserError(
            f"Okänd kartfärgning '{scheme}' (verdict eller quantiles)",
            message_en=f"Unknown map colouring '{scheme}' (verdict or quantiles)",
        )
    polygons = district_polygons()
    rows = values[(values["period"] == period) & (values["indicator_id"] == indicator.id)]
    rows = rows.drop_duplicates("area_code").set_index("area_code")
    frame = pd.DataFrame(
        {
            col: polygons["code"].map(rows[col]) if col in rows else np.nan
            for col in ("value", "lower", "upper", "numerator", "verdict")
        }
    )
    for col in ("value", "lower", "upper", "numerator"):
        frame[col] = frame[col].astype(float)
    verdicts = frame["verdict"].tolist()
    if scheme == "verdict" and not has_verdicts(verdicts):
        scheme = "quantiles"  # nothing compared: value classes rather than an all-grey map
    palette = palette_for_role(indicator.role)
    if scheme == "verdict":
        colours = [_hex(c) for c in verdict_colors(verdicts)]
    else:
        breaks = class_breaks(frame["value"].to_numpy(), scheme=indicator.default_scheme, k=5)
        k = max(breaks.k, 1)
        colours = [_hex(c) for c in class_colors(breaks.classes, k=k, palette=palette)]
    wide = map_uncertain(frame, kind=indicator.kind)
    chosen = polygons["code"].isin(list(districts)).to_numpy()
    focus = polygons["focus"].astype(bool).to_numpy()

    width_in = width_mm / MM_PER_INCH
    fig = Figure(figsize=(width_in, width_in * 0.88))
    ax = fig.add_axes((0.0, 0.0, 0.70, 1.0))
    polygons.plot(ax=ax, color=colours, edgecolor="#6b6b6b", linewidth=0.35)
    if wide.any():
        with rc_context(HATCH_STYLE):
            polygons[wide].plot(
                ax=ax, facecolor="none", edgecolor="#2a2a2a", hatch=UNCERTAIN_HATCH, linewidth=0.0
            )
    polygons[focus].boundary.plot(ax=ax, color="black", linewidth=1.6)
    if (chosen & ~focus).any():
        polygons[chosen & ~focus].boundary.plot(
            ax=ax, color="black", linewidth=1.1, linestyle=(0, (3, 1.5))
        )
    urban = polygons[(polygons.area / 1e6 < URBAN_MAX_AREA_KM2) | chosen]
    minx, miny, maxx, maxy = urban.total_bounds
    pad = 0.06 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    # Same aspect as the axes so the zoom fills them.
    box_w, box_h = fig.get_size_inches() * np.array([0.70, 1.0])
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = max(maxx - minx, (maxy - miny) * box_w / box_h) / 2
    half_h = half_w * box_h / box_w
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal")
    ax.set_axis_off()
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    points = polygons.geometry.representative_point()
    for i, point in enumerate(points):
        inside = cx - half_w < point.x < cx + half_w and cy - half_h < point.y < cy + half_h
        symbol = MAP_SYMBOL.get(verdicts[i], "") if scheme == "verdict" else ""
        if chosen[i]:  # name, verdict symbol and "?" (the table beside says it in words)
            text = f"{polygons['name'].iloc[i]} {symbol}{'?' if wide[i] else ''}".strip()
        elif symbol and verdicts[i] != "similar":
            # other districts only a difference's symbol: the hatch already marks "osäkert",
            # and a symbol on every small town district would pile into a heap
            text = symbol
        else:
            continue
        if not inside:
            continue
        # a name near the right edge is right-aligned so it stays on the map
        right = chosen[i] and point.x > cx + 0.55 * half_w
        ax.text(
            point.x,
            point.y,
            text,
            fontsize=6.5 if chosen[i] else 7,
            fontweight="bold",
            ha="right" if right else "center",
            va="center",
            path_effects=halo,
            gid=f"label-{polygons['code'].iloc[i]}",
        )

    overview = fig.add_axes((0.72, 0.64, 0.27, 0.34))
    municipality_polygon().plot(ax=overview, color="#f1efe9", edgecolor="#777777", linewidth=0.3)
    polygons.plot(ax=overview, color=colours, edgecolor="#9a9a9a", linewidth=0.1)
    if wide.any():
        with rc_context(HATCH_STYLE):
            polygons[wide].plot(
                ax=overview, facecolor="none", edgecolor="#2a2a2a", hatch="///", linewidth=0.0
            )
    overview.add_patch(
        Rectangle(
            (cx - half_w, cy - half_h),
            2 * half_w,
            2 * half_h,
            fill=False,
            edgecolor="black",
            linewidth=0.8,
        )
    )
    overview.set_aspect("equal")
    overview.set_axis_off()
    overview.set_title("Hela kommunen", fontsize=6)

    if scheme == "verdict":
        entries = verdict_legend({v for v in verdicts if isinstance(v, str)}, lang="sv")
        labels = [textwrap.fill(e["label"], 22) for e in entries]
        handles = [
            Patch(facecolor=_hex(e["color"]), edgecolor="#6b6b6b", linewidth=0.4) for e in entries
        ]
        title = f"Jämfört med {PLACE.name}"
    else:
        decimals = 0 if indicator.kind == "count" else 1
        labels = [*(legend_labels(breaks, decimals=decimals) if breaks.k else []), MISSING_LABEL]
        labels = [textwrap.fill(label, 22) for label in labels]
        handles = [
            Patch(facecolor=_hex(c), edgecolor="#6b6b6b", linewidth=0.4)
            for c in [*palette_colors(palette, breaks.k), MISSING_COLOR]
        ]
        title = textwrap.fill(indicator.unit_sv, 22)
    if wide.any():
        with rc_context(HATCH_STYLE):
            handles.append(
                Patch(facecolor="white", edgecolor="#2a2a2a", hatch="////", linewidth=0.4)
            )
        labels.append(textwrap.fill("? " + UNCERTAIN_LABEL["sv"], 22))
    handles.append(Line2D([], [], color="black", linewidth=1.6))
    labels.append("Fokusområde")
    if (chosen & ~focus).any():
        handles.append(Line2D([], [], color="black", linewidth=1.1, linestyle=(0, (3, 1.5))))
        labels.append("Valt område")
    fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.71, 0.62),
        frameon=False,
        fontsize=5.5,
        title=title,
        title_fontsize=6,
        alignment="left",
        handlelength=1.6,
        borderaxespad=0.0,
    )
    return fig


def _spine_rows(catalogue: dict[str, Indicator], indicator_ids: set[str]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for role, heading in (("risk", "Riskfaktorer"), ("protective", "Skyddsfaktorer")):
        ids = [i.id for i in catalogue.values() if i.role == role and i.id in indicator_ids]
        if ids:
            rows.append(("group", heading))
            rows += [("indicator", i) for i in ids]
    return rows


def spine_figure(
    values: pd.DataFrame,
    catalogue: dict[str, Indicator],
    *,
    period: str,
    districts: Sequence[str],
    names: dict[str, str],
    municipality_code: str,
    width_mm: float = 180.0,
) -> Figure:
    """Spine charts side by side, one column per district (at most four), shared labels.

    Each row is an indicator: the light bar spans the districts from worst (left) to best
    (right), the dark bar their middle 50 %, the black line is Umeå. The mark's shape and
    the word beside it give the verdict against Umeå (docs/architecture.md principle 3).
    """
    profiles = {}
    for code in districts:
        profile = spine_data(
            values, catalogue, area_code=code, period=period, municipality_code=municipality_code
        )
        profiles[code] = (
            profile.set_index("indicator_id")
            if not profile.empty
            else pd.DataFrame(index=pd.Index([], name="indicator_id"))
        )
    ids = set().union(*[set(p.index) for p in profiles.values()])
    rows = _spine_rows(catalogue, ids)
    n = len(rows)
    width_in = width_mm / MM_PER_INCH
    height_in = 0.62 + 0.17 * n
    fig = Figure(figsize=(width_in, height_in))
    left = 0.22
    ax = fig.add_axes((left, 0.42 / height_in, 1 - left - 0.005, 1 - 0.72 / height_in))
    column = 4.0  # per district: spine in the first half, the verdict word after it
    half = 0.85
    for i, code in enumerate(districts):
        centre = i * column + 0.95
        profile = profiles[code]
        ax.text(
            centre + 0.7,
            -1.25,
            names.get(code, code),
            ha="center",
            va="bottom",
            fontsize=7.5,
            fontweight="bold",
        )
        for x, word in ((-1, "sämst"), (0, f"{PLACE.name}"), (1, "bäst")):
            ax.text(
                centre + x * half,
                n - 0.35,
                word,
                ha="center",
                va="top",
                fontsize=5.5,
                color="#555555",
            )
        ax.plot([centre, centre], [-0.6, n - 0.5], color="black", linewidth=0.9, zorder=3)
        for y, (kind, key) in enumerate(rows):
            if kind == "group":
                continue
            if key not in profile.index:
                ax.text(centre + half + 0.12, y, MISSING, va="center", fontsize=5.8)
                continue
            r = profile.loc[key]
            ax.add_patch(
                Rectangle(
                    (centre + r["worst"] * half, y - 0.3),
                    (r["best"] - r["worst"]) * half,
                    0.6,
                    facecolor="#e4e4e4",
                    edgecolor="none",
                    zorder=1,
                )
            )
            ax.add_patch(
                Rectangle(
                    (centre + r["q25"] * half, y - 0.3),
                    (r["q75"] - r["q25"]) * half,
                    0.6,
                    facecolor="#b8b8b8",
                    edgecolor="none",
                    zorder=2,
                )
            )
            if r["suppressed"] or not np.isfinite(r["position"]):
                ax.text(centre + half + 0.12, y, "– (prickad)", va="center", fontsize=5.8)
                continue
            verdict = r["verdict"] if isinstance(r["verdict"], str) else "not_compared"
            marker, colour = VERDICT_STYLE.get(verdict, VERDICT_STYLE["not_compared"])
            size = 7.5 if marker == "*" else 5.2
            ax.plot(
                centre + r["position"] * half,
                y,
                marker=marker,
                markersize=size,
                markerfacecolor=colour,
                markeredgecolor="black",
                markeredgewidth=0.5,
                zorder=4,
                linestyle="none",
            )
            ax.text(
                centre + half + 0.12,
                y,
                VERDICT_WORDS.get(verdict, verdict),
                va="center",
                fontsize=5.8,
            )
    labels = [
        key
        if kind == "group"
        else textwrap.fill(catalogue[key].name_sv, 34, max_lines=2, placeholder="…")
        for kind, key in rows
    ]
    ax.set_yticks(range(n), labels, fontsize=6, linespacing=0.95)
    for tick, (kind, _) in zip(ax.get_yticklabels(), rows, strict=True):
        if kind == "group":
            tick.set_fontweight("bold")
            tick.set_fontsize(7)
    ax.tick_params(axis="y", length=0)
    for y, (kind, _) in enumerate(rows):
        if kind == "group" and y > 0:
            ax.axhline(y - 0.5, color="#999999", linewidth=0.5)
    ax.set_xticks([])
    ax.set_xlim(-0.05, len(districts) * column - 0.1)
    ax.set_ylim(n - 0.4, -1.3)
    for side in ax.spines.values():
        side.set_visible(False)
    handles = [
        Line2D(
            [],
            [],
            marker="X",
            markersize=5.5,
            markerfacecolor=VERDICT_STYLE["higher_worse"][1],
            markeredgecolor="black",
            linestyle="none",
        ),
        Line2D(
            [],
            [],
            marker="*",
            markersize=8,
            markerfacecolor=VERDICT_STYLE["higher_better"][1],
            markeredgecolor="black",
            linestyle="none",
        ),
        Line2D(
            [],
            [],
            marker="o",
            markersize=5,
            markerfacecolor="white",
            markeredgecolor="black",
            linestyle="none",
        ),
        Patch(facecolor="#e4e4e4"),
        Patch(facecolor="#b8b8b8"),
        Line2D([], [], color="black", linewidth=0.9),
    ]
    labels = [
        f"Signifikant sämre än {PLACE.name}",
        f"Signifikant bättre än {PLACE.name}",
        "Ingen signifikant skillnad",
        "Alla områdens spridning",
        "Mittersta 50 %",
        f"{PLACE.name_municipality}",
    ]
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=6,
        fontsize=5.8,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
        handlelength=1.4,
        columnspacing=1.2,
    )
    return fig


def trend_figure(
    values: pd.DataFrame,
    catalogue: dict[str, Indicator],
    *,
    indicator_ids: Sequence[str],
    districts: Sequence[str],
    names: dict[str, str],
    municipality_code: str,
    period: str,
    interventions: pd.DataFrame | None = None,
    width_mm: float = 180.0,
) -> tuple[Figure, list[str]]:
    """Small multiples over the years up to ``period``: each district and Umeå with its 95 %
    interval band; dotted lines mark interventions in the chosen districts.

    Returns the figure and one note per numbered intervention line.
    """
    last = int(period)
    areas = [*districts, municipality_code]
    shown = values[
        values["indicator_id"].isin(list(indicator_ids))
        & values["area_code"].isin(areas)
        & values["value"].notna()
        & (values["period"] <= period)
    ]
    first = max(last - TREND_YEARS + 1, int(shown["period"].min()) if len(shown) else last)
    years = list(range(first, last + 1))
    year_text = [str(y) for y in years]
    ncols = 2
    nrows = int(np.ceil(len(indicator_ids) / ncols))
    width_in = width_mm / MM_PER_INCH
    fig = Figure(figsize=(width_in, 1.8 * nrows + 0.45), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    marks = intervention_marks(interventions, districts=districts, first=years[0], last=last)
    for ax, ind_id in zip(axes, indicator_ids, strict=False):
        ind = catalogue[ind_id]
        part = values[(values["indicator_id"] == ind_id) & values["period"].isin(year_text)]
        for j, code in enumerate(areas):
            series = (
                part[part["area_code"] == code]
                .set_index("period")
                .reindex(year_text)[["value", "lower", "upper"]]
                .astype(float)
            )
            is_muni = code == municipality_code
            colour = MUNICIPALITY_COLOUR if is_muni else AREA_COLOURS[j % len(AREA_COLOURS)]
            ax.fill_between(
                years,
                series["lower"],
                series["upper"],
                color=colour,
                alpha=0.13 if not is_muni else 0.10,
                linewidth=0,
            )
            ax.plot(
                years,
                series["value"],
                color=colour,
                linewidth=1.8 if is_muni else 1.1,
                linestyle="--" if is_muni else "-",
                marker=None if is_muni else AREA_MARKERS[j % len(AREA_MARKERS)],
                markersize=3,
            )
        for number, x, _ in marks:
            ax.axvline(x, color="#555555", linestyle=":", linewidth=0.9)
            ax.annotate(
                str(number),
                (x, 1.0),
                xycoords=("data", "axes fraction"),
                fontsize=6,
                ha="center",
                va="bottom",
                color="#333333",
            )
        ax.set_title(textwrap.shorten(ind.name_sv, 60, placeholder="…"), fontsize=7.5, pad=8)
        ax.set_ylabel(textwrap.fill(ind.unit_sv, 26), fontsize=6)
        ax.tick_params(labelsize=6)
        ax.set_xticks(years[::-2][::-1] if len(years) > 6 else years)
        ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
        ticks = ax.get_yticks()
        decimals = 0 if np.allclose(ticks, np.round(ticks)) else 1
        ax.yaxis.set_major_formatter(lambda v, _pos, d=decimals: fmt_number(v, decimals=d))
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes[len(indicator_ids) :]:
        ax.set_axis_off()
    handles = [
        Line2D(
            [],
            [],
            color=AREA_COLOURS[j % len(AREA_COLOURS)],
            marker=AREA_MARKERS[j % len(AREA_MARKERS)],
            markersize=3,
            linewidth=1.1,
        )
        for j in range(len(districts))
    ]
    handles.append(Line2D([], [], color=MUNICIPALITY_COLOUR, linestyle="--", linewidth=1.8))
    handles.append(Patch(facecolor="#888888", alpha=0.25))
    labels = [
        *[names.get(d, d) for d in districts],
        f"{PLACE.name_municipality}",
        "95 % konfidensintervall",
    ]
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncol=min(len(labels), 6),
        fontsize=6.3,
        frameon=False,
    )
    notes = [f"{number} = {text}" for number, _, text in marks]
    return fig, notes


# --------------------------------------------------------------------------- the document


def build_brief(
    store,
    *,
    period: str | int,
    districts: Iterable[str] | None = None,
    indicator: str | None = None,
    out: Path | str,
    made_on: date | None = None,
    role: str = "rad",
    level: str = DEFAULT_LEVEL,
    map_scheme: str = "verdict",
) -> Path:
    """Write the council brief PDF for one year and a few districts; returns its path.

    What the brief says comes from :func:`indicators.brief_content.brief_content`; this
    function reads the store (through :mod:`access`) and lays it out.

    Parameters
    ----------
    store : store.Store
    period : str or int
        A year present in the data, e.g. ``"2025"``; the previous year is the comparison.
    districts : iterable of str, optional
        District codes or names (default: the four focus districts); at most eight.
    indicator : str, optional
        Indicator id for the map (default: the first risk indicator with values).
    out : path
        Where to write the PDF (folders are created).
    made_on : datetime.date, optional
        Date printed as "framtaget" (default today).
    role : str
        Who asks (default the council, ``rad``): the values are read through
        :func:`access.reads.indicator_values` as that role may see them.
    level : str
        Confidence level of every interval and verdict: "95" (default) or Fingertips'
        "99.8" (:mod:`indicators.levels`); the brief names it.
    map_scheme : str
        The map's colouring: "verdict" against the municipality (default, as on screen) or
        "quantiles" (value classes); see :func:`map_figure`.

    Examples
    --------
    >>> from access.app import open_store
    >>> s = open_store("sqlite://"); s.migrate()
    >>> build_brief(s, period="2025", out="/tmp/x.pdf")
    Traceback (most recent call last):
    ...
    common.errors.UserError: Det finns inga indikatorvärden för 2025 (databasen är tom).
    """
    check_year(period)
    resolve_districts(districts)  # a bad district is named before the store is read
    level = parse_level(level)
    shown = level_text(level)
    catalogue = load_catalogue()
    content = brief_content(
        brief_values(store, role),
        catalogue,
        period=period,
        districts=districts,
        indicator=indicator,
        level=level,
    )
    period, codes, names = content.period, content.districts, content.names
    values, ind = content.values, content.headline
    demo = not has_real_data(store)
    made_on = made_on or date.today()

    pdf = BriefPDF(title=TITLE, demo=demo, made_on=made_on)
    pdf.add_page()
    _title_block(pdf, period=period, made_on=made_on, names=[names[c] for c in codes], demo=demo)

    pdf.section_heading(f"Karta: {ind.name_sv}, {fmt_period(period)}", size=11)
    top = pdf.get_y()
    if has_boundaries():
        map_width = 100.0
        height = add_figure(
            pdf,
            map_figure(
                values,
                ind,
                period=period,
                districts=codes,
                width_mm=map_width,
                scheme=map_scheme,
            ),
            width=map_width,
            move_down=False,
        )
        table_x = pdf.l_margin + map_width + 2
    else:  # table-and-chart mode: no boundary file for this place (data/place/<place>.yml)
        pdf.paragraph("Ingen karta: " + missing_boundaries_message(), size=6.5, color=MUTED_TEXT)
        top, height, table_x = pdf.get_y(), 0.0, pdf.l_margin
    pdf.set_y(top + 2)
    add_table(
        pdf,
        content.value_rows,
        headings=[
            "Område",
            "Värde",
            f"{shown} KI",
            "Antal / underlag",
            f"Jämfört med {PLACE.name}",
            "Jämfört med Sverige",
        ],
        col_widths=[1.3, 0.85, 1.2, 1.25, 1.2, 1.2],
        font_size=6.0,
        x=table_x,
        width=pdf.w - pdf.r_margin - table_x,
        align=["L", "R", "R", "R", "L", "L"],
    )
    pdf.set_x(table_x)
    pdf.ln(1.5)
    pdf.set_x(table_x)
    pdf.paragraph(
        f"Enhet: {ind.unit_sv}. Riktning: "
        f"{DIRECTION_LABELS[ind.direction]['sv'].lower()}. "
        + _map_note(ind, map_scheme, level=shown)
        + f" Källa: {ind.source}. "
        + content.data_line,
        size=6.5,
        color=MUTED_TEXT,
        width=pdf.w - pdf.r_margin - table_x,
    )
    partial = partial_benchmark_sentence(values, catalogue, period=period)
    if partial:
        pdf.set_x(table_x)
        pdf.paragraph(partial, size=7, style="B", width=pdf.w - pdf.r_margin - table_x)
    pdf.set_y(max(pdf.get_y(), top + height) + 3)

    _changes_section(pdf, content)
    _since_meeting_section(pdf, store, role, content, catalogue)
    pdf.ln(2)
    _summary_section(pdf, content, shown)
    pdf.ln(2)

    for start in range(0, len(codes), SPINE_COLUMNS_PER_FIGURE):
        group = codes[start : start + SPINE_COLUMNS_PER_FIGURE]
        figure = spine_figure(
            values,
            catalogue,
            period=period,
            districts=group,
            names=names,
            municipality_code=content.municipality,
        )
        if start == 0:  # keep the heading and its explanation with the chart
            pdf.ensure_space(_figure_height(figure, pdf.content_width) + 18)
            pdf.section_heading(
                f"Profil per område, {fmt_period(period)} (jämfört med {PLACE.name_municipality})",
                size=11,
                space_after=0.5,
            )
            pdf.paragraph(
                "Varje rad är en indikator. Positionen är skalad så att höger alltid är "
                f"bättre: {PLACE.name_municipality} ligger på mittlinjen, det sämsta området till "
                "vänster och det bästa till höger. Markeringens form och ordet bredvid "
                f"visar om området skiljer sig signifikant från {PLACE.name} ({shown}).",
                size=6.5,
                color=MUTED_TEXT,
            )
        add_figure(pdf, figure, width=pdf.content_width)
        pdf.ln(1)
    pdf.ln(1)

    figure, notes = trend_figure(
        values,
        catalogue,
        indicator_ids=content.trend_ids,
        districts=codes,
        names=names,
        municipality_code=content.municipality,
        period=period,
        interventions=read_interventions(store),
    )
    pdf.ensure_space(_figure_height(figure, pdf.content_width) + 10)
    pdf.section_heading("Trender över åren", size=11)
    add_figure(pdf, figure, width=pdf.content_width)
    if notes:
        pdf.paragraph(
            "Insatser (prickade linjer): " + "; ".join(notes) + ".", size=6.5, color=MUTED_TEXT
        )
    pdf.ln(1.5)
    _trend_table(pdf, content)
    pdf.ln(3)
    if interventions_section(
        pdf, store, role=role, period=period, districts=codes, names=names, catalogue=catalogue
    ):
        pdf.ln(2)
    demo_note = (
        f"{DEMO_LABEL}: värdena är syntetiska (deterministiska, kalibrerade "
        "mot offentliga totaler) och beskriver inte verkliga förhållanden."
    )
    add_boxed_text(pdf, "Metod", [*content.method, *([demo_note] if demo else [])])

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def _map_note(ind: Indicator, scheme: str, *, level: str) -> str:
    """The map's reading rule in words, beside the map."""
    if scheme == "verdict":
        how = (
            f"Kartan färgar varje område efter jämförelsen med {PLACE.name} ({level}, som i "
            "appen), inte efter värdets storlek"
        )
    else:
        how = f"Klassindelning: {SCHEME_LABELS[ind.default_scheme]['sv'].lower()} över alla områden"
    return (
        f"{how}; grått = uppgift saknas eller skyddad; snedstreckat och ”?” = osäkert "
        f"(intervallet bredare än värdet, eller ingen skillnad på färre än "
        f"{UNCERTAIN_MIN_EVENTS} händelser)."
    )


def partial_benchmark_sentence(values: pd.DataFrame, catalogue, *, period: str) -> str | None:
    """The brief's words for a partial benchmark: which indicators' Umeå value of ``period``
    is summed from only the stored districts (``benchmark_partial``, issue 16); None if none.

    Examples
    --------
    >>> from catalogue import load_catalogue
    >>> v = pd.DataFrame({"indicator_id": "skadegorelse", "period": "2025",
    ...                   "benchmark_partial": [True, False]})
    >>> partial_benchmark_sentence(v, load_catalogue(), period="2025")[:44]
    'Obs! Jämförelsevärdet för Umeå är ofullständ'
    >>> partial_benchmark_sentence(v.assign(benchmark_partial=False), load_catalogue(),
    ...                            period="2025") is None
    True
    """
    if "benchmark_partial" not in values.columns:
        return None
    rows = values[(values["period"].astype(str) == str(period)).to_numpy()]
    flagged = rows["benchmark_partial"].astype("boolean").fillna(False).to_numpy(bool)
    if not flagged.any():
        return None
    ids = list(dict.fromkeys(rows.loc[flagged, "indicator_id"].astype(str)))
    names = ", ".join(catalogue[i].name_sv if i in catalogue else i for i in ids)
    return (
        f"Obs! Jämförelsevärdet för {PLACE.name} är ofullständigt för {names}: det finns "
        "ingen inläst kommunsiffra, så det är summan av bara de distrikt som finns i "
        "databasen. Jämförelserna gäller mot dem, inte mot hela kommunen."
    )


def brief_values(store, role: str) -> pd.DataFrame:
    """The published values the brief reads: Sweden, the municipality and the districts, as
    ``role`` may see them (:func:`access.reads.indicator_values`).

    Examples
    --------
    >>> from access.app import open_store
    >>> s = open_store("sqlite://"); s.migrate()
    >>> brief_values(s, "rad").empty
    True
    """
    return indicator_values(store, role, levels=("country", "municipality", "district"))


def _figure_height(figure: Figure, width: float) -> float:
    w_in, h_in = figure.get_size_inches()
    return width * float(h_in) / float(w_in)


def _title_block(
    pdf: BriefPDF, *, period: str, made_on: date, names: list[str], demo: bool
) -> None:
    pdf.set_font(FONT_FAMILY, "B", 17)
    pdf.multi_cell(0, 8, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.paragraph(f"Period: {fmt_period(period)}   ·   Framtaget: {fmt_date(made_on)}", size=9.5)
    pdf.paragraph(f"Områden: {', '.join(names)}", size=9.5)
    if demo:
        pdf.paragraph(
            f"{DEMO_LABEL}: underlaget visar påhittade siffror för att visa hur rapporten ser ut.",
            size=8,
            style="B",
            color=(102, 60, 0),
        )
    pdf.ln(3)


def _changes_section(pdf: BriefPDF, content: BriefContent) -> None:
    pdf.section_heading(f"Vad har förändrats sedan {fmt_period(content.previous)}?", size=11)
    if not content.have_previous:
        pdf.paragraph(f"Det finns inga värden för {fmt_period(content.previous)} att jämföra med.")
    elif content.changes.empty:
        pdf.paragraph("Inga signifikanta förändringar sedan förra året för de valda områdena.")
    for row in content.changes.itertuples(index=False):
        pdf.set_font(FONT_FAMILY, "B", 9)
        pdf.set_text_color(*((190, 40, 20) if row.worse else (30, 100, 170)))
        pdf.cell(5, 4.2, "▲" if row.change == "higher" else "▼")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT_FAMILY, "", 8.5)
        pdf.multi_cell(0, 4.2, row.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.6)
    pdf.ln(1)
    pdf.paragraph(changes_note(), size=6.5, color=MUTED_TEXT)


def _since_meeting_section(
    pdf: BriefPDF, store, role: str, content: BriefContent, catalogue
) -> None:
    """ "Sedan rådets förra möte": new data since the last saved meeting date, the significant
    changes and the verdicts against Umeå that turned in it (indicators.brief_content)."""
    past = [d for d in council_meetings(store) if d <= date.today().isoformat()]
    if not past:
        return
    last = past[-1]
    loaded = loaded_since(store, role, last)
    pdf.section_heading(f"Sedan rådets förra möte ({last})", size=11)
    if loaded.empty:
        pdf.paragraph("Inga nya data har lästs in sedan mötet.", size=8.5)
        return
    for line in since_meeting_lines(
        loaded, content.values, catalogue, districts=content.districts, names=content.names
    ):
        pdf.paragraph(line, size=8.5)


def _summary_section(pdf: BriefPDF, content: BriefContent, shown: str = "95 %") -> None:
    pdf.section_heading(
        f"Läget i korthet, {fmt_period(content.period)}: jämfört med {PLACE.name_municipality}",
        size=11,
    )
    rows = content.summary_rows
    add_table(
        pdf,
        rows,
        headings=[
            "Område",
            "Sämre",
            "Bättre",
            "Ingen skillnad",
            "Prickade",
            f"Signifikant sämre än {PLACE.name}",
        ],
        col_widths=[1.3, 0.6, 0.6, 0.8, 0.75, 5.0],
        font_size=7,
        align=["L", "R", "R", "R", "R", "L"],
    )
    pdf.ln(1)
    pdf.paragraph(
        f"Antal indikatorer per område vars {shown}-intervall ligger helt över eller under "
        "kommunens värde, åt det håll som är sämre respektive bättre. Tabellen bygger på "
        "många jämförelser samtidigt, och med 95 % blir ungefär var tjugonde skillnad "
        "signifikant av ren slump (med 99,8 % ungefär var femhundrade). En skillnad räknas därför bara om den står sig när alla "
        "jämförelser i tabellen prövas tillsammans (Benjamini–Hochberg, högst ungefär en av "
        "tjugo räknade skillnader är ett falsklarm); övriga räknas som ingen skillnad. "
        "Indikatorer som är antal jämförs inte.",
        size=6.5,
        color=MUTED_TEXT,
    )


def _trend_table(pdf: BriefPDF, content: BriefContent) -> None:
    rows, headings = content.trend_rows, content.trend_headings
    pdf.ensure_space(16 + 5 * len(rows))
    pdf.section_heading("Trend per område (Fingertips trendmarkör)", size=9.5, space_after=1)
    add_table(
        pdf,
        rows,
        headings=headings,
        col_widths=[1.3, *[1.0] * len(content.trend_ids)],
        font_size=6.5,
    )
