"""The page guard, and the one place that patches Streamlit's legacy ``pages/`` mode.

Streamlit (pinned 1.67) still treats a folder named ``pages/`` beside the entry script as
legacy auto-pages (MPA v1) until the first ``st.navigation`` call of the server: the first
``PagesManager`` of a fresh server sets ``PagesManager.uses_pages_directory`` to True, and a
run in that mode may execute a page script without dashboard.py (no role, no banner) and gives
the entry script's widgets other identities, so a session's first widget change was lost.
This app navigates with ``st.navigation`` only, so the mode is switched off here.
tests/ui/test_guard.py fails when a Streamlit upgrade changes that behaviour (then this patch
can go).
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from access import may_open
from ui.i18n import t
from ui.widgets import select_level


def leave_legacy_pages_mode() -> bool:
    """Switch off Streamlit's legacy ``pages/`` mode for the server; True if it was on (or
    undecided), so the caller can rerun before any widget exists."""
    if PagesManager.uses_pages_directory is False:
        return False
    PagesManager.uses_pages_directory = False
    return True


#: Pages that compare with Umeå and so offer the confidence level (ui.widgets.select_level).
LEVEL_PAGES = frozenset({"oversikt", "karta", "trender", "omradesprofil", "jamforelse"})


def page_guard(page_id: str) -> None:
    """First line of every page: run only through dashboard.py's navigation, and only for a role
    that may open it.

    On a fresh server the first deep link (e.g. /trender) can run a page script directly,
    without the entry script (legacy ``pages/`` mode, see the module docstring). Then nothing
    of dashboard.py ran — no role, no banner — so send the visitor through the entry script
    and on to the page it asked for.
    """
    if not st.session_state.get("_entry_seen", False):
        leave_legacy_pages_mode()  # from now on every run starts in dashboard.py
        st.session_state["_deep_link"] = page_id
        st.switch_page("dashboard.py", query_params=st.query_params.to_dict())
    role = st.session_state.get("app_role", "publik")
    if not may_open(role, page_id):
        st.error(
            t(
                "Din roll har inte behörighet till den här sidan.",
                "Your role may not open this page.",
            )
        )
        st.stop()
    if page_id in LEVEL_PAGES:
        select_level()  # 95 % or 99,8 %: the page's intervals and verdicts (issue 16)
