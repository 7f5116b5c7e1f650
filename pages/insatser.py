"""Insatser: the intervention register and an honest before/after evaluation (issue 13).

Three designs side by side, each with its assumptions; no verdict where the data cannot carry
one. Reads through access with the session's role (docs/evaluation.md).
"""

import streamlit as st

import ui
from ui import insatser_view as view

ui.page_guard("insatser")
t = ui.t

st.title(t("Insatser och effekter", "Interventions and effects"))
frame = view.register()
ui.dataframe(view.register_table(frame), hide_index=True, width="stretch")  # user text
view.register_forms(frame)
if frame.empty:
    st.info(t("Inga insatser registrerade ännu.", "No interventions registered yet."))
    st.stop()

cat = ui.catalogue()
label = dict(zip(frame["id"], frame["name"], strict=True))
left, right = st.columns(2)
iv_id = left.selectbox(
    t("Insats", "Intervention"), frame["id"].tolist(), format_func=label.get, key="iv-id"
)
row = frame.set_index("id").loc[iv_id]
choices = row["targets"] or list(cat)
ind_id = right.selectbox(
    t("Indikator", "Indicator"),
    [i for i in choices if i in cat] + [i for i in cat if i not in choices],
    format_func=lambda i: ui.indicator_name(cat[i]),
    key="iv-ind",
)
ind = cat[ind_id]
with st.spinner(t("Räknar …", "Computing …")):
    result = view.evaluation(iv_id, ind_id)
if result["synthetic"]:
    st.caption(t("Demodata – syntetiska värden.", "Demo data – synthetic values."))
if result["excluded"]:
    st.caption(
        t(
            "Ej jämförelseområden (egen insats på samma indikator): ",
            "Not used for comparison (own intervention on this indicator): ",
        )
        + ", ".join(ui.escape_markdown(c) for c in result["excluded"])
    )
unit = ui.indicator_unit(ind)
for method, column in zip(view.METHODS, st.columns(3), strict=True):
    with column:
        view.design_column(method, result["results"][method], y_title=unit)
view.evaluation_download(result, key="iv-csv")
