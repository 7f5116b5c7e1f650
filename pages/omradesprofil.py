"""Områdesprofil: one district against the municipality on every indicator (spine chart),
risk and protective side by side, with the composite ranks and their intervals."""

import pandas as pd
import streamlit as st

import ui
from common.fmt import fmt_interval, fmt_value
from common.periods import is_year
from geo import PLACE
from indicators.compare import spine_data
from indicators.disclosure import PROTECTED, PROTECTED_EN
from ui import charts


def _verdict_second(columns: dict, *, verdict: str) -> pd.DataFrame:
    """The table with the verdict right after the indicator, as on Översikt: at 1280 px the
    fourth column was cut off at the grid's edge (issue 14)."""
    frame = pd.DataFrame(columns)
    order = [frame.columns[0], verdict, *[c for c in frame.columns[1:] if c != verdict]]
    return frame[order]


ui.page_guard("omradesprofil")
t = ui.t
a = ui.areas()
districts = a[a["level"] == "district"].sort_values("sort_order")
names = dict(zip(districts["code"], districts["name"], strict=True))
wanted = st.query_params.get("area")
if "profile_area" not in st.session_state:
    st.session_state["profile_area"] = wanted if wanted in names else ui.focus_districts()[0]
area = st.sidebar.selectbox(
    t("Område", "District"), list(names), key="profile_area", format_func=names.get
)
st.query_params["area"] = area
periods = ui.derived(
    "years", lambda: sorted({p for p in ui.values()["period"] if is_year(p)}, reverse=True)
)
period = st.sidebar.selectbox(t("Period", "Period"), periods, key="profile_period")

st.title(f"{t('Områdesprofil', 'District profile')}: {names[area]}")
catalogue = ui.catalogue()
rows = ui.derived(
    "spine",
    lambda: spine_data(
        ui.values(),
        catalogue,
        area_code=area,
        period=period,
        municipality_code=ui.municipality_code(),
    ),
    area,
    period,
)
# Sweden beside the municipality: its value and the verdict against it (indicators.national).
national = ui.values_with_sweden(period=period)
mine = national[national["area_code"] == area]
if not rows.empty:
    rows = rows.merge(
        mine[["indicator_id", "sweden_value", "verdict_sweden"]], on="indicator_id", how="left"
    )
st.caption(
    t(
        "Varje rad: grå stapel = spridningen mellan områdena (mörkare = mittersta hälften), "
        f"svart linje = {PLACE.name}, markören = området. Höger är alltid bättre. Symbol och text visar "
        f"om skillnaden mot {PLACE.name} är statistiskt säker.",
        f"Each row: grey bar = range across districts (darker = middle half), black line = {PLACE.name}, "
        "marker = the district. Right is always better. Symbol and text say whether the "
        f"difference from {PLACE.name} is statistically significant.",
    )
)
st.markdown(
    t(
        f"**Markörer:** ✕ signifikant sämre än {PLACE.name} · ★ signifikant bättre · "
        "▲/▼ signifikant högre/lägre (ingen riktning) · ● ingen signifikant skillnad · "
        "– prickat (för få)",
        f"**Markers:** ✕ significantly worse than {PLACE.name} · ★ significantly better · "
        "▲/▼ significantly higher/lower (no direction) · ● no significant difference · "
        "– suppressed (too few)",
    )
)
# Compared with Umeå: say so when Umeå's value is only a partial sum (issue 16).
_here = ui.values()
partial_note = ui.partial_benchmark_note(
    _here[(_here["area_code"] == area) & (_here["period"] == period)]
)
if partial_note:
    st.warning(partial_note, icon="⚠️")
