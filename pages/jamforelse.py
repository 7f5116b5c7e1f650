"""Jämförelse: funnel plot of all districts for one indicator, and a sortable table with intervals."""

import streamlit as st

import ui
from indicators.compare import funnel_data
from ui import charts

ui.page_guard("jamforelse")
t = ui.t
ind_id, ind, period, rows = ui.indicator_view()

st.title(t("Jämförelse", "Comparison"))
municipality = ui.municipality_code()
points, curve = funnel_data(
    rows, kind=ind.kind, multiplier=ind.multiplier, municipality_code=municipality
)
unit = ui.indicator_unit(ind)
if points.empty:
    st.info(
        t(
            "Trattdiagram finns bara för andelar och kvoter med publicerade värden.",
            "Funnel plots exist only for proportions and rates with published values.",
        )
    )
else:
    st.plotly_chart(
        charts.funnel(
            points,
            curve,
            y_title=unit,
            x_title=t(
                "Nämnare (befolkning/elever), log-skala",
                "Denominator (population/pupils), log scale",
            ),
            lang=ui.lang(),
        ),
        width="stretch",
        key="funnel",
    )
    if curve.attrs.get("adjusted"):
        phi = ui.fmt_num(curve.attrs["phi"], decimals=1)
        st.caption(
            t(
                f"Trattdiagram med gränser vidgade för överspridning (φ = {phi}): distrikten "
                "skiljer sig mer än slumpen förklarar, så gränserna räknar med den vanliga "
                "skillnaden mellan distrikt. Områden utanför de streckade gränserna (99,8 %) "
                "avviker mer än distrikt brukar göra. Prickade områden visas inte.",
                f"Funnel plot with limits widened for overdispersion (φ = {phi}): the districts "
                "differ more than chance explains, so the limits allow for the usual difference "
                "between districts. Districts outside the dashed limits (99.8%) differ more than "
                "districts usually do. Suppressed districts are not shown.",
            )
        )
    else:
        st.caption(
            t(
                "Trattdiagram: områden utanför de streckade gränserna (99,8 %) avviker mer än "
                "slumpen förklarar. Större områden har smalare gränser. Prickade områden visas "
                "inte.",
                "Funnel plot: districts outside the dashed limits (99.8%) differ more than chance "
                "explains. Larger districts have narrower limits. Suppressed districts are not "
                "shown.",
            )
        )
for note in ui.statistics_notes(rows):
    st.info(note)
ui.show_table(rows, ind)
ui.download_buttons(rows, ind, stem=f"uvts_jamforelse_{ind_id}_{period}", key="jamforelse")
