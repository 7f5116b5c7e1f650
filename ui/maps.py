"""Map drawing for pages: district choropleth with legend, selection and tooltip."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

import ui
from common.fmt import fmt_interval, fmt_number, fmt_value
from geo import PLACE
from geo.boundaries import district_polygons, has_boundaries, missing_boundaries_message
from geo.layers import (
    area_tooltip,
    choropleth_colors,
    choropleth_layer,
    deck,
    label_layer,
    legend_entries,
    municipality_view_state,
    palette_for_role,
    urban_view_state,
)
from indicators.disclosure import PROTECTED, PROTECTED_EN


@st.cache_data(show_spinner=False)
def _district_polygons():

    return district_polygons(crs=4326)


def _legend(entries: list[dict], unit: str) -> None:
    chips = "".join(
        f"<span style='display:inline-block;margin-right:10px;white-space:nowrap'>"
        f"<span style='display:inline-block;width:14px;height:14px;vertical-align:middle;"
        f"border:1px solid #888;background:rgb({e['color'][0]},{e['color'][1]},{e['color'][2]})'>"
        f"</span> {html.escape(e['label'])}</span>"
        for e in entries
    )
    st.html(f"<div style='font-size:0.85rem'><b>{html.escape(unit)}</b>: {chips}</div>")


def district_choropleth(
    rows: pd.DataFrame,
    ind: pd.Series,
    *,
    key: str,
    height: int = 460,
    view: str = "urban",
    map_style: str | None = None,
) -> str | None:
    """Draw the districts coloured by the indicator; returns the clicked district code, if any.

    A place without a boundary file (data/place/<place>.yml) runs in table-and-chart mode: a
    note says which file to add, and the tables and charts beside it carry the figures."""
    if not has_boundaries():
        st.info(
            ui.t(
                "**Ingen karta ännu – tabell- och diagramläge.** ",
                "**No map yet – table and chart mode.** ",
            )
            + missing_boundaries_message(),
            icon="🗺️",
        )
        return None

    lg = ui.lang()
    gdf = _district_polygons().merge(
        rows[
            [
                "area_code",
                "value",
                "lower",
                "upper",
                "numerator",
                "denominator",
                "verdict",
                "reason",
            ]
        ],
        left_on="code",
        right_on="area_code",
        how="left",
    )
    palette = palette_for_role(ind["role"])
    colours, breaks = choropleth_colors(
        gdf["value"].to_numpy(float), scheme=ind["default_scheme"], palette=palette
    )
    kind, mult = ind["kind"], ind["multiplier"]
    gdf["v_text"] = [fmt_value(v, kind=kind, multiplier=mult, lang=lg) for v in gdf["value"]]
    gdf["ci_text"] = [
        fmt_interval(a, b, kind=kind, multiplier=mult, lang=lg)
        for a, b in zip(gdf["lower"], gdf["upper"], strict=True)
    ]
    gdf["nd_text"] = [
        f"{fmt_number(n, decimals=0, lang=lg)} / {fmt_number(d, decimals=0, lang=lg)}"
        for n, d in zip(gdf["numerator"], gdf["denominator"], strict=True)
    ]
    gdf["verdict_text"] = [
        ui.verdict_text(v)
        if not isinstance(r, str)
        else ui.t(PROTECTED, PROTECTED_EN)
        if r == PROTECTED
        else r
        for v, r in zip(gdf["verdict"], gdf["reason"], strict=True)
    ]
    gdf["name"] = gdf["name"].map(html.escape)
    tooltip = area_tooltip(
        {
            ui.t("Värde", "Value"): "v_text",
            ui.t("95 % KI", "95% CI"): "ci_text",
            ui.t("Täljare / nämnare", "Numerator / denominator"): "nd_text",
            ui.t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"): "verdict_text",
        }
    )
    layer = choropleth_layer(
        gdf,
        "v_text",
        colours,
        tooltip_cols=["ci_text", "nd_text", "verdict_text"],
        layer_id="districts",
    )
    view_state = urban_view_state() if view == "urban" else municipality_view_state()
    view_state.zoom = round(view_state.zoom - 0.45, 2)  # a little room around the town districts
    d = deck(
        [layer, label_layer(_district_polygons())],
        view_state=view_state,
        tooltip=tooltip,
        height=height,
        map_style=map_style,
        background=map_style is None,
    )
    event = st.pydeck_chart(
        d, height=height, on_select="rerun", selection_mode="single-object", key=key
    )
    unit = ind["unit_sv"] if lg == "sv" else ind["unit_en"]
    _legend(legend_entries(breaks, palette=palette), unit)
    try:
        objects = event.selection.objects.get("districts", [])
    except AttributeError:
        objects = []
    if objects:
        return objects[0].get("properties", objects[0]).get("code")
    return None
