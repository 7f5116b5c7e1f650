"""Who is using the app and in which role: OIDC sign-in in production, a clearly labelled role
switcher in demo mode (only when the database holds nothing but synthetic data)."""

from __future__ import annotations

import streamlit as st

from access import ROLE_LABELS, ROLES
from pages import ui


def demo_switcher_allowed() -> bool:
    """The switcher exists only on a database with nothing but demo (synthetic) data."""
    return ui.is_demo()


def current_role() -> str:
    """The role of this session; 'publik' unless signed in or switched in demo mode."""
    if demo_switcher_allowed():
        st.sidebar.markdown(f"**{ui.t('Demoläge: välj roll', 'Demo mode: choose role')}**")
        role = st.sidebar.selectbox(ui.t("Roll (endast demo)", "Role (demo only)"), ROLES, index=1,
                                    key="role", format_func=lambda r: ROLE_LABELS[r][ui.lang()])
        st.session_state["user_name"] = f"demo-{role}"
        return role
    st.session_state.pop("role", None)
    return "publik"
