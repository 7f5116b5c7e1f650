"""UVTS dashboard entry: navigation, language, shared filters and the demo banner.

``streamlit run dashboard.py`` — no computation here; pages read from indicators/ and geo/.
"""

from __future__ import annotations

import streamlit as st

import ui
from access import allowed_pages
from common.fmt import fmt_int
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
# Projector-friendly: little empty space, but the content (demo banner, page title) starts
# below Streamlit's fixed header (3.75rem high), never under it.
st.html(
    "<style>.block-container{padding:4.25rem 2rem 1rem 2rem;max-width:none}"
    "h1{padding-top:0.2rem;padding-bottom:0.2rem;font-size:2rem !important}"
    # Streamlit's grey captions fail WCAG AA contrast on the grey sidebar (axe-core): darker
    "[data-testid='stCaptionContainer']{color:#4d4d4d !important;opacity:1 !important}</style>"
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


def refusal(key: str) -> st.Page:
    """A hidden stand-in at the address of a page the role may not open: it says so in the UI
    language and links to Översikt. It never runs the page's file (the page is not registered),
    and Streamlit does not show its own English "Page not found" for a typed or stale address.
    """

    def refused() -> None:
        st.title(PAGES[key].title)
        st.warning(
            t(
                f"Sidan ”{PAGES[key].title}” är inte öppen för din roll. Byt roll eller logga "
                "in med ett konto som har behörighet.",
                f"The page '{PAGES[key].title}' is not open to your role. Switch role or sign "
                "in with an account that may open it.",
            ),
            icon="🔒",
        )
        st.page_link(PAGES["oversikt"], label=t("Till Översikt", "Go to the Overview"))

    refused.__name__ = f"refused_{key.replace('-', '_')}"
    return st.Page(refused, title=PAGES[key].title, url_path=key, visibility="hidden")


nav = st.navigation(
    [PAGES[key] for key in allowed] + [refusal(key) for key in PAGES if key not in allowed]
)
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
elif (left := ui.synthetic_left()) > 0:
    # Real data arrived while the demo stays loaded: never let the mix pass as real (issue 14).
    st.warning(
        t(
            f"**Blandat: syntetiska demodata finns kvar bredvid verkliga data** "
            f"({fmt_int(left)} påhittade rader). Siffror, jämförelser med {PLACE.name} och "
            "kartor bygger på båda tills demodatan tas bort: en inloggad analytiker återställer "
            "demo-importerna på sidan Data, eller med `.venv/bin/python -m sources rollback ID` "
            "(id:n visar `… sources batches`).",
            f"**Mixed: synthetic demo data are still loaded beside real data** "
            f"({fmt_int(left, lang='en')} made-up rows). Figures, comparisons with {PLACE.name} "
            "and maps rest on both until the demo data is removed: a signed-in analyst rolls back "
            "the demo imports on the Data page, or with `.venv/bin/python -m sources rollback "
            "ID` (ids from `… sources batches`).",
        ),
        icon="⚠️",
    )
st.session_state["_entry_seen"] = True  # read by ui.page_guard at the top of every page
nav.run()
