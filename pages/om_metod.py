"""Om & metod: the indicator catalogue, the methods, the suppression rule and privacy — all from data."""

import html

import streamlit as st

import ui
from catalogue import FAMILY_LABELS, ROLE_LABELS, indicators_by_family
from geo import PLACE
from indicators.about import method_sections

ui.page_guard("om-metod")
t = ui.t
lg = ui.lang()
st.title(t("Om & metod", "About & method"))
st.markdown(
    t(
        f"Instrumentpanelen visar risk- och skyddsfaktorer per område för programmet "
        f"*{PLACE.programme}* ({PLACE.council}). Den bygger på sammanställda uppgifter om "
        "platser, aldrig om personer.",
        f"The dashboard shows risk and protective factors per district for the programme "
        f"*{PLACE.programme}* ({PLACE.council}). It uses aggregated data about places, never "
        "about people.",
    )
)

tab_ind, tab_method, tab_sources = st.tabs(
    [
        t("Indikatorer", "Indicators"),
        t("Metod och integritet", "Method and privacy"),
        t("Källor", "Sources"),
    ]
)
with tab_ind:
    for family, members in indicators_by_family(catalogue=ui.catalogue()).items():
        if not members:
            continue
        st.subheader(FAMILY_LABELS.get(family, {}).get(lg, family))
        for ind in members:
            role = ROLE_LABELS.get(ind.role, {}).get(lg, ind.role).lower()
            with st.expander(f"{ui.indicator_name(ind)} — {role}"):
                st.markdown(
                    "\n".join(
                        [
                            f"- **{t('Enhet', 'Unit')}:** {html.escape(ind.text('unit', lg))}",
                            f"- **{t('Täljare', 'Numerator')}:** {html.escape(ind.text('numerator', lg))}",
                            f"- **{t('Nämnare', 'Denominator')}:** {html.escape(ind.text('denominator', lg))}",
                            f"- **{t('Ålder', 'Age band')}:** {html.escape(ind.age_band)}",
                            f"- **{t('Källa', 'Source')}:** {html.escape(ind.source)} "
                            f"({html.escape(ind.update_frequency)})",
                            f"- **{t('Varför', 'Why')}:** {html.escape(ind.text('rationale', lg))}",
                            f"- **{t('Referens', 'Reference')}:** {html.escape(ind.reference)}",
                            f"- **{t('Förbehåll', 'Caveats')}:** {html.escape(ind.text('caveats', lg))}",
                        ]
                    )
                )
with tab_method:
    for title, text in method_sections(lg):
        st.subheader(title)
        st.markdown(text)
with tab_sources:
    st.markdown(
        t(
            "Varifrån de inlästa siffrorna kommer, per import: myndighetens tabell, var filen "
            "hämtades, när och under vilken licens. Den verkliga offentliga statistiken som följer "
            "med programmet (SCB RegSO, Skolverket) läses in bredvid demodata; kolumnen *Data* i "
            "tabellerna och *synthetic* i exporterna visar per värde om det är verkligt eller "
            "syntetiskt. Källa: SCB. Källa: Skolverket.",
            "Where the loaded figures come from, per import: the agency's table, where the file "
            "was retrieved, when and under which licence. The real public statistics shipped with "
            "the app (SCB RegSO, Skolverket) are loaded beside the demo data; the *Data* column in "
            "tables and *synthetic* in exports say per value whether it is real or synthetic. "
            "Source: SCB. Source: Skolverket.",
        )
    )
    sources = ui.provenance_table()
    if sources.empty:
        st.info(t("Inga importer med källuppgifter ännu.", "No imports with provenance yet."))
    else:
        ui.dataframe(sources, hide_index=True, width="stretch")  # source texts are user text
