"""Översikt: map of one indicator by district with a table beside it, what changed since last
period, and the Fingertips-style overview grid (every indicator × the focus districts)."""

import streamlit as st

import ui
from geo import PLACE
from indicators.changes import significant_changes
from ui import maps

ui.page_guard("oversikt")
t = ui.t
ind_id, ind, period, rows = ui.indicator_view()

st.title(t("Översikt", "Overview"))
unit = ui.indicator_unit(ind)
st.caption(
    f"{ui.indicator_name(ind)} · {unit} · {t('period', 'period')} {period} · "
    + t("klicka på ett område för dess profil", "click a district for its profile")
)
left, right = st.columns([1, 1])
with left:
    scheme = maps.select_scheme(key="oversikt_scheme")
    clicked = maps.district_choropleth(
        rows, ind, key="oversikt-map", height=400, scheme=scheme, cache_key=(ind_id, period)
    )
with right:
    # Sweden (real national statistics, where there are any) as a second benchmark row.
    national = ui.values_with_sweden(indicator_id=ind_id, period=period)
    ui.show_table(national, ind, height=300)
    for note in ui.statistics_notes(rows):
        st.caption(note)
    ui.download_buttons(rows, ind, stem=f"uvts_{ind_id}_{period}", key="oversikt", geojson=True)
    ui.brief_download(period, key="brief")
    # The one rule and order (indicators.changes): the council brief lists the same changes.
    changes = ui.derived(
        "changes",
        lambda: significant_changes(
            ui.values(), ui.catalogue(), period=period, areas=ui.focus_districts()
        ),
        period,
    )
    st.markdown(
        f"**{t('Förändrat sedan förra året (signifikant)', 'Changed since last year (significant)')}**"
    )
    if changes.empty:
        st.caption(
            t(
                "Inga signifikanta förändringar i fokusområdena.",
                "No significant changes in the focus districts.",
            )
        )
    for _, c in changes.iterrows():
        st.markdown("- " + ui.change_text(c))
    ui.since_meeting_section()
if clicked:
    st.query_params["area"] = clicked
    st.switch_page("pages/omradesprofil.py")

st.subheader(t("Alla indikatorer i fokusområdena", "All indicators in the focus districts"))
st.caption(
    t(
        f"Jämfört med {PLACE.name_municipality} samma år. Färg och symbol betyder samma sak: ▲/▼ signifikant "
        "högre/lägre (röd = sämre, blå = bättre), ● ingen signifikant skillnad, – prickad.",
        f"Compared with {PLACE.name_municipality_en} the same year. Colour and symbol say the same: ▲/▼ "
        "significantly higher/lower (red = worse, blue = better), ● no significant difference, – suppressed.",
    )
)
st.dataframe(ui.tartan(period=period), width="stretch")
_all = ui.values()
partial_note = ui.partial_benchmark_note(
    _all[(_all["period"] == period) & _all["area_code"].isin(ui.focus_districts())]
)
if partial_note:
    st.caption(partial_note)
