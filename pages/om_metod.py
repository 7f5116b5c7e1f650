"""Om & metod: the indicator catalogue, the methods, the suppression rule and privacy — all from data."""

import html

import streamlit as st

import ui
from catalogue import FAMILY_LABELS
from indicators.about import method_sections

ui.page_guard("om-metod")
t = ui.t
lg = ui.lang()
st.title(t("Om & metod", "About & method"))
st.markdown(
    t(
        "Instrumentpanelen visar risk- och skyddsfaktorer per område för programmet *Umeå växer tryggt "
        "och säkert* (Umebrå). Den bygger på sammanställda uppgifter om platser, aldrig om personer.",
        "The dashboard shows risk and protective factors per district for the programme *Umeå växer "
        "tryggt och säkert* (Umebrå). It uses aggregated data about places, never about people.",
    )
)

tab_ind, tab_method = st.tabs(
    [t("Indikatorer", "Indicators"), t("Metod och integritet", "Method and privacy")]
)
with tab_ind:
    cat = ui.catalogue_frame()
    for family, part in cat.groupby("family", sort=False):
        st.subheader(FAMILY_LABELS.get(family, {}).get(lg, family))
        for _, ind in part.iterrows():
            role = (
                t("riskfaktor", "risk factor")
                if ind["role"] == "risk"
                else t("skyddsfaktor", "protective factor")
            )
            with st.expander(f"{ui.indicator_name(ind)} — {role}"):
                s = "sv" if lg == "sv" else "en"
                st.markdown(
                    "\n".join(
                        [
                            f"- **{t('Enhet', 'Unit')}:** {html.escape(str(ind[f'unit_{s}']))}",
                            f"- **{t('Täljare', 'Numerator')}:** {html.escape(str(ind[f'numerator_{s}']))}",
                            f"- **{t('Nämnare', 'Denominator')}:** {html.escape(str(ind[f'denominator_{s}']))}",
                            f"- **{t('Ålder', 'Age band')}:** {html.escape(str(ind['age_band']))}",
                            f"- **{t('Källa', 'Source')}:** {html.escape(str(ind['source']))} "
                            f"({html.escape(str(ind['update_frequency']))})",
                            f"- **{t('Varför', 'Why')}:** {html.escape(str(ind[f'rationale_{s}']))}",
                            f"- **{t('Referens', 'Reference')}:** {html.escape(str(ind['reference']))}",
                            f"- **{t('Förbehåll', 'Caveats')}:** {html.escape(str(ind[f'caveats_{s}']))}",
                        ]
                    )
                )
with tab_method:
    for title, text in method_sections(lg):
        st.subheader(title)
        st.markdown(text)
