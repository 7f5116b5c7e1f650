"""Reference page for the page benchmark: draws the same kinds of elements as the real pages
from data already in memory — a pydeck map of all 121 stadsdel polygons, a plotly line chart
of 5 × 11 points and a 121-row table. No data access, no computation."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from geo.boundaries import stadsdel_polygons
from geo.layers import choropleth_layer, deck, urban_view_state


@st.cache_resource
def _data():
    gdf = stadsdel_polygons(crs=4326)
    rng = np.random.default_rng(1)
    gdf["value"] = rng.uniform(0, 10, len(gdf))
    lines = pd.DataFrame(
        {
            "year": np.tile(np.arange(2015, 2026), 5),
            "area": np.repeat(list("ABCDE"), 11),
            "value": rng.uniform(0, 10, 55),
        }
    )
    return gdf, lines


gdf, lines = _data()
choice = st.selectbox("Val", ["a", "b", "c"], key="choice")
colours = [[int(v * 25), 100, 150] for v in gdf["value"]]
st.pydeck_chart(deck([choropleth_layer(gdf, "value", colours)], view_state=urban_view_state()))
fig = go.Figure([go.Scatter(x=p["year"], y=p["value"], name=a) for a, p in lines.groupby("area")])
st.plotly_chart(fig)
st.dataframe(gdf[["code", "name", "value"]], hide_index=True)
