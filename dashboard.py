"""UVTS dashboard entry: navigation, language, shared filters and the demo banner.

``streamlit run dashboard.py`` — no computation here; pages read from indicators/ and geo/.
"""

from __future__ import annotations

import streamlit as st

import ui
from access import allowed_pages
from geo import PLACE
from ui import auth

# This app navigates with st.navigation only; Streamlit's legacy pages/ mode is switched off
# in one place, ui.guard (why, and the test that notices a Streamlit upgrade, are there).
# A run that started in that legacy mode is rerun at once, before any widget exists: widget
# identities differ between the modes, so the first change of a sidebar widget was lost.
if ui.leave_legacy_pages_mode() and "_entry_seen" not in st.session_state:
    st.rerun()  # a session's first run only

st.set_page_config(
    page_title=f"UVTS – {PLACE.programme}",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="expanded",
)

if "lang" not in st.session_state:
    st.session_state["lang"] = "en" if st.query_params.get("lang") == "en" else "sv"
if "english" not in st.session_state:  # default via state: see ui/auth.py
    st.session_state["english"] = st.session_state["lang"] == "en"
english = st.sidebar.toggle("English", key="english")
st.session_state["lang"] = "en" if english else "sv"
if english:
    st.query_params["lang"] = "en"
else:
    st.query_params.pop("lang", None)
t = ui.t
# Projector-friendly: less empty space above the content.
st.html(
    "<style>.block-container{padding-top:1.2rem;padding-bottom:1rem}"
    "h1{padding-top:0.2rem;padding-bottom:0.2rem;font-size:2rem !important}</style>"
)

ui.store()  # stops with a readable message if the database is unreachable

role = auth.current_role()
PAGES = {
    "oversikt": st.Page(
        "pages/oversikt.py", title=t("Översikt", "Overview"), url_path="oversikt", default=True
    ),
    "karta": st.Page("pages/karta.py", title=t("Karta", "Map"), url_path="karta"),
    "trender": st.Page("pages/trender.py", title=t("Trender", "Trends"), url_path="trender"),
    "omradesprofil": st.Page(
        "pages/omradesprofil.py",
        title=t("Områdesprofil", "District profile"),
        url_path="omradesprofil",
    ),
    "jamforelse": st.Page(
        "pages/jamforelse.py", title=t("Jämförelse", "Comparison"), url_path="jamforelse"
    ),
    "insatser": st.Page(
        "pages/insatser.py", title=t("Insatser", "Interventions"), url_path="insatser"
    ),
    "est": st.Page("pages/est.py", title=t("EST – lägesbild", "EST – situation"), url_path="est"),
    "data": st.Page("pages/data.py", title=t("Data", "Data"), url_path="data"),
    "om-metod": st.Page(
        "pages/om_metod.py", title=t("Om & metod", "About & method"), url_path="om-metod"
    ),
    "admin": st.Page(
        "pages/admin.py", title=t("Administration", "Administration"), url_path="admin"
    ),
}
allowed = [key for key in PAGES if key in allowed_pages(role)]
nav = st.navigation([PAGES[key] for key in allowed])
deep_link = st.session_state.pop("_deep_link", None)
if deep_link in allowed and deep_link != "oversikt":
    st.session_state["_entry_seen"] = True
    st.switch_page(PAGES[deep_link], query_params=st.query_params.to_dict())

st.sidebar.caption(
    t(f"{PLACE.council} · {PLACE.programme}", f"{PLACE.council} · {PLACE.programme_en}")
)
if ui.is_demo() and ui.has_public_data():
    st.warning(
        t(
            "**Demodata – syntetiska värden, blandat med verklig offentlig statistik.** Bakgrundsmåtten från SCB "
            "(RegSO) och alla värden för Sverige är verkliga; övriga värden är syntetiska tills "
            "kommunens egna data har lästs in. Kolumnen *Data* visar vilket varje värde är.",
            "**Demo data – synthetic values, mixed with real public statistics.** The SCB (RegSO) context measures "
            "and every value for Sweden are real; the other values are synthetic until the "
            "municipality's own data is imported. The *Data* column says which each value is.",
        ),
        icon="⚠️",
    )
elif ui.is_demo():
    st.warning(
        t(
            "**Demodata – syntetiska värden.** Inga siffror beskriver verkliga förhållanden "
            "förrän riktiga data har lästs in.",
            "**Demo data – synthetic values.** No figure describes real conditions until "
            "real data has been imported.",
        ),
        icon="⚠️",
    )
st.session_state["_entry_seen"] = True  # read by ui.page_guard at the top of every page
nav.run()
