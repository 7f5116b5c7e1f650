"""EST – veckans lägesbild: incidents on the 250 m grid, activities, weekday × hour, this week
against the previous eight, hotspots, and the weekly brief. Grid cells only for the EST role;
every other role sees protected four-week period totals only (access.reads.est_week decides;
docs/disclosure.md §6)."""

import pandas as pd
import plotly.express as px
import streamlit as st

import ui
from common.fmt import fmt_int
from geo import PLACE
from indicators import est

ui.page_guard("est")
t = ui.t
week, prev_n, show_activities = ui.est_controls()
data = ui.est_week(week, prev_n)
cells_allowed = "cells" in data

st.title(t("EST – veckans lägesbild", "EST – weekly situation"))
if not cells_allowed:
    ui.est_public(data)
    st.stop()
st.caption(
    f"{data['week_label']} · {t('händelser i 250-metersrutor, aldrig adresser', 'incidents in 250 m cells, never addresses')}"
    if cells_allowed
    else f"{data['week_label']} · {t('områdestotaler; små tal prickas', 'district totals; small numbers suppressed')}"
)
total = data["municipality"]
m1, m2, m3 = st.columns(3)
m1.metric(t("Händelser denna vecka", "Incidents this week"), fmt_int(total["count"]))
m2.metric(
    t("Snitt föregående 8 veckor", "Mean of previous 8 weeks"),
    ui.fmt_num(total["previous_mean"], decimals=1),
)
m3.metric(
    t(f"Fler än vanligt i {PLACE.name}?", f"More than usual in {PLACE.name}?"),
    t("Ja", "Yes") if total["flag"] else t("Nej", "No"),
)
d = data["districts"]
table = pd.DataFrame(
    {
        t("Område", "District"): d["name"],
        t("Denna vecka", "This week"): d["count"].map(fmt_int),
        t("Snitt 8 v.", "Mean 8 wks"): d["previous_mean"].map(lambda x: ui.fmt_num(x, decimals=1)),
        t("Bedömning", "Assessment"): d["label"].fillna(""),
    }
)

left, right = st.columns([3, 2])
with left:
    ui.est_map(
        data["cells"],
        ui.est_hotspots(week),
        data["activities"] if show_activities else None,
        prev_n=prev_n,
    )
    st.caption(est.hotspot_caveats(est.DETECTION_PERMUTATIONS))
with right:
    st.dataframe(table, hide_index=True, width="stretch", height=320)
    st.caption(est.EXCESS_CAVEAT)
c1, c2 = st.columns(2)
with c1:
    fig = px.imshow(
        data["weekday_hour"],
        labels={"x": t("timme", "hour"), "y": "", "color": t("antal", "count")},
        y=[w.capitalize() for w in est.WEEKDAYS_SV],
        aspect="auto",
        color_continuous_scale="Oranges",
    )
    fig.update_layout(
        height=280,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title=t("Veckodag × timme", "Weekday × hour"),
    )
    st.plotly_chart(fig, width="stretch", key="est-heatmap")
with c2:
    by_type, by_partner = st.tabs([t("Per typ", "By type"), t("Per rapportör", "By partner")])
    for tab, frame, col, label in (
        (by_type, data["by_type"], "type", t("Typ", "Type")),
        (by_partner, data["by_partner"], "partner", t("Rapportör", "Partner")),
    ):
        tab.dataframe(
            frame.rename(
                columns={
                    col: label,
                    "count": t("Antal", "Count"),
                    "previous_mean": t("Snitt 8 v.", "Mean 8 wks"),
                }
            ),
            hide_index=True,
            width="stretch",
            height=240,
        )
ui.est_forms_and_brief(week)
