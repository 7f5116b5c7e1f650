"""Map drawing for pages: district choropleth with legend, selection and tooltip."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

import ui
from catalogue import Indicator
from common.fmt import fmt_interval, fmt_number, fmt_value
from geo import PLACE
from geo.boundaries import district_polygons, has_boundaries, missing_boundaries_message
from geo.layers import (
    HATCH_SPACING_M,
    UNCERTAIN_MIN_EVENTS,
    area_tooltip,
    boundary_layer,
    choropleth_colors,
    choropleth_layer,
    deck,
    hatch_layer,
    label_layer,
    label_positions,
    legend_entries,
    municipality_view_state,
    palette_for_role,
    town_bounds,
    uncluttered,
    urban_view_state,
    verdict_colors,
)
from indicators.disclosure import PROTECTED, PROTECTED_EN
from indicators.verdict_map import (
    MAP_SYMBOL,
    UNCERTAIN_LABEL,
    has_verdicts,
    map_uncertain,
    verdict_legend,
)


@st.cache_data(show_spinner=False)
def _district_polygons():

    return district_polygons(crs=4326)


def _legend(entries: list[dict], unit: str) -> None:
    """Colour chips with words (and the symbol drawn on the map) — never colour alone."""
    chips = "".join(
        f"<span style='display:inline-block;margin-right:10px;white-space:nowrap'>"
        f"<span class='{'uvts-hatch' if e.get('hatch') else 'uvts-chip'}' "
        f"style='display:inline-block;width:14px;height:14px;vertical-align:middle;"
        f"border:1px solid #555;background:{_chip_background(e)}'>"
        f"</span> {html.escape(e['label'])}</span>"
        for e in entries
    )
    st.html(
        f"<div class='uvts-legend' style='font-size:0.85rem;color:#222'>"
        f"<b>{html.escape(unit)}</b>: {chips}</div>"
    )


def _chip_background(entry: dict) -> str:
    r, g, b = entry["color"][:3]
    if entry.get("hatch"):  # the map's diagonal "osäkert" lines (geo.layers.hatch_layer)
        return f"repeating-linear-gradient(135deg,#3c3c3c 0 1.5px,rgb({r},{g},{b}) 1.5px 5px)"
    return f"rgb({r},{g},{b})"


SCHEMES = ("verdict", "quantiles")


def select_scheme(*, key: str) -> str:
    """Map colouring: verdict against Umeå (default, as Fingertips) or value classes."""
    return st.radio(
        ui.t("Färglägg efter", "Colour by"),
        SCHEMES,
        key=key,
        horizontal=True,
        format_func=lambda s: {
            "verdict": ui.t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"),
            "quantiles": ui.t("Värde (kvantiler)", "Value (quantiles)"),
        }[s],
    )


#: Districts smaller than this (km²) get no label in the whole-municipality view: the town's
#: districts would pile into one unreadable heap (their names are in the tooltip and table).
LABEL_MIN_KM2_MUNICIPALITY = 15.0


def district_choropleth(
    rows: pd.DataFrame,
    ind: Indicator,
    *,
    key: str,
    height: int = 460,
    view: str = "urban",
    map_style: str | None = None,
    scheme: str = "verdict",
    cache_key: tuple | None = None,
) -> str | None:
    """Draw the districts coloured by verdict against Umeå (default) or by value classes;
    returns the clicked district code, if any.

    ``cache_key`` (the choices that select ``rows``, e.g. indicator and period) lets the map
    be built once per published version and role (ui.reads.derived) instead of per rerun.

    Focus districts are outlined; areas whose interval is very wide are marked "osäkert" in the
    label, drawn paler and hatched with diagonal lines (geo.layers.hatch_layer, docs/maps.md);
    in the whole-municipality view only large districts are labelled.
    """
    return _choropleth(
        rows,
        kind=ind.kind,
        multiplier=ind.multiplier,
        role=ind.role,
        default_scheme=ind.default_scheme,
        unit=ui.indicator_unit(ind),
        key=key,
        height=height,
        view=view,
        map_style=map_style,
        scheme=scheme,
        cache_key=cache_key,
    )


def index_choropleth(
    rows: pd.DataFrame,
    *,
    role: str,
    key: str,
    height: int = 460,
    view: str = "urban",
    map_style: str | None = None,
    scheme: str = "quantiles",
    cache_key: tuple | None = None,
) -> str | None:
    """Draw a composite index (``role`` "risk" or "protective", scores in ``value``) by
    district in value classes; returns the clicked district code, if any.

    ``cache_key`` as for :func:`district_choropleth`."""
    return _choropleth(
        rows,
        kind="mean",
        multiplier=1,
        role=role,
        default_scheme="quantiles",
        unit=ui.t("indexvärde (z)", "index score (z)"),
        key=key,
        height=height,
        view=view,
        map_style=map_style,
        scheme=scheme,
        cache_key=cache_key,
    )


def _choropleth(
    rows: pd.DataFrame,
    *,
    kind: str,
    multiplier: float,
    role: str,
    default_scheme: str,
    unit: str,
    key: str,
    height: int,
    view: str,
    map_style: str | None,
    scheme: str,
    cache_key: tuple | None = None,
) -> str | None:
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

    options = {
        "kind": kind,
        "multiplier": multiplier,
        "role": role,
        "default_scheme": default_scheme,
        "unit": unit,
        "height": height,
        "view": view,
        "map_style": map_style,
        "scheme": scheme,
    }
    if cache_key is None:
        d, entries, title = _choropleth_parts(rows, **options)
    else:
        d, entries, title = ui.derived(
            "choropleth",
            lambda: _choropleth_parts(rows, **options),
            *cache_key,
            *options.values(),
            ui.lang(),
        )
    event = st.pydeck_chart(
        d, height=height, on_select="rerun", selection_mode="single-object", key=key
    )
    _legend(entries, title)
    st.caption(
        ui.t(
            "Tjock svart kant = fokusområde. Snedstreck, ”?” och blekare färg = osäkert: "
            f"{ui.level_label()}-intervallet är "
            "bredare än värdet självt, eller ”ingen signifikant skillnad” bygger på färre än "
            f"{UNCERTAIN_MIN_EVENTS} händelser (jämförelsen kunde knappast visa en skillnad). "
            "Klicka på ett område för dess profil.",
            "Thick black outline = focus district. Diagonal lines, '?' and paler colour = "
            "uncertain: the "
            f"{ui.level_label()} interval is wider than the value itself, or 'no significant difference' rests on "
            f"fewer than {UNCERTAIN_MIN_EVENTS} events (the comparison could hardly show a "
            "difference). Click a district for its profile.",
        )
        + ui.t(
            " Namn som inte får plats på kartan står i verktygstipset.",
            " Names that do not fit on the map are in the tooltip.",
        )
    )
    try:
        objects = event.selection.objects.get("districts", [])
    except AttributeError:
        objects = []
    if objects:
        return objects[0].get("properties", objects[0]).get("code")
    return None


def _choropleth_parts(
    rows: pd.DataFrame,
    *,
    kind: str,
    multiplier: float,
    role: str,
    default_scheme: str,
    unit: str,
    height: int,
    view: str,
    map_style: str | None,
    scheme: str,
):
    """The deck, legend entries and legend title of a district map (no drawing here)."""
    lg = ui.lang()
    polygons = _district_polygons()

    gdf = polygons.merge(
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
    if scheme == "verdict" and not has_verdicts(gdf["verdict"]):
        scheme = "quantiles"  # e.g. composite indices: no verdict to colour by
    palette = palette_for_role(role)
    decimals = 0 if kind == "count" else 1
    breaks = None
    if scheme == "verdict":
        colours = verdict_colors(gdf["verdict"].tolist())
    else:
        colours, breaks = choropleth_colors(
            gdf["value"].to_numpy(float),
            scheme=default_scheme if scheme == "quantiles" else scheme,
            palette=palette,
            decimals=decimals,
        )
    # the one "osäkert" rule of every map (indicators.verdict_map, docs/maps.md)
    wide = map_uncertain(gdf, kind=kind)
    # paler fill and hatch lines where the figure is uncertain (the label says "?" too)
    colours = [[*c[:3], 110] if w else [*c[:3], 235] for c, w in zip(colours, wide, strict=True)]
    mult = multiplier
    gdf["v_text"] = [fmt_value(v, kind=kind, multiplier=mult, lang=lg) for v in gdf["value"]]
    gdf["ci_text"] = [
        fmt_interval(a, b, kind=kind, multiplier=mult, lang=lg)
        + (ui.t(" (osäkert)", " (uncertain)") if w else "")
        for a, b, w in zip(gdf["lower"], gdf["upper"], wide, strict=True)
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
            ui.ci_heading(): "ci_text",
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
        opacity=1.0,
    )
    # Labels carry the meaning in symbols too: verdict symbol and "?" for a wide interval.
    labels = polygons.copy()
    symbol = [MAP_SYMBOL.get(v, "") if isinstance(v, str) else "" for v in gdf["verdict"]]
    labels["name"] = [
        f"{n} {s}{'?' if w else ''}".strip()
        for n, s, w in zip(
            polygons["name"], symbol if scheme == "verdict" else [""] * len(gdf), wide, strict=True
        )
    ]
    km2 = polygons.to_crs(3006).area / 1e6
    if view != "urban":
        labels = labels[(km2 >= LABEL_MIN_KM2_MUNICIPALITY).to_numpy()]
    focus = polygons[polygons["focus"].astype(bool)]
    view_state = urban_view_state() if view == "urban" else municipality_view_state()
    if view == "urban":  # a little room around the town districts
        view_state.zoom = round(view_state.zoom - 0.45, 2)
    # No label heap: focus districts first, then the larger districts; a label that would
    # overlap one already placed is left out (its name is in the tooltip and the table).
    order = sorted(
        range(len(labels)),
        key=lambda i: (not bool(labels["focus"].iloc[i]), -km2.loc[labels.index[i]]),
    )
    labels = labels.iloc[order]
    keep = uncluttered(
        label_positions(labels), labels["name"].tolist(), zoom=view_state.zoom, size_px=14
    )
    labels = labels[keep]
    hatch = (
        [
            hatch_layer(
                polygons[wide],
                spacing_m=HATCH_SPACING_M[view],
                layer_id="uncertain",
                clip_m=town_bounds() if view == "urban" else None,
            )
        ]
        if wide.any()
        else []
    )
    d = deck(
        [
            layer,
            *hatch,
            boundary_layer(focus, layer_id="focus", line_color=[20, 20, 20], line_width_px=4),
            label_layer(labels),
        ],
        view_state=view_state,
        tooltip=tooltip,
        height=height,
        map_style=map_style,
        background=map_style is None,
    )
    if scheme == "verdict":
        entries = verdict_legend(set(gdf["verdict"].dropna()), lang=lg)
        title = ui.t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}")
    else:
        entries = legend_entries(breaks, palette=palette, decimals=decimals)
        entries[-1]["label"] = ui.t("Uppgift saknas eller dold", "Missing or suppressed")
        title = unit
    if wide.any():
        entries.append(
            {"label": "? " + UNCERTAIN_LABEL[lg], "color": [236, 236, 236], "hatch": True}
        )
    return d, entries, title
