"""Plotly figures the pages share (drawing only; data arrives computed and suppressed)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe–Ito: distinguishable with common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def trend_lines(series: pd.DataFrame, *, y_title: str, interventions: pd.DataFrame | None = None,
                labels: dict[str, str] | None = None, municipality_code: str | None = None) -> go.Figure:
    """Lines per area over years with 95 % interval bands; intervention dates as markers.

    ``series`` has area_code, area_name, period, value, lower, upper (suppressed = NaN, a gap).
    """
    fig = go.Figure()
    for i, (code, part) in enumerate(series.groupby("area_code", sort=False)):
        part = part.sort_values("period")
        colour = "#555555" if code == municipality_code else OKABE_ITO[i % len(OKABE_ITO)]
        x = part["period"].astype(int)
        name = (labels or {}).get(code, part["area_name"].iloc[0])
        fig.add_trace(go.Scatter(x=list(x) + list(x[::-1]),
                                 y=list(part["upper"]) + list(part["lower"][::-1]),
                                 fill="toself", fillcolor=_rgba(colour, 0.15), line={"width": 0},
                                 hoverinfo="skip", showlegend=False, legendgroup=code))
        fig.add_trace(go.Scatter(x=x, y=part["value"], mode="lines+markers", name=name,
                                 legendgroup=code,
                                 line={"color": colour, "width": 3 if code == municipality_code else 2,
                                       "dash": "dash" if code == municipality_code else "solid"},
                                 customdata=part[["lower", "upper"]],
                                 hovertemplate="%{x}: %{y:.1f} (%{customdata[0]:.1f}–%{customdata[1]:.1f})"))
    if interventions is not None:
        for _, iv in interventions.iterrows():
            when = pd.Timestamp(iv["start_date"])
            x = when.year + (when.dayofyear - 1) / 365.25
            fig.add_vline(x=x, line={"color": "#444", "dash": "dot", "width": 1})
            fig.add_annotation(x=x, y=1.0, yref="paper", text=f"◆ {iv['name']}", showarrow=False,
                               textangle=-90, xanchor="right", yanchor="top", font={"size": 11})
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=460,
                      yaxis_title=y_title, xaxis={"dtick": 1, "title": None},
                      legend={"orientation": "h", "y": -0.15}, separators=", ",
                      plot_bgcolor="white")
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig
