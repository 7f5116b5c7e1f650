"""Plotly figures the pages share (drawing only; data arrives computed and suppressed)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from common.fmt import fmt_number
from geo import PLACE
from indicators.verdicts import VERDICTS

# Okabe–Ito: distinguishable with common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _runs(mask: pd.Series) -> list[slice]:
    """Positional slices of consecutive True values.

    Examples
    --------
    >>> _runs(pd.Series([True, True, False, True]))
    [slice(0, 2, None), slice(3, 4, None)]
    """
    runs, start = [], None
    for i, ok in enumerate([*mask.tolist(), False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            runs.append(slice(start, i))
            start = None
    return runs


def trend_lines(
    series: pd.DataFrame,
    *,
    y_title: str,
    interventions: pd.DataFrame | None = None,
    labels: dict[str, str] | None = None,
    municipality_code: str | None = None,
) -> go.Figure:
    """Lines per area over years with 95 % interval bands; intervention dates as markers.

    ``series`` has area_code, area_name, period, value, lower, upper (suppressed = NaN, a gap).
    """
    fig = go.Figure()
    for i, (code, part) in enumerate(series.groupby("area_code", sort=False)):
        part = part.sort_values("period")
        colour = "#555555" if code == municipality_code else OKABE_ITO[i % len(OKABE_ITO)]
        x = part["period"].astype(int)
        name = (labels or {}).get(code, part["area_name"].iloc[0])
        # One band polygon per run of years with an interval: a band never bridges a gap
        # (a suppressed year), and light enough that five overlapping bands stay readable.
        for seg in _runs(part["lower"].notna() & part["upper"].notna()):
            sx = list(x.iloc[seg])
            fig.add_trace(
                go.Scatter(
                    x=sx + sx[::-1],
                    y=list(part["upper"].iloc[seg]) + list(part["lower"].iloc[seg][::-1]),
                    mode="lines",
                    fill="toself",
                    fillcolor=_rgba(colour, 0.09),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=code,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["value"],
                mode="lines+markers",
                name=name,
                legendgroup=code,
                line={
                    "color": colour,
                    "width": 3 if code == municipality_code else 2,
                    "dash": "dash" if code == municipality_code else "solid",
                },
                customdata=part[["lower", "upper"]],
                hovertemplate="%{x}: %{y:.1f} (%{customdata[0]:.1f}–%{customdata[1]:.1f})",
            )
        )
    if interventions is not None:
        for _, iv in interventions.iterrows():
            when = pd.Timestamp(iv["start_date"])
            x = when.year + (when.dayofyear - 1) / 365.25
            fig.add_vline(x=x, line={"color": "#444", "dash": "dot", "width": 1})
            fig.add_annotation(
                x=x,
                y=1.0,
                yref="paper",
                text=f"◆ {iv['name']}",
                showarrow=False,
                textangle=-90,
                xanchor="right",
                yanchor="top",
                font={"size": 11},
            )
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=460,
        yaxis_title=y_title,
        xaxis={"dtick": 1, "title": None},
        legend={"orientation": "h", "y": -0.15},
        separators=", ",
        plot_bgcolor="white",
    )
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def funnel(
    points: pd.DataFrame, curve: pd.DataFrame, *, y_title: str, x_title: str, lang: str
) -> go.Figure:
    """Funnel plot: districts by denominator, municipal baseline, 95 % and 99,8 % limits."""
    fig = go.Figure()
    for tag, dash, label in (("998", "dash", "99,8 %"), ("95", "dot", "95 %")):
        for side in ("lower", "upper"):
            fig.add_trace(
                go.Scatter(
                    x=curve["n"],
                    y=curve[f"{side}_{tag}"],
                    mode="lines",
                    line={"color": "#666", "dash": dash, "width": 1},
                    name=(
                        f"{label}-{'gräns' if lang == 'sv' else 'limit'}"
                        if lang == "sv"
                        else f"{label.replace(',', '.').replace(' ', '')} limit"
                    ),
                    showlegend=side == "upper",
                    hoverinfo="skip",
                )
            )
    fig.add_trace(
        go.Scatter(
            x=curve["n"],
            y=curve["baseline"],
            mode="lines",
            line={"color": "#000", "width": 1.5},
            name=f"{PLACE.name} (hela kommunen)"
            if lang == "sv"
            else f"{PLACE.name} (whole municipality)",
            hoverinfo="skip",
        )
    )
    symbols = {
        "high_0.001": "triangle-up",
        "high_0.025": "triangle-up-open",
        "within": "circle",
        "low_0.025": "triangle-down-open",
        "low_0.001": "triangle-down",
    }
    colours = {
        "high_0.001": OKABE_ITO[5],
        "high_0.025": OKABE_ITO[1],
        "within": OKABE_ITO[0],
        "low_0.025": OKABE_ITO[4],
        "low_0.001": OKABE_ITO[2],
    }
    for flag, part in points.groupby("flag"):
        # Names only for districts outside the limits (no heap of overlapping labels); every
        # point names itself on hover.
        show_text = flag != "within"
        fig.add_trace(
            go.Scatter(
                x=part["denominator"],
                y=part["value"],
                mode="markers+text" if show_text else "markers",
                text=part["area_name"],
                textposition=_alternating_positions(len(part)),
                name=FUNNEL_WORDS.get(flag, {"sv": flag, "en": flag})[lang],
                marker={
                    "symbol": symbols.get(flag, "circle"),
                    "size": 11,
                    "color": colours.get(flag, "#333"),
                    "line": {"width": 1, "color": "#333"},
                },
                hovertemplate="%{text}: %{y:.1f} (n = %{x:,.0f})<extra></extra>",
            )
        )
    lo, hi = float(curve["n"].min()), float(curve["n"].max())
    ticks = log_ticks(lo, hi)
    fig.update_layout(
        height=520,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=x_title,
        yaxis_title=y_title,
        plot_bgcolor="white",
        separators=", " if lang == "sv" else ".,",
        legend={"orientation": "h", "y": -0.2},
    )
    fig.update_xaxes(
        type="log",
        gridcolor="#e5e5e5",
        tickvals=ticks,
        ticktext=[fmt_number(v, decimals=0, lang=lang) for v in ticks],
    )
    fig.update_yaxes(gridcolor="#e5e5e5")
    return fig


#: Funnel flags in words (the legend of the funnel plot).
FUNNEL_WORDS = {
    "high_0.001": {"sv": "Över 99,8 %-gränsen", "en": "Above the 99.8% limit"},
    "high_0.025": {"sv": "Över 95 %-gränsen", "en": "Above the 95% limit"},
    "within": {"sv": "Inom gränserna", "en": "Within the limits"},
    "low_0.025": {"sv": "Under 95 %-gränsen", "en": "Below the 95% limit"},
    "low_0.001": {"sv": "Under 99,8 %-gränsen", "en": "Below the 99.8% limit"},
    "not_compared": {"sv": "Kan inte jämföras", "en": "Cannot be compared"},
}


def _alternating_positions(n: int) -> list[str]:
    return ["top center" if i % 2 == 0 else "bottom center" for i in range(n)]


def log_ticks(lo: float, hi: float) -> list[float]:
    """Readable ticks for a log axis: 1, 2, 5 × powers of ten within [lo, hi].

    Examples
    --------
    >>> log_ticks(30, 1200)
    [50.0, 100.0, 200.0, 500.0, 1000.0]
    """
    if not (lo > 0 and hi >= lo):
        return []
    ticks = []
    for exp in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            v = float(m * 10**exp)
            if lo <= v <= hi:
                ticks.append(v)
    return ticks


#: Views of the one verdict table (indicators.verdicts): the symbol and the text carry the
#: verdict too.
VERDICT_COLOURS = {code: v.colour for code, v in VERDICTS.items()}
VERDICT_MARKERS = {code: v.marker for code, v in VERDICTS.items()}


def spine(rows: pd.DataFrame, *, lang: str, verdict_text) -> go.Figure:
    """Fingertips-style spine chart: municipality at 0, worst district left, best right."""
    rows = rows.iloc[::-1]
    names = rows["name_sv" if lang == "sv" else "name_en"]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=names,
            x=rows["best"] - rows["worst"],
            base=rows["worst"],
            orientation="h",
            marker={"color": "#e3e3e3"},
            hoverinfo="skip",
            showlegend=False,
            width=0.6,
        )
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=rows["q75"] - rows["q25"],
            base=rows["q25"],
            orientation="h",
            marker={"color": "#bdbdbd"},
            hoverinfo="skip",
            showlegend=False,
            width=0.6,
        )
    )
    texts = [
        verdict_text(v) if not s else "–"
        for v, s in zip(rows["verdict"], rows["suppressed"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            y=names,
            x=rows["position"],
            mode="markers",
            showlegend=False,
            text=texts,
            marker={
                "size": 13,
                "color": [VERDICT_COLOURS.get(v, "#777") for v in rows["verdict"]],
                "symbol": [VERDICT_MARKERS.get(v, "circle") for v in rows["verdict"]],
                "line": {"width": 1, "color": "#222"},
            },
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#000", "width": 2})
    fig.update_layout(
        height=max(300, 28 * len(rows) + 80),
        barmode="overlay",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor="white",
        xaxis={
            "range": [-1.1, 1.1],
            "tickvals": [-1, 0, 1],
            "ticktext": [
                "sämst" if lang == "sv" else "worst",
                f"{PLACE.name}",
                "bäst" if lang == "sv" else "best",
            ],
        },
    )
    return fig
