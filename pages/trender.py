"""Trender: one indicator, chosen districts and the municipality, lines with interval bands."""

import streamlit as st

import ui
from common.periods import year_mask
from geo import PLACE
from ui import charts

ui.page_guard("trender")
t = ui.t
ind_id = ui.select_indicator()
ind = ui.catalogue()[ind_id]
districts = ui.select_districts()

st.title(t("Trender", "Trends"))
municipality = ui.municipality_code()


def _rows():
    v = ui.values()
    return v[
        (v["indicator_id"] == ind_id)
        & v["area_code"].isin([*districts, municipality])
        & year_mask(v["period"])
    ]


rows = ui.derived("trend_rows", _rows, ind_id, tuple(districts))
interventions = ui.interventions(districts)
unit = ui.indicator_unit(ind)
st.caption(
    f"{ui.indicator_name(ind)} ({unit}). "
    + t(
        f"Skuggat band = {ui.level_label()} konfidensintervall; streckad linje = hela {PLACE.name}; "
        "◆ = insats. Luckor = prickade värden.",
        f"Shaded band = {ui.level_label()} confidence interval; dashed line = all of {PLACE.name}; ◆ = intervention. "
        "Gaps = suppressed values.",
    )
)
# The figure is built once per (version, role, choices); Streamlit serialises a copy of it.
fig = ui.derived(
    "trend_figure",
    lambda: charts.trend_lines(
        rows, y_title=unit, interventions=interventions, municipality_code=municipality
    ),
    ind_id,
    tuple(districts),
    unit,
    tuple(
        interventions.reindex(columns=["name", "start_date"])  # none registered: no columns
        .astype(str)
        .itertuples(index=False, name=None)
    ),
)
st.plotly_chart(fig, width="stretch", key="trend-chart")
latest = rows.sort_values("period").groupby("area_code").tail(1)
ui.show_table(latest, ind)
for note in ui.statistics_notes(latest):
    st.caption(note)
ui.download_buttons(rows, ind, stem=f"uvts_trend_{ind_id}", key="trender")
