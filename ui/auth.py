"""Who is using the app and in which role.

* Production: Streamlit's built-in OIDC sign-in (``st.login``) when ``.streamlit/secrets.toml``
  has an ``[auth]`` section (docs/deployment.md).  The role comes from the admin-managed
  ``user_role`` table if it names the user — by the provider's subject (``UVTS_SUBJECT_CLAIM``,
  default ``sub``), or by e-mail only when ``email_verified`` is true
  (:func:`access.subject_keys`) — else from the identity provider's claim named by
  ``UVTS_ROLE_CLAIM`` (default ``role``), else ``publik``.  Anyone not signed in is ``publik``;
  ``UVTS_REQUIRE_SIGNIN=1`` shows nothing but the sign-in button until signed in.
* Demo mode: a clearly labelled role switcher, only when no sign-in is configured, the
  database is in demo state (``store.demo_state``: loaded as a demo, closed for good by the
  first real import) and demo mode is allowed there (``UVTS_DEMO=1`` or SQLite).

The role is kept in ``st.session_state["app_role"]``; pages read data through
:mod:`access.reads` with it, so hiding a page is not the only barrier.
"""

from __future__ import annotations

import os

import streamlit as st

import ui
from access import LEAST_ROLE, ROLE_LABELS, ROLES
from access.app import demo_allowed
from access.reads import database_mode, record_signin, role_for_sign_in
from common.personal_numbers import mask

ROLE_CLAIM_ENV = "UVTS_ROLE_CLAIM"
SUBJECT_CLAIM_ENV = "UVTS_SUBJECT_CLAIM"
PROVIDER_ENV = "UVTS_AUTH_PROVIDER"
REQUIRE_SIGNIN_ENV = "UVTS_REQUIRE_SIGNIN"


def auth_configured() -> bool:
    """True when ``st.secrets`` has an ``[auth]`` section (production sign-in)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets file at all
        return False


def demo_switcher_allowed() -> bool:
    """The switcher exists only without sign-in, on a database in demo state (loaded as a
    demo, never real data since) and where demo mode is allowed (``UVTS_DEMO=1`` or SQLite;
    docs/privacy.md "Demo mode")."""
    if auth_configured():
        return False
    store = ui.store()
    return demo_allowed(store.url) and database_mode(store) == "demo"


def _provider() -> str | None:
    """The ``[auth.<name>]`` provider to use, None for the unnamed one in ``[auth]`` itself."""
    named = os.environ.get(PROVIDER_ENV, "").strip()
    if named:
        return named
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    providers = [k for k, v in section.items() if hasattr(v, "keys")]
    return providers[0] if providers else None


def _claims() -> dict:
    return dict(st.user.to_dict())


def _signed_in_role() -> str:
    """The role of the signed-in user; shows the sign-in / sign-out buttons."""
    if not getattr(st.user, "is_logged_in", False):  # absent where no sign-in ran (AppTest)
        st.session_state["user_name"] = "anonym"
        if os.environ.get(REQUIRE_SIGNIN_ENV, "").strip() in ("1", "true", "yes"):
            st.title(ui.t("Logga in", "Sign in"))
            st.write(
                ui.t(
                    "UVTS-översikten kräver inloggning med kommunens konto.",
                    "The UVTS dashboard requires signing in with the municipal account.",
                )
            )
            if st.button(ui.t("Logga in", "Sign in"), type="primary", key="signin"):
                st.login(_provider())
            st.stop()
        if st.sidebar.button(ui.t("Logga in", "Sign in"), type="primary", key="signin"):
            st.login(_provider())
            st.stop()  # the rest of the run would overwrite the redirect (query params, pages)
        return LEAST_ROLE
    claims = _claims()
    subject_claim = os.environ.get(SUBJECT_CLAIM_ENV, "").strip() or "sub"
    role_claim = os.environ.get(ROLE_CLAIM_ENV, "").strip() or "role"
    role, origin, name = role_for_sign_in(
        ui.store(), claims, subject_claim=subject_claim, role_claim=role_claim
    )
    st.session_state["user_name"] = name
    if st.session_state.get("signin_audited") != name:
        record_signin(ui.store(), user=name, detail=f"roll {role} ({origin})")
        st.session_state["signin_audited"] = name
    display = mask(str(claims.get("name") or name), all_long=True)
    st.sidebar.caption(
        ui.t(
            f"Inloggad: {ui.escape_markdown(display)} · {ROLE_LABELS[role]['sv']}",
            f"Signed in: {ui.escape_markdown(display)} · {ROLE_LABELS[role]['en']}",
        )
    )
    if st.sidebar.button(ui.t("Logga ut", "Sign out"), key="signout"):
        st.session_state.pop("signin_audited", None)
        st.logout()
        st.stop()
    return role


def _demo_role() -> str:
    st.sidebar.markdown(f"**{ui.t('Demoläge: välj roll', 'Demo mode: choose role')}**")
    # Default through session state, not index=: a widget in the entry script that gets both a
    # key and a default falls back to the default on every rerun (seen in Streamlit 1.67).
    # The demo role also lives in the URL (?roll=est), so a demo link opens the same view.
    if st.session_state.get("role") not in ROLES:
        wanted = st.query_params.get("roll")
        st.session_state["role"] = wanted if wanted in ROLES else "rad"
        if wanted is not None and wanted not in ROLES:
            names = ", ".join(ROLES)
            st.warning(
                ui.t(
                    f"Okänd roll i länken: ”{ui.escape_markdown(wanted)[:40]}”. Visar rollen "
                    f"Rådet. Giltiga roller: {names}.",
                    f"Unknown role in the link: '{ui.escape_markdown(wanted)[:40]}'. Showing "
                    f"the Council role. Valid roles: {names}.",
                ),
                icon="❓",
            )
    role = st.sidebar.selectbox(
        ui.t("Roll (endast demo)", "Role (demo only)"),
        ROLES,
        key="role",
        format_func=lambda r: ROLE_LABELS[r][ui.lang()],
        placeholder=ui.t("Välj roll", "Choose a role"),
    )
    st.query_params["roll"] = role
    st.sidebar.caption(
        ui.t(
            "Demoläge: rollväljaren finns bara med syntetiska demodata och utan inloggning.",
            "Demo mode: the role switcher exists only with synthetic demo data and no sign-in.",
        )
    )
    st.session_state["user_name"] = f"demo-{role}"
    return role


def current_role() -> str:
    """The role of this session; 'publik' unless signed in or switched in demo mode.

    Also sets ``st.session_state["app_role"]``, which :func:`ui.values` reads.
    """
    if auth_configured():
        st.session_state.pop("role", None)
        st.query_params.pop("roll", None)
        role = _signed_in_role()
    elif demo_switcher_allowed():
        role = _demo_role()
    else:
        st.session_state.pop("role", None)
        st.query_params.pop("roll", None)  # a demo link opened on a real database: no role
        st.session_state["user_name"] = "anonym"
        role = LEAST_ROLE
    st.session_state["app_role"] = role
    return role
