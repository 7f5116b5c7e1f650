"""Karta: a full-page map — the indicator layer or a composite index, district names, and an
optional base map (off by default: the map is readable with no tiles, i.e. offline)."""

import pandas as pd
import streamlit as st

import ui
from indicators.compare import smoothed_rows
from ui import maps

ui.page_guard("karta")
t = ui.t
ind_id, ind, period, rows = ui.indicator_view()
layer = st.sidebar.radio(
    t("Lager", "Layer"),
    ["indicator", "risk", "protective"],
    key="karta_layer",
    format_func=lambda k: {
        "indicator": t("Indikatorn", "The indicator"),
        "risk": t("Riskindex", "Risk index"),
        "protective": t("Skyddsindex", "Protective index"),
    }[k],
)
with st.sidebar:
    scheme = maps.select_scheme(key="karta_scheme")
whole = st.sidebar.toggle(t("Hela kommunen", "Whole municipality"), key="karta_whole")
basemap = st.sidebar.toggle(
    t("Bakgrundskarta (kräver internet)", "Base map (needs internet)"),
    key="karta_basemap",
    value=False,
)

st.title(t("Karta", "Map"))
download_rows = rows
smooth = False
if layer == "indicator":
    smooth = ind.kind == "rate" and st.sidebar.toggle(
        t("Utjämnade kvoter (empirisk Bayes)", "Smoothed rates (empirical Bayes)"),
        key="karta_eb",
        value=False,
    )
    if smooth:
        # Shown beside, never instead of, the crude rates (the table below, the downloads).
        rows = smoothed_rows(rows, multiplier=float(ind.multiplier))
        st.info(
            t(
                "Kartan visar utjämnade kvoter: varje distrikts kvot dras mot kommunens i den mån "
                "distriktet är litet (empirisk Bayes, Marshall). Det är ett stöd för att se mönster, "
                "inte distriktets uppmätta värde – det står i tabellen och i nedladdningarna.",
                "The map shows smoothed rates: each district's rate is pulled towards the "
                "municipality's as far as the district is small (empirical Bayes, Marshall). An aid "
                "for seeing patterns, not the district's measured value — see the table and downloads.",
            )
        )
else:
    ranks = ui.composite_ranks(period)
    r = ranks[ranks["role"] == layer]
    rows = pd.DataFrame(
        {
            "area_code": r["area_code"],
            "value": r["score"],
            "lower": float("nan"),
            "upper": float("nan"),
            "numerator": float("nan"),
            "denominator": float("nan"),
            "verdict": None,
            "reason": r[f"label_{ui.lang()}"],
        }
    )
    st.caption(
        t(
            "Index för platser, aldrig personer. Se rangintervallen på Områdesprofil.",
            "Index of places, never people. See rank intervals on the District profile.",
        )
    )
where = {
    "key": "karta-map",
    "height": 640,
    "view": "municipality" if whole else "urban",
    "map_style": "light" if basemap else None,
    "scheme": scheme,
    # the map's derived layers are built once per (published version, role, these choices)
    "cache_key": (ind_id, period, layer, smooth),
}
clicked = (
    maps.district_choropleth(rows, ind, **where)
    if layer == "indicator"
    else maps.index_choropleth(rows, role=layer, **where)
)
if layer == "indicator":
    for note in ui.statistics_notes(download_rows):
        st.caption(note)
    if smooth:
        st.dataframe(ui.display_table(download_rows, ind), hide_index=True, width="stretch")
    ui.download_buttons(
        download_rows, ind, stem=f"uvts_karta_{ind_id}_{period}", key="karta", geojson=True
    )
if clicked:
    st.query_params["area"] = clicked
    st.switch_page("pages/omradesprofil.py")
