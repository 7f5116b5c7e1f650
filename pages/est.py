"""EST – veckans lägesbild: incidents on the 250 m grid, activities, weekday × hour, this week
against the previous eight, hotspots, and the weekly brief. Grid cells only for the EST role;
every other role sees protected four-week period totals only (access.reads.est_week decides;
docs/disclosure.md §6)."""

import pandas as pd
import streamlit as st

import ui
from common.fmt import fmt_int, fmt_week
from geo import PLACE

ui.page_guard("est")
t = ui.t
week, prev_n, show_activities = ui.est_controls()
data = ui.est_week(week, prev_n)
cells_allowed = "cells" in data

st.title(t("EST – veckans lägesbild", "EST – weekly situation"))
if not cells_allowed:
    ui.est_public(data)
    st.stop()
week_label = fmt_week(week, lang=ui.lang())  # "v. 48 2025" / "week 48 2025"
st.caption(
    f"{week_label} · {t('händelser i 250-metersrutor, aldrig adresser', 'incidents in 250 m cells, never addresses')}"
    if cells_allowed
    else f"{week_label} · {t('områdestotaler; små tal prickas', 'district totals; small numbers suppressed')}"
)
total = data["municipality"]
m1, m2, m3 = st.columns(3)
m1.metric(
    t("Händelser denna vecka", "Incidents this week"), fmt_int(total["count"], lang=ui.lang())
)
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
        t("Bedömning", "Assessment"): d["label"].fillna("").map(ui.est_label),
    }
)

hot = ui.est_hotspots(week)
activities = data["activities"]
left, right = st.columns([3, 2])
with left:
    picked = ui.est_map(data["cells"], hot, activities if show_activities else None, prev_n=prev_n)
    if picked and picked != st.session_state.get("est_last_pick"):
        st.session_state["est_last_pick"] = picked
        st.session_state["est_plan_cell"] = picked  # pre-fills "plan an activity here"
with right:
    ui.est_hotspot_list(week, hot, activities)
    if not activities.empty:
        held = int((activities["status"] != "planerad").sum())
        planned = int((activities["status"] == "planerad").sum())
        st.markdown(
            t(
                f"**Aktiviteter denna vecka:** {held} genomförda · {planned} planerade",
                f"**Activities this week:** {held} held · {planned} planned",
            )
        )
with st.expander(t("Så räknas hotspots", "How hotspots are computed")):
    st.caption(ui.hotspot_caveat())
st.dataframe(table, hide_index=True, width="stretch", height=260)
st.caption(ui.excess_caveat())
c1, c2 = st.columns(2)
with c1:
    ui.est_weekday_hour(data)
with c2:
    by_type, by_partner = st.tabs([t("Per typ", "By type"), t("Per rapportör", "By partner")])
    for tab, frame, col, label in (
        (by_type, data["by_type"], "type", t("Typ", "Type")),
        (by_partner, data["by_partner"], "partner", t("Rapportör", "Partner")),
    ):
        tab.dataframe(
            pd.DataFrame(
                {
                    label: frame[col].map(ui.est_word),
                    t("Antal", "Count"): frame["count"].map(lambda x: ui.fmt_num(x, decimals=0)),
                    t("Snitt 8 v.", "Mean 8 wks"): frame["previous_mean"].map(
                        lambda x: ui.fmt_num(x, decimals=1)
                    ),
                }
            ),
            hide_index=True,
            width="stretch",
            height=240,
        )
ui.est_forms_and_brief(week)