cols = st.columns(2)
for col, role, title in (
    (cols[0], "risk", t("Riskfaktorer", "Risk factors")),
    (cols[1], "protective", t("Skyddsfaktorer", "Protective factors")),
):
    part = rows[rows["role"] == role] if not rows.empty else rows
    with col:
        st.subheader(title)
        if part.empty:
            st.info(t("Inga värden.", "No values."))
            continue
        st.plotly_chart(
            ui.derived(  # the figure once per (version, role, district, period, side, language)
                "spine_figure",
                lambda part=part: charts.spine(part, lang=ui.lang(), verdict_text=ui.verdict_text),
                area,
                period,
                role,
                ui.lang(),
            ),
            width="stretch",
            key=f"spine-{role}",
        )
        st.dataframe(
            _verdict_second(
                {
                    t("Indikator", "Indicator"): part[
                        "name_sv" if ui.lang() == "sv" else "name_en"
                    ],
                    t(f"Värde ({ui.ci_heading()})", f"Value ({ui.ci_heading()})"): [
                        "–"
                        if s
                        else f"{fmt_value(v, kind=k, multiplier=m, lang=ui.lang())} "
                        f"({fmt_interval(lo, hi, kind=k, multiplier=m, lang=ui.lang())})"
                        for v, lo, hi, k, m, s in zip(
                            part["value"],
                            part["lower"],
                            part["upper"],
                            part["kind"],
                            part["multiplier"],
                            part["suppressed"],
                            strict=True,
                        )
                    ],
                    f"{PLACE.name}": [
                        fmt_value(v, kind=k, multiplier=m, lang=ui.lang())
                        for v, k, m in zip(
                            part["municipality_value"],
                            part["kind"],
                            part["multiplier"],
                            strict=True,
                        )
                    ],
                    t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"): [
                        t(PROTECTED, PROTECTED_EN) if s else ui.verdict_text(v)
                        for v, s in zip(part["verdict"], part["suppressed"], strict=True)
                    ],
                    t("Sverige", "Sweden"): [
                        fmt_value(v, kind=k, multiplier=m, lang=ui.lang())
                        for v, k, m in zip(
                            part["sweden_value"], part["kind"], part["multiplier"], strict=True
                        )
                    ],
                    t("Jämfört med Sverige", "Compared with Sweden"): [
                        ui.verdict_text(v) for v in part["verdict_sweden"]
                    ],
                },
                verdict=t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"),
            ),
            hide_index=True,
            width="stretch",
            column_config={
                t("Indikator", "Indicator"): st.column_config.TextColumn(width="medium"),
                t(
                    f"Värde ({ui.ci_heading()})", f"Value ({ui.ci_heading()})"
                ): st.column_config.TextColumn(width=170),
                f"{PLACE.name}": st.column_config.TextColumn(width="small"),
                t(
                    f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"
                ): st.column_config.TextColumn(width=215, help=ui.verdict_help()),
            },
        )

st.subheader(t("Bakgrund (verklig offentlig statistik)", "Context (real public statistics)"))
st.caption(
    t(
        "Bakgrundsmått är varken risk- eller skyddsfaktorer och ingår inte i något index; "
        "jämförelsen säger bara högre eller lägre. Födelseland beskriver befolkningen, inget annat.",
        "Context measures are neither risk nor protective factors and are in no index; the "
        "comparison says only higher or lower. Birth region describes the population, nothing else.",
    )
)
context_ids = [i.id for i in catalogue.values() if i.role == "context"]
ctx = mine[mine["indicator_id"].isin(context_ids)]
muni = national[
    (national["area_code"] == ui.municipality_code()) & (national["period"] == period)
].set_index("indicator_id")["value"]
if ctx.empty:
    st.info(t("Inga bakgrundsvärden för året.", "No context values for the year."))
else:
    lg = ui.lang()
    st.dataframe(
        pd.DataFrame(
            {
                t("Mått", "Measure"): [catalogue[i].text("name", lg) for i in ctx["indicator_id"]],
                t("Området", "District"): [
                    "–"
                    if s
                    else fmt_value(
                        v, kind=catalogue[i].kind, multiplier=catalogue[i].multiplier, lang=lg
                    )
                    for i, v, s in zip(
                        ctx["indicator_id"], ctx["value"], ctx["suppressed"], strict=True
                    )
                ],
                t("Kommunen", "Municipality"): [
                    fmt_value(
                        muni.get(i),
                        kind=catalogue[i].kind,
                        multiplier=catalogue[i].multiplier,
                        lang=lg,
                    )
                    for i in ctx["indicator_id"]
                ],
                t("Sverige", "Sweden"): [
                    fmt_value(
                        v, kind=catalogue[i].kind, multiplier=catalogue[i].multiplier, lang=lg
                    )
                    for i, v in zip(ctx["indicator_id"], ctx["sweden_value"], strict=True)
                ],
                t("Jämfört med kommunen", "Compared with the municipality"): [
                    ui.verdict_text(v) for v in ctx["verdict"]
                ],
                t("Jämfört med Sverige", "Compared with Sweden"): [
                    ui.verdict_text(v) for v in ctx["verdict_sweden"]
                ],
                t("Data", "Data"): [
                    t("Syntetisk (demo)", "Synthetic (demo)") if s else t("Verklig", "Real")
                    for s in ctx["synthetic"].astype(bool)
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )

st.subheader(
    t("Sammanvägda index (områden, inte personer)", "Composite indices (places, not people)")
)
ranks = ui.composite_ranks(period)
me = ranks[ranks["area_code"] == area]
c1, c2 = st.columns(2)
for col, role, title in (
    (c1, "risk", t("Riskindex", "Risk index")),
    (c2, "protective", t("Skyddsindex", "Protective index")),
):
    r = me[me["role"] == role]
    label = r[f"label_{ui.lang()}"].iloc[0] if not r.empty else "–"
    col.metric(title, label)
st.caption(
    t(
        "Rang 1 = högst index av områdena. Intervallet kommer från 1 000 simuleringar över "
        "mätosäkerhet, vikter och normalisering; överlappande intervall betyder att områdena inte "
        "kan rangordnas säkert.",
        "Rank 1 = highest index among districts. The interval comes from 1,000 simulations over "
        "sampling error, weights and normalisation; overlapping intervals mean the districts "
        "cannot be ranked reliably.",
    )
)
