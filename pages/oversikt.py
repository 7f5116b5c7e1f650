"""Översikt: map of one indicator by district with a table beside it."""

import streamlit as st

from pages import maps, ui

t = ui.t
ind_id = ui.select_indicator()
ind = ui.catalogue_frame().loc[ind_id]
period = ui.select_period(ind_id)

st.title(t("Översikt", "Overview"))
v = ui.values()
rows = v[(v["indicator_id"] == ind_id) & (v["period"] == period)]
st.caption(f"{ui.indicator_name(ind)} · {ind['unit_sv' if ui.lang() == 'sv' else 'unit_en']} · "
           f"{t('period', 'period')} {period}")
left, right = st.columns([3, 2])
with left:
    maps.district_choropleth(rows, ind, key="oversikt-map")
with right:
    st.dataframe(ui.display_table(rows, ind), hide_index=True, use_container_width=True, height=460)
    ui.download_buttons(rows, ind, stem=f"uvts_{ind_id}_{period}", key="oversikt")
