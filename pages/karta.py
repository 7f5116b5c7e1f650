"""Karta: a full-page map — the indicator layer or a composite index, district names, and an
optional base map (off by default: the map is readable with no tiles, i.e. offline)."""

import pandas as pd
import streamlit as st

import ui
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
whole = st.sidebar.toggle(t("Hela kommunen", "Whole municipality"), key="karta_whole")
basemap = st.sidebar.toggle(
    t("Bakgrundskarta (kräver internet)", "Base map (needs internet)"),
    key="karta_basemap",
    value=False,
)

st.title(t("Karta", "Map"))
if layer == "indicator":
    shown = ind
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
    shown = pd.Series(
        {
            "kind": "mean",
            "multiplier": 1,
            "role": layer,
            "default_scheme": "quantiles",
            "unit_sv": "indexvärde (z)",
            "unit_en": "index score (z)",
        }
    )
    st.caption(
        t(
            "Index för platser, aldrig personer. Se rangintervallen på Områdesprofil.",
            "Index of places, never people. See rank intervals on the District profile.",
        )
    )
clicked = maps.district_choropleth(
    rows,
    shown,
    key="karta-map",
    height=640,
    view="municipality" if whole else "urban",
    map_style="light" if basemap else None,
)
if layer == "indicator":
    ui.download_buttons(rows, ind, stem=f"uvts_karta_{ind_id}_{period}", key="karta", geojson=True)
if clicked:
    st.query_params["area"] = clicked
    st.switch_page("pages/omradesprofil.py")
